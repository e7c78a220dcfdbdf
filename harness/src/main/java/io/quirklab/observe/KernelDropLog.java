package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drops the Linux kernel reported through the tools people reach for first, as their output was pasted: each drop
 * becomes an {@link OsReport.Drop} of source {@link OsReport#KFREE_SKB} with the kernel's reason name ("NO_SOCKET",
 * {@link VerdictRules#UNKNOWN} when the tool did not show one), where it dropped, and its flow when the tool shows
 * it, so the verdict rules read it as they read the live kfree_skb tracer's drops.
 *
 * <ul>
 *   <li>{@code perf script} of {@code skb:kfree_skb}: {@code curl 883 [001] 340.799805: skb:kfree_skb:
 *       skbaddr=0x... protocol=2048 location=tcp_v4_rcv+0x5a reason: NO_SOCKET} (no {@code reason:} before 5.17; a
 *       call stack under each event with {@code -g}; no flow);
 *   <li>{@code pwru}: a line per function an skb passed, {@code 0xffff... 6 [curl] kfree_skb_reason(SKB_DROP_REASON_
 *       NETFILTER_DROP) 172.20.10.2:33918->1.1.1.1:4240(tcp)} (the tuple after the function in old versions, before
 *       it in 1.x; {@code sk_skb_reason_drop} since kernel 6.11); the flow of an skb is kept from its earlier lines;
 *   <li>{@code dropwatch}: the summary ({@code 4 drops at udp_queue_rcv_one_skb+0x3a0 (0xffff...) [software]}) and
 *       packet alerts ({@code drop at: ...}, {@code origin:}, {@code protocol: 0x800}, ..., {@code drop reason:});
 *       no flow.
 * </ul>
 *
 * @param tool     "perf script", "pwru" or "dropwatch"
 * @param drops    the drops, in the order printed
 * @param coverage the lines read, and the drop lines that could not be read whole
 */
public record KernelDropLog(String tool, List<OsReport.Drop> drops, Coverage coverage) {
    public static final String PERF = "perf script";
    public static final String PWRU = "pwru";
    public static final String DROPWATCH = "dropwatch";
    /** skb addresses remembered with their flow (pwru), bounded. */
    static final int REMEMBERED_SKBS = 4096;

    /** perf script's "skb:kfree_skb:", perf trace's "skb:kfree_skb(", tracefs' (trace_pipe) "kfree_skb: skbaddr=". */
    private static final Pattern PERF_EVENT = Pattern.compile("\\bskb:kfree_skb[:(]|\\skfree_skb:\\s+skbaddr=");
    private static final Pattern PERF_FIELD = Pattern.compile("\\b(skbaddr|protocol|location)\\s*[=:]\\s*([^\\s,)]+)");
    private static final Pattern PERF_REASON = Pattern.compile("\\breason[:=]\\s*([A-Za-z0-9_]+)");
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s*[0-9a-f]{1,16}\\s+(\\S+?)(?:\\+0x[0-9a-f]+)?(?:\\s+\\(.*)?\\s*$");
    private static final Pattern STACK_WRAP = Pattern.compile("^\\s*\\([^()]*\\)\\s*$");
    private static final Set<String> DROP_FRAMES = Set.of("kfree_skb", "kfree_skb_reason", "kfree_skb_list", "kfree_skb_list_reason",
            "sk_skb_reason_drop", "__kfree_skb", "kfree_skb_partial", "__kfree_skb_reason", "bpf_trace_run2", "bpf_trace_run3",
            "perf_trace_kfree_skb", "trace_kfree_skb", "__traceiter_kfree_skb");

    private static final Pattern PWRU_LINE = Pattern.compile("^\\s*(0x[0-9a-f]{6,16})\\s+\\d+\\s+\\S");
    private static final Pattern PWRU_HEADER = Pattern.compile("^\\s*SKB\\s+CPU\\s+PROCESS\\b");
    private static final Pattern PWRU_DROP = Pattern.compile(
            "\\b(kfree_skb_reason|sk_skb_reason_drop|kfree_skb)\\b(?:\\((?:SKB_DROP_REASON_)?([A-Z0-9_]+)\\))?(?![\\w(])");
    private static final Pattern TUPLE = Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})->(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})\\((\\w+)\\)");

    private static final Pattern DW_SUMMARY = Pattern.compile(
            "^\\s*(\\d{1,12}) drops? at (?:location )?(\\S+?)(?:\\s+\\((0x[0-9a-fA-F]+)\\))?(?:\\s+\\[(\\w+)])?(?:\\s+\\^C.*)?\\s*$");
    private static final Pattern DW_ALERT = Pattern.compile("^\\s*drop at:\\s*(\\S+)");
    private static final Pattern DW_FIELD = Pattern.compile("^\\s*(origin|input port ifindex|input port name|timestamp|protocol|length"
            + "|original length|drop reason|cookie|trap group name|trap name|parent trap|trap type|netns)\\s*:\\s*(.*)$");
    private static final Pattern DW_CHATTER = Pattern.compile("^\\s*(dropwatch>.*|Initi?ali[sz]ing .*|Enabling monitoring.*|Kernel monitoring "
            + "activated.*|Issue Ctrl-C to stop monitoring.*|\\^?C?Got a stop message.*|Deactivation requested.*|Shutting down.*"
            + "|Setting alert mode.*|Alert mode successfully set.*|setting .*)$");

    public KernelDropLog {
        drops = List.copyOf(drops);
    }

    /** Whether a line is one of these tools' drop lines (format detection, and finding drops pasted amid other output). */
    public static String toolOf(String line) {
        if (line.contains("kfree_skb") && PERF_EVENT.matcher(line).find()) {
            return PERF;
        }
        if (PWRU_LINE.matcher(line).find() && PWRU_DROP.matcher(line).find() || PWRU_HEADER.matcher(line).find()) {
            return PWRU;
        }
        if (line.contains("drop") && (DW_SUMMARY.matcher(line).matches() || DW_ALERT.matcher(line).find())) {
            return DROPWATCH;
        }
        return null;
    }

    /** Reads {@code perf script} output of the {@code skb:kfree_skb} tracepoint. */
    public static KernelDropLog perfScript(List<String> lines) {
        List<OsReport.Drop> drops = new ArrayList<>();
        Coverage.Builder coverage = new Coverage.Builder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!PERF_EVENT.matcher(line).find()) {
                if (STACK_FRAME.matcher(line).matches() || STACK_WRAP.matcher(line).matches() && i > 0 && coverage.wasRead(i - 1)) {
                    coverage.read(i);
                }
                continue;
            }
            coverage.read(i);
            int at = i;
            String event = line;
            // a mail or a narrow terminal wrapped the event: its fields continue on the next line
            while (!event.contains("location=") && i + 1 < lines.size()
                    && lines.get(i + 1).strip().matches("^(protocol=|location=|rx_sk=|reason:|skbaddr=).*")) {
                event = Coverage.uncut(event) + " " + lines.get(++i).strip();
                coverage.read(i);
            }
            boolean cut = Coverage.isCut(event);
            String text = Coverage.uncut(event);
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = PERF_FIELD.matcher(text);
            while (m.find()) {
                f.put(m.group(1), m.group(2));
            }
            Matcher r = PERF_REASON.matcher(text);
            String reason = r.find() && !(cut && r.end() == text.length()) ? r.group(1) : null;
            String location = f.get("location");
            if (cut && location != null && text.endsWith(location)) {
                location = null; // the console cut it: what is left is not the function
            }
            int frames = i;
            while (frames + 1 < lines.size() && (STACK_FRAME.matcher(lines.get(frames + 1)).matches()
                    || STACK_WRAP.matcher(lines.get(frames + 1)).matches())) {
                frames++;
            }
            if (location == null || location.matches("0x[0-9a-fA-F]+")) {
                String caller = firstCaller(lines.subList(i + 1, frames + 1));
                location = caller != null ? caller : location;
            }
            String proto = protocolName(f.get("protocol"));
            String tool = text.contains("skb:kfree_skb") ? PERF : "tracefs";
            drops.add(new OsReport.Drop(OsReport.KFREE_SKB, reason == null ? Reason.UNKNOWN.token() : reason.matches("\\d+") ? "REASON_" + reason : reason,
                    tool + ": kfree_skb" + (proto == null ? "" : " (" + proto + ")") + (reason == null ? ", no reason printed" : ""),
                    location, 1, null, null));
            if (reason == null && cut) {
                coverage.unread(at, "kfree_skb event cut short by the console before its reason");
            }
        }
        return new KernelDropLog(PERF, drops, coverage.build());
    }

    /** The first function of a kfree_skb call stack that is not the freeing itself: where the packet was dropped. */
    private static String firstCaller(List<String> frames) {
        for (String f : frames) {
            Matcher m = STACK_FRAME.matcher(f);
            if (m.matches() && !DROP_FRAMES.contains(m.group(1)) && !m.group(1).startsWith("bpf_prog_")) {
                return m.group(1);
            }
        }
        return null;
    }

    /** Reads {@code pwru} output (any version's columns). */
    public static KernelDropLog pwru(List<String> lines) {
        List<OsReport.Drop> drops = new ArrayList<>();
        Coverage.Builder coverage = new Coverage.Builder();
        Map<String, OsReport.Flow> skbs = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, OsReport.Flow> eldest) {
                return size() > REMEMBERED_SKBS;
            }
        };
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (PWRU_HEADER.matcher(line).find()) {
                coverage.read(i);
                continue;
            }
            Matcher skb = PWRU_LINE.matcher(line);
            if (!skb.find()) {
                continue;
            }
            coverage.read(i);
            String text = Coverage.uncut(line);
            Matcher t = TUPLE.matcher(text);
            OsReport.Flow flow = null;
            if (t.find()) {
                flow = flow(t);
                skbs.put(skb.group(1), flow);
            }
            Matcher d = PWRU_DROP.matcher(text);
            if (!d.find()) {
                continue;
            }
            if (flow == null) {
                flow = skbs.get(skb.group(1));
            }
            String reason = d.group(2);
            boolean cut = Coverage.isCut(line) && reason == null;
            drops.add(new OsReport.Drop(OsReport.KFREE_SKB, reason == null ? Reason.UNKNOWN.token() : reason,
                    PWRU + ": " + d.group(1) + (reason == null ? ", no reason printed" : ""), null, 1, flow, null));
            if (cut) {
                coverage.unread(i, "pwru drop line cut short by the console before its reason");
            }
        }
        return new KernelDropLog(PWRU, drops, coverage.build());
    }

    /** Reads {@code dropwatch} output: the summary lines and the packet alerts. */
    public static KernelDropLog dropwatch(List<String> lines) {
        List<OsReport.Drop> drops = new ArrayList<>();
        Coverage.Builder coverage = new Coverage.Builder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean cut = Coverage.isCut(line);
            String text = Coverage.uncut(line);
            Matcher s = DW_SUMMARY.matcher(text);
            if (s.matches()) {
                coverage.read(i);
                long n = Long.parseLong(s.group(1));
                String where = cut && s.group(3) == null ? null : s.group(2);
                String origin = s.group(4);
                drops.add(new OsReport.Drop(OsReport.KFREE_SKB, Reason.UNKNOWN.token(), DROPWATCH + ": drop summary"
                        + (origin == null ? "" : ", " + origin), where, Math.max(1, n), null, null));
                if (where == null) {
                    coverage.unread(i, "dropwatch line cut short by the console before its location");
                }
                continue;
            }
            Matcher a = DW_ALERT.matcher(text);
            if (a.find()) {
                coverage.read(i);
                Map<String, String> fields = new LinkedHashMap<>();
                while (i + 1 < lines.size()) {
                    Matcher f = DW_FIELD.matcher(lines.get(i + 1));
                    if (!f.matches()) {
                        break;
                    }
                    fields.put(f.group(1).toLowerCase(Locale.ROOT), Coverage.uncut(f.group(2)).trim());
                    coverage.read(++i);
                }
                String reason = fields.get("drop reason");
                String proto = protocolName(fields.get("protocol"));
                String origin = fields.get("origin");
                drops.add(new OsReport.Drop(OsReport.KFREE_SKB, reason == null || reason.isBlank() ? Reason.UNKNOWN.token()
                        : reason.replaceFirst("^SKB_DROP_REASON_", ""), DROPWATCH + ": packet alert" + (origin == null ? "" : ", " + origin)
                        + (proto == null ? "" : " (" + proto + ")") + (fields.containsKey("input port name") ? " on "
                        + fields.get("input port name") : ""), cut ? null : a.group(1), 1, null, null));
                continue;
            }
            if (DW_CHATTER.matcher(text).matches()) {
                coverage.read(i);
            } else if (text.contains("drops at") || text.startsWith("drop at")) {
                coverage.read(i);
                coverage.unread(i, "a dropwatch drop line that could not be read");
            }
        }
        return new KernelDropLog(DROPWATCH, drops, coverage.build());
    }

    private static OsReport.Flow flow(Matcher t) {
        try {
            return new OsReport.Flow(t.group(1), Integer.parseInt(t.group(2)), t.group(3), Integer.parseInt(t.group(4)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "2048" or "0x800" -> "IPv4", "34525" or "0x86dd" -> "IPv6", others as printed; null without one. */
    private static String protocolName(String p) {
        if (p == null || p.isBlank()) {
            return null;
        }
        String s = p.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "2048", "0x800", "0x0800" -> "IPv4";
            case "34525", "0x86dd" -> "IPv6";
            case "2054", "0x806", "0x0806" -> "ARP";
            case "0" -> null;
            default -> "protocol " + p.trim();
        };
    }
}
