package io.quirklab.engine;

import io.quirklab.lab.JournalEntry;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.RestoreJournal;
import io.quirklab.observe.DutCapture;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.FlowDrops;
import io.quirklab.observe.HeldFragments;
import io.quirklab.observe.KfreeSkbTracer;
import io.quirklab.observe.PktmonDropStream;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.RunCapture;
import io.quirklab.process.CommandRunner;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
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
 * unmounted again), on Windows one real-time PktMon session's (the per-cell session is the fallback). Per flow when both work and the NIC has no receive checksum-error counters (those are host-wide
 * and decide DELIVERED_NIC_FLAGGED); otherwise the OS evidence comes from the host adapter around each probe
 * (snmp, ethtool -S, PktMon, netstat) and the run is serial.
 */
final class LiveObservers implements DutObservers {
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    /** How long a window waits for the capture and the tracer to catch up with its end. */
    static final Duration CATCH_UP = Duration.ofSeconds(2);
    /** How often a window that counts held fragments looks for them (they cause no drop to wake it). */
    static final Duration HELD_POLL = Duration.ofMillis(50);
    /**
     * How long the pieces of a datagram sent together are given to arrive before a lone one counts as held: the
     * responder sends them back to back, microseconds apart; this covers a stalled thread on a busy machine.
     */
    static final Duration HELD_SETTLE = Duration.ofMillis(300);
    /**
     * How far past a window's end its drops are still its own: the capture counts frames stamped up to
     * {@link RunCapture#SLACK_MICROS} after the end (whose wall-clock stamp is a millisecond coarse), so a reply that
     * came as the client gave up is a reply of the window, and its drop, a few microseconds after it was captured, must
     * be as well (without it such a reply counted as read by the client: "the client read replies it did not accept",
     * seen once in CatalogueIT for FreeIPMI's last retransmission). Not at the start: drops just before it are the
     * previous cell's, whose window has taken them.
     */
    static final long DROP_SLACK_NANOS = RunCapture.SLACK_MICROS * 1000 + 2_000_000L;

    private final String dutInterface;
    private final HostAdapter host;
    private final CommandRunner runner;
    private final RunCapture capture;
    private final String captureProblem;
    /** The per-packet drops of the run (kfree_skb on Linux), or null. */
    private final FlowDrops tracer;
    /** How the OS report names the per-packet source when it kept up. */
    private final String tracerDetail;
    private final String tracerProblem;
    private final boolean nicCountersDecisive;
    private final RestoreJournal journal;
    private final JournalEntry mountEntry;
    private final JournalEntry tracerEntry;

    private LiveObservers(String dutInterface, HostAdapter host, CommandRunner runner, RunCapture capture, String captureProblem, FlowDrops tracer,
                          String tracerDetail, String tracerProblem, boolean nicCountersDecisive, RestoreJournal journal, JournalEntry mountEntry,
                          JournalEntry tracerEntry) {
        this.dutInterface = dutInterface;
        this.host = host;
        this.runner = runner;
        this.capture = capture;
        this.captureProblem = captureProblem;
        this.tracer = tracer;
        this.tracerDetail = tracerDetail;
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
        FlowDrops tracer = null;
        String tracerProblem = null;
        String tracerDetail = "per packet, bpftrace on tracepoint:skb:kfree_skb";
        JournalEntry mount = null;
        JournalEntry tracerEntry = null;
        if (HostAdapter.WINDOWS.equals(host.family())) {
            tracerDetail = "per packet, one real-time PktMon session for the run";
            JournalEntry[] entry = new JournalEntry[1];
            try {
                tracer = PktmonDropStream.start(runner, p -> entry[0] = journaled(journal, "pktmon real-time", p));
                tracerEntry = entry[0];
                progress.accept("one real-time PktMon session for the run: cells of different personas run at once");
            } catch (IOException | RuntimeException e) {
                forget(journal, entry[0]);
                tracerProblem = "no run-wide PktMon stream (" + e.getMessage() + "): the fallback, a PktMon session per cell, cells one at a time";
            }
        } else if (!"linux".equals(host.family())) {
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
                    tracer = KfreeSkbTracer.start(TRACEFS, p -> entry[0] = journaled(journal, "bpftrace kfree_skb", p));
                    tracerEntry = entry[0];
                } catch (IOException | RuntimeException e) {
                    tracerProblem = "kfree_skb per flow unavailable: " + e.getMessage();
                    forget(journal, entry[0]);
                }
            }
        }
        EthtoolStats nic = EthtoolStats.read(runner, dutInterface);
        boolean nicDecisive = nic.available() && !nic.checksumErrorCounters().isEmpty();
        return new LiveObservers(dutInterface, host, runner, capture, captureProblem, tracer, tracerDetail, tracerProblem, nicDecisive,
                journal, mount, tracerEntry);
    }

    /** Observers made of parts already started (tests): nothing is mounted or journaled, the NIC counters do not decide. */
    static LiveObservers of(String dutInterface, HostAdapter host, CommandRunner runner, RunCapture capture, FlowDrops tracer) {
        return new LiveObservers(dutInterface, host, runner, capture, capture == null ? "no capture" : null, tracer,
                tracer == null ? null : tracer.describe(), tracer == null ? "no tracer" : null, false, null, null, null);
    }

    /** Records a process of the run's in the journal (none: not recorded); the entry, or null. */
    private static JournalEntry journaled(RestoreJournal journal, String name, ProcessHandle p) {
        if (journal == null) {
            return null;
        }
        JournalEntry e = JournalEntry.Process.of(name, p);
        journal.record(e);
        return e;
    }

    private static void forget(RestoreJournal journal, JournalEntry e) {
        if (journal != null && e != null) {
            journal.forget(e);
        }
    }

    @Override
    public boolean perFlow() {
        return capture != null && tracer != null && !nicCountersDecisive;
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(capture != null ? "one DUT capture for the run, demultiplexed by flow" : captureProblem);
        parts.add(tracer != null ? tracer.describe() : tracerProblem);
        if (nicCountersDecisive) {
            parts.add("the NIC's checksum-error counters (ethtool -S " + dutInterface + ") are host-wide: cells run one at a time");
        } else if (!perFlow()) {
            parts.add("host-wide counters decide drops: cells run one at a time");
        }
        return String.join("; ", parts);
    }

    @Override
    public Window open(Inet4Address persona, Path evidenceDir) {
        return open((InetAddress) persona, evidenceDir);
    }

    @Override
    public Window open(InetAddress persona, Path evidenceDir) {
        return new LiveWindow(persona, evidenceDir);
    }

    /** One probe's window: its start on both clocks, the host-wide session where the evidence is not per flow. */
    private final class LiveWindow implements Window {
        private final InetAddress persona;
        private final String address;
        private final long startNanos = System.nanoTime();
        private final long startMicros = System.currentTimeMillis() * 1000;
        private final EvidenceSession hostEvidence;

        LiveWindow(InetAddress persona, Path evidenceDir) {
            this.persona = persona;
            this.address = persona.getHostAddress();
            this.hostEvidence = perFlow() ? null : host.beginDropEvidence(dutInterface, evidenceDir);
        }

        @Override
        public Optional<Dropped> awaitDropped(Duration max) {
            return awaitDropped(max, false);
        }

        @Override
        public Optional<Dropped> awaitDropped(Duration max, boolean held) {
            if (!perFlow()) {
                return Optional.empty();
            }
            long deadline = System.nanoTime() + max.toNanos();
            long seen = -1;
            try {
                while (true) {
                    long count = tracer.count();
                    if (count != seen || held) {
                        seen = count;
                        Optional<Dropped> d = everyReplyDropped();
                        if (d.isEmpty() && held) {
                            d = everyReplyHeld();
                        }
                        if (d.isPresent()) {
                            return d;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || tracer.ended() != null) {
                        return Optional.empty();
                    }
                    // every drop read wakes it; held fragments cause no drop, so they are looked for every HELD_POLL
                    tracer.awaitMore(seen, Duration.ofNanos(held ? Math.min(left, HELD_POLL.toNanos()) : left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        /** The persona's drops so far, if they cover every reply of its flow that reached the DUT interface. */
        private Optional<Dropped> everyReplyDropped() {
            long nowNanos = System.nanoTime();
            List<FlowDrops.Drop> drops = tracer.drops(address, null, Set.of(), startNanos, nowNanos);
            if (drops.isEmpty()) {
                return Optional.empty();
            }
            // a reply is captured before the stack sees it: the capture has every dropped one once it caught up with now
            Optional<DutCapture.Frames> frames = framesUpTo(nowNanos);
            if (frames.isEmpty()) {
                return Optional.empty();
            }
            long replies = frames.get().summary().replies();
            if (replies == 0 || drops.size() < replies) {
                return Optional.empty(); // a reply got through to a socket: the client may still take it
            }
            FlowDrops.Drop first = drops.get(0);
            return Optional.of(new Dropped(replies, drops.size(), first.reason(), tracer.source(), first.monoNanos()));
        }

        /** The persona's replies so far, if every one is a fragment the stack holds for a reassembly that cannot happen. */
        private Optional<Dropped> everyReplyHeld() {
            long nowNanos = System.nanoTime();
            long nowMicros = System.currentTimeMillis() * 1000;
            Optional<DutCapture.Frames> frames = framesUpTo(nowNanos);
            if (frames.isEmpty()) {
                return Optional.empty();
            }
            HeldFragments.Seen s = HeldFragments.of(frames.get().frames(), persona, nowMicros - HELD_SETTLE.toNanos() / 1000);
            if (!s.allHeld()) {
                return Optional.empty();
            }
            long firstNanos = nowNanos - (nowMicros - s.oldestMicros()) * 1000;
            return Optional.of(new Dropped(s.replies(), 0, "FRAGMENT (held for a reassembly that cannot happen)", io.quirklab.matrix.ReasonSource.CAPTURE.token(),
                    firstNanos, true));
        }

        /** The persona's frames since the window opened, once the capture caught up with {@code nowNanos}; empty if it did not. */
        private Optional<DutCapture.Frames> framesUpTo(long nowNanos) {
            long nowMicros = System.currentTimeMillis() * 1000;
            if (!capture.awaitUpTo(nowNanos, nowMicros, CATCH_UP)) {
                return Optional.empty();
            }
            return Optional.of(capture.frames(persona, startMicros - RunCapture.SLACK_MICROS, nowMicros + RunCapture.SLACK_MICROS, Set.of()));
        }

        @Override
        public Observed close(Set<Integer> ports) {
            long endNanos = System.nanoTime();
            long endMicros = System.currentTimeMillis() * 1000;
            // the tracer first: once it has read past the window's end and DROP_SLACK, the capture has the frames up to
            // that end and its slack as well (a frame is captured before the stack drops it)
            boolean complete = tracer != null && tracer.awaitUpTo(endNanos + DROP_SLACK_NANOS, CATCH_UP);
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
                os = os.forFlows(List.of(new OsReport.Flow(address, 0, null, 0)));
            } else {
                os = OsReport.none();
                sources.add(new OsReport.Source(OsReport.SNMP, false, "host-wide: not read per cell in a parallel run"));
            }
            long firstDrop = -1;
            if (tracer != null) {
                List<OsReport.Drop> drops = new ArrayList<>();
                Map<ReasonFlow, Long> byFlow = new java.util.LinkedHashMap<>();
                for (FlowDrops.Drop d : tracer.drops(address, null, ports, startNanos, endNanos + DROP_SLACK_NANOS)) {
                    byFlow.merge(new ReasonFlow(d.reason(), d.detail(), d.component(), d.packet()), 1L, Long::sum);
                    firstDrop = firstDrop < 0 ? d.monoNanos() : Math.min(firstDrop, d.monoNanos());
                }
                byFlow.forEach((k, n) -> drops.add(new OsReport.Drop(tracer.source(), k.reason(), k.detail(), k.component(), n, k.flow(),
                        null)));
                String source = tracer.source();
                sources.addAll(os.sources().stream().filter(s -> !s.name().equals(source)).toList());
                sources.add(new OsReport.Source(source, complete, complete ? tracerDetail
                        : tracer.describe() + " fell behind or ended: " + Optional.ofNullable(tracer.ended())
                        .orElse("no tick within " + CATCH_UP.toSeconds() + " s")));
                if (complete) {
                    sources.add(new OsReport.Source(OsReport.PER_FLOW, true, "every drop of the lab's packets is attributed to its flow"));
                }
                os = OsReport.withDrops(os.counterDeltas(), os.nicCounterDeltas(), sources, drops).withNicChecksums(os.nicChecksums());
            } else {
                sources.addAll(os.sources());
                String perFlowSource = HostAdapter.WINDOWS.equals(host.family()) ? OsReport.PKTMON : OsReport.KFREE_SKB;
                sources.add(new OsReport.Source(perFlowSource + "-per-flow", false, tracerProblem));
                os = new OsReport(os.counterDeltas(), os.nicCounterDeltas(), os.dropReasons(), sources, os.drops(), os.nicChecksums());
            }
            return new Observed(frames, os, firstDrop);
        }
    }

    private record ReasonFlow(String reason, String detail, String component, OsReport.Flow flow) {
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
