package io.quirklab.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quirklab.client.Failure;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.Coverage;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.EtwTcpipLog;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.KernelDropLog;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.NstatCounters;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.PktmonCounters;
import io.quirklab.observe.PktmonLog;
import io.quirklab.observe.PktmonStream;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import io.quirklab.observe.paste.Paste;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tool outputs a lab engineer captured by hand, read with the parsers the live runs use (one code path). The text is
 * first freed of what pasting added ({@link Paste}: encodings, prompts, quote marks, indentation) and cut at its
 * prompts; every section is then read by the drop-event parsers ({@link PktmonLog}, {@link EtwTcpipLog},
 * {@link KernelDropLog}), which take only their own lines wherever they are, and what is left by the parser of the
 * one format it is in (counters, offload settings, driver identity), a section holding several outputs of one tool
 * being read as several. Every output says what of it was read and what was not ({@link Reading}). {@link #report}
 * puts what they say together as one cell's OS evidence and {@link #verdict} asks the verdict rules what it means.
 */
public final class ToolOutputs {
    /** What a file that fits no format is expected to be. */
    public static final String EXPECTED = "a PktMon text log or real-time console, pktmon counters (text or --json), Microsoft-Windows-TCPIP "
            + "ETW text (netsh trace convert), netstat -s (Windows, macOS or FreeBSD), /proc/net/snmp, nstat, perf script of skb:kfree_skb, "
            + "pwru, dropwatch, ethtool -S/-k/-i, macOS ifconfig, or Get-NetAdapter / Get-NetAdapterChecksumOffload / "
            + "Get-NetAdapterAdvancedProperty output (JSON, table or list view)";
    private static final Pattern MAC_SECTION = Pattern.compile("^\\s*(udp|ip|tcp|icmp|igmp|arp|ip6|icmp6|udp6|sctp|carp|pfsync):\\s*$");
    private static final Pattern MAC_COUNTER = Pattern.compile("^\\s*\\d+\\s+(datagrams? received|total packets? received|packets? sent"
            + "|datagrams? output|with bad checksum|dropped due to no socket)\\b");
    private static final Pattern WINDOWS_COUNTER = Pattern.compile("^\\s*\\S.*?\\s*=\\s*\\d+\\s*$");
    private static final Pattern ETHTOOL_FEATURE = Pattern.compile("^\\s*([a-z][a-z0-9_ -]*?):\\s+(on|off)(\\s.*)?$");
    private static final Pattern ETHTOOL_FEATURES_TITLE = Pattern.compile("^\\s*(?:Features|Offload parameters) for (\\S+?):\\s*$");
    private static final Pattern ETHTOOL_INFO = Pattern.compile("^\\s*(driver|version|firmware-version|expansion-rom-version|bus-info"
            + "|supports-[a-z-]+):(\\s.*)?$");
    /** An ethtool -S counter: "name: 123" with no blank before the colon (a PowerShell list view pads its names). */
    private static final Pattern ETHTOOL_COUNTER = Pattern.compile("^\\s*\\S(?:.*\\S)?: -?\\d{1,20}\\s*$");
    private static final Pattern IFCONFIG_HEAD = Pattern.compile("^([A-Za-z][\\w.-]*): flags=[0-9a-fA-F]+<");
    private static final Pattern IFCONFIG_OPTIONS = Pattern.compile("^\\s*options=[0-9a-fA-F]*<[^>]*>");
    private static final Pattern PKTMON_COUNTERS_ROW = Pattern.compile("\\|");
    /** The start of an event line of a drop format: a log's "[00]0000.0000::", a time of day, perf's "[014] 123.4:", pwru's skb. */
    private static final Pattern EVENT_SHAPE = Pattern.compile(
            "^(?:\\[[0-9A-Fa-f]{1,4}][0-9A-Fa-f]{4}\\.|\\d{1,2}:\\d{2}:\\d{2}|0x[0-9a-f]{6,16}\\s+\\d+\\s|.*\\[\\d{3}]\\s+\\d+\\.\\d)");
    /** Lines of an output looked at to tell its format (the parse itself reads them all). */
    static final int SNIFFED = 400;
    /** A line that starts a new output of its tool (a second one in the same section is a second output). */
    private static final List<Map.Entry<String, Pattern>> OUTPUT_STARTS = List.of(
            Map.entry("ethtool -i", Pattern.compile("^\\s*driver:\\s")),
            Map.entry("ethtool -S", Pattern.compile("^\\s*NIC statistics:\\s*$")),
            Map.entry("ethtool -k", ETHTOOL_FEATURES_TITLE),
            Map.entry("nstat", Pattern.compile("^\\s*#kernel\\s*$")),
            Map.entry("snmp", Pattern.compile("^\\s*Ip: Forwarding\\b")),
            Map.entry("netstat -s (Windows)", Pattern.compile("(?i)^\\s*UDP.*IPv4\\s*$")),
            Map.entry("netstat -s (BSD)", Pattern.compile("^\\s*udp:\\s*$")));

    private ToolOutputs() {
    }

    /**
     * Where an output was in its file and what of it was read.
     *
     * @param command   the command the prompt before it shows, or null
     * @param firstLine its first line number in the file
     * @param lastLine  its last line number in the file
     * @param linesRead how many of its lines were read
     * @param skipped   how many of its non-blank lines were not its format's (notes, other text)
     * @param unread    how many lines looked like its format's own but could not be read
     * @param notRead   the first of those, with their line numbers in the file and why
     */
    public record Reading(String command, int firstLine, int lastLine, int linesRead, int skipped, int unread, List<NotRead> notRead) {
        public Reading {
            notRead = List.copyOf(notRead);
        }

        static Reading none() {
            return new Reading(null, 0, 0, 0, 0, 0, List.of());
        }
    }

    /** A line that looked like its format's own and could not be read: its number in the file, and why. */
    public record NotRead(int line, String why) {
    }

    /** What one output in a file said; a file can hold several (ethtool -i above ethtool -S, a PktMon log with TCPIP events). */
    public sealed interface ToolOutput permits PktmonLogOutput, EtwOutput, KernelDropsOutput, PktmonCountersOutput, CountersOutput,
            EthtoolStatsOutput, OffloadsOutput, DriverOutput, CutLines, SkippedText, Unreadable {
        /** The format, in words ("PktMon text log"). */
        String format();

        /** Where it was and what of it was read. */
        Reading reading();
    }

    public record PktmonLogOutput(String format, PktmonLog log, Reading reading) implements ToolOutput {
    }

    public record EtwOutput(String format, EtwTcpipLog log, Reading reading) implements ToolOutput {
    }

    /** Drops the Linux kernel reported through perf script, pwru or dropwatch. */
    public record KernelDropsOutput(String format, KernelDropLog log, Reading reading) implements ToolOutput {
    }

    public record PktmonCountersOutput(String format, PktmonCounters counters, Reading reading) implements ToolOutput {
    }

    /**
     * Protocol counters under the /proc/net/snmp names where they mean the same (netstat -s of Windows, macOS or
     * FreeBSD, /proc/net/snmp, nstat).
     *
     * @param changes whether the values are changes over an interval (nstat without -a), not totals of one snapshot
     */
    public record CountersOutput(String format, Map<String, Long> counters, boolean changes, Reading reading) implements ToolOutput {
    }

    /**
     * One {@code ethtool -S}.
     *
     * @param iface                 the interface when the command line named it, else null
     * @param counters              every counter, per ring or queue where printed so ({@link EthtoolStats.Snapshot})
     * @param sums                  the sums of counters printed once per ring or queue
     * @param checksumErrorCounters the NIC's receive checksum-error counters among them
     */
    public record EthtoolStatsOutput(String format, String iface, Map<String, Long> counters, Map<String, Long> sums,
                                     Map<String, Long> checksumErrorCounters, Reading reading) implements ToolOutput {
    }

    /** Offload settings per adapter, under the stable keys of {@link OffloadKeys}. */
    public record OffloadsOutput(String format, Map<String, Map<String, String>> adapters, Reading reading) implements ToolOutput {
    }

    public record DriverOutput(String format, MatrixDocument.DutInterface adapter, Reading reading) implements ToolOutput {
    }

    /**
     * Lines a console cut short that no output could read: what they were cannot be told, so they may have been drop
     * events, and the answer says it could not read them instead of "no drops".
     */
    public record CutLines(String format, int lines, Reading reading) implements ToolOutput {
    }

    /** Text in a file beside its outputs that is in no format quirklab reads (a mail's prose, notes): said, not guessed at. */
    public record SkippedText(String format, int lines, Reading reading) implements ToolOutput {
    }

    /** Nothing readable: what was expected instead. */
    public record Unreadable(String format, String problem, Reading reading) implements ToolOutput {
        public Unreadable(String format, String problem) {
            this(format, problem, Reading.none());
        }
    }

    /** Reads one file's bytes (UTF-8, UTF-16 with or without a byte-order mark). */
    public static List<ToolOutput> read(byte[] bytes) {
        if (bytes.length == 0) {
            return List.of(new Unreadable("empty", "the file is empty; expected " + EXPECTED));
        }
        Paste paste = Paste.of(bytes);
        if (binary(paste)) {
            return List.of(new Unreadable("binary", "the file is binary (an .etl or .pcap?); convert it first "
                    + "(pktmon etl2txt FILE.etl, netsh trace convert FILE.etl); expected " + EXPECTED));
        }
        return read(paste);
    }

    /** Reads text whose format is to be detected. */
    public static List<ToolOutput> read(String text) {
        return read(Paste.of(text));
    }

    /** Reads every section of a paste. */
    public static List<ToolOutput> read(Paste paste) {
        List<ToolOutput> out = new ArrayList<>();
        BitSet seen = new BitSet();
        BitSet dropSeen = new BitSet();
        int skippedLines = 0;
        for (Paste.Section section : paste.sections()) {
            if (section.isBlank()) {
                continue;
            }
            Slice all = new Slice(section.command(), section.tool(), section.lines(), seen);
            String t = all.text().strip();
            JsonNode parsed = t.startsWith("{") || t.startsWith("[") ? PowerShellViews.json(t) : null;
            if (parsed != null) {
                out.add(objects(parsed, "JSON", all.reading(l -> true)));
                continue;
            }
            BitSet used = new BitSet();
            out.addAll(dropEvents(all, used));
            used.stream().forEach(i -> dropSeen.set(all.lines().get(i).number()));
            Slice rest = all.without(used);
            if (rest.isBlank()) {
                continue;
            }
            List<ToolOutput> found = new ArrayList<>();
            for (Slice part : rest.outputs()) {
                found.addAll(oneFormat(part));
            }
            if (found.isEmpty() || found.stream().allMatch(o -> o instanceof Unreadable)) {
                skippedLines += rest.nonBlank();
            } else {
                out.addAll(found.stream().filter(o -> !(o instanceof Unreadable)).toList());
            }
        }
        ToolOutput cut = cutLines(paste, seen, dropSeen);
        if (cut != null) {
            out.add(cut);
        }
        if (out.isEmpty()) {
            out.add(new Unreadable("unknown", "not a format quirklab reads; expected " + EXPECTED));
        } else if (out.size() == 1 && cut != null) {
            out.add(0, new Unreadable("unknown", "not a format quirklab reads; expected " + EXPECTED));
        } else if (out.stream().allMatch(o -> o instanceof Unreadable)) {
            return List.of(out.get(0)); // the one thing to say: what this text is not
        } else if (skippedLines > 0) {
            out.add(new SkippedText("other text", skippedLines, Reading.none()));
        }
        return out;
    }

    /**
     * Lines of one output: a section's, or the part of it one of several outputs of one tool takes.
     *
     * @param command the command the prompt showed, or null
     * @param tool    its first word ("ethtool"), or ""
     * @param lines   the lines, with their numbers in the file
     * @param seen    the file's line numbers any output read, shared by every slice of one file
     */
    private record Slice(String command, String tool, List<Paste.Line> lines, BitSet seen) {
        List<String> texts() {
            return lines.stream().map(Paste.Line::text).toList();
        }

        String text() {
            return String.join("\n", texts());
        }

        boolean isBlank() {
            return lines.stream().allMatch(l -> l.text().isBlank());
        }

        int nonBlank() {
            return (int) lines.stream().filter(l -> !l.text().isBlank()).count();
        }

        /** Whether one of the first {@link #SNIFFED} lines passes: what a format looks like shows at its start. */
        boolean any(Predicate<String> p) {
            for (int i = 0; i < Math.min(lines.size(), SNIFFED); i++) {
                if (p.test(lines.get(i).text())) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@code n} of the first {@link #SNIFFED} lines pass. */
        boolean atLeast(int n, Predicate<String> p) {
            int found = 0;
            for (int i = 0; i < Math.min(lines.size(), SNIFFED) && found < n; i++) {
                if (p.test(lines.get(i).text())) {
                    found++;
                }
            }
            return found >= n;
        }

        /** The first {@link #SNIFFED} lines, for a format's recognizer. */
        List<String> sniffed() {
            return texts().subList(0, Math.min(lines.size(), SNIFFED));
        }

        Slice without(BitSet used) {
            List<Paste.Line> left = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!used.get(i)) {
                    left.add(lines.get(i));
                }
            }
            return new Slice(command, tool, left, seen);
        }

        /** Cut where a tool's output starts a second time (two ethtool -i after one prompt, two nstat runs). */
        List<Slice> outputs() {
            List<Slice> out = new ArrayList<>();
            Set<String> started = new HashSet<>();
            int from = 0;
            for (int i = 0; i < lines.size(); i++) {
                for (Map.Entry<String, Pattern> start : OUTPUT_STARTS) {
                    if (start.getValue().matcher(lines.get(i).text()).find()) {
                        if (!started.add(start.getKey()) && i > from) {
                            out.add(new Slice(command, tool, lines.subList(from, i), seen));
                            from = i;
                            started.clear();
                            started.add(start.getKey());
                        }
                        break;
                    }
                }
            }
            out.add(new Slice(command, tool, lines.subList(from, lines.size()), seen));
            return out;
        }

        /** What a parser's coverage says of these lines, in the file's line numbers. */
        Reading reading(Coverage c) {
            List<NotRead> notRead = c.examples().stream().filter(u -> u.line() >= 0 && u.line() < lines.size())
                    .map(u -> new NotRead(lines.get(u.line()).number(), u.why())).toList();
            int read = 0;
            int skipped = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (c.read().get(i)) {
                    read++;
                    seen.set(lines.get(i).number());
                } else if (!lines.get(i).text().isBlank()) {
                    skipped++;
                }
            }
            return new Reading(command, lines.isEmpty() ? 0 : lines.get(0).number(), lines.isEmpty() ? 0 : lines.get(lines.size() - 1).number(),
                    read, skipped, c.unread(), notRead);
        }

        /** The reading of a format whose lines are those matching {@code own}. */
        Reading reading(Predicate<String> own) {
            Coverage.Builder b = new Coverage.Builder();
            for (int i = 0; i < lines.size(); i++) {
                if (own.test(lines.get(i).text())) {
                    b.read(i);
                }
            }
            return reading(b.build());
        }
    }

    /** The drop-event formats in a slice, each reading only its own lines; the lines they read are set in {@code used}. */
    private static List<ToolOutput> dropEvents(Slice s, BitSet used) {
        List<ToolOutput> out = new ArrayList<>();
        List<String> texts = s.texts();
        boolean pktmon = false;
        boolean etw = false;
        Set<String> kernel = new LinkedHashSet<>();
        for (String t : texts) {
            String line = t.strip();
            pktmon |= PktmonStream.isEventLine(line) && !line.contains("[Microsoft-Windows-TCPIP]");
            etw |= EtwTcpipLog.isEvent(line);
            String tool = KernelDropLog.toolOf(line);
            if (tool != null) {
                kernel.add(tool);
            }
        }
        if (pktmon) {
            PktmonLog log = PktmonLog.read(texts);
            boolean realTime = s.any(l -> l.strip().matches("^\\d{1,2}:\\d{2}:\\d{2}[.,]\\d+\\s.*"))
                    && !s.any(l -> l.contains("[Microsoft-Windows-PktMon]"));
            out.add(new PktmonLogOutput(realTime ? "PktMon real-time console" : "PktMon text log", log, s.reading(log.coverage())));
            used.or(log.coverage().read());
        }
        if (etw) {
            EtwTcpipLog log = EtwTcpipLog.read(texts);
            out.add(new EtwOutput("Microsoft-Windows-TCPIP ETW text", log, s.reading(log.coverage())));
            used.or(log.coverage().read());
        }
        for (String tool : kernel) {
            KernelDropLog log = switch (tool) {
                case KernelDropLog.PERF -> KernelDropLog.perfScript(texts);
                case KernelDropLog.PWRU -> KernelDropLog.pwru(texts);
                default -> KernelDropLog.dropwatch(texts);
            };
            String format = !tool.equals(KernelDropLog.PERF) ? tool : s.any(l -> l.contains("skb:kfree_skb")) ? "perf script (skb:kfree_skb)"
                    : "kfree_skb trace (tracefs)";
            out.add(new KernelDropsOutput(format, log, s.reading(log.coverage())));
            used.or(log.coverage().read());
        }
        return out;
    }

    /** The one format of a slice that holds no drop events: counters, offload settings, driver identity, or none. */
    private static List<ToolOutput> oneFormat(Slice s) {
        List<ToolOutput> out = new ArrayList<>();
        String text = s.text();
        String flags = s.command() == null ? "" : " " + s.command() + " ";
        if (s.any(l -> PKTMON_COUNTERS_ROW.matcher(l).find()) && PktmonCounters.recognizesText(String.join("\n", s.sniffed()))) {
            out.add(new PktmonCountersOutput("pktmon counters (text)", PktmonCounters.parseText(text), s.reading(l -> l.contains("|"))));
            return out;
        }
        List<String> texts = s.texts();
        if (s.tool().equals("nstat") || !s.tool().equals("ethtool") && NstatCounters.recognizes(s.sniffed())) {
            NstatCounters n = NstatCounters.read(texts);
            if (!n.counters().isEmpty() || s.tool().equals("nstat")) {
                boolean changes = !NstatCounters.absolute(s.command());
                out.add(new CountersOutput(changes ? "nstat (changes since its last run)" : "nstat", n.counters(), changes, s.reading(n.coverage())));
                return out;
            }
        }
        if (SnmpCounters.recognizes(s.sniffed())) {
            SnmpCounters.Reading r = SnmpCounters.read(texts);
            boolean netstat = r.counters().values().keySet().stream().allMatch(k -> k.startsWith("TcpExt.") || k.startsWith("IpExt.")
                    || k.startsWith("MPTcpExt."));
            out.add(new CountersOutput(netstat ? "/proc/net/netstat" : "/proc/net/snmp", r.counters().values(), false, s.reading(r.coverage())));
            return out;
        }
        boolean ethtoolS = s.any(l -> l.strip().equals("NIC statistics:")) || flags.contains(" -S ") || flags.contains(" --statistics ")
                || s.atLeast(3, l -> ETHTOOL_COUNTER.matcher(l).matches()) && !s.any(l -> MAC_SECTION.matcher(l).matches());
        if (s.any(l -> ETHTOOL_INFO.matcher(l).matches() && l.strip().startsWith("driver:"))) {
            Map<String, String> info = LinuxHost.keyValues(String.join("\n", texts.stream().filter(l -> ETHTOOL_INFO.matcher(l).matches()).toList()));
            out.add(new DriverOutput("ethtool -i", new MatrixDocument.DutInterface(iface(s.command()), null, null, null, info.get("driver"),
                    blankToNull(info.get("version")), null, null, blankToNull(info.get("firmware-version")), null, Map.of()),
                    s.reading(l -> ETHTOOL_INFO.matcher(l).matches())));
        }
        if (ethtoolS) {
            EthtoolStats.Snapshot snap = EthtoolStats.read(texts);
            if (!snap.counters().isEmpty() || out.isEmpty()) {
                out.add(new EthtoolStatsOutput("ethtool -S", iface(s.command()), snap.counters(), snap.sums(), snap.checksumErrorCounters(),
                        s.reading(snap.coverage())));
            }
        }
        if (s.any(l -> ETHTOOL_FEATURES_TITLE.matcher(l).matches()) || s.atLeast(3, l -> ETHTOOL_FEATURE.matcher(l).matches())
                && s.any(l -> l.matches("^\\s*(rx|tx)[ -]?checksumming:.*")) || flags.contains(" -k ") && s.tool().equals("ethtool")) {
            out.add(ethtoolFeatures(s));
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (s.any(l -> IFCONFIG_HEAD.matcher(l).find())) {
            out.addAll(ifconfig(s));
            if (!out.isEmpty()) {
                return out;
            }
        }
        if (s.any(l -> MAC_SECTION.matcher(l).matches()) || s.any(l -> MAC_COUNTER.matcher(l).find())) {
            Map<String, Long> m = new TreeMap<>(NetstatCounters.parseMacUdp(text));
            m.putAll(NetstatCounters.parseMacIp(text));
            if (!m.isEmpty()) {
                out.add(new CountersOutput(NetstatCounters.bsdFlavour(texts) + " netstat -s", m, false,
                        s.reading(l -> MAC_SECTION.matcher(l).matches() || l.strip().matches("^\\d+\\s+\\S.*"))));
                return out;
            }
        }
        if (PowerShellViews.isTable(String.join("\n", s.sniffed()))) {
            out.addAll(tables(s, text));
            if (!out.isEmpty()) {
                return out;
            }
        }
        JsonNode list = PowerShellViews.list(text);
        Reading listReading = s.reading(l -> l.contains(" : ") || l.strip().endsWith(" :"));
        if (list.size() > 0 && (list.get(0).has("UdpIPv4Enabled") || list.get(0).has("RegistryKeyword"))) {
            out.add(objects(list, "list view", listReading)); // one adapter's checksum offload, or its advanced properties, as a list
            return out;
        }
        if (list.size() > 0 && isNetAdapter(list.get(0))) {
            for (JsonNode a : list) {
                out.add(new DriverOutput("Get-NetAdapter (list view)", WindowsHost.dutInterface(a, null, Map.of()), listReading));
            }
            return out;
        }
        if (s.any(l -> WINDOWS_COUNTER.matcher(l).matches())) {
            Map<String, Long> m = new TreeMap<>(NetstatCounters.parseWindowsUdp(text));
            m.putAll(NetstatCounters.parseWindowsIp(text));
            if (!m.isEmpty()) {
                out.add(new CountersOutput("Windows netstat -s", m, false, s.reading(l -> WINDOWS_COUNTER.matcher(l).matches())));
                return out;
            }
        }
        out.add(new Unreadable("unknown", "not a format quirklab reads; expected " + EXPECTED, s.reading(l -> false)));
        return out;
    }

    /** The interface a command line names last ("ethtool -S eth0" -> eth0), or null. */
    private static String iface(String command) {
        if (command == null) {
            return null;
        }
        String[] w = command.split("\\|")[0].trim().split("\\s+");
        String last = w[w.length - 1];
        return w.length > 1 && last.matches("[A-Za-z][\\w.@-]{0,30}") && !last.startsWith("-") && !last.equals("ethtool") ? last : null;
    }

    /**
     * ethtool -k, in either layout: "Features for IF:" with hyphenated names and nested ones, or the old "Offload
     * parameters for IF:" whose names have blanks ("tcp segmentation offload: on").
     */
    private static OffloadsOutput ethtoolFeatures(Slice s) {
        StringBuilder normal = new StringBuilder();
        String name = iface(s.command());
        for (String l : s.texts()) {
            Matcher title = ETHTOOL_FEATURES_TITLE.matcher(l);
            if (title.matches()) {
                name = title.group(1);
                continue;
            }
            Matcher f = ETHTOOL_FEATURE.matcher(l);
            if (f.matches()) {
                normal.append(f.group(1).trim().replace(' ', '-')).append(": ").append(f.group(2)).append(f.group(3) == null ? "" : f.group(3))
                        .append('\n');
            }
        }
        Map<String, Map<String, String>> adapters = new LinkedHashMap<>();
        adapters.put(name == null ? "interface" : name, LinuxHost.offloads(LinuxHost.featuresFromText(normal.toString())));
        return new OffloadsOutput("ethtool -k", adapters, s.reading(l -> ETHTOOL_FEATURE.matcher(l).matches()
                || ETHTOOL_FEATURES_TITLE.matcher(l).matches()));
    }

    /** macOS ifconfig: each interface's options=&lt;RXCSUM,TXCSUM,...&gt; as offload settings. */
    private static List<ToolOutput> ifconfig(Slice s) {
        Map<String, StringBuilder> byInterface = new LinkedHashMap<>();
        StringBuilder current = null;
        for (String l : s.texts()) {
            Matcher head = IFCONFIG_HEAD.matcher(l);
            if (head.find()) {
                current = byInterface.computeIfAbsent(head.group(1), k -> new StringBuilder());
            }
            if (current != null) {
                current.append(l).append('\n');
            }
        }
        Map<String, Map<String, String>> adapters = new LinkedHashMap<>();
        byInterface.forEach((name, text) -> {
            // an interface with offloads to speak of: it has options=<...>, or is an Ethernet without any
            if (text.toString().lines().anyMatch(l -> IFCONFIG_OPTIONS.matcher(l).find() || l.strip().startsWith("ether "))) {
                adapters.put(name, MacHost.optionOffloads(text.toString()));
            }
        });
        if (adapters.isEmpty()) {
            return List.of();
        }
        return List.of(new OffloadsOutput("macOS ifconfig", adapters, s.reading(l -> IFCONFIG_HEAD.matcher(l).find()
                || l.startsWith("\t") || l.startsWith(" "))));
    }

    /** The PowerShell table views: checksum offload, advanced properties, Get-NetAdapter. */
    private static List<ToolOutput> tables(Slice s, String text) {
        List<ToolOutput> out = new ArrayList<>();
        Reading reading = s.reading(l -> !l.isBlank());
        List<JsonNode> tables = new ArrayList<>(PowerShellViews.tables(text));
        OffloadsOutput o = checksumOffload(tables, "Get-NetAdapterChecksumOffload (table)", reading);
        if (o != null) {
            out.add(o);
            return out;
        }
        for (JsonNode table : tables) {
            List<JsonNode> rows = PowerShell.items(table);
            if (!rows.isEmpty() && rows.get(0).has("RegistryKeyword") && rows.get(0).has("RegistryValue")) {
                // The table shows "{3}" for the string array; a keyword cut by the console ("*UDPChecksumOff...") is lost.
                Map<String, List<JsonNode>> byAdapter = new LinkedHashMap<>();
                for (JsonNode r : rows) {
                    ((ObjectNode) r).put("RegistryValue", r.path("RegistryValue").asText().replaceAll("^\\{|}$", ""));
                    byAdapter.computeIfAbsent(name(r, "adapter"), k -> new ArrayList<>()).add(r);
                }
                Map<String, Map<String, String>> adapters = new LinkedHashMap<>();
                byAdapter.forEach((name, list) -> adapters.put(name,
                        WindowsHost.offloads(JsonNodeFactory.instance.arrayNode().addAll(list), MissingNode.getInstance())));
                out.add(new OffloadsOutput("Get-NetAdapterAdvancedProperty (table)", adapters, reading));
            } else if (!rows.isEmpty() && rows.get(0).has("InterfaceDescription")) {
                rows.forEach(r -> out.add(new DriverOutput("Get-NetAdapter (table)", WindowsHost.dutInterface(r, null, Map.of()), reading)));
            }
        }
        return out;
    }

    /** Objects from ConvertTo-Json or a list view ({@code view}), by the properties they carry. */
    private static ToolOutput objects(JsonNode json, String view, Reading reading) {
        List<JsonNode> items = PowerShell.items(json);
        JsonNode first = items.isEmpty() ? MissingNode.getInstance() : items.get(0);
        if (hasField(json, "counters") || hasField(json, "components")) {
            try {
                return new PktmonCountersOutput("pktmon counters --json", PktmonCounters.parse(json.toString()), reading);
            } catch (IOException e) {
                return new Unreadable("pktmon counters --json", e.getMessage(), reading);
            }
        }
        if (json.path("kernel").isObject()) {
            // nstat --json: {"kernel": {"IpInReceives": 885162, ...}}
            List<String> rows = new ArrayList<>();
            json.path("kernel").properties().forEach(f -> rows.add(f.getKey() + " " + f.getValue().asText()));
            NstatCounters n = NstatCounters.read(rows);
            if (!n.counters().isEmpty()) {
                return new CountersOutput("nstat --json", n.counters(), false, reading);
            }
        }
        if (first.has("UdpIPv4Enabled") || first.has("TcpIPv4Enabled")) {
            OffloadsOutput o = checksumOffload(List.of(json), "Get-NetAdapterChecksumOffload (" + view + ")", reading);
            if (o != null) {
                return o;
            }
        }
        if (first.has("RegistryKeyword")) {
            for (JsonNode p : items) {
                String v = PowerShell.text(p, "RegistryValue");
                if (p.isObject() && v != null) { // a list view shows "{3}" for RegistryValue's string array
                    ((ObjectNode) p).put("RegistryValue", v.replaceAll("^\\{|}$", ""));
                }
            }
            return new OffloadsOutput("Get-NetAdapterAdvancedProperty (" + view + ")",
                    Map.of(name(first, "adapter"), WindowsHost.offloads(json, MissingNode.getInstance())), reading);
        }
        if (isNetAdapter(first)) {
            return new DriverOutput("Get-NetAdapter (" + view + ")", WindowsHost.dutInterface(first, null, Map.of()), reading);
        }
        return new Unreadable("JSON", "JSON, but none of pktmon counters --json, Get-NetAdapter, Get-NetAdapterChecksumOffload "
                + "or Get-NetAdapterAdvancedProperty (no Counters, UdpIPv4Enabled, RegistryKeyword or DriverFileName field)", reading);
    }

    /** Each adapter of Get-NetAdapterChecksumOffload's objects; a later table (after a change) wins per adapter. */
    private static OffloadsOutput checksumOffload(List<JsonNode> tables, String format, Reading reading) {
        Map<String, Map<String, String>> adapters = new LinkedHashMap<>();
        int table = 0;
        for (JsonNode t : tables) {
            table++;
            for (JsonNode row : PowerShell.items(t)) {
                if (!row.has("UdpIPv4Enabled") && !row.has("TcpIPv4Enabled")) {
                    continue;
                }
                String key = name(row, "adapter") + (tables.size() > 1 ? " (table " + table + ")" : "");
                adapters.put(key, WindowsHost.offloads(MissingNode.getInstance(), row));
            }
        }
        return adapters.isEmpty() ? null : new OffloadsOutput(format, adapters, reading);
    }

    private static boolean isNetAdapter(JsonNode n) {
        return n.has("DriverFileName") || n.has("InterfaceDescription") || n.has("DriverInformation") || n.has("ifDesc")
                || n.has("InterfaceAlias") && n.has("MacAddress");
    }

    private static String name(JsonNode n, String otherwise) {
        String s = PowerShell.text(n, "Name");
        return s == null ? otherwise : s;
    }

    private static boolean hasField(JsonNode n, String name) {
        if (n.isArray()) {
            for (JsonNode c : n) {
                if (hasField(c, name)) {
                    return true;
                }
            }
            return false;
        }
        if (!n.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> f : n.properties()) {
            if (f.getKey().equalsIgnoreCase(name) || hasField(f.getValue(), name)) {
                return true;
            }
        }
        return false;
    }

    /** Control characters other than tabs and line ends in the first 4 KiB of text: not a text a tool printed. */
    private static boolean binary(Paste paste) {
        int n = 0;
        int control = 0;
        for (Paste.Line l : paste.allLines()) {
            String t = l.text();
            for (int i = 0; i < t.length() && n < 4096; i++, n++) {
                char c = t.charAt(i);
                if (c < 0x20 && c != '\t' && c != '\f' || c == '\uFFFD') {
                    control++;
                }
            }
            if (n >= 4096) {
                break;
            }
        }
        return n > 0 && control * 20 > n;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The OS evidence of one cell that these outputs make: the drops (PktMon's, else tcpip's, else the Linux drop
     * tools'; PktMon counters when no log has any), the NIC's checksum verdicts, and counter changes: an output of
     * changes (nstat) as it is, and where one format of totals came twice, the last minus the first.
     */
    public static OsReport report(List<ToolOutput> outputs) {
        List<OsReport.Drop> pktmon = new ArrayList<>();
        List<OsReport.Drop> etw = new ArrayList<>();
        List<OsReport.Drop> kernel = new ArrayList<>();
        List<OsReport.NicChecksum> nics = new ArrayList<>();
        List<OsReport.Source> sources = new ArrayList<>();
        Map<String, List<Map<String, Long>>> snapshots = new LinkedHashMap<>();
        Map<String, Long> changes = new TreeMap<>();
        List<PktmonCounters> counters = new ArrayList<>();
        for (ToolOutput o : outputs) {
            if (o instanceof PktmonLogOutput p) {
                pktmon.addAll(p.log().drops());
                sources.add(new OsReport.Source(OsReport.PKTMON, true, p.log().drops().size() + " drop events"
                        + (p.log().unreadEvents() == 0 ? "" : ", " + p.log().unreadEvents() + " event lines not read whole")));
            } else if (o instanceof EtwOutput e) {
                nics.addAll(e.log().evidence());
                etw.addAll(e.log().drops());
                sources.add(new OsReport.Source(OsReport.ETW, true, e.log().nbls().size() + " received NBLs, " + e.log().drops().size()
                        + " drop events"));
            } else if (o instanceof KernelDropsOutput k) {
                kernel.addAll(k.log().drops());
                sources.add(new OsReport.Source(OsReport.KFREE_SKB, true, k.log().tool() + ": " + k.log().drops().size() + " drop lines"));
            } else if (o instanceof PktmonCountersOutput c) {
                counters.add(c.counters());
            } else if (o instanceof CountersOutput n) {
                if (n.changes()) {
                    changes.putAll(n.counters());
                    sources.add(new OsReport.Source(source(n.format()), true, n.format()));
                } else {
                    snapshots.computeIfAbsent(n.format(), k -> new ArrayList<>()).add(n.counters());
                }
            } else if (o instanceof EthtoolStatsOutput s) {
                snapshots.computeIfAbsent(s.format() + (s.iface() == null ? "" : " " + s.iface()), k -> new ArrayList<>()).add(s.counters());
            }
        }
        // one drop seen by two sources is one drop: PktMon logs every drop, tcpip's events and the Linux tools come after
        List<OsReport.Drop> drops = !pktmon.isEmpty() ? pktmon : !etw.isEmpty() ? etw : kernel;
        if (drops.isEmpty()) {
            for (PktmonCounters pc : counters) {
                pc.lastDropReason().forEach((component, reason) -> drops.add(new OsReport.Drop(OsReport.PKTMON,
                        PktmonLog.token(reason, null), reason, component, pc.dropsByComponent().getOrDefault(component, 1L), null, null)));
            }
        }
        Map<String, Long> counterDeltas = new TreeMap<>(changes);
        Map<String, Long> nicDeltas = new TreeMap<>();
        snapshots.forEach((format, list) -> {
            if (list.size() >= 2) {
                Map<String, Long> delta = SnmpCounters.delta(list.get(list.size() - 1), list.get(0));
                if (format.startsWith("ethtool")) {
                    nicDeltas.putAll(delta);
                    sources.add(new OsReport.Source(OsReport.ETHTOOL, true, format + ": last output minus first"));
                } else {
                    counterDeltas.putAll(delta);
                    sources.add(new OsReport.Source(source(format), true, format + ": last output minus first"));
                }
            }
        });
        return OsReport.withDrops(counterDeltas, nicDeltas, sources, drops).withNicChecksums(nics);
    }

    /** The OS source a counter format stands for: /proc/net/snmp and nstat are snmp, netstat -s is netstat. */
    private static String source(String format) {
        String f = format.toLowerCase(Locale.ROOT);
        return f.contains("snmp") || f.contains("nstat") || f.contains("/proc/net/netstat") ? OsReport.SNMP : OsReport.NETSTAT;
    }

    /** Event lines of the drop formats that could not be read, and cut lines no format read, over all outputs. */
    public static int unreadEvents(List<ToolOutput> outputs) {
        return outputs.stream().filter(o -> o instanceof PktmonLogOutput || o instanceof EtwOutput || o instanceof KernelDropsOutput
                || o instanceof CutLines).mapToInt(o -> o.reading().unread()).sum();
    }

    /**
     * The cut lines of a paste no drop-event parser read, that either no output read or that have the shape of an
     * event line of a drop format (another format's parser may have taken a cut event for one of its own lines), or
     * null when there are none.
     */
    private static ToolOutput cutLines(Paste paste, BitSet seen, BitSet dropSeen) {
        List<NotRead> cut = new ArrayList<>();
        int n = 0;
        for (Paste.Line l : paste.allLines()) {
            if (!dropSeen.get(l.number()) && Coverage.isCut(l.text()) && (!seen.get(l.number()) || EVENT_SHAPE.matcher(l.text().strip()).find())) {
                n++;
                if (cut.size() < Coverage.EXAMPLES) {
                    cut.add(new NotRead(l.number(), "cut short by the console; what it was cannot be told"));
                }
            }
        }
        return n == 0 ? null : new CutLines("lines cut short", n, new Reading(null, cut.get(0).line(), cut.get(cut.size() - 1).line(), 0, 0, n, cut));
    }

    /**
     * The verdict this evidence gives a cell whose client timed out after its requests were answered (one reply per
     * drop or NIC verdict): what a matrix run would have decided. There is no DUT capture in a file, so the verdict
     * says what it could not see.
     */
    public static VerdictRules.Decision verdict(OsReport os) {
        int replies = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                Math.max(os.drops().stream().mapToLong(OsReport.Drop::count).sum(), os.nicChecksums().size())));
        Evidence e = Evidence.of(Evidence.Client.failed(Failure.TIMEOUT, "timed out (assumed)", replies))
                .withJournal(replies, replies).withOs(os);
        return VerdictRules.decide(e);
    }
}
