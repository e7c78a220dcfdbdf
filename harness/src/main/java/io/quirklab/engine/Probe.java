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
import io.quirklab.process.Cancellation;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
     * @param ended         why the harness ended the client before it ended by itself ({@link EarlyVerdict}), or null
     * @param afterFirstDropMillis from the flow's first dropped packet (seen per packet) to the probe's end, or null
     *                      when none was dropped or drops are not seen per packet
     */
    public record Result(String persona, String address, String client, Verdict expected, Verdict verdict, Reason reason,
                         String explanation, Evidence evidence, @JsonProperty("client_output") String clientOutput,
                         @JsonProperty("duration_ms") long durationMillis, @JsonProperty("responder_pcap") String responderPcap,
                         @JsonProperty("reason_source") ReasonSource reasonSource, @JsonProperty("ended_by_harness") String ended,
                         @JsonProperty("after_first_drop_ms") Long afterFirstDropMillis) {
        public Result(String persona, String address, String client, Verdict expected, Verdict verdict, Reason reason,
                      String explanation, Evidence evidence, String clientOutput, long durationMillis, String responderPcap,
                      ReasonSource reasonSource) {
            this(persona, address, client, expected, verdict, reason, explanation, evidence, clientOutput, durationMillis, responderPcap,
                    reasonSource, null, null);
        }

        public boolean asExpected() {
            return verdict == expected;
        }
    }

    /** How long a probe's watcher waits for the evidence at most: longer than any client's own budget. */
    static final Duration WATCH = Duration.ofMinutes(2);

    private final DutObservers observers;
    private final ResponderControl responder;
    /** Threads that watch a probe's evidence while its client runs (idle ones end after a minute). */
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "probe-watcher");
        t.setDaemon(true);
        return t;
    });

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
        return run(p, p, client, evidenceDir, false);
    }

    /**
     * Runs one exchange with an instance of the persona and derives its verdict; never throws for a failing cell.
     *
     * @param p              the persona, whose name and expectation the result carries
     * @param served         where it is served for this probe: itself, or an instance of it (own name and address)
     * @param endAtEvidence  end the client as soon as every reply of the flow is seen dropped ({@link EarlyVerdict})
     */
    public Result run(LabState.PersonaInfo p, LabState.PersonaInfo served, IpmiClient client, Path evidenceDir, boolean endAtEvidence)
            throws IOException {
        Optional<String> missing = client.unavailable();
        if (missing.isPresent()) {
            return harnessError(p, client.kind(), missing.get());
        }
        InetAddress address = AddressText.ip(served.target());
        Files.createDirectories(evidenceDir);
        String probeId = served.name() + "/" + client.kind().id() + "/" + UUID.randomUUID();
        long start = System.nanoTime();
        responder.beginProbe(served.name(), probeId);
        DutObservers.Window window = observers.open(address, evidenceDir);
        ClientOutcome outcome;
        Path responderPcap = evidenceDir.resolve("responder.pcap");
        ControlReply.JournalPage journal;
        Cancellation end = new Cancellation();
        try {
            boolean held = EarlyVerdict.lonePieces(p.profile());
            Future<?> watcher = endAtEvidence ? watchers.submit(() -> window.awaitDropped(WATCH, held)
                    .ifPresent(d -> end.cancel(EarlyVerdict.words(d)))) : null;
            try {
                outcome = client.deviceId(served.target(), served.udpPort(), BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD, end);
            } finally {
                if (watcher != null) {
                    watcher.cancel(true);
                }
                responder.endProbe(served.name(), probeId);
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
        String ended = end.cancelled() && !outcome.ok() ? end.reason().orElse(null) : null;
        Long afterFirstDrop = seen.firstDropNanos() < 0 ? null : Math.max(0, (System.nanoTime() - seen.firstDropNanos()) / 1_000_000);
        return new Result(p.name(), served.target(), client.kind().id(), p.expected(), d.verdict(), d.reason(), d.explanation(), e,
                outcome.output(), durationMillis, responderPcap.toString(), d.reason() == null ? null : d.source(), ended, afterFirstDrop);
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
