package io.quirklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.client.ClientKind;
import io.quirklab.engine.MatrixEngine;
import io.quirklab.engine.Probe;
import io.quirklab.engine.RunListener;
import io.quirklab.input.InputFile;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabLock;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.lab.VirtualLabSession;
import io.quirklab.matrix.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quirklab probe}: one observed exchange with one persona on the virtual lab. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Run one exchange with a persona on the virtual lab and print its verdict and evidence.",
                "Example: quirklab probe smdc-tyan --client ipmitool"})
public final class ProbeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PERSONA", description = "Persona name (quirklab lab status lists them).")
    String persona;

    @Option(names = "--client", defaultValue = "java-lan", description = "java-lan, java-lanplus, ipmitool-lan, ipmitool-lanplus, ipmiutil or "
            + "freeipmi; java and ipmitool mean their lan forms (default: ${DEFAULT-VALUE}).")
    String client;

    @Option(names = "--json", description = "Print the result and evidence as JSON.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the evidence (pcaps) goes (default: reports/probes/PERSONA__CLIENT__TIME).")
    Path out;

    @Mixin
    LabOptions.StateDirOption stateDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ClientKind kind = ClientKind.parse(client);
        VirtualLab lab = new VirtualLab(stateDir.orElse(VirtualLab.defaultStateDir()), l -> { });
        LabState state = lab.readState().filter(lab::healthy).orElseThrow(() -> new IllegalStateException("the lab is not up (run: quirklab lab up)"));
        // the name first: nothing is captured, written or sent for a persona the lab does not have
        if (state.personas().stream().noneMatch(p -> p.name().equals(persona))) {
            throw new IllegalArgumentException("no persona " + InputFile.token(persona) + " on this lab (known: "
                    + String.join(", ", state.personas().stream().map(LabState.PersonaInfo::name).sorted().toList()) + ")");
        }
        // a run's counters and captures are host-wide: a probe in the middle of it would spoil its cells
        java.util.Optional<LabLock.Holder> holder = LabLock.otherHolder(lab.stateDir());
        if (holder.isPresent()) {
            throw new IllegalStateException("the lab is in use by another quirklab run: " + holder.get().describe()
                    + "; probe when it has ended");
        }
        Path dir = out != null ? out : Path.of("reports", "probes", persona + "__" + kind.id() + "__"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        FaultModel current = state.faultModel() == null ? null : new FaultModel(state.faultModel().name(), state.faultModel().expression());
        LabFile file = current == null ? LabFile.embedded() : LabFile.embedded().withFault(current);
        PrintWriter w = spec.commandLine().getOut();
        MatrixEngine engine = new MatrixEngine(MatrixEngine.live(file, LabCommand.launch(file.personas()), lab.stateDir()));
        Probe.Result r;
        try (LabSession session = VirtualLabSession.open(lab, LabCommand.launch(file.personas()), current, line -> { })) {
            r = engine.probe(session, persona, kind, dir, new RunListener() {
                @Override
                public void note(String line) {
                    if (!json) {
                        w.println(Terminal.text(line));
                    }
                }
            });
        }
        if (json) {
            w.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            w.printf("%s x %s (fault model %s): %s%s%n", Terminal.text(r.persona()), Terminal.text(r.client()),
                    state.faultModel() == null ? "off" : Terminal.text(state.faultModel().name()), r.verdict(),
                    r.reason() == null ? "" : " (" + Terminal.text(r.reason()) + ")");
            w.println("  expected " + r.expected() + (r.asExpected() ? ": as expected" : ": DIFFERENT - a finding"));
            w.println("  " + Terminal.text(r.explanation()));
            var e = r.evidence();
            w.printf("  responder: %d request(s) seen, %d reply(ies) sent%n", e.requestsSeen(), e.repliesSent());
            if (e.dutWire() != null) {
                w.printf("  DUT wire : %s%n", e.dutWire());
            }
            Map<String, Long> c = e.os().counterDeltas();
            w.println("  counters : " + (c.isEmpty() ? "no change" : c));
            w.println("  client   : " + (e.client().failure() == null ? "ok" : e.client().failure() + ": " + Terminal.text(e.client().message())));
            w.println("  evidence : " + dir.toAbsolutePath());
        }
        return r.verdict() == Verdict.HARNESS_ERROR ? 2 : 0;
    }
}
