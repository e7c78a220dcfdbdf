package io.quirklab.engine;

import io.quirklab.lab.JournalEntry;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.RestoreJournal;
import io.quirklab.observe.DutCapture;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.KfreeSkbTracer;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.RunCapture;
import io.quirklab.process.CommandRunner;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The real DUT-side observers of a run: one pcap capture of the lab's traffic on the DUT interface, and on Linux the
 * kernel's per-packet drop reasons (bpftrace on kfree_skb; tracefs is mounted for it when it is not, journaled and
 * unmounted again). Per flow when both work and the NIC has no receive checksum-error counters (those are host-wide
 * and decide DELIVERED_NIC_FLAGGED); otherwise the OS evidence comes from the host adapter around each probe
 * (snmp, ethtool -S, PktMon, netstat) and the run is serial.
 */
final class LiveObservers implements DutObservers {
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    /** How long a window waits for the capture and the tracer to catch up with its end. */
    static final Duration CATCH_UP = Duration.ofSeconds(2);

    private final String dutInterface;
    private final HostAdapter host;
    private final CommandRunner runner;
    private final RunCapture capture;
    private final String captureProblem;
    private final KfreeSkbTracer tracer;
    private final String tracerProblem;
    private final boolean nicCountersDecisive;
    private final RestoreJournal journal;
    private final JournalEntry mountEntry;
    private final JournalEntry tracerEntry;

    private LiveObservers(String dutInterface, HostAdapter host, CommandRunner runner, RunCapture capture, String captureProblem, KfreeSkbTracer tracer,
                          String tracerProblem, boolean nicCountersDecisive, RestoreJournal journal, JournalEntry mountEntry,
                          JournalEntry tracerEntry) {
        this.dutInterface = dutInterface;
        this.host = host;
        this.runner = runner;
        this.capture = capture;
        this.captureProblem = captureProblem;
        this.tracer = tracer;
        this.tracerProblem = tracerProblem;
        this.nicCountersDecisive = nicCountersDecisive;
        this.journal = journal;
        this.mountEntry = mountEntry;
        this.tracerEntry = tracerEntry;
    }

    /**
     * Starts the observers of a run on {@code dutInterface}.
     *
     * @param journal  the lab's restore journal (tracefs mount, tracer process); null: nothing is mounted
     * @param progress one line per step
     */
    static LiveObservers start(String dutInterface, HostAdapter host, CommandRunner runner, RestoreJournal journal,
                               Consumer<String> progress) {
        RunCapture capture = null;
        String captureProblem = PcapLink.available().orElse(null);
        if (captureProblem == null) {
            try {
                capture = RunCapture.start(dutInterface);
            } catch (IOException | RuntimeException e) {
                captureProblem = "no DUT capture on " + dutInterface + ": " + e.getMessage();
            }
        }
        KfreeSkbTracer tracer = null;
        String tracerProblem = null;
        JournalEntry mount = null;
        JournalEntry tracerEntry = null;
        if (!"linux".equals(host.family())) {
            tracerProblem = "kfree_skb is Linux's";
        } else {
            if (!java.nio.file.Files.isRegularFile(TRACEFS.resolve("events/skb/kfree_skb/format")) && journal != null
                    && "root".equals(System.getProperty("user.name")) && !RestoreJournal.mounted(TRACEFS)) {
                mount = new JournalEntry.Mount("tracefs", TRACEFS);
                journal.record(mount);
                CommandRunner.Result r = runner.run(Duration.ofSeconds(10), List.of("mount", "-t", "tracefs", "nodev", TRACEFS.toString()));
                if (r.ok()) {
                    progress.accept("mounted tracefs at " + TRACEFS + " for the kernel's drop reasons (unmounted at the end)");
                } else {
                    journal.forget(mount);
                    mount = null;
                    tracerProblem = "cannot mount tracefs: " + r.firstLine();
                }
            }
            if (tracerProblem == null) {
                tracerProblem = KfreeSkbTracer.unavailable(TRACEFS).orElse(null);
            }
            if (tracerProblem == null) {
                JournalEntry[] entry = new JournalEntry[1];
                try {
                    tracer = KfreeSkbTracer.start(TRACEFS, p -> {
                        if (journal != null) {
                            entry[0] = JournalEntry.Process.of("bpftrace kfree_skb", p);
                            journal.record(entry[0]);
                        }
                    });
                    tracerEntry = entry[0];
                } catch (IOException | RuntimeException e) {
                    tracerProblem = "kfree_skb per flow unavailable: " + e.getMessage();
                    if (journal != null && entry[0] != null) {
                        journal.forget(entry[0]);
                    }
                }
            }
        }
        EthtoolStats nic = EthtoolStats.read(runner, dutInterface);
        boolean nicDecisive = nic.available() && !nic.checksumErrorCounters().isEmpty();
        return new LiveObservers(dutInterface, host, runner, capture, captureProblem, tracer, tracerProblem, nicDecisive, journal, mount,
                tracerEntry);
    }

    @Override
    public boolean perFlow() {
        return capture != null && tracer != null && !nicCountersDecisive;
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(capture != null ? "one DUT capture for the run, demultiplexed by flow" : captureProblem);
        parts.add(tracer != null ? "kernel drop reasons per packet (bpftrace on kfree_skb)" : tracerProblem);
        if (nicCountersDecisive) {
            parts.add("the NIC's checksum-error counters (ethtool -S " + dutInterface + ") are host-wide: cells run one at a time");
        } else if (!perFlow()) {
            parts.add("host-wide counters decide drops: cells run one at a time");
        }
        return String.join("; ", parts);
    }

    @Override
    public Window open(Inet4Address persona, Path evidenceDir) {
        long startNanos = System.nanoTime();
        long startMicros = System.currentTimeMillis() * 1000;
        EvidenceSession hostEvidence = perFlow() ? null : host.beginDropEvidence(dutInterface, evidenceDir);
        return ports -> {
            long endNanos = System.nanoTime();
            long endMicros = System.currentTimeMillis() * 1000;
            DutCapture.Frames frames = null;
            if (capture != null) {
                frames = capture.window(persona, startMicros, endNanos, endMicros, ports, CATCH_UP);
            }
            List<OsReport.Source> sources = new ArrayList<>();
            OsReport os;
            if (hostEvidence != null) {
                os = hostEvidence.end();
                try {
                    hostEvidence.close();
                } catch (Exception ignored) {
                    // the report is taken; closing only releases trace instances
                }
                os = os.forFlows(List.of(new OsReport.Flow(persona.getHostAddress(), 0, null, 0)));
            } else {
                os = OsReport.none();
                sources.add(new OsReport.Source(OsReport.SNMP, false, "host-wide: not read per cell in a parallel run"));
            }
            if (tracer != null) {
                boolean complete = tracer.awaitUpTo(endNanos, CATCH_UP);
                List<OsReport.Drop> drops = new ArrayList<>();
                Map<ReasonFlow, Long> byFlow = new java.util.LinkedHashMap<>();
                for (KfreeSkbTracer.Drop d : tracer.drops(persona.getHostAddress(), null, ports, startNanos, endNanos)) {
                    byFlow.merge(new ReasonFlow(d.reason(), d.packet()), 1L, Long::sum);
                }
                byFlow.forEach((k, n) -> drops.add(new OsReport.Drop(OsReport.KFREE_SKB, k.reason(), "kfree_skb reason " + k.reason(),
                        null, n, k.flow(), null)));
                sources.addAll(os.sources().stream().filter(s -> !s.name().equals(OsReport.KFREE_SKB)).toList());
                sources.add(new OsReport.Source(OsReport.KFREE_SKB, complete, complete ? "per packet, bpftrace on tracepoint:skb:kfree_skb"
                        : "bpftrace fell behind or ended: " + Optional.ofNullable(tracer.ended()).orElse("no tick within " + CATCH_UP.toSeconds() + " s")));
                if (complete) {
                    sources.add(new OsReport.Source(OsReport.PER_FLOW, true, "every drop of the lab's packets is attributed to its flow"));
                }
                os = OsReport.withDrops(os.counterDeltas(), os.nicCounterDeltas(), sources, drops).withNicChecksums(os.nicChecksums());
            } else {
                sources.addAll(os.sources());
                sources.add(new OsReport.Source(OsReport.KFREE_SKB + "-per-flow", false, tracerProblem));
                os = new OsReport(os.counterDeltas(), os.nicCounterDeltas(), os.dropReasons(), sources, os.drops(), os.nicChecksums());
            }
            return new Observed(frames, os);
        };
    }

    private record ReasonFlow(String reason, OsReport.Flow flow) {
    }

    @Override
    public void close() {
        if (capture != null) {
            capture.close();
        }
        if (tracer != null) {
            tracer.close();
            if (journal != null && tracerEntry != null) {
                journal.forget(tracerEntry);
            }
        }
        if (mountEntry != null) {
            CommandRunner.Result r = runner.run(Duration.ofSeconds(10), List.of("umount", TRACEFS.toString()));
            if (r.ok() || !RestoreJournal.mounted(TRACEFS)) {
                journal.forget(mountEntry);
            }
        }
    }
}
