package io.quirklab.cli;

import io.quirklab.bisect.BisectDocument;
import io.quirklab.bisect.BisectReport;
import io.quirklab.bisect.Bisection;
import io.quirklab.bisect.Dimension;
import io.quirklab.bisect.RequestHeader;
import io.quirklab.bisect.Traits;
import io.quirklab.client.ClientKind;
import io.quirklab.client.IpmiClient;
import io.quirklab.engine.LabOracle;
import io.quirklab.engine.MatrixEngine;
import io.quirklab.engine.MatrixRecorder;
import io.quirklab.engine.Probe;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabSessions;
import io.quirklab.lab.LabState;
import io.quirklab.matrix.OffloadState;
import io.quirklab.observe.DutObservers;
import io.quirklab.process.CommandRunner;
import io.quirklab.report.AllureResults;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.SocketControl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quirklab bisect}: which of a dropped persona's quirks is the trigger. */
@Command(name = "bisect", mixinStandardHelpOptions = true,
        description = {"Find the quirk (or the quirks together) that makes a persona's replies dropped: split the difference",
                "between PERSONA and a delivered reference into dimensions, probe personas composed from them on the fly,",
                "and report each dimension as trigger, not needed or inconclusive with the probes that decided it.",
                "Writes reports/runs/<run-id>/bisect.json and an Allure entry. Example: quirklab bisect smdc-tyan --fault id-echo"})
public final class BisectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PERSONA", description = "The dropped persona.")
    String persona;

    @Option(names = "--reference", defaultValue = "clean", description = "A delivered persona to split against (default: ${DEFAULT-VALUE}).")
    String reference;

    @Mixin
    LabOptions.LabFileOption labFile;

    @Mixin
    LabOptions.FaultOption fault;

    @Option(names = "--client", defaultValue = "java-lan", description = "The client to probe with (default: ${DEFAULT-VALUE}).")
    String client;

    @Option(names = "--offload", defaultValue = "on", description = "The offload state to probe in: on or off (default: ${DEFAULT-VALUE}).")
    OffloadState offload;

    @Option(names = "--repeat", paramLabel = "N", description = "Most attempts per probe; stops early when the answer is clear "
            + "(default: the lab file's repeat when above 1, else 6).")
    Integer repeat;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "300",
            description = "The Java client's reply timeout per attempt (default: ${DEFAULT-VALUE}; the virtual lab answers in a millisecond).")
    int timeoutMillis;

    @Option(names = "--json", description = "Print bisect.json instead of the text answer.")
    boolean json;

    @Mixin
    LabOptions.ReportsOption reports;

    @Mixin
    LabOptions.StateDirOption stateDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LabFile lab = fault.applyTo(labFile.orEmbedded());
        ClientKind kind = ClientKind.parse(client);
        int n = repeat != null ? repeat : lab.repeat() > 1 ? lab.repeat() : 6;
        Bisection.Settings settings = new Bisection.Settings(n);
        Instant started = Instant.now();
        try (LabSession session = LabSessions.open(lab, LabCommand.launch(lab.personas()), stateDir.dir,
                line -> spec.commandLine().getErr().println("lab: " + Terminal.text(line)))) {
            LabState state = session.offload(offload);
            ResponderControl control = new SocketControl(Path.of(state.controlSocket()));
            Persona target = served(control, persona);
            Persona ref = served(control, reference);
            if (target.ipv6() != ref.ipv6()) {
                throw new IllegalArgumentException("'" + persona + "' is reached over " + (target.ipv6() ? "IPv6" : "IPv4") + " and the "
                        + "reference '" + reference + "' over " + (ref.ipv6() ? "IPv6" : "IPv4") + ": bisect against a reference of the same IP "
                        + "version (--reference)");
            }
            String env = HostAdapter.detect().fingerprint(state.dutInterface()).label();
            String runId = MatrixRecorder.runId(started, HostAdapter.detect().family(), state.dutInterface()) + "-bisect-" + persona;
            Path runDir = reports.dir.resolve("runs").resolve(runId);
            Path evidence = runDir.resolve("bisect");
            BisectReport report;
            Optional<RequestHeader> requests;
            IpmiClient ipmi = kind.client(lab.clientPaths(), new CommandRunner(),
                    Duration.ofMillis(timeoutMillis));
            try (DutObservers observers = MatrixEngine.live(lab, LabCommand.launch(lab.personas()), stateDir.dir)
                    .observers(session, line -> spec.commandLine().getErr().println("observers: " + Terminal.text(line)));
                 // a composed persona's attempts at once, each on a copy of its own, where every drop is seen with its flow
                 LabOracle oracle = new LabOracle(state, control, (p, dir) -> new Probe(observers, control).run(p, ipmi, dir),
                         kind, evidence, target.ipv6(), observers.perFlow() ? Math.min(n, LabOracle.MAX_AT_ONCE) : 1)) {
                // one exchange with the reference shows what the DUT's requests carry, which template fields copy
                Path warmUp = evidence.resolve("warm-up");
                new Probe(observers, control).run(state.persona(ref.name()), ipmi, warmUp);
                requests = RequestHeader.firstRequest(warmUp.resolve("dut.pcap"));
                Traits refTraits = Traits.of(ref).resolve(requests);
                List<Dimension> dims = refTraits.differences(Traits.of(target).resolve(requests));
                out.printf("bisect %s against %s on %s, offload=%s (%s), client %s, up to %d attempts per probe%n", persona, reference,
                        env, offload, session.offloadDescription(), kind.id(), n);
                out.println("dimensions (" + dims.size() + "): " + String.join(", ", dims.stream().map(Dimension::toString).toList()));
                out.flush();
                report = new Bisection(refTraits, dims, oracle, settings).run(target.name(), ref.name());
            }
            Instant finished = Instant.now();
            BisectDocument doc = new BisectDocument(BisectDocument.SCHEMA, new BisectDocument.Run(runId,
                    started.truncatedTo(ChronoUnit.SECONDS).toString(), finished.truncatedTo(ChronoUnit.SECONDS).toString(), session.kind().id(),
                    session.faultModel().map(FaultModel::name).orElse(null), kind.id(), offload.token(), env), requests.orElse(null), report.text(), report);
            Path file = runDir.resolve("bisect.json");
            doc.write(file);
            new AllureResults(runDir.resolve("allure-results")).writeBisection(env, "bisect " + persona + " x " + kind.id()
                    + " x offload=" + offload, report.text(), report.outcome() == BisectReport.Outcome.FOUND, file,
                    started.toEpochMilli(), finished.toEpochMilli());
            if (json) {
                out.println(doc.toJson());
            } else {
                out.println(report.text());
                out.printf("%s (%.1f s)%n", report.cost(), Duration.between(started, finished).toMillis() / 1000.0);
                out.println("bisect.json: " + file.toAbsolutePath());
            }
            return report.outcome() == BisectReport.Outcome.FOUND ? 0 : 1;
        }
    }

    /** A persona exactly as the lab's responder serves it. */
    private static Persona served(ResponderControl control, String name) throws java.io.IOException {
        ControlReply.Status s = control.status();
        ControlReply.PersonaView v = s.personas().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no persona '" + name + "' on this lab (known: "
                        + String.join(", ", s.personas().stream().map(ControlReply.PersonaView::name).toList()) + ")"));
        return PersonaCatalogue.parse("the lab's persona " + name, PersonaYaml.catalogue(List.of(PersonaYaml.of(v))),
                PersonaCatalogue.address(v.address())).personas().get(0);
    }
}
