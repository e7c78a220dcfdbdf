package io.quirklab.scenarios;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.Comparison;
import io.quirklab.matrix.FleetMatrix;
import io.quirklab.matrix.MatrixDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two real runs of the main job with different fault models, compared: exactly the cells whose verdict the model
 * changes are listed (df-clear drops the df-clear persona, id-echo the id-echo persona; both drop the SMDC), and a
 * regression makes {@code compare --fail-on-regression} exit non-zero; merged as two machines by {@code fleet merge},
 * exactly those personas differ.
 */
@DisplayName("compare two runs with different fault models")
@Order(60)
class CompareRunsIT {
    @Test
    void compareListsExactlyTheCellsTheFaultModelChanged() throws Exception {
        LabFixture.requirePrerequisites();
        Path work = Scratch.dir("quirklab-compare");
        Path before = run(work, "df-clear");
        Path after = run(work, "id-echo");
        LabFixture.assertNoTrace(work.resolve("state"));

        Comparison c = Comparison.of(MatrixDocument.read(before), MatrixDocument.read(after));
        assertThat(c.changes()).extracting(ch -> ch.kind() + " " + ch.key())
                .containsExactlyInAnyOrder("REGRESSION id-echo x java-lan x offload=on", "FIX df-clear x java-lan x offload=on");

        Path html = work.resolve("diff.html");
        LabFixture.Cli compare = LabFixture.cli("compare", before.toString(), after.toString(), "--html", html.toString());
        assertThat(compare.exit()).as(compare.out() + compare.err()).isZero();
        assertThat(compare.out()).contains("id-echo x java-lan x offload=on").contains("df-clear x java-lan x offload=on")
                .doesNotContain("smdc-tyan x java-lan x offload=on").doesNotContain("clean x java-lan x offload=on");
        assertThat(html).isNotEmptyFile();
        LabFixture.Cli strict = LabFixture.cli("compare", before.toString(), after.toString(), "--fail-on-regression");
        assertThat(strict.exit()).as(strict.out() + strict.err()).isEqualTo(1);
        LabFixture.Cli same = LabFixture.cli("compare", before.toString(), before.toString(), "--fail-on-regression");
        assertThat(same.exit()).as(same.out()).isZero();

        // the two runs as two machines of a fleet: exactly the personas the fault models tell apart differ
        Path fleetJson = work.resolve("fleet.json");
        LabFixture.Cli fleet = LabFixture.cli("fleet", "merge", before.toString(), after.getParent().toString(), "--json", fleetJson.toString(),
                "--html", work.resolve("fleet.html").toString());
        assertThat(fleet.exit()).as(fleet.out() + fleet.err()).isZero();
        FleetMatrix merged = FleetMatrix.read(fleetJson);
        assertThat(merged.machines()).extracting(FleetMatrix.Machine::name).allMatch(n -> n.endsWith("[fault df-clear]") || n.endsWith("[fault id-echo]"));
        assertThat(merged.panels()).extracting(FleetMatrix.Panel::offload).containsExactly(OffloadState.ON);
        assertThat(merged.panel(OffloadState.ON).differing()).containsExactly("df-clear", "id-echo");
        assertThat(merged.panel(OffloadState.ON).cells().get("M1")).filteredOn(FleetMatrix.MachineCell::differs)
                .extracting(FleetMatrix.MachineCell::persona).containsExactly("df-clear", "id-echo");
        assertThat(merged.summary("smdc-tyan")).isEqualTo("dropped everywhere");
        assertThat(merged.summary("id-echo")).startsWith("dropped on ").endsWith("[fault id-echo] with offload on; delivered everywhere else");
        assertThat(merged.summary("df-clear")).startsWith("dropped on ").endsWith("[fault df-clear] with offload on; delivered everywhere else");
        assertThat(fleet.out()).contains("offload=on: differing personas: df-clear, id-echo");
    }

    private static Path run(Path work, String fault) throws Exception {
        Path reports = work.resolve(fault);
        LabFixture.Cli r = LabFixture.cli("run", "--personas", "clean,smdc-tyan,df-clear,id-echo", "--clients", "java-lan",
                "--offload", "on", "--fault", fault, "--lab", MatrixSession.labFilePath().toString(), "--state-dir",
                work.resolve("state").toString(), "--reports", reports.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        try (Stream<Path> dirs = Files.list(reports.resolve("runs"))) {
            return dirs.findFirst().orElseThrow().resolve("matrix.json");
        }
    }
}
