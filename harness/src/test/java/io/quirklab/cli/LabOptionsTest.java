package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The shared lab options: declared once, they reach each command that reads them, before or after a subcommand. */
class LabOptionsTest {
    private static final LabFile WITHOUT_FAULT = LabFile.embedded();
    private static final LabFile CSUM_FFFF = LabFile.embedded().withFault(FaultModel.of("csum-ffff"));

    private static ParseResult parse(String... args) {
        return QuirklabCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())).parseArgs(args);
    }

    /** The command object the parse ended in. */
    @SuppressWarnings("unchecked")
    private static <T> T leaf(ParseResult r) {
        ParseResult p = r;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return (T) p.commandSpec().userObject();
    }

    @Test
    void theSameOptionsLandInRunProbeBisectLabAndBaseline() {
        RunCommand run = leaf(parse("run", "--lab", "l.yaml", "--fault", "custom", "--expr", "ip ttl 1", "--reports", "r", "--state-dir", "s"));
        assertThat(run.lab.file).isEqualTo(Path.of("l.yaml"));
        assertThat(run.fault.applyTo(WITHOUT_FAULT).emulatedFault().orElseThrow()).isEqualTo(FaultModel.custom("ip ttl 1"));
        assertThat(run.reports.dir).isEqualTo(Path.of("r"));
        assertThat(run.stateDir.dir).isEqualTo(Path.of("s"));

        BisectCommand bisect = leaf(parse("bisect", "smdc-tyan", "--fault", "id-echo", "--state-dir", "s"));
        assertThat(bisect.fault.applyTo(WITHOUT_FAULT).emulatedFault().orElseThrow()).isEqualTo(FaultModel.of("id-echo"));
        assertThat(bisect.reports.dir).as("the default").isEqualTo(Path.of("reports"));
        assertThat(bisect.stateDir.dir).isEqualTo(Path.of("s"));

        ProbeCommand probe = leaf(parse("probe", "clean", "--state-dir", "s"));
        assertThat(probe.stateDir.orElse(Path.of("/run/quirklab"))).isEqualTo(Path.of("s"));

        // lab's state dir before or after the subcommand, as the scenario tests and the README write it
        LabCommand.Up before = leaf(parse("lab", "--state-dir", "s1", "up", "--lab", "l.yaml"));
        assertThat(before.parent.stateDir.dir).isEqualTo(Path.of("s1"));
        assertThat(before.labFile.file).isEqualTo(Path.of("l.yaml"));
        LabCommand.Up after = leaf(parse("lab", "up", "--state-dir", "s2"));
        assertThat(after.parent.stateDir.dir).isEqualTo(Path.of("s2"));
        LabCommand.Fault fault = leaf(parse("lab", "fault", "custom", "--expr", "ip ttl 1"));
        assertThat(fault.custom.expression).isEqualTo("ip ttl 1");

        BaselineCommand.ListBaselines list = leaf(parse("baseline", "list", "--reports", "r"));
        assertThat(list.parent.baselines()).isEqualTo(Path.of("r", "baselines"));
    }

    @Test
    void theFaultModelIsTheOneGivenElseTheLabFilesElseDfClear() throws Exception {
        LabOptions.FaultOption none = ((RunCommand) leaf(parse("run"))).fault;
        assertThat(none.applyTo(WITHOUT_FAULT).emulatedFault().orElseThrow()).isEqualTo(FaultModel.of("df-clear"));
        assertThat(none.applyTo(CSUM_FFFF).emulatedFault().orElseThrow()).isEqualTo(FaultModel.of("csum-ffff"));
        LabOptions.FaultOption given = ((RunCommand) leaf(parse("run", "--fault", "trailing-bytes"))).fault;
        assertThat(given.applyTo(CSUM_FFFF).emulatedFault().orElseThrow()).isEqualTo(FaultModel.of("trailing-bytes"));
    }

    @Test
    void anExpressionWithoutTheCustomModelIsRefusedInWords() {
        LabOptions.FaultOption exprOnly = ((BisectCommand) leaf(parse("bisect", "p", "--expr", "ip ttl 1"))).fault;
        assertThatThrownBy(() -> exprOnly.applyTo(WITHOUT_FAULT)).hasMessage("--expr is the expression of --fault custom: add --fault custom");
        LabOptions.FaultOption customOnly = ((BisectCommand) leaf(parse("bisect", "p", "--fault", "custom"))).fault;
        assertThatThrownBy(() -> customOnly.applyTo(WITHOUT_FAULT)).hasMessageContaining("needs an nftables match expression");
    }

    @Test
    void withoutALabFileRunAndBisectTakeTheBuiltInLabOutsideTheProjectRoot() throws Exception {
        // mvn runs tests in harness/, where scenarios/labs/virtual.yaml is not: the built-in virtual lab
        CommandLine cl = QuirklabCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        RunCommand run = leaf(cl.parseArgs("run"));
        assertThat(run.lab.given()).isEmpty();
        assertThat(run.lab.orEmbedded().file()).isNull();
        assertThat(run.lab.orEmbedded().kind().id()).isEqualTo("virtual");
    }
}
