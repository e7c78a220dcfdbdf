package io.quirklab.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code netstat -s} counters of Windows and macOS, under the /proc/net/snmp names ({@link SnmpCounters}) where they
 * mean the same thing, so the verdict rules read them alike.
 *
 * <p>Windows ({@code netstat -s -p udp}) translates its labels and prints in the console's code page; the four UDP
 * lines always come in the same order (received, no ports, receive errors, sent), so lines are matched by known
 * label first (English, German) and by position otherwise. The whole {@code netstat -s} has a section per protocol:
 * the UDP-over-IPv4 one is picked by its title. macOS labels are not translated but nest (a line indented under
 * another qualifies it); lines it does not know are skipped. Checked against published outputs
 * (test resources testdata/real-world).
 */
public final class NetstatCounters {
    /** Windows "Datagrams Sent". */
    public static final String UDP_OUT_DATAGRAMS = "Udp.OutDatagrams";
    /** macOS "datagrams received" (before any check; Udp.InDatagrams is what was delivered). */
    public static final String UDP_RECEIVED = "Udp.Received";
    /** macOS "with no checksum". */
    public static final String UDP_NO_CHECKSUM = "Udp.InNoChecksum";
    /** macOS "checksummed in software": rises when the receive checksum offload is off. */
    public static final String UDP_SOFTWARE_CHECKSUMMED = "Udp.InSoftwareChecksummed";
    /** macOS "with incomplete header". */
    public static final String UDP_INCOMPLETE_HEADER = "Udp.InIncompleteHeader";
    /** macOS "with bad data length field". */
    public static final String UDP_BAD_LENGTH = "Udp.InBadLength";
    /** macOS ip "with data size > data length": trailing bytes after the IP datagram. */
    public static final String IP_TRAILING_BYTES = "Ip.InTrailingBytes";
    /** macOS ip "with data size < data length": truncated datagrams. */
    public static final String IP_TRUNCATED = "Ip.InTruncated";
    /** macOS ip "fragments received". */
    public static final String IP_FRAGMENTS_RECEIVED = "Ip.ReasmReqds";
    /** Windows "Packets Received", macOS "total packets received". */
    public static final String IP_IN_RECEIVES = "Ip.InReceives";
    /** Windows "Received Packets Delivered". */
    public static final String IP_IN_DELIVERS = "Ip.InDelivers";

    private static final Pattern WINDOWS_LINE = Pattern.compile("^\\s*(.+?)\\s*=\\s*(\\d+)\\s*$");
    private static final Pattern MAC_LINE = Pattern.compile("^(\\s*)(\\d+)\\s+(.+?)\\s*$");
    /** A macOS section title ("udp:", "ip:"), alone on its line. */
    private static final Pattern MAC_SECTION = Pattern.compile("^\\s*([a-z0-9]+):\\s*$");
    /** The Windows UDP lines in the order netstat prints them. */
    private static final List<String> WINDOWS_ORDER = List.of(SnmpCounters.UDP_IN_DATAGRAMS, SnmpCounters.UDP_NO_PORTS,
            SnmpCounters.UDP_IN_ERRORS, UDP_OUT_DATAGRAMS);
    /** The UDP labels in the UI languages seen ("Keine Anschlüsse" is what a German Windows prints for "No Ports"). */
    private static final LocalizedWords WINDOWS_LABELS = LocalizedWords.load("netstat-windows");
    /** The Windows IPv4 lines netstat prints in a fixed order (17 of them), by position: their labels are translated. */
    private static final Map<Integer, String> WINDOWS_IP_ORDER = Map.of(0, IP_IN_RECEIVES, 1, SnmpCounters.IP_IN_HDR_ERRORS,
            2, SnmpCounters.IP_IN_ADDR_ERRORS, 5, SnmpCounters.IP_IN_DISCARDS, 6, IP_IN_DELIVERS, 13, SnmpCounters.IP_REASM_FAILS);
    private static final Map<String, String> MAC_UDP = Map.ofEntries(
            Map.entry("datagram received", UDP_RECEIVED), Map.entry("with incomplete header", UDP_INCOMPLETE_HEADER),
            Map.entry("with bad data length field", UDP_BAD_LENGTH), Map.entry("with bad checksum", SnmpCounters.UDP_IN_CSUM_ERRORS),
            Map.entry("with no checksum", UDP_NO_CHECKSUM), Map.entry("checksummed in software", UDP_SOFTWARE_CHECKSUMMED),
            Map.entry("dropped due to no socket", SnmpCounters.UDP_NO_PORTS),
            Map.entry("dropped due to full socket buffer", SnmpCounters.UDP_RCVBUF_ERRORS),
            Map.entry("delivered", SnmpCounters.UDP_IN_DATAGRAMS), Map.entry("datagram output", UDP_OUT_DATAGRAMS));
    /**
     * macOS ip labels; "PARENT / CHILD" for a line nested under another: recent macOS prints the reassembly timeout as
     * "0 dropped after timeout" under "0 fragment received", older ones (and FreeBSD) as "fragments dropped after timeout".
     */
    private static final Map<String, String> MAC_IP = Map.ofEntries(
            Map.entry("bad header checksum", SnmpCounters.IP_IN_HDR_ERRORS),
            Map.entry("with data size > data length", IP_TRAILING_BYTES), Map.entry("with data size < data length", IP_TRUNCATED),
            Map.entry("fragment dropped after timeout", SnmpCounters.IP_REASM_TIMEOUT),
            Map.entry("fragment received / dropped after timeout", SnmpCounters.IP_REASM_TIMEOUT),
            Map.entry("fragment received", IP_FRAGMENTS_RECEIVED), Map.entry("total packet received", IP_IN_RECEIVES));

    private NetstatCounters() {
    }

    /** One block of Windows {@code netstat -s}: its title (null before any) and its "label = number" rows. */
    private record Section(String title, List<String[]> rows) {
    }

    private static List<Section> windowsSections(String text) {
        List<Section> out = new ArrayList<>();
        Section current = null;
        for (String line : text.split("\\R")) {
            Matcher m = WINDOWS_LINE.matcher(line);
            if (m.matches()) {
                if (current == null) {
                    current = new Section(null, new ArrayList<>());
                    out.add(current);
                }
                current.rows().add(new String[] {m.group(1), m.group(2)});
            } else if (!line.isBlank()) {
                current = new Section(line.strip(), new ArrayList<>());
                out.add(current);
            }
        }
        return out;
    }

    /**
     * The section of {@code netstat -s} about {@code protocol} over IPv4: titles are translated ("UDP Statistics for
     * IPv4", "UDP-Statistik für IPv4") but keep the protocol's name; rows before any title stand for themselves.
     */
    private static List<String[]> windowsSection(String text, String protocol) {
        List<Section> sections = windowsSections(text);
        for (Section s : sections) {
            String t = s.title() == null ? "" : s.title().toUpperCase(Locale.ROOT);
            if (!s.rows().isEmpty() && (s.title() == null || t.contains(protocol) && !t.contains("IPV6")
                    && (protocol.equals("UDP") || protocol.equals("IPV4") && !t.contains("UDP") && !t.contains("TCP")
                    && !t.contains("ICMP")))) {
                return s.rows();
            }
        }
        return List.of();
    }

    /**
     * Windows {@code netstat -s -p udp} (or the whole {@code netstat -s}): the UDP-over-IPv4 section, by known label
     * or by position.
     */
    public static Map<String, Long> parseWindowsUdp(String text) {
        Map<String, Long> out = new TreeMap<>();
        List<String[]> rows = windowsSection(text, "UDP");
        for (int i = 0; i < rows.size(); i++) {
            String key = WINDOWS_LABELS.conceptOf(rows.get(i)[0]);
            if (key == null && i < WINDOWS_ORDER.size()) {
                key = WINDOWS_ORDER.get(i);
            }
            if (key != null) {
                String k = key;
                number(rows.get(i)[1]).ifPresent(v -> out.putIfAbsent(k, v));
            }
        }
        return out;
    }

    /**
     * Windows {@code netstat -s -p ip} (or the whole {@code netstat -s}): the IPv4 section, by position (its 17 lines
     * always come in one order, whatever the language); empty when the section is not there or has another length.
     */
    public static Map<String, Long> parseWindowsIp(String text) {
        Map<String, Long> out = new TreeMap<>();
        List<String[]> rows = windowsSection(text, "IPV4");
        if (rows.size() != 17) {
            return out;
        }
        WINDOWS_IP_ORDER.forEach((i, key) -> number(rows.get(i)[1]).ifPresent(v -> out.put(key, v)));
        return out;
    }

    /**
     * Which BSD printed a {@code netstat -s}: "macOS" (its udp section counts what was "checksummed in software", it
     * has mptcp/kctl/kevt sections), "FreeBSD" (arp, sctp, carp, pfsync, divert sections; "multicast source filter
     * matched" after "datagrams output" in udp), or "BSD (macOS or FreeBSD)" when nothing in the text tells them apart.
     */
    public static String bsdFlavour(List<String> lines) {
        boolean mac = false;
        boolean freebsd = false;
        boolean output = false;
        boolean inUdp = false;
        for (String l : lines) {
            String s = l.strip().toLowerCase(Locale.ROOT);
            Matcher title = MAC_SECTION.matcher(s);
            if (title.matches()) {
                inUdp = title.group(1).equals("udp");
                mac |= MAC_ONLY_SECTIONS.contains(title.group(1));
                freebsd |= FREEBSD_ONLY_SECTIONS.contains(title.group(1));
                continue;
            }
            mac |= s.contains("checksummed in software") || s.contains("forced to software checksum") || s.contains("input_perf_data") || s.matches(".*\\(\\d+ bytes\\) over ipv[46].*");
            if (inUdp || !lines.stream().anyMatch(x -> MAC_SECTION.matcher(x.strip()).matches())) {
                output |= s.matches("^\\d+ datagrams? output$");
                freebsd |= output && s.matches("^\\d+ times? multicast source filter matched$");
            }
        }
        return mac && !freebsd ? "macOS" : freebsd && !mac ? "FreeBSD" : "BSD (macOS or FreeBSD)";
    }

    private static final Set<String> MAC_ONLY_SECTIONS = Set.of("mptcp", "kctl", "kevt", "net_api");
    private static final Set<String> FREEBSD_ONLY_SECTIONS = Set.of("arp", "sctp", "carp", "pfsync", "divert", "pim",
            "rip6");

    /** macOS {@code netstat -s -p udp}, or the udp section of the whole {@code netstat -s}. */
    public static Map<String, Long> parseMacUdp(String text) {
        return parseMac(text, "udp", MAC_UDP);
    }

    /** macOS {@code netstat -s -p ip}, or the ip section of the whole {@code netstat -s}. */
    public static Map<String, Long> parseMacIp(String text) {
        return parseMac(text, "ip", MAC_IP);
    }

    private static Map<String, Long> parseMac(String text, String section, Map<String, String> labels) {
        Map<String, Long> out = new TreeMap<>();
        boolean titled = text.lines().anyMatch(l -> MAC_SECTION.matcher(l).matches());
        boolean inSection = !titled;
        // The labels of the lines above this one, by indentation: "dropped after timeout" means a fragment under its parent.
        List<Integer> indents = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        for (String line : text.split("\\R")) {
            Matcher title = MAC_SECTION.matcher(line);
            if (title.matches()) {
                inSection = title.group(1).equals(section);
                indents.clear();
                parents.clear();
                continue;
            }
            Matcher m = MAC_LINE.matcher(line);
            if (!inSection || !m.matches()) {
                continue;
            }
            int indent = m.group(1).replace("\t", "        ").length();
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                parents.remove(parents.size() - 1);
            }
            String label = singular(m.group(3));
            String key = parents.isEmpty() ? null : labels.get(parents.get(parents.size() - 1) + " / " + label);
            if (key == null) {
                key = labels.get(label);
            }
            if (key != null) {
                String k = key;
                number(m.group(2)).ifPresent(v -> out.putIfAbsent(k, v)); // the received side comes first ("checksummed in software")
            }
            indents.add(indent);
            parents.add(label);
        }
        return out;
    }

    /** A counter's value; empty beyond a signed 64-bit value (not a counter: garbage, or a pasted mistake). */
    private static java.util.Optional<Long> number(String digits) {
        try {
            return java.util.Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** "datagrams received" -> "datagram received", "full socket buffers" -> "full socket buffer": netstat pluralizes by count. */
    static String singular(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("\\b(datagram|fragment|buffer|checksum|packet)s\\b", "$1");
    }
}
