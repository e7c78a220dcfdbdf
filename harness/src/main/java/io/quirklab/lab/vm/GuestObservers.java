package io.quirklab.lab.vm;

import io.quirklab.observe.DutCapture;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.NicVerdict;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.RunCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What watches a guest's cells: the capture of the tap (the wire into the guest's NIC, what the responder sent before
 * the NIC saw it), and from inside the guest, around each cell, its stack's counters, its driver's {@code ethtool -S},
 * its kernel's drop reason and its driver's checksum word ({@code ip_summed}) for each packet. The guest's counters are
 * its whole stack's, so cells run one at a time; before each reading the NIC has counted every frame the host sent.
 */
public final class GuestObservers implements DutObservers {
    /** How long a window waits for the tap's capture to catch up with its end. */
    static final Duration CATCH_UP = Duration.ofSeconds(2);

    private final VmGuest guest;
    private final RunCapture capture;
    private final String captureProblem;

    private GuestObservers(VmGuest guest, RunCapture capture, String captureProblem) {
        this.guest = guest;
        this.capture = capture;
        this.captureProblem = captureProblem;
    }

    /** Starts the tap's capture (its pcap handle opened inside the guest's namespace) and the guest's receive trace. */
    public static GuestObservers start(VmGuest guest, Consumer<String> progress) throws IOException {
        guest.startRxTrace();
        VmConfig c = guest.config();
        try {
            return new GuestObservers(guest, Netns.call(c.netns(), () -> RunCapture.start(c.tap())), null);
        } catch (IOException | RuntimeException e) {
            progress.accept("no capture on " + c.tap() + ": " + e.getMessage());
            return new GuestObservers(guest, null, "no capture on the tap " + c.tap() + ": " + e.getMessage());
        }
    }

    @Override
    public boolean perFlow() {
        return false;
    }

    @Override
    public String describe() {
        VmConfig c = guest.config();
        return (capture != null ? "the tap's capture (" + c.tap() + " in netns " + c.netns() + ": the wire into the guest's NIC)" : captureProblem)
                + "; in the guest: /proc/net/snmp, ethtool -S " + guest.iface() + ", kfree_skb reasons and the driver's ip_summed per packet "
                + "(tracepoints): the guest's counters are its whole stack's, so cells run one at a time";
    }

    /** "e1000e on guest kernel 6.1.0-57-amd64". */
    String nic() {
        return guest.config().nic().driver() + " on guest kernel " + guest.boot().kernel().release() + " (QEMU " + guest.config().nic().device()
                + ")";
    }

    @Override
    public Window open(Inet4Address persona, Path evidenceDir) {
        GuestCounters before;
        try {
            guest.settle();
            guest.drainRxTrace();
            before = guest.counters();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the guest's counters before the cell: " + e.getMessage(), e);
        }
        boolean rxOn = guest.rxOn();
        long startMicros = System.currentTimeMillis() * 1000;
        return ports -> {
            long endNanos = System.nanoTime();
            long endMicros = System.currentTimeMillis() * 1000;
            GuestCounters after;
            List<RxTrace.Packet> packets;
            try {
                guest.settle();
                after = guest.counters();
                packets = guest.drainRxTrace();
            } catch (IOException e) {
                throw new UncheckedIOException("reading the guest's counters after the cell: " + e.getMessage(), e);
            }
            DutCapture.Frames frames = null;
            if (capture != null) {
                frames = capture.window(persona, startMicros, endNanos, endMicros, ports, CATCH_UP);
            }
            return new Observed(frames, report(before, after, packets, guest.config().nic(), rxOn, nic(), guest.iface()));
        };
    }

    /** One cell's report from the guest's two snapshots and the packets its trace saw between them. */
    static OsReport report(GuestCounters before, GuestCounters after, List<RxTrace.Packet> packets, NicModel model, boolean rxOn, String nic,
                           String iface) {
        GuestCounters.Delta d = after.since(before, model, rxOn);
        Map<String, Long> nicDelta = new TreeMap<>();
        after.nic().forEach((k, v) -> nicDelta.put(k, v - before.nic().getOrDefault(k, 0L)));
        Map<String, Long> reasons = new TreeMap<>();
        List<NicVerdict.Packet> verdicts = new ArrayList<>();
        for (RxTrace.Packet p : packets) {
            if (p.dropReason() != null) {
                reasons.merge(p.dropReason(), 1L, Long::sum);
            }
            verdicts.add(new NicVerdict.Packet(p.state().name(), p.length(), p.dropReason()));
        }
        List<OsReport.Source> sources = List.of(
                new OsReport.Source(OsReport.SNMP, true, "the guest's /proc/net/snmp"),
                new OsReport.Source(OsReport.ETHTOOL, after.nicUnavailable() == null, after.nicUnavailable() == null
                        ? "the guest's ethtool -S " + iface + "; checksum errors: " + d.nicChecksumErrors().describe() : after.nicUnavailable()),
                new OsReport.Source(OsReport.KFREE_SKB, true, "the guest kernel's skb:kfree_skb tracepoint, per packet"));
        return new OsReport(d.snmp(), nicDelta, reasons, sources).withNicVerdict(new NicVerdict(nic, d.nicChecksumErrors(),
                d.nicChecksumGood(), verdicts, "the guest's ethtool -S " + iface + " and its kernel's tracepoints "
                + String.join(", ", RxTrace.RECEIVE_EVENTS) + " (ip_summed) and " + RxTrace.DROP_EVENT + " (reason)"));
    }

    @Override
    public void close() {
        if (capture != null) {
            capture.close();
        }
    }
}
