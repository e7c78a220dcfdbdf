package io.quirklab.observe;

import io.quirklab.client.Failure;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
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
 * the stack gets its reason from the first OS source that names one (table {@link #STACK_REASONS}, in order). Every
 * decision names the source of its reason ({@link Decision#source}), whatever the OS: kfree_skb or snmp on Linux,
 * etw, pktmon or netstat on Windows, netstat on macOS.
 */
public final class VerdictRules {
    /** The kernel's reason for a frame addressed elsewhere (also: a Reason.VLAN-tagged frame without a Reason.VLAN device). */
    static final String OTHERHOST = "OTHERHOST";

    /** Kernel drop reasons that mean the same as one of ours; any other keeps the kernel's name. */
    static final Map<String, Reason> KERNEL_REASONS = Map.of("IP_INHDR", Reason.IP_HDR, "NO_SOCKET", Reason.NO_PORT, "SOCKET_RCVBUFF",
            Reason.UDP_RCVBUF, "FRAG_REASM_TIMEOUT", Reason.FRAGMENT, "FRAG_TOO_FAR", Reason.FRAGMENT);

    /**
     * One verdict.
     *
     * @param verdict     the verdict
     * @param reason      why (MATRIX.md "reason"), or null
     * @param explanation one or two sentences naming the evidence and its source
     * @param source      which source gave the reason (MATRIX.md "reason_source"); null when there is no reason or no
     *                    source named one
     */
    public record Decision(Verdict verdict, Reason reason, String explanation, ReasonSource source) {
        /** A decision without a reason source. */
        public Decision(Verdict verdict, Reason reason, String explanation) {
            this(verdict, reason, explanation, null);
        }
    }

    /** A reason, the sentence that says what gave it, and the name of that source. */
    private record Found(Reason reason, String because, ReasonSource source) {
    }

    /** Why replies that reached the DUT interface died in the stack: the first rule that applies wins. */
    private static final List<Function<Evidence, Optional<Found>>> STACK_REASONS = List.of(
            VerdictRules::nicFlaggedBad,
            VerdictRules::osDropReason,
            VerdictRules::udpChecksumCounter,
            VerdictRules::ipHeaderCounter,
            VerdictRules::fragments,
            counter(SnmpCounters.UDP_NO_PORTS, Reason.NO_PORT, "no socket listened on the reply's destination port"),
            counter(SnmpCounters.UDP6_NO_PORTS, Reason.NO_PORT, "no socket listened on the reply's destination port (IPv6)"),
            counter(SnmpCounters.UDP_RCVBUF_ERRORS, Reason.UDP_RCVBUF, "the client's socket buffer was full"),
            counter(SnmpCounters.UDP6_RCVBUF_ERRORS, Reason.UDP_RCVBUF, "the client's socket buffer was full (IPv6)"),
            VerdictRules::udpErrors,
            VerdictRules::vlanTag);

    private VerdictRules() {
    }

    public static Decision decide(Evidence e) {
        Evidence.Client c = e.client();
        if (c.ok()) {
            long nic = e.os().nicChecksumErrorDelta();
            if (nic > 0) {
                return new Decision(Verdict.DELIVERED_NIC_FLAGGED, Reason.NIC_CSUM, "the client got its replies, but the NIC's receive "
                        + "checksum-error counters rose (" + nicCounters(e) + ", ethtool -S): the NIC judged them bad and "
                        + "the stack re-checked them in software", ReasonSource.ETHTOOL);
            }
            return new Decision(Verdict.DELIVERED, null, "the client got its replies (" + c.answered() + " of " + c.attempts()
                    + " requests answered)");
        }
        if (c.failure() == Failure.IO_ERROR) {
            return new Decision(Verdict.HARNESS_ERROR, Reason.CLIENT_IO_ERROR, "the client could not run or use its socket: " + c.message(),
                    ReasonSource.CLIENT);
        }
        if (c.failure() != Failure.TIMEOUT) {
            return new Decision(Verdict.CLIENT_REJECTED, Reason.of(c.failure().name()), "the client failed with " + c.failure()
                    + ", not a timeout, so replies reached it: " + c.message(), ReasonSource.CLIENT);
        }
        if (e.requestsSeen() == 0) {
            return new Decision(Verdict.NO_REQUEST, null, "the client timed out and the responder journal has no request: "
                    + "the requests never reached the responder");
        }
        if (e.repliesSent() == 0) {
            return new Decision(Verdict.HARNESS_ERROR, Reason.NO_REPLY_SENT, "the responder journal has " + e.requestsSeen()
                    + " requests but no reply: the simulated BMC stayed silent", ReasonSource.JOURNAL);
        }
        Optional<Found> reason = STACK_REASONS.stream().map(r -> r.apply(e)).flatMap(Optional::stream).findFirst();
        DutWire w = e.dutWire();
        if (w == null) {
            return reason.map(r -> new Decision(Verdict.DROPPED_IN_STACK, r.reason(), "the responder sent " + e.repliesSent()
                            + " replies and the client timed out; there is no DUT capture, but " + r.because(), r.source()))
                    .orElse(new Decision(Verdict.HARNESS_ERROR, Reason.NO_DUT_CAPTURE, "the responder sent " + e.repliesSent()
                            + " replies and the client timed out, but without a DUT capture lost cannot be told from dropped ("
                            + e.os().describeSources() + ")", ReasonSource.CAPTURE));
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
                + e.os().counter(SnmpCounters.UDP6_IN_CSUM_ERRORS) + e.os().counter(SnmpCounters.UDP6_NO_PORTS)
                + e.os().counter(SnmpCounters.UDP6_IN_ERRORS) + e.os().counter(SnmpCounters.UDP6_RCVBUF_ERRORS)
                + e.os().counter(SnmpCounters.IP_IN_HDR_ERRORS) + w.fragments() + w.badUdpChecksums() + w.badIpChecksums()
                + e.os().dropReasons().values().stream().mapToLong(Long::longValue).sum();
        if (e.os().perFlow()) {
            // Every drop of this flow's packets is in the report: what none accounts for went up to the client's socket.
            if (w.replies() > dropped && w.vlanTagged() == 0) {
                return new Decision(Verdict.CLIENT_REJECTED, Reason.IGNORED, w.replies() + " replies reached the DUT interface and the "
                        + "kernel dropped " + dropped + " of this flow's packets (kfree_skb per packet): the client read replies it "
                        + "did not accept and timed out" + reason.map(r -> " (also: " + r.because() + ")").orElse(""));
            }
        } else {
            long toSockets = e.os().counter(SnmpCounters.UDP_IN_DATAGRAMS) + e.os().counter(SnmpCounters.UDP6_IN_DATAGRAMS);
            boolean osCounted = e.os().available(OsReport.SNMP);
            if (osCounted && w.replies() > dropped && toSockets > 0 && w.vlanTagged() == 0) {
                return new Decision(Verdict.CLIENT_REJECTED, Reason.IGNORED, w.replies() + " replies reached the DUT interface, the stack's "
                        + "drop counters account for " + dropped + " of them and " + SnmpCounters.UDP_IN_DATAGRAMS + " rose (+" + toSockets
                        + "): the client read replies it did not accept and timed out" + reason.map(r -> " (also: " + r.because() + ")").orElse(""));
            }
        }
        String onWire = w.replies() + " replies reached the DUT interface but the client timed out: ";
        return reason.map(r -> new Decision(Verdict.DROPPED_IN_STACK, r.reason(), onWire + r.because(), r.source()))
                .orElse(new Decision(Verdict.DROPPED_IN_STACK, Reason.UNKNOWN, onWire + "no OS source names a reason ("
                        + e.os().describeSources() + ")"));
    }

    /**
     * The NIC driver's own verdict (Windows TCPIP ETW): it set UdpChecksumFailed (or IpChecksumFailed) on replies of
     * this cell, and the DUT capture shows their bytes valid, or there is no capture to say otherwise. Replies that
     * arrived corrupt are left to the other rules: then the NIC was right.
     */
    private static Optional<Found> nicFlaggedBad(Evidence e) {
        List<OsReport.NicChecksum> bad = e.os().nicChecksums(NicChecksumInfo.Judgement.FLAGGED_BAD);
        DutWire w = e.dutWire();
        if (bad.isEmpty() || w != null && (w.badUdpChecksums() > 0 || w.badIpChecksums() > 0)) {
            return Optional.empty();
        }
        String flags = bad.stream().flatMap(n -> n.flags().stream()).distinct().collect(Collectors.joining(", "));
        String stack = bad.stream().map(OsReport.NicChecksum::stack).filter(java.util.Objects::nonNull).distinct()
                .collect(Collectors.joining("; "));
        return Optional.of(new Found(Reason.NIC_FLAGGED_BAD, "the NIC driver marked " + bad.size() + " repl" + (bad.size() == 1 ? "y" : "ies")
                + " " + flags + " in TcpIpChecksumNetBufferListInfo (TCPIP ETW" + (stack.isEmpty() ? "" : "; " + stack) + ")"
                + (w == null ? ", and there is no DUT capture to show their bytes"
                        : " while the capture shows valid checksums on the wire: the NIC judged good datagrams bad and tcpip trusted it"),
                ReasonSource.ETW));
    }

    /** Drop reasons the OS named: kfree_skb's (Linux), PktMon's or tcpip.sys's drop events (Windows). */
    private static Optional<Found> osDropReason(Evidence e) {
        if (e.os().dropReasons().isEmpty()) {
            return Optional.empty();
        }
        String source = e.os().dropReasonSource();
        return OsReport.PKTMON.equals(source) || OsReport.ETW.equals(source) ? eventDropReason(e, source) : kernelDropReason(e);
    }

    private static Optional<Found> kernelDropReason(Evidence e) {
        Map<String, Long> reasons = e.os().dropReasons();
        String mine = corroborated(e, reasons);
        // the reason the capture corroborates first, then by count
        List<Map.Entry<String, Long>> ranked = reasons.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Long> x) -> !x.getKey().equals(mine))
                        .thenComparing(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).thenComparing(Map.Entry.comparingByKey()))
                .toList();
        String top = ranked.get(0).getKey();
        DutWire w = e.dutWire();
        // every fragment reason (DUP_FRAG, FRAG_REASM_TIMEOUT, FRAG_TOO_FAR, ...) says the same: reassembly never finished;
        // so does a fragment without its UDP header freed without a reason (a reassembly queue purged)
        Reason token = top.contains("FRAG") || unspecifiedFragments(e, top) ? Reason.FRAGMENT : KERNEL_REASONS.getOrDefault(top, Reason.of(top));
        if (OTHERHOST.equals(top) && w != null && w.vlanTagged() > 0 && !e.dutVlanDevice()) {
            // untagged by the stack with no Reason.VLAN device to take them, tagged frames become "for another host"
            return Optional.of(new Found(Reason.VLAN, "kfree_skb reason " + top + " x" + ranked.get(0).getValue() + ": " + w.vlanTagged()
                    + " of " + w.replies() + " replies on the wire carry an 802.1Q tag and the DUT has no Reason.VLAN device for it",
                    ReasonSource.KFREE_SKB));
        }
        String others = ranked.size() == 1 ? "" : "; also " + ranked.subList(1, ranked.size()).stream()
                .map(x -> x.getKey() + " x" + x.getValue()).collect(Collectors.joining(", "));
        return Optional.of(new Found(token, "kfree_skb reason " + top + " x" + ranked.get(0).getValue()
                + (e.os().perFlow() ? " for this flow's packets" : " (" + kernelDropTool(e) + ")")
                + wireNote(e, token) + others, ReasonSource.KFREE_SKB));
    }

    /**
     * Host-wide reasons (not per flow) count every packet the host dropped meanwhile, other traffic's too: the one the
     * capture shows the replies would be dropped for (UDP_CSUM for replies with wrong UDP checksums, IP_CSUM for wrong
     * IP header checksums) is this cell's, however often another reason came up. Per flow, every reason is the cell's.
     * Null when there is none.
     */
    private static String corroborated(Evidence e, Map<String, Long> reasons) {
        DutWire w = e.dutWire();
        if (e.os().perFlow() || w == null) {
            return null;
        }
        if (w.badUdpChecksums() > 0 && reasons.containsKey("UDP_CSUM")) {
            return "UDP_CSUM";
        }
        return w.badIpChecksums() > 0 && reasons.containsKey("IP_CSUM") ? "IP_CSUM" : null;
    }

    /** NOT_SPECIFIED drops that were all later fragments (no ports) of replies the capture shows fragmented. */
    private static boolean unspecifiedFragments(Evidence e, String top) {
        List<OsReport.Drop> of = e.os().drops().stream().filter(d -> d.reason().equals(top)).toList();
        return "NOT_SPECIFIED".equals(top) && e.dutWire() != null && e.dutWire().fragments() > 0 && !of.isEmpty()
                && of.stream().allMatch(d -> d.packet() != null && d.packet().srcPort() == 0 && d.packet().dstPort() == 0);
    }

    /** Where kernel drop reasons without a flow came from: tracefs, or the tool whose output named them ("perf script"). */
    private static String kernelDropTool(Evidence e) {
        String tools = e.os().drops().stream().map(OsReport.Drop::detail).filter(java.util.Objects::nonNull)
                .map(d -> d.contains(":") ? d.substring(0, d.indexOf(':')) : "").filter(t -> !t.isBlank() && !t.startsWith("kfree_skb"))
                .distinct().collect(Collectors.joining(", "));
        return tools.isEmpty() ? "tracefs" : tools;
    }

    /**
     * Drop events of Windows: the most frequent reason, in Windows' own words, with where it dropped (PktMon's
     * component, tcpip's interface).
     */
    private static Optional<Found> eventDropReason(Evidence e, String source) {
        Map<String, Long> reasons = e.os().dropReasons();
        String top = reasons.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        List<OsReport.Drop> drops = e.os().drops().stream().filter(d -> d.reason().equals(top)).toList();
        String words = drops.stream().map(OsReport.Drop::detail).distinct().collect(Collectors.joining("', '"));
        String where = drops.stream().map(OsReport.Drop::component).filter(java.util.Objects::nonNull).distinct()
                .collect(Collectors.joining(", "));
        long n = reasons.get(top);
        String others = reasons.size() == 1 ? "" : "; also " + reasons.entrySet().stream().filter(x -> !x.getKey().equals(top))
                .map(x -> x.getKey() + " x" + x.getValue()).collect(Collectors.joining(", "));
        boolean pktmon = OsReport.PKTMON.equals(source);
        return Optional.of(new Found(Reason.of(top), (pktmon ? "PktMon" : "tcpip.sys (TCPIP ETW)") + " logged " + n + " drop" + (n == 1 ? "" : "s")
                + " with " + (pktmon ? "DropReason" : "Reason") + " '" + words + "'"
                + (where.isEmpty() ? "" : (pktmon ? " at component " : " at ") + where) + " (" + source + ")" + wireNote(e, Reason.of(top))
                + others, ReasonSource.of(source)));
    }

    /** Udp.InCsumErrors, or IPv6's Udp6.InCsumErrors (which counts a zero checksum too: RFC 8200 8.1). */
    private static Optional<Found> udpChecksumCounter(Evidence e) {
        for (String key : List.of(SnmpCounters.UDP_IN_CSUM_ERRORS, SnmpCounters.UDP6_IN_CSUM_ERRORS)) {
            long n = e.os().counter(key);
            if (n > 0) {
                return Optional.of(new Found(Reason.UDP_CSUM, counterName(e, key) + " +" + n + wireNote(e, Reason.UDP_CSUM),
                        ReasonSource.of(e.os().counterSource())));
            }
        }
        return Optional.empty();
    }

    /** Udp.InErrors: on Linux the stack's other UDP errors (checksum errors came first); netstat does not say why. */
    private static Optional<Found> udpErrors(Evidence e) {
        long n = e.os().counter(SnmpCounters.UDP_IN_ERRORS);
        if (n <= 0) {
            return Optional.empty();
        }
        boolean netstat = OsReport.NETSTAT.equals(e.os().counterSource());
        return Optional.of(new Found(Reason.UDP_ERROR, counterName(e, SnmpCounters.UDP_IN_ERRORS) + " +" + n + ": " + (netstat
                ? "the stack counted UDP receive errors without saying why (a checksum drop counts here too; PktMon names the reason)"
                : "the stack rejected the UDP datagram without a checksum error"), ReasonSource.of(e.os().counterSource())));
    }

    /** The counter's name, with where it came from when that is not /proc/net/snmp (whose names these are). */
    private static String counterName(Evidence e, String key) {
        return OsReport.NETSTAT.equals(e.os().counterSource()) ? key + " (netstat -s)" : key;
    }

    private static Optional<Found> ipHeaderCounter(Evidence e) {
        long n = e.os().counter(SnmpCounters.IP_IN_HDR_ERRORS);
        if (n <= 0) {
            return Optional.empty();
        }
        boolean badOnWire = e.dutWire() != null && !e.dutWire().ipChecksumsValid();
        String name = counterName(e, SnmpCounters.IP_IN_HDR_ERRORS);
        return Optional.of(badOnWire
                ? new Found(Reason.IP_CSUM, name + " +" + n + wireNote(e, Reason.IP_CSUM), ReasonSource.of(e.os().counterSource()))
                : new Found(Reason.IP_HDR, name + " +" + n + " with valid IP header checksums on the wire: "
                        + "the stack rejected another header field", ReasonSource.of(e.os().counterSource())));
    }

    private static Optional<Found> fragments(Evidence e) {
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
        return Optional.of(new Found(Reason.FRAGMENT, onWire + " replies on the wire were fragments (" + counters
                + "): the stack waited for pieces that never came", fails > 0 || timeouts > 0 ? ReasonSource.of(e.os().counterSource()) : ReasonSource.CAPTURE));
    }

    private static Function<Evidence, Optional<Found>> counter(String key, Reason token, String meaning) {
        return e -> {
            long n = e.os().counter(key);
            return n <= 0 ? Optional.empty()
                    : Optional.of(new Found(token, counterName(e, key) + " +" + n + ": " + meaning, ReasonSource.of(e.os().counterSource())));
        };
    }

    private static Optional<Found> vlanTag(Evidence e) {
        DutWire w = e.dutWire();
        if (w == null || w.vlanTagged() == 0 || e.dutVlanDevice()) {
            return Optional.empty();
        }
        return Optional.of(new Found(Reason.VLAN, w.vlanTagged() + " of " + w.replies() + " replies on the wire carry an 802.1Q tag "
                + "and the DUT has no Reason.VLAN device for it (DUT capture): the stack discards tagged frames it has no device for", ReasonSource.CAPTURE));
    }

    /** What the capture adds to a checksum reason: the same bytes bad on the wire, or good on the wire and bad in the stack. */
    private static String wireNote(Evidence e, Reason token) {
        DutWire w = e.dutWire();
        if (w == null || !(Reason.UDP_CSUM.equals(token) || Reason.IP_CSUM.equals(token))) {
            return "";
        }
        boolean udp = Reason.UDP_CSUM.equals(token);
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
