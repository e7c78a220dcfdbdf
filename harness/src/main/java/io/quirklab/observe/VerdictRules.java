package io.quirklab.observe;

import io.quirklab.client.Failure;
import io.quirklab.matrix.Verdict;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * ARCHITECTURE.md's verdict table as a pure function of {@link Evidence}: the client's outcome decides between
 * delivered, rejected and timed out; a timeout is placed on the path by the journal and the DUT capture; a drop in
 * the stack gets its reason from the first OS source that names one (table {@link #STACK_REASONS}, in order).
 */
public final class VerdictRules {
    public static final String UDP_CSUM = "UDP_CSUM";
    public static final String IP_CSUM = "IP_CSUM";
    public static final String IP_HDR = "IP_HDR";
    public static final String FRAGMENT = "FRAGMENT";
    public static final String NO_PORT = "NO_PORT";
    public static final String UDP_RCVBUF = "UDP_RCVBUF";
    public static final String UDP_ERROR = "UDP_ERROR";
    public static final String VLAN = "VLAN";
    public static final String UNKNOWN = "UNKNOWN";
    public static final String NIC_CSUM = "NIC_CSUM";
    public static final String NO_REPLY_SENT = "NO_REPLY_SENT";
    public static final String NO_DUT_CAPTURE = "NO_DUT_CAPTURE";
    public static final String CLIENT_IO_ERROR = "CLIENT_IO_ERROR";
    /** The stack delivered the replies to a socket and the client timed out anyway: it discarded them silently. */
    public static final String IGNORED = "IGNORED";

    /** Kernel drop reasons that mean the same as one of ours; any other keeps the kernel's name. */
    static final Map<String, String> KERNEL_REASONS = Map.of("IP_INHDR", IP_HDR, "NO_SOCKET", NO_PORT, "SOCKET_RCVBUFF", UDP_RCVBUF,
            "FRAG_REASM_TIMEOUT", FRAGMENT, "FRAG_TOO_FAR", FRAGMENT);

    /**
     * One verdict.
     *
     * @param verdict     the verdict
     * @param reason      a short machine token (MATRIX.md "reason"), or null
     * @param explanation one or two sentences naming the evidence and its source
     */
    public record Decision(Verdict verdict, String reason, String explanation) {
    }

    /** A reason and the sentence that says which source gave it. */
    private record Reason(String token, String because) {
    }

    /** Why replies that reached the DUT interface died in the stack: the first rule that applies wins. */
    private static final List<Function<Evidence, Optional<Reason>>> STACK_REASONS = List.of(
            VerdictRules::kernelDropReason,
            VerdictRules::udpChecksumCounter,
            VerdictRules::ipHeaderCounter,
            VerdictRules::fragments,
            counter(SnmpCounters.UDP_NO_PORTS, NO_PORT, "no socket listened on the reply's destination port"),
            counter(SnmpCounters.UDP_RCVBUF_ERRORS, UDP_RCVBUF, "the client's socket buffer was full"),
            counter(SnmpCounters.UDP_IN_ERRORS, UDP_ERROR, "the stack rejected the UDP datagram without a checksum error"),
            VerdictRules::vlanTag);

    private VerdictRules() {
    }

    public static Decision decide(Evidence e) {
        Evidence.Client c = e.client();
        if (c.ok()) {
            long nic = e.os().nicChecksumErrorDelta();
            if (nic > 0) {
                return new Decision(Verdict.DELIVERED_NIC_FLAGGED, NIC_CSUM, "the client got its replies, but the NIC's receive "
                        + "checksum-error counters rose (" + nicCounters(e) + ", ethtool -S): the NIC judged them bad and "
                        + "the stack re-checked them in software");
            }
            return new Decision(Verdict.DELIVERED, null, "the client got its replies (" + c.answered() + " of " + c.attempts()
                    + " requests answered)");
        }
        if (c.failure() == Failure.IO_ERROR) {
            return new Decision(Verdict.HARNESS_ERROR, CLIENT_IO_ERROR, "the client could not run or use its socket: " + c.message());
        }
        if (c.failure() != Failure.TIMEOUT) {
            return new Decision(Verdict.CLIENT_REJECTED, c.failure().name(), "the client failed with " + c.failure()
                    + ", not a timeout, so replies reached it: " + c.message());
        }
        if (e.requestsSeen() == 0) {
            return new Decision(Verdict.NO_REQUEST, null, "the client timed out and the responder journal has no request: "
                    + "the requests never reached the responder");
        }
        if (e.repliesSent() == 0) {
            return new Decision(Verdict.HARNESS_ERROR, NO_REPLY_SENT, "the responder journal has " + e.requestsSeen()
                    + " requests but no reply: the simulated BMC stayed silent");
        }
        Optional<Reason> reason = STACK_REASONS.stream().map(r -> r.apply(e)).flatMap(Optional::stream).findFirst();
        DutWire w = e.dutWire();
        if (w == null) {
            return reason.map(r -> new Decision(Verdict.DROPPED_IN_STACK, r.token(), "the responder sent " + e.repliesSent()
                            + " replies and the client timed out; there is no DUT capture, but " + r.because()))
                    .orElse(new Decision(Verdict.HARNESS_ERROR, NO_DUT_CAPTURE, "the responder sent " + e.repliesSent()
                            + " replies and the client timed out, but without a DUT capture lost cannot be told from dropped ("
                            + e.os().describeSources() + ")"));
        }
        if (w.replies() == 0) {
            return new Decision(Verdict.LOST_BEFORE_DUT, null, "the responder sent " + e.repliesSent()
                    + " replies but the DUT capture has none from the persona"
                    + (w.droppedFrames() > 0 ? " (it dropped " + w.droppedFrames() + " frames at its bounds)" : ""));
        }
        // Replies the stack's drop counters do not account for were handed to a socket: if the client still timed
        // out, it read them and did not accept them. (Udp.InDatagrams says that too, but it counts every datagram
        // of the host, so it only has to agree, not to decide.)
        long dropped = e.os().counter(SnmpCounters.UDP_IN_CSUM_ERRORS) + e.os().counter(SnmpCounters.UDP_NO_PORTS)
                + e.os().counter(SnmpCounters.UDP_IN_ERRORS) + e.os().counter(SnmpCounters.UDP_RCVBUF_ERRORS)
                + e.os().counter(SnmpCounters.IP_IN_HDR_ERRORS) + w.fragments() + w.badUdpChecksums() + w.badIpChecksums()
                + e.os().dropReasons().values().stream().mapToLong(Long::longValue).sum();
        long toSockets = e.os().counter(SnmpCounters.UDP_IN_DATAGRAMS);
        boolean osCounted = e.os().available(OsReport.SNMP);
        if (osCounted && w.replies() > dropped && toSockets > 0 && w.vlanTagged() == 0) {
            return new Decision(Verdict.CLIENT_REJECTED, IGNORED, w.replies() + " replies reached the DUT interface, the stack's "
                    + "drop counters account for " + dropped + " of them and " + SnmpCounters.UDP_IN_DATAGRAMS + " rose (+" + toSockets
                    + "): the client read replies it did not accept and timed out" + reason.map(r -> " (also: " + r.because() + ")").orElse(""));
        }
        String onWire = w.replies() + " replies reached the DUT interface but the client timed out: ";
        return reason.map(r -> new Decision(Verdict.DROPPED_IN_STACK, r.token(), onWire + r.because()))
                .orElse(new Decision(Verdict.DROPPED_IN_STACK, UNKNOWN, onWire + "no OS source names a reason ("
                        + e.os().describeSources() + ")"));
    }

    private static Optional<Reason> kernelDropReason(Evidence e) {
        Map<String, Long> reasons = e.os().dropReasons();
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        List<Map.Entry<String, Long>> byCount = reasons.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .toList();
        String top = byCount.get(0).getKey();
        String token = KERNEL_REASONS.getOrDefault(top, top);
        String others = byCount.size() == 1 ? "" : "; also " + byCount.subList(1, byCount.size()).stream()
                .map(x -> x.getKey() + " x" + x.getValue()).collect(Collectors.joining(", "));
        return Optional.of(new Reason(token, "kfree_skb reason " + top + " x" + byCount.get(0).getValue() + " (tracefs)"
                + wireNote(e, token) + others));
    }

    private static Optional<Reason> udpChecksumCounter(Evidence e) {
        long n = e.os().counter(SnmpCounters.UDP_IN_CSUM_ERRORS);
        return n <= 0 ? Optional.empty()
                : Optional.of(new Reason(UDP_CSUM, SnmpCounters.UDP_IN_CSUM_ERRORS + " +" + n + wireNote(e, UDP_CSUM)));
    }

    private static Optional<Reason> ipHeaderCounter(Evidence e) {
        long n = e.os().counter(SnmpCounters.IP_IN_HDR_ERRORS);
        if (n <= 0) {
            return Optional.empty();
        }
        boolean badOnWire = e.dutWire() != null && !e.dutWire().ipChecksumsValid();
        return Optional.of(badOnWire
                ? new Reason(IP_CSUM, SnmpCounters.IP_IN_HDR_ERRORS + " +" + n + wireNote(e, IP_CSUM))
                : new Reason(IP_HDR, SnmpCounters.IP_IN_HDR_ERRORS + " +" + n + " with valid IP header checksums on the wire: "
                        + "the stack rejected another header field"));
    }

    private static Optional<Reason> fragments(Evidence e) {
        long fails = e.os().counter(SnmpCounters.IP_REASM_FAILS);
        long timeouts = e.os().counter(SnmpCounters.IP_REASM_TIMEOUT);
        int onWire = e.dutWire() == null ? 0 : e.dutWire().fragments();
        if (onWire == 0) {
            // Reassembly counters alone do not name this probe: a fragment of an earlier probe times out 30 s later.
            return Optional.empty();
        }
        String counters = fails > 0 || timeouts > 0
                ? SnmpCounters.IP_REASM_FAILS + " +" + Math.max(fails, 0) + ", " + SnmpCounters.IP_REASM_TIMEOUT + " +" + Math.max(timeouts, 0)
                : "no reassembly counter rose";
        return Optional.of(new Reason(FRAGMENT, onWire + " replies on the wire were fragments (" + counters
                + "): the stack waited for pieces that never came"));
    }

    private static Function<Evidence, Optional<Reason>> counter(String key, String token, String meaning) {
        return e -> {
            long n = e.os().counter(key);
            return n <= 0 ? Optional.empty() : Optional.of(new Reason(token, key + " +" + n + ": " + meaning));
        };
    }

    private static Optional<Reason> vlanTag(Evidence e) {
        DutWire w = e.dutWire();
        if (w == null || w.vlanTagged() == 0 || e.dutVlanDevice()) {
            return Optional.empty();
        }
        return Optional.of(new Reason(VLAN, w.vlanTagged() + " of " + w.replies() + " replies on the wire carry an 802.1Q tag "
                + "and the DUT has no VLAN device for it (DUT capture): the stack discards tagged frames it has no device for"));
    }

    /** What the capture adds to a checksum reason: the same bytes bad on the wire, or good on the wire and bad in the stack. */
    private static String wireNote(Evidence e, String token) {
        DutWire w = e.dutWire();
        if (w == null || !(UDP_CSUM.equals(token) || IP_CSUM.equals(token))) {
            return "";
        }
        boolean udp = UDP_CSUM.equals(token);
        int bad = udp ? w.badUdpChecksums() : w.badIpChecksums();
        String what = udp ? "UDP checksums" : "IP header checksums";
        return bad == 0
                ? " while the capture shows valid " + what + ": the stack saw a different checksum than the wire"
                : " and the capture shows " + bad + " of " + w.replies() + " replies with wrong " + what + ": they arrived corrupt";
    }

    private static String nicCounters(Evidence e) {
        return e.os().nicCounterDeltas().entrySet().stream().filter(x -> EthtoolStats.isChecksumErrorCounter(x.getKey()))
                .map(x -> x.getKey() + " +" + x.getValue()).collect(Collectors.joining(", "));
    }
}
