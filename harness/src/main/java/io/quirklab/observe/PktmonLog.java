package io.quirklab.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of a Windows Packet Monitor log ({@code pktmon etl2txt RUN.etl --out RUN.txt --verbose 2}, newer
 * builds {@code pktmon format}). A drop is one event line carrying {@code DropReason ...}, followed by an indented line
 * that describes the packet ({@code Drop: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48}). The component
 * table at the end of the log names the component ids.
 *
 * <p>Tolerant by design, because the UI language changes the labels and even the separators: {@code DropReason} and
 * {@code DropLocation} are the labels Windows keeps in English (a Chinese log keeps both; a Japanese one keeps only
 * {@code DropLocation}, writes the reason bare in the field before it, separates fields with the ideographic comma
 * U+3001 and may wrap the event before that field), so they anchor the parse. The component id is taken from a
 * {@code Component N} field or, labels translated, from its place two fields before the reason (component, filter,
 * reason); lines it does not understand are skipped. Decode the file with
 * {@link io.quirklab.process.CommandRunner#decode}: pktmon writes UTF-16LE.
 *
 * @param drops      one entry per drop event, with the dropped packet's flow when the log shows it
 * @param components component id -> "description (file)" from the table at the end of the log
 */
public record PktmonLog(List<OsReport.Drop> drops, Map<String, String> components) {
    private static final Pattern EVENT = Pattern.compile("^\\s*\\[[^\\]]*\\]\\S*::");
    private static final Pattern PACKET = Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3})\\.(\\d{1,5}) > (\\d{1,3}(?:\\.\\d{1,3}){3})\\.(\\d{1,5}): (\\w+)(?:.*?\\blength (\\d{1,9}))?");
    private static final Pattern TRAILING_INT = Pattern.compile("(\\d+)\\s*$");
    private static final Pattern COMPONENT_LABEL = Pattern.compile("^\\s*Component\\s+(\\d+)\\s*$");
    /** "Component 49, Type Miniport , Name e1r68x64.sys, Intel(R) I211 Gigabit Network Connection" (labels may be translated). */
    private static final Pattern COMPONENT_ROW = Pattern.compile(
            "^\\s*[^\\s:,\u3001\uFF0C]+\\s+(\\d+)\\s*[,\u3001\uFF0C]\\s*[^\\s:,\u3001\uFF0C]+\\s+([^,:\u3001\uFF0C]+?)\\s*[,\u3001\uFF0C]"
                    + "\\s*[^\\s:,\u3001\uFF0C]+\\s+([^,\u3001\uFF0C]+?)\\s*[,\u3001\uFF0C]\\s*(.+?)\\s*$");
    /** Field separators: the comma, the ideographic comma U+3001 (Japanese) and the fullwidth comma U+FF0C (Chinese). */
    private static final Pattern SEPARATOR = Pattern.compile("[,\u3001\uFF0C]");
    private static final String REASON_LABEL = "DropReason";
    private static final String LOCATION_LABEL = "DropLocation";
    private static final String PROVIDER = "[Microsoft-Windows-PktMon]";
    /** Lines after a drop event searched for its packet. */
    private static final int PACKET_LOOKAHEAD = 4;

    public PktmonLog {
        drops = List.copyOf(drops);
        components = Collections.unmodifiableMap(new TreeMap<>(components));
    }

    /** Parses the text of a PktMon log; never throws. */
    public static PktmonLog parse(String text) {
        List<String> lines = unwrap(text.split("\\R"));
        Map<String, String> components = new TreeMap<>();
        for (String line : lines) {
            int p = line.indexOf(PROVIDER);
            if (p >= 0) {
                String row = line.substring(p + PROVIDER.length());
                Matcher m = COMPONENT_ROW.matcher(row);
                // A packet event ("PktGroupId N, PktNumber 1, Appearance 1, ...") has the same shape but more fields.
                if (m.matches() && !isDrop(line) && (SEPARATOR.split(row.strip(), -1).length == 4 || m.group(3).toLowerCase(Locale.ROOT).endsWith(".sys"))) {
                    components.put(m.group(1), m.group(4) + " (" + m.group(3) + ")");
                }
            }
        }
        List<RawDrop> raw = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!isDrop(lines.get(i))) {
                continue;
            }
            Matcher packet = null;
            for (int j = i + 1; j < Math.min(lines.size(), i + 1 + PACKET_LOOKAHEAD); j++) {
                if (EVENT.matcher(lines.get(j)).find() || isDrop(lines.get(j))) {
                    break;
                }
                Matcher m = PACKET.matcher(lines.get(j));
                if (m.find()) {
                    packet = m;
                    break;
                }
            }
            raw.add(dropLine(lines.get(i), packet));
        }
        List<OsReport.Drop> drops = new ArrayList<>();
        for (RawDrop d : raw) {
            String component = d.componentId == null ? null
                    : components.containsKey(d.componentId) ? d.componentId + " " + components.get(d.componentId) : d.componentId;
            drops.add(new OsReport.Drop(OsReport.PKTMON, token(d.reason, d.protocol), d.reason, component, 1, d.flow, d.length));
        }
        return new PktmonLog(drops, components);
    }

    /**
     * A drop event: it names a drop reason or a drop location (the two labels no UI language translates). A line
     * starting with "#" is a note someone added to a pasted log, never pktmon's.
     */
    private static boolean isDrop(String line) {
        return (line.contains(REASON_LABEL) || line.contains(LOCATION_LABEL)) && !line.startsWith("#");
    }

    /** Joins an event that ends in a separator with the next line when that one carries the DropLocation (wrapped logs). */
    private static List<String> unwrap(String[] lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String stripped = line.strip();
            if (!isDrop(line) && !stripped.isEmpty() && SEPARATOR.matcher(stripped.substring(stripped.length() - 1)).matches()
                    && i + 1 < lines.length && lines[i + 1].contains(LOCATION_LABEL) && !EVENT.matcher(lines[i + 1]).find()) {
                out.add(stripped + lines[i + 1].strip());
                i++;
            } else {
                out.add(line);
            }
        }
        return out;
    }

    private record RawDrop(String reason, String componentId, OsReport.Flow flow, String protocol, Integer length) {
    }

    private static RawDrop dropLine(String line, Matcher packet) {
        String[] fields = SEPARATOR.split(line, -1);
        int at = -1;
        for (int i = 0; i < fields.length && at < 0; i++) {
            if (fields[i].contains(REASON_LABEL)) {
                at = i;
            }
        }
        String reason;
        if (at >= 0) {
            reason = fields[at].substring(fields[at].indexOf(REASON_LABEL) + REASON_LABEL.length()).trim();
        } else {
            // No DropReason label (Japanese): the reason is the field before DropLocation, in PktMon's English words.
            for (int i = 0; i < fields.length && at < 0; i++) {
                if (fields[i].contains(LOCATION_LABEL)) {
                    at = i - 1;
                }
            }
            reason = at >= 0 ? fields[at].trim() : "";
        }
        String component = null;
        for (String f : fields) {
            Matcher m = COMPONENT_LABEL.matcher(f);
            if (m.matches()) {
                component = m.group(1);
            }
        }
        if (component == null && at >= 2) {
            // Translated labels: "... Component N, Filter N, <reason>" by position.
            Matcher filter = TRAILING_INT.matcher(fields[at - 1]);
            Matcher comp = TRAILING_INT.matcher(fields[at - 2]);
            if (filter.find() && comp.find()) {
                component = comp.group(1);
            }
        }
        OsReport.Flow flow = null;
        String protocol = null;
        Integer length = null;
        if (packet != null) {
            flow = new OsReport.Flow(packet.group(1), Integer.parseInt(packet.group(2)), packet.group(3), Integer.parseInt(packet.group(4)));
            protocol = packet.group(5).toUpperCase(Locale.ROOT);
            length = packet.group(6) == null ? null : Integer.valueOf(packet.group(6));
        }
        return new RawDrop(reason.isEmpty() ? "unknown" : reason, component, flow, protocol, length);
    }

    /**
     * Our reason token for PktMon's words: "INET: checksum is invalid" on a UDP packet is UDP_CSUM (the seed),
     * "transport endpoint was not found" is NO_PORT; anything else keeps PktMon's words as PKTMON_WORDS.
     *
     * @param reason   the DropReason text
     * @param protocol the dropped packet's protocol ("UDP"), or null when the log did not show the packet
     */
    public static String token(String reason, String protocol) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("checksum")) {
            if (r.contains("ip header") || r.contains("ipv4 header")) {
                return VerdictRules.IP_CSUM;
            }
            return "TCP".equals(protocol) ? "TCP_CSUM" : VerdictRules.UDP_CSUM;
        }
        if (r.contains("transport endpoint was not found") || r.contains("port unreachable")) {
            return VerdictRules.NO_PORT;
        }
        if (r.contains("fragment") || r.contains("reassembl")) {
            return VerdictRules.FRAGMENT;
        }
        String words = reason.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_|_$", "");
        return "PKTMON_" + (words.isEmpty() ? "UNKNOWN" : words);
    }

    /** The drops whose packet belongs to {@code flow}. */
    public List<OsReport.Drop> dropsOf(OsReport.Flow flow) {
        return drops.stream().filter(d -> flow.matches(d.packet())).toList();
    }
}
