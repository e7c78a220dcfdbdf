package io.quirklab.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of Microsoft-Windows-TCPIP events ({@code netsh trace convert}, or {@code pktmon etl2txt} of a PktMon
 * trace that added the provider): the NIC driver's own checksum verdict on each received NET_BUFFER_LIST, and what
 * tcpip.sys did with it. Three kinds of line are read; everything else is skipped:
 *
 * <ul>
 *   <li>{@code Nbl 0xFFFF... OOB info (1(Receive)): TcpIpChecksumNetBufferListInfo 0x2, ...}: the NBL's out-of-band
 *       checksum info ({@link NicChecksumInfo}); a send-side record is ignored (its bits mean something else);
 *   <li>{@code TCPIP: NBL 0xFFFF... fell off the receive fast path, Reason: 2(UDP checksum offload not computed).
 *       Protocol = ..., Family = ..., ... SourceAddress = A. DestAddress = B.}: the NBL's addresses, and why tcpip took
 *       the slow path (there it checks the checksum in software);
 *   <li>{@code TCPIP: Transport (Protocol UDP, AddressFamily = IPV4) dropped 1 packet(s) with Source = A:P,
 *       Destination = B:Q. Reason = Checksum is invalid.}: a drop with the flow but no NBL address; it is given to the
 *       latest NBL that has no addresses yet and whose info has a Failed bit (tcpip drops right after reading it);
 *       the network layer's drop ({@code TCPIP: Network layer (Protocol ...) dropped N packet(s). SourceAddress = A.
 *       DestAddress = B. Reason = ...}, an IP header checksum the driver failed) is read the same way.
 * </ul>
 *
 * An NBL that no event gives addresses (a reply on the fast path) takes the flow of the PktMon packet event just
 * before it, when the log is PktMon's and that event is at most {@link #ADJACENT_EVENTS} events away: PktMon logs the
 * packet as it enters the stack, tcpip its OOB info right after. {@link Nbl#matchedBy} says which way the flow came.
 *
 * <p>Every drop event tcpip.sys logged ({@code TCPIP: Network layer (Protocol 1(ICMP), AddressFamily = 2(IPV4))
 * dropped 1 packet(s) on interface 13. SourceAddress = A. DestAddress = B. Reason = 9(Inspection drop). Direction =
 * 0(Send). NBL = 0x...}, and the transport layer's) is also a {@link OsReport.Drop} of its own, with its reason,
 * interface and direction, whether or not the NIC's checksum info came with it ({@code netsh trace convert} of a
 * trace without OOB events has none).
 *
 * @param nbls     every received NBL with checksum info or a fast-path exit, in log order
 * @param drops    every drop event, in log order ({@link OsReport#ETW}, reason token, tcpip's words, "interface N")
 * @param coverage the lines read, and the TCPIP event lines that could not be read
 */
public record EtwTcpipLog(List<Nbl> nbls, List<OsReport.Drop> drops, Coverage coverage) {
    public static final String PROVIDER = "Microsoft-Windows-TCPIP";
    /** How far (in events) a PktMon packet event may precede an NBL's OOB info to lend it its flow. */
    static final int ADJACENT_EVENTS = 2;
    /** The flow came from the NBL's own TCPIP event (fast-path exit or drop). */
    public static final String BY_ADDRESSES = "addresses";
    /** The flow came from the PktMon packet event just before the NBL's OOB info. */
    public static final String BY_ADJACENT_PACKET = "adjacent pktmon packet";

    private static final Pattern OOB = Pattern.compile(
            "(?i)\\bNbl\\s+(0x[0-9a-f]+)\\s+OOB info\\b(?:\\s*\\(\\s*\\d+\\s*\\(\\s*(\\w+)\\s*\\)\\s*\\))?.*?"
                    + "TcpIpChecksumNetBufferListInfo\\s*[=:]?\\s*(0x[0-9a-f]+|\\d+)");
    private static final Pattern FELL_OFF = Pattern.compile(
            "(?i)\\bNBL\\s+(0x[0-9a-f]+)\\s+fell off the receive fast path,\\s*Reason:\\s*(?:\\d+\\s*\\(([^)]*)\\)|([^.]*))");
    private static final Pattern TRANSPORT_DROP = Pattern.compile(
            "(?i)\\b(?:Transport|Network layer)\\s*\\(Protocol\\s*=?\\s*([^,]+?)\\s*,.*?\\)\\s*dropped\\s+(\\d+)\\s+packet\\(s\\)(.*?)(Reason\\s*=.*)$");
    /** "Reason = 9(Inspection drop)." or "Reason = Checksum is invalid." */
    private static final Pattern REASON = Pattern.compile("(?i)Reason\\s*=\\s*(?:\\d+\\s*\\(([^)]*)\\)|([^.]*))");
    private static final Pattern INTERFACE = Pattern.compile("(?i)\\binterface\\s+(\\d+)");
    private static final Pattern DIRECTION = Pattern.compile("(?i)\\bDirection\\s*=\\s*(?:\\d+\\s*\\()?\\s*(\\w+)");
    private static final Pattern SOURCE = Pattern.compile(
            "(?i)\\bSource(?:Address)?\\s*=\\s*(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?");
    private static final Pattern DESTINATION = Pattern.compile(
            "(?i)\\bDest(?:ination|Address)?\\s*=\\s*(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?");
    private static final Pattern PROTOCOL = Pattern.compile("(?i)\\bProtocol\\s*=\\s*(?:\\d+\\s*\\(\\s*)?([A-Za-z0-9]+)");
    /** A PktMon event's packet: "... 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48". */
    private static final Pattern PKTMON_PACKET = Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3})\\.(\\d{1,5}) > (\\d{1,3}(?:\\.\\d{1,3}){3})\\.(\\d{1,5}): UDP");
    private static final Pattern EVENT = Pattern.compile("^\\s*\\[[^\\]]*\\]\\S*::|\\[Microsoft-Windows-");

    /**
     * One received NET_BUFFER_LIST.
     *
     * @param address      the NBL's address as logged ("0xFFFFA50C1E2D3040")
     * @param checksumInfo the driver's checksum info, or null when only the fast-path exit was logged
     * @param packet       its flow, or null when no event gave one
     * @param matchedBy    {@link #BY_ADDRESSES} or {@link #BY_ADJACENT_PACKET}, null without a flow
     * @param protocol     "UDP" when an event said so, else null
     * @param stack        what tcpip did: "slow path: UDP checksum offload not computed", "dropped: Checksum is
     *                     invalid", or null (nothing logged: the fast path)
     */
    public record Nbl(String address, NicChecksumInfo checksumInfo, OsReport.Flow packet, String matchedBy, String protocol,
                      String stack) {
        Nbl withFlow(OsReport.Flow flow, String by) {
            return new Nbl(address, checksumInfo, flow, by, protocol, stack);
        }

        Nbl withStack(String more, String proto) {
            return new Nbl(address, checksumInfo, packet, matchedBy, protocol == null ? proto : protocol,
                    stack == null ? more : stack + "; " + more);
        }

        /** As the OS evidence records it. */
        public OsReport.NicChecksum toEvidence() {
            return OsReport.NicChecksum.of(OsReport.ETW, address, checksumInfo, packet, matchedBy, stack);
        }
    }

    public EtwTcpipLog {
        nbls = List.copyOf(nbls);
        drops = List.copyOf(drops);
    }

    /** NBLs alone (made in code). */
    public EtwTcpipLog(List<Nbl> nbls) {
        this(nbls, List.of(), Coverage.none());
    }

    /** Whether {@code text} has any TCPIP event this parser reads (format detection). */
    public static boolean recognizes(String text) {
        return OOB.matcher(text).find() || FELL_OFF.matcher(text).find() || TRANSPORT_DROP.matcher(text).find();
    }

    /** Whether one line is a TCPIP event this parser reads (an NBL's checksum info, a fast-path exit, a drop). */
    public static boolean isEvent(String line) {
        return line.contains("OOB info") && OOB.matcher(line).find() || line.contains("fast path") && FELL_OFF.matcher(line).find()
                || line.contains("dropped") && TRANSPORT_DROP.matcher(line).find();
    }

    /** Parses the text; never throws. */
    public static EtwTcpipLog parse(String text) {
        return read(List.of(text.split("\\R")));
    }

    /** Reads the lines; never throws. */
    public static EtwTcpipLog read(List<String> lines) {
        List<Nbl> out = new ArrayList<>();
        List<OsReport.Drop> drops = new ArrayList<>();
        Coverage.Builder coverage = new Coverage.Builder();
        OsReport.Flow lastPacket = null;
        int eventsSincePacket = Integer.MAX_VALUE;
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index);
            if (line.contains(PROVIDER) || line.contains("TCPIP:")) {
                coverage.read(index);
                if (Coverage.isCut(line) && !isEvent(line)) {
                    coverage.unread(index, "TCPIP event cut short by the console");
                }
            }
            Matcher oob = OOB.matcher(line);
            Matcher fell = FELL_OFF.matcher(line);
            Matcher drop = TRANSPORT_DROP.matcher(line);
            if (oob.find()) {
                String direction = oob.group(2) == null ? "" : oob.group(2).toLowerCase(Locale.ROOT);
                if (!direction.startsWith("send") && !direction.startsWith("transmit")) {
                    Nbl n = new Nbl(oob.group(1).toUpperCase(Locale.ROOT).replace("0X", "0x"), new NicChecksumInfo(number(oob.group(3))),
                            null, null, null, null);
                    if (lastPacket != null && eventsSincePacket <= ADJACENT_EVENTS) {
                        n = n.withFlow(lastPacket, BY_ADJACENT_PACKET);
                    }
                    out.add(n);
                }
            } else if (fell.find()) {
                String address = fell.group(1).toUpperCase(Locale.ROOT).replace("0X", "0x");
                String reason = (fell.group(2) != null ? fell.group(2) : fell.group(3)).trim();
                OsReport.Flow flow = flow(line);
                Matcher proto = PROTOCOL.matcher(line);
                String protocol = proto.find() ? proto.group(1).toUpperCase(Locale.ROOT) : null;
                int i = latest(out, address);
                Nbl n = i >= 0 ? out.get(i) : new Nbl(address, null, null, null, null, null);
                n = n.withStack("slow path: " + reason, protocol);
                if (flow != null) {
                    n = n.withFlow(flow, BY_ADDRESSES);
                }
                if (i >= 0) {
                    out.set(i, n);
                } else {
                    out.add(n);
                }
            } else if (drop.find()) {
                OsReport.Flow flow = flow(drop.group(3) + " " + drop.group(4));
                String protocol = drop.group(1).replaceAll("^\\d+\\s*\\(|\\)$", "").toUpperCase(Locale.ROOT);
                String reason = reason(drop.group(4));
                boolean network = drop.group(0).toLowerCase(Locale.ROOT).contains("network layer");
                Matcher iface = INTERFACE.matcher(drop.group(3));
                Matcher direction = DIRECTION.matcher(drop.group(4));
                String dir = direction.find() ? direction.group(1) : null;
                long count = Long.parseLong(drop.group(2).length() > 12 ? "1" : drop.group(2));
                drops.add(new OsReport.Drop(OsReport.ETW, ReasonWords.token(reason, protocol, network, "TCPIP"),
                        (network ? "network layer" : "transport") + ": " + reason + (dir == null ? "" : " (" + dir + ")"),
                        iface.find() ? "interface " + iface.group(1) : null, Math.max(1, count), flow, null));
                for (int i = out.size() - 1; i >= 0; i--) {
                    Nbl n = out.get(i);
                    if ((n.packet() == null || BY_ADJACENT_PACKET.equals(n.matchedBy())) && n.checksumInfo() != null
                            && n.checksumInfo().udpJudgement() == NicChecksumInfo.Judgement.FLAGGED_BAD) {
                        n = n.withStack("dropped: " + reason, protocol);
                        out.set(i, flow == null ? n : n.withFlow(flow, BY_ADDRESSES));
                        break;
                    }
                }
            }
            Matcher packet = PKTMON_PACKET.matcher(line);
            if (line.contains("[Microsoft-Windows-PktMon]") || packet.find()) {
                packet.reset();
                if (packet.find()) {
                    lastPacket = new OsReport.Flow(packet.group(1), Integer.parseInt(packet.group(2)), packet.group(3),
                            Integer.parseInt(packet.group(4)));
                    eventsSincePacket = 0;
                    continue;
                }
            }
            if (EVENT.matcher(line).find() && eventsSincePacket != Integer.MAX_VALUE) {
                eventsSincePacket++;
            }
        }
        return new EtwTcpipLog(out, drops, coverage.build());
    }

    /** tcpip's reason words without their number and the fields after them: "9(Inspection drop). Direction = ..." -> "Inspection drop". */
    private static String reason(String rest) {
        Matcher m = REASON.matcher(rest);
        if (!m.find()) {
            return "unknown";
        }
        String r = m.group(1) != null ? m.group(1) : m.group(2);
        return r.trim().replaceAll("\\.$", "");
    }

    private static int latest(List<Nbl> nbls, String address) {
        for (int i = nbls.size() - 1; i >= 0; i--) {
            if (nbls.get(i).address().equals(address)) {
                return i;
            }
        }
        return -1;
    }

    /** The flow a line names with Source(Address) = and Dest(ination|Address) =; null without both addresses. */
    private static OsReport.Flow flow(String text) {
        Matcher s = SOURCE.matcher(text);
        Matcher d = DESTINATION.matcher(text);
        if (!s.find() || !d.find()) {
            return null;
        }
        return new OsReport.Flow(s.group(1), s.group(2) == null ? 0 : Integer.parseInt(s.group(2)), d.group(1),
                d.group(2) == null ? 0 : Integer.parseInt(d.group(2)));
    }

    private static long number(String s) {
        try {
            return s.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0; // wider than 64 bits: no flag we know of is set there
        }
    }

    /** The NBLs whose flow belongs to {@code flow}. */
    public List<Nbl> nblsOf(OsReport.Flow flow) {
        return nbls.stream().filter(n -> flow.matches(n.packet())).toList();
    }

    /** The NBLs as the OS evidence records them. */
    public List<OsReport.NicChecksum> evidence() {
        return nbls.stream().filter(n -> n.checksumInfo() != null).map(Nbl::toEvidence).toList();
    }
}
