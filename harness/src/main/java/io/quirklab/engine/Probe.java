package io.quirklab.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quirklab.bmc.BmcConfig;
import io.quirklab.client.ClientKind;
import io.quirklab.client.ClientOutcome;
import io.quirklab.client.Failure;
import io.quirklab.client.IpmiClient;
import io.quirklab.input.AddressText;
import io.quirklab.lab.LabState;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.DutWire;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One exchange on a lab, observed at every point: the client's outcome (4), the DUT capture (2b), OS counters (3)
 * and the responder's journal (1, 2). The verdict comes from {@link VerdictRules} over that evidence only.
 */
public final class Probe {
    /**
     * What one probe found.
     *
     * @param persona      persona name
     * @param address      its address
     * @param client       client id
     * @param expected     the verdict a correct stack gives this persona
     * @param verdict      the verdict from the evidence
     * @param reason       why, or null
     * @param explanation  which evidence said so
     * @param evidence     the evidence record
     * @param clientOutput what the client printed (tools) or its outcome message (Java)
     * @param durationMillis wall time of the exchange
     * @param responderPcap the responder's view of the exchange, or null
     * @param reasonSource  which evidence source named the reason (snmp, kfree_skb, capture, ...), or null
     */
    public record Result(String persona, String address, String client, Verdict expected, Verdict verdict, Reason reason,
                         String explanation, Evidence evidence, @JsonProperty("client_output") String clientOutput,
                         @JsonProperty("duration_ms") long durationMillis, @JsonProperty("responder_pcap") String responderPcap,
                         @JsonProperty("reason_source") ReasonSource reasonSource) {
        public boolean asExpected() {
            return verdict == expected;
        }
    }

    private final DutObservers observers;
    private final ResponderControl responder;

    /**
     * @param observers the run's DUT capture and OS evidence
     * @param responder the responder's control API (journal per probe)
     */
    public Probe(DutObservers observers, ResponderControl responder) {
        this.observers = observers;
        this.responder = responder;
    }

    /** Runs one exchange and derives its verdict; never throws for a failing cell (that is a verdict). */
    public Result run(LabState.PersonaInfo p, IpmiClient client, Path evidenceDir) throws IOException {
        Optional<String> missing = client.unavailable();
        if (missing.isPresent()) {
            return harnessError(p, client.kind(), missing.get());
        }
        Inet4Address address = AddressText.ipv4(p.address());
        Files.createDirectories(evidenceDir);
        String probeId = p.name() + "/" + client.kind().id() + "/" + UUID.randomUUID();
        long start = System.nanoTime();
        responder.beginProbe(p.name(), probeId);
        DutObservers.Window window = observers.open(address, evidenceDir);
        ClientOutcome outcome;
        Path responderPcap = evidenceDir.resolve("responder.pcap");
        ControlReply.JournalPage journal;
        try {
            try {
                outcome = client.deviceId(p.address(), p.udpPort(), BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD);
            } finally {
                responder.endProbe(p.name(), probeId);
            }
            journal = responder.journal(ControlRequest.Journal.ofProbe(probeId, responderPcap.toAbsolutePath().toString()));
        } catch (IOException | RuntimeException e) {
            // the cell is a harness error; its window still ends (a host-wide evidence session, PktMon, must stop)
            try {
                window.close(Set.of());
            } catch (RuntimeException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
        DutObservers.Observed seen = window.close(dutPorts(journal));
        long durationMillis = (System.nanoTime() - start) / 1_000_000;
        Path dutPcap = null;
        DutWire wire = null;
        if (seen.frames() != null) {
            dutPcap = evidenceDir.resolve("dut.pcap");
            seen.frames().writePcap(dutPcap);
            wire = seen.frames().summary();
        }
        OsReport os = seen.os();
        int requestsSeen = (int) journal.requestsSeen();
        int repliesSent = (int) journal.repliesSent();
        Evidence.Client c = new Evidence.Client(outcome.failure(), outcome.message(), outcome.exitCode(), outcome.attempts(),
                outcome.answered());
        if (!outcome.counted()) {
            // A tool does not say how many requests it sent or how many answers it read: the responder saw the
            // requests, and what the stack handed to sockets is what got through.
            long onWire = wire == null ? 0 : wire.replies();
            long toSockets = os.perFlow() ? Math.max(0, onWire - os.dropReasons().values().stream().mapToLong(Long::longValue).sum())
                    : Math.min(os.counter(SnmpCounters.UDP_IN_DATAGRAMS), onWire);
            c = new Evidence.Client(c.failure(), c.message(), c.exitCode(), requestsSeen, c.ok() ? Math.max(toSockets, 1) : toSockets);
        }
        Evidence e = new Evidence(c, requestsSeen, repliesSent, wire, os, false, dutPcap);
        VerdictRules.Decision d = VerdictRules.decide(e);
        return new Result(p.name(), p.address(), client.kind().id(), p.expected(), d.verdict(), d.reason(), d.explanation(), e,
                outcome.output(), durationMillis, responderPcap.toString(), d.reason() == null ? null : d.source());
    }

    /** The DUT-side ports of the probe's requests, as the responder saw them ("198.18.0.1:40123"). */
    static Set<Integer> dutPorts(ControlReply.JournalPage journal) {
        Set<Integer> ports = new TreeSet<>();
        for (ControlReply.JournalLine l : journal.entries()) {
            if (l.rmcp(ResponderJournal.Direction.IN) && l.peer() != null && l.peer().contains(":")) {
                try {
                    ports.add(Integer.parseInt(l.peer().substring(l.peer().lastIndexOf(':') + 1)));
                } catch (NumberFormatException ignored) {
                    // not a port: leave the flow open
                }
            }
        }
        return ports;
    }

    private Result harnessError(LabState.PersonaInfo p, ClientKind client, String why) {
        Evidence e = new Evidence(new Evidence.Client(Failure.IO_ERROR, why, null, 0, 0), 0, 0, null, OsReport.none(), false, null);
        return new Result(p.name(), p.address(), client.id(), p.expected(), Verdict.HARNESS_ERROR, Reason.MISSING_TOOL, why, e, why, 0, null, ReasonSource.HARNESS);
    }

}
