package io.quirklab.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code netstat -s} counters of Windows and macOS, under the /proc/net/snmp names ({@link SnmpCounters}) where they
 * mean the same thing, so the verdict rules read them alike.
 *
 * <p>Windows ({@code netstat -s -p udp}) translates its labels and prints in the console's code page; the four UDP
 * lines always come in the same order (received, no ports, receive errors, sent), so lines are matched by known
 * label first (English, German) and by position otherwise. macOS labels are not translated; lines it does not know
 * are skipped.
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

    private static final Pattern WINDOWS_LINE = Pattern.compile("^\\s*(.+?)\\s*=\\s*(\\d+)\\s*$");
    private static final Pattern MAC_LINE = Pattern.compile("^\\s*(\\d+)\\s+(.+?)\\s*$");
    /** The Windows UDP lines in the order netstat prints them. */
    private static final List<String> WINDOWS_ORDER = List.of(SnmpCounters.UDP_IN_DATAGRAMS, SnmpCounters.UDP_NO_PORTS,
            SnmpCounters.UDP_IN_ERRORS, UDP_OUT_DATAGRAMS);
    private static final Map<String, String> WINDOWS_LABELS = Map.of(
            "datagrams received", SnmpCounters.UDP_IN_DATAGRAMS, "no ports", SnmpCounters.UDP_NO_PORTS,
            "receive errors", SnmpCounters.UDP_IN_ERRORS, "datagrams sent", UDP_OUT_DATAGRAMS,
            "empfangene datagramme", SnmpCounters.UDP_IN_DATAGRAMS, "keine ports", SnmpCounters.UDP_NO_PORTS,
            "empfangsfehler", SnmpCounters.UDP_IN_ERRORS, "gesendete datagramme", UDP_OUT_DATAGRAMS);
    private static final Map<String, String> MAC_UDP = Map.ofEntries(
            Map.entry("datagram received", UDP_RECEIVED), Map.entry("with incomplete header", UDP_INCOMPLETE_HEADER),
            Map.entry("with bad data length field", UDP_BAD_LENGTH), Map.entry("with bad checksum", SnmpCounters.UDP_IN_CSUM_ERRORS),
            Map.entry("with no checksum", UDP_NO_CHECKSUM), Map.entry("checksummed in software", UDP_SOFTWARE_CHECKSUMMED),
            Map.entry("dropped due to no socket", SnmpCounters.UDP_NO_PORTS),
            Map.entry("dropped due to full socket buffer", SnmpCounters.UDP_RCVBUF_ERRORS),
            Map.entry("delivered", SnmpCounters.UDP_IN_DATAGRAMS), Map.entry("datagram output", UDP_OUT_DATAGRAMS));
    private static final Map<String, String> MAC_IP = Map.ofEntries(
            Map.entry("bad header checksum", SnmpCounters.IP_IN_HDR_ERRORS),
            Map.entry("with data size > data length", IP_TRAILING_BYTES), Map.entry("with data size < data length", IP_TRUNCATED),
            Map.entry("fragment dropped after timeout", SnmpCounters.IP_REASM_TIMEOUT));

    private NetstatCounters() {
    }

    /** Windows {@code netstat -s -p udp}: the UDP (IPv4) section, by known label or by position. */
    public static Map<String, Long> parseWindowsUdp(String text) {
        Map<String, Long> out = new TreeMap<>();
        List<String[]> rows = new ArrayList<>();
        for (String line : text.split("\\R")) {
            Matcher m = WINDOWS_LINE.matcher(line);
            if (m.matches()) {
                rows.add(new String[] {m.group(1), m.group(2)});
            } else if (!rows.isEmpty() && !line.isBlank()) {
                break; // the next section (netstat -s without -p) starts
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            String key = WINDOWS_LABELS.get(rows.get(i)[0].toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
            if (key == null && i < WINDOWS_ORDER.size()) {
                key = WINDOWS_ORDER.get(i);
            }
            if (key != null) {
                out.put(key, Long.parseLong(rows.get(i)[1]));
            }
        }
        return out;
    }

    /** macOS {@code netstat -s -p udp}. */
    public static Map<String, Long> parseMacUdp(String text) {
        return parseMac(text, MAC_UDP);
    }

    /** macOS {@code netstat -s -p ip}. */
    public static Map<String, Long> parseMacIp(String text) {
        return parseMac(text, MAC_IP);
    }

    private static Map<String, Long> parseMac(String text, Map<String, String> labels) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : text.split("\\R")) {
            Matcher m = MAC_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String key = labels.get(singular(m.group(2)));
            if (key != null) {
                out.putIfAbsent(key, Long.parseLong(m.group(1))); // the received side comes first ("checksummed in software")
            }
        }
        return out;
    }

    /** "datagrams received" -> "datagram received", "full socket buffers" -> "full socket buffer": netstat pluralizes by count. */
    static String singular(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("\\b(datagram|fragment|buffer|checksum)s\\b", "$1");
    }
}
