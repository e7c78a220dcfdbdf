package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PktMon's events read line by line, as they arrive: the text log ({@code pktmon etl2txt}, {@code pktmon format}:
 * {@code [00]0000.0000::2025-03-27 16:10:34.934020500 [Microsoft-Windows-PktMon] Drop: PktGroupId ...}) and the
 * real-time console ({@code pktmon start --etw --log-mode real-time}: {@code 23:02:26.539704700 PktGroupId ...}), in
 * any UI language (the labels are looked up in {@code words/pktmon.tsv}). An event is one line of comma-separated
 * "Label value" fields followed by an indented line with the packet ({@code Drop: ip: A.623 > B.50123: UDP, length
 * 48}); it is handed out when its packet line arrives, or when the next event (or {@link #finish}) shows it has none.
 * A drop without a packet line takes the flow of an earlier packet event of its PktGroupId, or of a packet line
 * printed just before it that belonged to no event.
 *
 * <p>Clock-free: an event carries the time PktMon printed ({@link Event#time}, and {@link Event#nanosOfDay} when that
 * is a time of day); nothing here reads a clock or blocks, so a reader of a live stream decides when to call
 * {@link #finish}. Memory is bounded: PktGroupIds are remembered for the last {@link #REMEMBERED_GROUPS} packets.
 *
 * <p>An event line that cannot be read (cut short by a console before it says what kind of event it is, or a drop
 * cut before its reason) is never dropped silently: it is an {@link Unreadable}, or a {@link Drop} that says what it
 * is missing.
 */
public final class PktmonStream {
    /** PktGroupIds remembered with their flow, for drops logged without their own packet line. */
    public static final int REMEMBERED_GROUPS = 4096;
    /** Lines after an event searched for its packet line. */
    static final int PACKET_LOOKAHEAD = 4;
    static final LocalizedWords WORDS = LocalizedWords.load("pktmon");
    private static final String PROVIDER = "[Microsoft-Windows-PktMon]";
    private static final Pattern LOG_PREFIX = Pattern.compile("^\\[[0-9A-Fa-f]{1,4}][0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}::\\s*(.*?)\\s*$");
    private static final Pattern REAL_TIME = Pattern.compile("^(\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?)\\s+(.*)$");
    private static final Pattern LOG_TIME = Pattern.compile("(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?");
    private static final Pattern FLOW = Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3})\\.(\\d{1,5}) > (\\d{1,3}(?:\\.\\d{1,3}){3})\\.(\\d{1,5}): (\\w+)(?:.*?\\blength (\\d{1,9}))?");
    /** What a packet line starts with when it is not a drop's: a MAC pair or the "ip:" of an IP-level event. */
    private static final Pattern PACKET_LINE = Pattern.compile(
            "^(?:[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5} > |ip: |\\S{1,12}: ip: |.*\\bethertype\\b|\\d{1,3}(?:\\.\\d{1,3}){3}\\.\\d)");
    private static final Pattern SEPARATOR = Pattern.compile("[,\u3001\uFF0C]");
    /** PktMon's reason words after an unknown label: "INET: checksum is invalid", "WFP: ...", "NDIS: ...". */
    private static final Pattern REASON_WORDS = Pattern.compile("(?:^|\\s)((?:INET|WFP|NDIS|IP|TCP|UDP|VMS|VFP|NBL)[:\uFF1A]\\s*\\S.*)$");
    private static final Pattern TRAILING_INT = Pattern.compile("(\\d+)\\s*$");
    private static final Pattern LEADING_INT = Pattern.compile("^\\s*(\\d+)");
    /** The order of a drop event's fields, for reading one whose labels this table does not know. */
    private static final List<String> DROP_FIELDS = List.of("pktgroupid", "pktnumber", "appearance", "direction", "type", "component",
            "filter", "dropreason", "droplocation", "originalsize", "loggedsize");
    /** PktMon's drop reasons as it prints them, for completing one a console cut short. */
    private static final List<String> KNOWN_REASONS = List.of("INET: checksum is invalid", "INET: transport endpoint was not found",
            "INET: accept inspection", "INET: IP header is invalid", "INET: fragment", "INET: reassembly timeout",
            "INET: no route", "INET: address not local", "INET: source address is invalid", "INET: port unreachable",
            "Port unreachable", "WFP: drop by filter", "Filtered VLAN", "Invalid packet");

    /** An event PktMon logged. */
    public sealed interface Event permits Drop, Packet, Unreadable {
        /** The line number (1-based, counting every line fed) of the event's first line. */
        int line();

        /** The time as PktMon printed it, or null. */
        String time();

        /** That time as nanoseconds since midnight, or -1 when it was not printed. */
        long nanosOfDay();
    }

    /**
     * A dropped packet.
     *
     * @param groupId    its PktGroupId, or null when not printed
     * @param component  the component id that dropped it, or null
     * @param direction  "Rx", "Tx", or null
     * @param reason     our token ({@link PktmonLog#token})
     * @param detail     PktMon's own words ("INET: checksum is invalid"), or what could be read of them
     * @param packet     the packet's flow, or null when neither its packet line nor an earlier one showed it
     * @param protocol   "UDP", "TCP", ... from the packet line, or null
     * @param length     the length the packet line printed, or null
     * @param flowFrom   where the flow came from: "packet line", "PktGroupId N", "packet line before it", or null
     * @param unreadable what of the event could not be read (the console cut it), or null when all of it was
     */
    public record Drop(int line, String time, long nanosOfDay, String groupId, String component, String direction, String reason,
                       String detail, OsReport.Flow packet, String protocol, Integer length, String flowFrom, String unreadable)
            implements Event {
    }

    /** A packet seen at a component (not dropped there). */
    public record Packet(int line, String time, long nanosOfDay, String groupId, String component, String direction,
                         OsReport.Flow packet) implements Event {
    }

    /** An event line that could not be read at all, with why. */
    public record Unreadable(int line, String time, long nanosOfDay, String why) implements Event {
    }

    private final Map<String, OsReport.Flow> groups = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OsReport.Flow> eldest) {
            return size() > REMEMBERED_GROUPS;
        }
    };
    private final Map<String, String> components = new TreeMap<>();
    private int lines;
    /** The event waiting for its packet line. */
    private Pending pending;
    /** An event line that ended in a separator: the rest is on the next line (a wrapped log). */
    private String held;
    private int heldLine;
    /** A packet line that followed no event, for a drop right after it that has none of its own. */
    private OsReport.Flow orphan;
    private int orphanLine;
    private boolean orphanOfDrop;
    /** The last packet line's flow and line, whichever event it went to: "the packet line before" a drop without its own. */
    private OsReport.Flow lastPacket;
    private int lastPacketLine;

    /** An event read from its line, before its packet line. */
    private record Pending(Event event) {
    }

    /** One parsed packet line. */
    private record PacketLine(OsReport.Flow flow, String protocol, Integer length) {
    }

    /** The lines fed so far. */
    public int lines() {
        return lines;
    }

    /** Component id to "description (file)", from the component table PktMon writes at the end of a log. */
    public Map<String, String> components() {
        return Map.copyOf(components);
    }

    /** A drop as the OS evidence records it ({@link OsReport#PKTMON}), its component named when the table gave a name. */
    public OsReport.Drop evidence(Drop d) {
        String component = d.component() == null ? null
                : components.containsKey(d.component()) ? d.component() + " " + components.get(d.component()) : d.component();
        return new OsReport.Drop(OsReport.PKTMON, d.reason(), d.detail(), component, 1, d.packet(), d.length());
    }

    /** Feeds the next line; returns the events it completed (usually none or one). */
    public List<Event> accept(String rawLine) {
        lines++;
        List<Event> out = new ArrayList<>(2);
        String line = rawLine.strip();
        if (held != null) {
            String joined = held;
            int at = heldLine;
            held = null;
            // the rest of a wrapped event: not an event of its own (no prefix, no drop word) and not a packet line
            if (!line.isEmpty() && !LOG_PREFIX.matcher(line).matches() && !REAL_TIME.matcher(line).matches() && afterDropWord(line) < 0
                    && !startsWithGroupId(line) && !isPacketLine(line)) {
                event(joined + " " + line, at, out);
                return out;
            }
            event(joined, at, out);
        }
        if (line.isEmpty()) {
            complete(out);
            return out;
        }
        if (isEventLine(line)) {
            complete(out);
            String body = Coverage.uncut(line);
            if (!Coverage.isCut(line) && endsWithSeparator(body)) {
                held = line;
                heldLine = lines;
                return out;
            }
            event(line, lines, out);
            return out;
        }
        if (isPacketLine(line)) {
            packetLine(line, out);
        } else if (pending != null && lines - pending.event().line() >= PACKET_LOOKAHEAD) {
            complete(out); // a packet line comes right after its event, not several lines later
        }
        return out;
    }

    /** Hands out the event still waiting for its packet line (end of the log, or the stream went quiet). */
    public List<Event> finish() {
        List<Event> out = new ArrayList<>(1);
        if (held != null) {
            String h = held;
            held = null;
            event(h, heldLine, out);
        }
        complete(out);
        return out;
    }

    /** Whether a line is a PktMon event line of either format (or an author's bare "Drop: ..." line). */
    public static boolean isEventLine(String line) {
        if (line.isEmpty() || line.indexOf(':') < 0 && line.indexOf('\uFF1A') < 0 && !line.contains("PktGroupId")
                && !line.contains("DropReason") && !line.contains("DropLocation")) {
            return false; // every event has a colon: its time, its drop word, or its reason
        }
        Matcher log = LOG_PREFIX.matcher(line);
        if (log.matches()) {
            // another provider's event in the same log is not PktMon's; a line cut before its provider may be
            return line.contains(PROVIDER) || looksLikeEvent(log.group(1)) || Coverage.isCut(line) && !otherProvider(line);
        }
        Matcher rt = REAL_TIME.matcher(line);
        if (rt.matches()) {
            return looksLikeEvent(rt.group(2));
        }
        return !line.startsWith("#") && looksLikeEvent(line);
    }

    /** Whether a log line names a provider other than PktMon in full ("[Microsoft-Windows-TCPIP]"); a name the cut left open may be PktMon's. */
    private static boolean otherProvider(String line) {
        int at = line.indexOf("[Microsoft-Windows-");
        return at >= 0 && line.indexOf(']', at) > 0 && !line.contains(PROVIDER);
    }

    private static final Pattern PACKET_AFTER_WORD = Pattern.compile("^\\S{1,12}:\\s*ip:");

    private static boolean looksLikeEvent(String body) {
        return afterDropWord(body) >= 0 && !PACKET_AFTER_WORD.matcher(body).find() || startsWithGroupId(body)
                || (body.contains("DropReason") || body.contains("DropLocation")) && body.indexOf('"') < 0; // not JSON's "DropReason": ...
    }

    private static boolean startsWithGroupId(String body) {
        LocalizedWords.Label l = WORDS.labelAt(body);
        return l != null && l.concept().equals("pktgroupid");
    }

    /** Where the text after an event's drop word ("Drop:", "丢弃:") starts, or -1 when the body has none. */
    private static int afterDropWord(String body) {
        for (int i = 0; i < Math.min(body.length(), 25); i++) {
            char c = body.charAt(i);
            if (c == ':' || c == '\uFF1A') {
                return i > 0 && "drop".equals(WORDS.conceptOf(body.substring(0, i))) ? i + 1 : -1;
            }
        }
        return -1;
    }

    public static boolean isPacketLine(String line) {
        if (!line.contains(" > ") && !line.contains("ip: ") && !line.contains("ethertype")) {
            return false;
        }
        return FLOW.matcher(line).find() || PACKET_LINE.matcher(line).find();
    }

    private static boolean endsWithSeparator(String s) {
        return !s.isEmpty() && SEPARATOR.matcher(s.substring(s.length() - 1)).matches();
    }

    private void packetLine(String line, List<Event> out) {
        PacketLine p = parsePacket(line);
        boolean dropsPacket = afterDropWord(line) >= 0; // "Drop: ip: ...", "丢弃: ip: ...": a drop's, never a packet event's
        if (dropsPacket && pending != null && pending.event() instanceof Packet) {
            complete(out);
        }
        // another drop's packet line is not "the packet line before" the next drop; a packet event's or an orphan is
        boolean another = pending != null && pending.event() instanceof Drop;
        lastPacket = p == null || another ? null : p.flow();
        lastPacketLine = lines;
        if (pending != null && needsPacket(pending.event())) {
            Event e = pending.event();
            pending = null;
            if (p == null) {
                out.add(e instanceof Drop d ? withUnreadable(d, "its packet line was cut before the flow") : e);
                return;
            }
            if (e instanceof Drop d) {
                remember(d.groupId(), p.flow());
                // the protocol decides UDP_CSUM or TCP_CSUM; a reason the console cut stays unknown
                String token = d.reason().equals(Reason.UNKNOWN.token()) ? d.reason() : PktmonLog.token(d.detail(), p.protocol());
                out.add(new Drop(d.line(), d.time(), d.nanosOfDay(), d.groupId(), d.component(), d.direction(), token, d.detail(),
                        p.flow(), p.protocol(), p.length(), "packet line", d.unreadable()));
            } else if (e instanceof Packet k) {
                remember(k.groupId(), p.flow());
                out.add(new Packet(k.line(), k.time(), k.nanosOfDay(), k.groupId(), k.component(), k.direction(), p.flow()));
            }
            return;
        }
        if (p != null) {
            orphan = p.flow();
            orphanLine = lines;
            orphanOfDrop = dropsPacket;
        }
    }

    private static boolean needsPacket(Event e) {
        return e instanceof Drop d && d.packet() == null || e instanceof Packet p && p.packet() == null;
    }

    private void remember(String groupId, OsReport.Flow flow) {
        if (groupId != null && flow != null) {
            groups.put(groupId, flow);
        }
    }

    /** Hands out the pending event without a packet line: a drop borrows its PktGroupId's flow, or the orphan's. */
    private void complete(List<Event> out) {
        if (pending == null) {
            return;
        }
        Event e = pending.event();
        pending = null;
        if (e instanceof Drop d && d.packet() == null) {
            OsReport.Flow f = d.groupId() == null ? null : groups.get(d.groupId());
            String from = f == null ? null : "PktGroupId " + d.groupId();
            if (f == null && d.groupId() == null && lastPacket != null && lastPacketLine == d.line() - 1) {
                f = lastPacket;
                from = "packet line before it";
            }
            out.add(f == null ? d : new Drop(d.line(), d.time(), d.nanosOfDay(), d.groupId(), d.component(), d.direction(), d.reason(),
                    d.detail(), f, d.protocol(), d.length(), from, d.unreadable()));
        } else {
            out.add(e);
        }
    }

    private static Drop withUnreadable(Drop d, String more) {
        return new Drop(d.line(), d.time(), d.nanosOfDay(), d.groupId(), d.component(), d.direction(), d.reason(), d.detail(), d.packet(),
                d.protocol(), d.length(), d.flowFrom(), d.unreadable() == null ? more : d.unreadable() + "; " + more);
    }

    /** Reads one event line (with a wrapped continuation already joined) at line number {@code at}. */
    private void event(String line, int at, List<Event> out) {
        boolean cut = Coverage.isCut(line);
        String text = Coverage.uncut(line);
        String time = null;
        String body = text;
        Matcher log = LOG_PREFIX.matcher(text);
        Matcher rt = REAL_TIME.matcher(text);
        if (log.matches()) {
            body = log.group(1);
            Matcher t = LOG_TIME.matcher(body);
            int p = body.indexOf(PROVIDER);
            if (t.find() && (p < 0 || t.start() < p)) {
                time = body.substring(0, t.end()).trim();
            }
            body = p >= 0 ? body.substring(p + PROVIDER.length()).strip() : body.replaceFirst("^\\S+\\s+\\S+\\s+", "");
        } else if (rt.matches()) {
            time = rt.group(1);
            body = rt.group(2).strip();
        }
        long nanos = nanosOfDay(time);
        int afterWord = afterDropWord(body);
        boolean word = afterWord >= 0;
        if (word) {
            body = body.substring(afterWord).strip();
        }
        Matcher component = COMPONENT_ROW.matcher(body);
        if (!word && component.matches() && !body.contains("DropReason") && isComponentRow(body, component)) {
            components.put(component.group(1), component.group(4) + " (" + component.group(3) + ")");
            return;
        }
        String[] fields = SEPARATOR.split(body, -1);
        Map<String, String> byConcept = new LinkedHashMap<>();
        List<String> unlabelled = new ArrayList<>();
        int reasonAt = -1;
        int locationAt = -1;
        for (int i = 0; i < fields.length; i++) {
            LocalizedWords.Label l = WORDS.labelAt(fields[i]);
            if (l != null && l.concept().equals("drop")) {
                l = null; // the drop word is the event's kind, not a field's label ("丢弃原因" is a label this table lacks)
            }
            if (l == null) {
                unlabelled.add(fields[i].trim());
                continue;
            }
            String value = fields[i].substring(l.valueStart()).trim();
            byConcept.putIfAbsent(l.concept(), value);
            if (l.concept().equals("dropreason")) {
                reasonAt = i;
            } else if (l.concept().equals("droplocation")) {
                locationAt = i;
            }
        }
        // the drop word without its colon: the console cut the line right after it
        boolean drop = word || reasonAt >= 0 || locationAt >= 0 || body.contains("DropReason") || body.contains("DropLocation")
                || cut && fields.length == 1 && "drop".equals(WORDS.conceptOf(fields[0]));
        if (!drop && !byConcept.containsKey("pktgroupid")) {
            if (cut && byConcept.isEmpty()) {
                out.add(new Unreadable(at, time, nanos, "cut short by the console before it says what kind of event it is"));
            }
            return; // properties, counters, filters: PktMon's, but not events quirklab reads
        }
        String groupId = leadingInt(byConcept.get("pktgroupid"));
        String direction = byConcept.get("direction");
        String componentId = trailingInt(byConcept.get("component"));
        if (!drop) {
            pending = new Pending(new Packet(at, time, nanos, groupId, componentId, direction, null));
            return;
        }
        String reason = byConcept.get("dropreason");
        boolean reasonCut = cut && reasonAt == fields.length - 1;
        if (reason == null && locationAt >= 1 && WORDS.labelAt(fields[locationAt - 1]) == null) {
            reason = fields[locationAt - 1].trim(); // no DropReason label (Japanese): the reason stands alone before DropLocation
            reasonAt = locationAt - 1;
        }
        for (int i = 0; reason == null && i < fields.length; i++) {
            Matcher words = REASON_WORDS.matcher(fields[i]);
            LocalizedWords.Label label = WORDS.labelAt(fields[i]);
            if ((label == null || label.concept().equals("drop")) && words.find()) {
                reason = words.group(1).trim(); // a DropReason label this table does not know: the reason is "INET: ..."
                reasonAt = i;
            }
        }
        if (componentId == null && fields.length == DROP_FIELDS.size() && byConcept.size() <= 2) {
            componentId = trailingInt(fields[DROP_FIELDS.indexOf("component")]); // every label translated: by position
        }
        if (componentId == null && reasonAt >= 2) {
            // labels translated: "... Component N, Filter N, <reason>"
            Matcher filter = TRAILING_INT.matcher(fields[reasonAt - 1]);
            Matcher comp = TRAILING_INT.matcher(fields[reasonAt - 2]);
            if (filter.find() && comp.find() && WORDS.labelAt(fields[reasonAt - 2]) == null) {
                componentId = comp.group(1);
            }
        }
        String unreadable = null;
        String detail;
        String token;
        if (reason == null || reason.isBlank() || reasonCut) {
            String partial = reason == null ? "" : reason.trim();
            String completed = reasonCut ? complete(partial) : null;
            if (completed != null) {
                detail = completed;
                token = PktmonLog.token(completed, null);
                unreadable = "the console cut its DropReason after '" + partial + "' (read as '" + completed + "')";
            } else {
                detail = partial.isEmpty() ? "(not shown)" : partial + Coverage.CUT_MARK;
                token = Reason.UNKNOWN.token();
                unreadable = cut ? "cut short by the console before its drop reason could be read" : "no drop reason on the line";
            }
        } else {
            detail = reason.trim();
            token = PktmonLog.token(detail, null);
        }
        if (cut && componentId == null && unreadable == null) {
            unreadable = "cut short by the console";
        }
        Drop d = new Drop(at, time, nanos, groupId, componentId, direction, token, detail, null, null, null, null, unreadable);
        if (orphan != null && orphanOfDrop && orphanLine == at - 1) {
            // a log that prints a drop's packet line before the drop ("丢弃: ip: ..." then "丢弃: ..."): the line is this drop's
            d = new Drop(at, time, nanos, groupId, componentId, direction, token, detail, orphan, null, null, "packet line before it", unreadable);
            orphan = null;
        }
        pending = new Pending(d);
    }

    /** The one known reason that starts with what a console left of it, or null. */
    private static String complete(String partial) {
        if (partial.length() < 5) {
            return null;
        }
        String p = partial.toLowerCase(Locale.ROOT);
        List<String> fits = KNOWN_REASONS.stream().filter(r -> r.toLowerCase(Locale.ROOT).startsWith(p)).toList();
        return fits.size() == 1 ? fits.get(0) : null;
    }

    /** "Component 49, Type Miniport , Name e1r68x64.sys, Intel(R) I211 Gigabit Network Connection" (labels may be translated). */
    private static final Pattern COMPONENT_ROW = Pattern.compile(
            "^\\s*[^\\s:,\u3001\uFF0C]+\\s+(\\d+)\\s*[,\u3001\uFF0C]\\s*[^\\s:,\u3001\uFF0C]+\\s+([^,:\u3001\uFF0C]+?)\\s*[,\u3001\uFF0C]"
                    + "\\s*[^\\s:,\u3001\uFF0C]+\\s+([^,\u3001\uFF0C]+?)\\s*[,\u3001\uFF0C]\\s*(.+?)\\s*$");

    /** A packet event ("PktGroupId N, PktNumber 1, Appearance 1, ...") has the shape of a component row but more fields. */
    private static boolean isComponentRow(String body, Matcher m) {
        return SEPARATOR.split(body.strip(), -1).length == 4 || m.group(3).toLowerCase(Locale.ROOT).endsWith(".sys");
    }

    private static PacketLine parsePacket(String line) {
        Matcher m = FLOW.matcher(line);
        if (!m.find()) {
            return null;
        }
        OsReport.Flow flow;
        try {
            flow = new OsReport.Flow(m.group(1), Integer.parseInt(m.group(2)), m.group(3), Integer.parseInt(m.group(4)));
        } catch (NumberFormatException e) {
            return null;
        }
        String word = m.group(5).toUpperCase(Locale.ROOT);
        String protocol = word.equals("FLAGS") ? "TCP" : word;
        Integer length = null;
        if (m.group(6) != null) {
            try {
                length = Integer.valueOf(m.group(6));
            } catch (NumberFormatException e) {
                length = null;
            }
        }
        return new PacketLine(flow, protocol, length);
    }

    private static String trailingInt(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = TRAILING_INT.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    private static String leadingInt(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = LEADING_INT.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    /** "16:10:34.934020500" (alone or after a date) as nanoseconds since midnight, or -1. */
    static long nanosOfDay(String time) {
        if (time == null) {
            return -1;
        }
        Matcher m = LOG_TIME.matcher(time);
        if (!m.find()) {
            return -1;
        }
        long h = Long.parseLong(m.group(1));
        long min = Long.parseLong(m.group(2));
        long s = Long.parseLong(m.group(3));
        if (h > 23 || min > 59 || s > 60) {
            return -1;
        }
        String frac = m.group(4) == null ? "" : m.group(4);
        long nanos = frac.isEmpty() ? 0 : Long.parseLong((frac + "000000000").substring(0, 9));
        return ((h * 60 + min) * 60 + s) * 1_000_000_000L + nanos;
    }
}
