package io.quirklab.observe;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the DUT's operating system and NIC reported while one probe ran: observation point (3), the same record
 * whatever the OS. Linux fills it from /proc/net/snmp, {@code ethtool -S} and kfree_skb; Windows from PktMon and
 * {@code netstat -s} and the TCPIP ETW provider; macOS from {@code netstat -s}.
 *
 * @param counterDeltas    kernel counters that changed ("Udp.InCsumErrors" -> 4); unchanged ones are left out. Windows
 *                         and macOS counters are given the same names where they mean the same thing
 * @param nicCounterDeltas NIC counters ({@code ethtool -S}) that changed
 * @param dropReasons      drop reasons seen ("UDP_CSUM" -> 4): kfree_skb's, or the reasons of {@link #drops}
 * @param sources          each source and whether it was available, with a sentence when it was not
 * @param drops            individual drops with the packet they dropped, where the OS says so (PktMon); empty otherwise
 * @param nicChecksums     the NIC driver's checksum verdict on each received datagram, where the OS logs it (Windows
 *                         TCPIP ETW); empty otherwise. Their counts by judgement are also in {@link #counterDeltas}
 *                         ({@link #ETW_NIC_FLAGGED_BAD}, ...), so a matrix shows how the NIC judged a cell's replies
 * @param nicVerdict       the NIC driver's checksum counters and per-packet checksum state where a Linux machine under
 *                         test reports them per cell (a guest), or null
 */
public record OsReport(Map<String, Long> counterDeltas, Map<String, Long> nicCounterDeltas, Map<String, Long> dropReasons,
                       List<Source> sources, List<Drop> drops, List<NicChecksum> nicChecksums, NicVerdict nicVerdict) {
    public static final String SNMP = "snmp";
    public static final String ETHTOOL = "ethtool";
    public static final String KFREE_SKB = "kfree_skb";
    /** Windows Packet Monitor: drop events with reasons and the dropped packet. */
    public static final String PKTMON = "pktmon";
    /** {@code netstat -s -p udp} (Windows, macOS): counters only. */
    public static final String NETSTAT = "netstat";
    /**
     * A marker source: every drop of the lab's packets was attributed to its flow (Linux kfree_skb through bpftrace),
     * so replies on the DUT wire that no drop accounts for reached a socket.
     */
    public static final String PER_FLOW = "per-flow";
    /** Windows TCPIP ETW events: the NIC driver's own checksum verdict per received datagram. */
    public static final String ETW = "etw";
    /** Counter: replies the NIC driver marked UdpChecksumFailed or IpChecksumFailed (ETW). */
    public static final String ETW_NIC_FLAGGED_BAD = "Etw.NicFlaggedBad";
    /** Counter: replies the NIC driver marked UdpChecksumSucceeded (ETW). */
    public static final String ETW_NIC_VERIFIED_GOOD = "Etw.NicVerifiedGood";
    /** Counter: replies with neither bit: the NIC did not check, tcpip checked in software (ETW). */
    public static final String ETW_NIC_NOT_CHECKED = "Etw.NicNotChecked";

    /**
     * One source of OS evidence.
     *
     * @param name      {@link #SNMP}, {@link #ETHTOOL}, {@link #KFREE_SKB}, {@link #PKTMON} or {@link #NETSTAT}
     * @param available whether it could be read
     * @param note      what it offered ("rx checksum-error counters: none"), or why it was not available
     */
    public record Source(String name, boolean available, String note) {
    }

    /**
     * One UDP/IPv4 flow; a null address or a port of 0 matches any.
     *
     * @param src     source address ("198.18.0.10")
     * @param srcPort source port (623 for a BMC reply)
     * @param dst     destination address
     * @param dstPort destination port
     */
    public record Flow(String src, int srcPort, String dst, int dstPort) {
        /** Whether {@code packet} belongs to this flow (wildcards match anything). */
        public boolean matches(Flow packet) {
            return packet != null && (src == null || src.equals(packet.src)) && (srcPort == 0 || srcPort == packet.srcPort)
                    && (dst == null || dst.equals(packet.dst)) && (dstPort == 0 || dstPort == packet.dstPort);
        }

        @Override
        public String toString() {
            return (src == null ? "*" : src) + "." + (srcPort == 0 ? "*" : srcPort) + " > " + (dst == null ? "*" : dst) + "."
                    + (dstPort == 0 ? "*" : dstPort);
        }
    }

    /**
     * Drops the OS reported as events.
     *
     * @param source    the source that reported them ({@link #PKTMON})
     * @param reason    our token ("UDP_CSUM")
     * @param detail    the OS's own words ("INET: checksum is invalid")
     * @param component where in the stack (PktMon component id, with its name when known), or null
     * @param count     how many
     * @param packet    the dropped packet's flow, or null when the OS did not say
     * @param length    the UDP length the OS printed, or null
     */
    public record Drop(String source, String reason, String detail, String component, long count, Flow packet, Integer length) {
    }

    /**
     * The NIC driver's checksum verdict on one received datagram (NET_BUFFER_LIST).
     *
     * @param source    the source that reported it ({@link #ETW})
     * @param nbl       the NBL's address as logged
     * @param info      the driver's TcpIpChecksumNetBufferListInfo value
     * @param judgement how that judges a UDP/IPv4 datagram
     * @param flags     the names of the bits set ("UdpChecksumFailed")
     * @param packet    the datagram's flow, or null when the log did not say
     * @param matchedBy how the flow was found ({@link EtwTcpipLog#BY_ADDRESSES}, {@link EtwTcpipLog#BY_ADJACENT_PACKET})
     * @param stack     what the stack did with it, when it logged that ("dropped: Checksum is invalid"), or null
     */
    public record NicChecksum(String source, String nbl, long info, NicChecksumInfo.Judgement judgement, List<String> flags,
                              Flow packet, String matchedBy, String stack) {
        public NicChecksum {
            flags = flags == null ? List.of() : List.copyOf(flags);
        }

        static NicChecksum of(String source, String nbl, NicChecksumInfo info, Flow packet, String matchedBy, String stack) {
            return new NicChecksum(source, nbl, info.value(), info.udpJudgement(), info.flags(), packet, matchedBy, stack);
        }
    }

    /** A report without NIC checksum verdicts (every OS but Windows with ETW). */
    public OsReport(Map<String, Long> counterDeltas, Map<String, Long> nicCounterDeltas, Map<String, Long> dropReasons,
                    List<Source> sources, List<Drop> drops) {
        this(counterDeltas, nicCounterDeltas, dropReasons, sources, drops, List.of());
    }

    /** A report without a Linux NIC verdict (every lab but a guest's). */
    public OsReport(Map<String, Long> counterDeltas, Map<String, Long> nicCounterDeltas, Map<String, Long> dropReasons,
                    List<Source> sources, List<Drop> drops, List<NicChecksum> nicChecksums) {
        this(counterDeltas, nicCounterDeltas, dropReasons, sources, drops, nicChecksums, null);
    }

    public OsReport {
        nicChecksums = nicChecksums == null ? List.of() : List.copyOf(nicChecksums);
        counterDeltas = withNicJudgements(counterDeltas, nicChecksums);
        counterDeltas = nonZero(counterDeltas);
        nicCounterDeltas = nonZero(nicCounterDeltas);
        dropReasons = nonZero(dropReasons);
        sources = List.copyOf(sources);
        drops = drops == null ? List.of() : List.copyOf(drops);
    }

    /** A report without individual drops (Linux: kfree_skb gives reasons without packets). */
    public OsReport(Map<String, Long> counterDeltas, Map<String, Long> nicCounterDeltas, Map<String, Long> dropReasons,
                    List<Source> sources) {
        this(counterDeltas, nicCounterDeltas, dropReasons, sources, List.of());
    }

    /** A report whose drop reasons are counted from {@code drops}. */
    public static OsReport withDrops(Map<String, Long> counterDeltas, Map<String, Long> nicCounterDeltas, List<Source> sources,
                                     List<Drop> drops) {
        return new OsReport(counterDeltas, nicCounterDeltas, count(drops), sources, drops);
    }

    /** This report with the NIC's checksum verdicts (and their counters). */
    public OsReport withNicChecksums(List<NicChecksum> nics) {
        return new OsReport(counterDeltas, nicCounterDeltas, dropReasons, sources, drops, nics, nicVerdict);
    }

    /** This report with a Linux NIC's verdict of the span. */
    public OsReport withNicVerdict(NicVerdict verdict) {
        return new OsReport(counterDeltas, nicCounterDeltas, dropReasons, sources, drops, nicChecksums, verdict);
    }

    /** A report without any source: nothing was observed. */
    public static OsReport none() {
        return new OsReport(Map.of(), Map.of(), Map.of(), List.of());
    }

    /** The ETW judgement counters, always counted again from {@code nics} (a report narrowed to a flow counts its own). */
    private static Map<String, Long> withNicJudgements(Map<String, Long> counters, List<NicChecksum> nics) {
        Map<String, Long> out = new TreeMap<>(counters);
        out.keySet().removeIf(k -> k.startsWith("Etw."));
        for (NicChecksum n : nics) {
            String key = switch (n.judgement()) {
                case FLAGGED_BAD -> ETW_NIC_FLAGGED_BAD;
                case VERIFIED_GOOD -> ETW_NIC_VERIFIED_GOOD;
                case NOT_CHECKED -> ETW_NIC_NOT_CHECKED;
            };
            out.merge(key, 1L, Long::sum);
        }
        return out;
    }

    private static Map<String, Long> count(List<Drop> drops) {
        Map<String, Long> out = new TreeMap<>();
        for (Drop d : drops) {
            out.merge(d.reason(), d.count(), Long::sum);
        }
        return out;
    }

    private static Map<String, Long> nonZero(Map<String, Long> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> {
            if (v != null && v != 0) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** The change of one kernel counter, 0 when it did not change or was not read. */
    public long counter(String key) {
        return counterDeltas.getOrDefault(key, 0L);
    }

    /** How much the NIC's receive checksum-error counters rose together. */
    public long nicChecksumErrorDelta() {
        return nicCounterDeltas.entrySet().stream().filter(e -> EthtoolStats.isChecksumErrorCounter(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    public boolean available(String source) {
        return sources.stream().anyMatch(s -> s.name().equals(source) && s.available());
    }

    /** Which source {@link #counterDeltas} came from: {@link #NETSTAT} when only netstat was read, else {@link #SNMP}. */
    public boolean perFlow() {
        return available(PER_FLOW);
    }

    public String counterSource() {
        return available(NETSTAT) && !available(SNMP) ? NETSTAT : SNMP;
    }

    /** Which source named {@link #dropReasons}: the source of {@link #drops}, else {@link #KFREE_SKB}. */
    public String dropReasonSource() {
        return drops.isEmpty() ? KFREE_SKB : drops.get(0).source();
    }

    /**
     * This report narrowed to the drops and NIC checksum verdicts of {@code flows} (one cell's replies): those without
     * a packet, or of other flows, are left out, and the reasons and the ETW judgement counters are counted again.
     * Other counters cannot be told apart by flow and stay as they are; a report without individual drops or NIC
     * verdicts is returned unchanged.
     */
    public OsReport forFlows(Collection<Flow> flows) {
        if (drops.isEmpty() && nicChecksums.isEmpty()) {
            return this;
        }
        List<NicChecksum> nics = nicChecksums.stream().filter(n -> flows.stream().anyMatch(f -> f.matches(n.packet()))).toList();
        if (drops.isEmpty()) {
            return new OsReport(counterDeltas, nicCounterDeltas, dropReasons, sources, drops, nics, nicVerdict);
        }
        List<Drop> mine = drops.stream().filter(d -> flows.stream().anyMatch(f -> f.matches(d.packet()))).toList();
        return new OsReport(counterDeltas, nicCounterDeltas, count(mine), sources, mine, nics, nicVerdict);
    }

    /** The NIC checksum verdicts with this judgement. */
    public List<NicChecksum> nicChecksums(NicChecksumInfo.Judgement judgement) {
        return nicChecksums.stream().filter(n -> n.judgement() == judgement).toList();
    }

    /** "snmp yes, ethtool yes, kfree_skb no (tracefs is not mounted ...)" for explanations. */
    public String describeSources() {
        if (sources.isEmpty()) {
            return "no OS source was read";
        }
        StringBuilder sb = new StringBuilder();
        for (Source s : sources) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.name()).append(s.available() ? " yes" : " no (" + s.note() + ")");
        }
        return sb.toString();
    }
}
