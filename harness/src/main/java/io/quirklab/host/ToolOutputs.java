package io.quirklab.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.quirklab.client.Failure;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.EtwTcpipLog;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.PktmonCounters;
import io.quirklab.observe.PktmonLog;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Tool outputs a lab engineer captured by hand, read with the parsers the live runs use (one code path): the format
 * is detected from the text, then handed to {@link PktmonLog}, {@link EtwTcpipLog}, {@link PktmonCounters},
 * {@link NetstatCounters}, {@link EthtoolStats}, {@link LinuxHost}'s feature reader or {@link WindowsHost}'s
 * NetAdapter readers. {@link #report} puts what they say together as one cell's OS evidence and {@link #verdict}
 * asks the verdict rules what it would mean.
 */
public final class ToolOutputs {
    /** What a file that fits no format is expected to be. */
    public static final String EXPECTED = "a PktMon text log, pktmon counters (text or --json), Microsoft-Windows-TCPIP ETW text, "
            + "netstat -s (Windows or macOS), ethtool -S/-k/-i, or Get-NetAdapter / Get-NetAdapterChecksumOffload / "
            + "Get-NetAdapterAdvancedProperty output (JSON, table or list view)";
    private static final Pattern MAC_SECTION = Pattern.compile("(?m)^\\s*(udp|ip|tcp|icmp):\\s*$");
    private static final Pattern MAC_COUNTER = Pattern.compile("(?m)^\\s*\\d+\\s+(datagrams? received|total packets? received)\\b");
    private static final Pattern WINDOWS_COUNTER = Pattern.compile("(?m)^\\s*\\S.*?\\s*=\\s*\\d+\\s*$");
    private static final Pattern ETHTOOL_FEATURE = Pattern.compile("(?m)^\\s*rx-checksumming:\\s+(on|off)");
    private static final Pattern ETHTOOL_INFO = Pattern.compile("(?m)^driver:\\s*\\S+");
    private static final Pattern ETHTOOL_COUNTER = Pattern.compile("(?m)^\\s+[a-z0-9_.\\[\\]-]+:\\s+-?\\d+\\s*$");
    private static final Pattern PKTMON_LOG = Pattern.compile("\\[Microsoft-Windows-PktMon]|\\bDrop(Reason|Location)\\b");

    private ToolOutputs() {
    }

    /** What one file said; a file can say several things (ethtool -i above ethtool -S, a PktMon log with TCPIP events). */
    public sealed interface ToolOutput permits PktmonLogOutput, EtwOutput, PktmonCountersOutput, NetstatOutput, EthtoolStatsOutput,
            OffloadsOutput, DriverOutput, Unreadable {
        /** The format, in words ("PktMon text log"). */
        String format();
    }

    public record PktmonLogOutput(String format, PktmonLog log) implements ToolOutput {
    }

    public record EtwOutput(String format, EtwTcpipLog log) implements ToolOutput {
    }

    public record PktmonCountersOutput(String format, PktmonCounters counters) implements ToolOutput {
    }

    /** Counters under the /proc/net/snmp names where they mean the same; absolute values of one snapshot. */
    public record NetstatOutput(String format, Map<String, Long> counters) implements ToolOutput {
    }

    public record EthtoolStatsOutput(String format, Map<String, Long> counters, Map<String, Long> checksumErrorCounters)
            implements ToolOutput {
    }

    /** Offload settings per adapter, under the stable keys of {@link OffloadKeys}. */
    public record OffloadsOutput(String format, Map<String, Map<String, String>> adapters) implements ToolOutput {
    }

    public record DriverOutput(String format, MatrixDocument.DutInterface adapter) implements ToolOutput {
    }

    /** Nothing readable: what was expected instead. */
    public record Unreadable(String format, String problem) implements ToolOutput {
    }

    /** Reads one file's bytes (UTF-8, UTF-16 with or without a byte-order mark). */
    public static List<ToolOutput> read(byte[] bytes) {
        if (bytes.length == 0) {
            return List.of(new Unreadable("empty", "the file is empty; expected " + EXPECTED));
        }
        String text = CommandRunner.decode(bytes, StandardCharsets.UTF_8);
        if (binary(text)) {
            return List.of(new Unreadable("binary", "the file is binary (an .etl or .pcap?); convert it first "
                    + "(pktmon etl2txt FILE.etl, netsh trace convert FILE.etl); expected " + EXPECTED));
        }
        return read(text);
    }

    /** Reads text whose format is to be detected. */
    public static List<ToolOutput> read(String text) {
        List<ToolOutput> out = new ArrayList<>();
        String t = text.strip();
        JsonNode parsed = t.startsWith("{") || t.startsWith("[") ? PowerShellViews.json(t) : null;
        if (parsed != null) {
            out.add(objects(parsed, "JSON"));
            return out;
        }
        boolean pktmon = PKTMON_LOG.matcher(text).find();
        if (pktmon) {
            out.add(new PktmonLogOutput("PktMon text log", PktmonLog.parse(text)));
        }
        if (EtwTcpipLog.recognizes(text)) {
            out.add(new EtwOutput("Microsoft-Windows-TCPIP ETW text", EtwTcpipLog.parse(text)));
        }
        if (pktmon || !out.isEmpty()) {
            return out;
        }
        if (PktmonCounters.recognizesText(text)) {
            out.add(new PktmonCountersOutput("pktmon counters (text)", PktmonCounters.parseText(text)));
            return out;
        }
        if (ETHTOOL_INFO.matcher(text).find()) {
            Map<String, String> info = LinuxHost.keyValues(text);
            out.add(new DriverOutput("ethtool -i", new MatrixDocument.DutInterface(null, null, null, null, info.get("driver"),
                    blankToNull(info.get("version")), null, null, blankToNull(info.get("firmware-version")), null, Map.of())));
        }
        if (text.contains("NIC statistics:") || ETHTOOL_COUNTER.matcher(text).results().count() >= 3 && !MAC_SECTION.matcher(text).find()) {
            Map<String, Long> counters = EthtoolStats.parse(text.contains("NIC statistics:")
                    ? text.substring(text.indexOf("NIC statistics:")) : text);
            Map<String, Long> csum = new TreeMap<>();
            counters.forEach((k, v) -> {
                if (EthtoolStats.isChecksumErrorCounter(k)) {
                    csum.put(k, v);
                }
            });
            out.add(new EthtoolStatsOutput("ethtool -S", counters, csum));
        }
        if (ETHTOOL_FEATURE.matcher(text).find()) {
            Map<String, Map<String, String>> adapters = new LinkedHashMap<>();
            java.util.regex.Matcher name = Pattern.compile("(?m)^Features for (\\S+?):").matcher(text);
            adapters.put(name.find() ? name.group(1) : "interface", LinuxHost.offloads(LinuxHost.featuresFromText(text)));
            out.add(new OffloadsOutput("ethtool -k", adapters));
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (MAC_SECTION.matcher(text).find() || MAC_COUNTER.matcher(text).find()) {
            Map<String, Long> m = new TreeMap<>(NetstatCounters.parseMacUdp(text));
            m.putAll(NetstatCounters.parseMacIp(text));
            if (!m.isEmpty()) {
                out.add(new NetstatOutput("macOS netstat -s", m));
                return out;
            }
        }
        if (PowerShellViews.isTable(text)) {
            List<JsonNode> tables = new ArrayList<>(PowerShellViews.tables(text));
            OffloadsOutput o = checksumOffload(tables, "Get-NetAdapterChecksumOffload (table)");
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
                        ((com.fasterxml.jackson.databind.node.ObjectNode) r).put("RegistryValue",
                                r.path("RegistryValue").asText().replaceAll("^\\{|}$", ""));
                        byAdapter.computeIfAbsent(name(r, "adapter"), k -> new ArrayList<>()).add(r);
                    }
                    Map<String, Map<String, String>> adapters = new LinkedHashMap<>();
                    byAdapter.forEach((name, list) -> adapters.put(name,
                            WindowsHost.offloads(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().addAll(list),
                                    MissingNode.getInstance())));
                    out.add(new OffloadsOutput("Get-NetAdapterAdvancedProperty (table)", adapters));
                } else if (!rows.isEmpty() && rows.get(0).has("InterfaceDescription")) {
                    rows.forEach(r -> out.add(new DriverOutput("Get-NetAdapter (table)", WindowsHost.dutInterface(r, null, Map.of()))));
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        JsonNode list = PowerShellViews.list(text);
        if (list.size() > 0 && (list.get(0).has("UdpIPv4Enabled") || list.get(0).has("RegistryKeyword"))) {
            out.add(objects(list, "list view")); // one adapter's checksum offload, or its advanced properties, as a list
            return out;
        }
        if (list.size() > 0 && isNetAdapter(list.get(0))) {
            for (JsonNode a : list) {
                out.add(new DriverOutput("Get-NetAdapter (list view)", WindowsHost.dutInterface(a, null, Map.of())));
            }
            return out;
        }
        if (WINDOWS_COUNTER.matcher(text).find()) {
            Map<String, Long> m = new TreeMap<>(NetstatCounters.parseWindowsUdp(text));
            m.putAll(NetstatCounters.parseWindowsIp(text));
            if (!m.isEmpty()) {
                out.add(new NetstatOutput("Windows netstat -s", m));
                return out;
            }
        }
        out.add(new Unreadable("unknown", "not a format quirklab reads; expected " + EXPECTED));
        return out;
    }

    /** Objects from ConvertTo-Json or a list view ({@code view}), by the properties they carry. */
    private static ToolOutput objects(JsonNode json, String view) {
        List<JsonNode> items = PowerShell.items(json);
        JsonNode first = items.isEmpty() ? MissingNode.getInstance() : items.get(0);
        if (hasField(json, "counters") || hasField(json, "components")) {
            try {
                return new PktmonCountersOutput("pktmon counters --json", PktmonCounters.parse(json.toString()));
            } catch (IOException e) {
                return new Unreadable("pktmon counters --json", e.getMessage());
            }
        }
        if (first.has("UdpIPv4Enabled") || first.has("TcpIPv4Enabled")) {
            OffloadsOutput o = checksumOffload(List.of(json), "Get-NetAdapterChecksumOffload (" + view + ")");
            if (o != null) {
                return o;
            }
        }
        if (first.has("RegistryKeyword")) {
            for (JsonNode p : items) {
                String v = PowerShell.text(p, "RegistryValue");
                if (p.isObject() && v != null) { // a list view shows "{3}" for RegistryValue's string array
                    ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("RegistryValue", v.replaceAll("^\\{|}$", ""));
                }
            }
            return new OffloadsOutput("Get-NetAdapterAdvancedProperty (" + view + ")",
                    Map.of(name(first, "adapter"), WindowsHost.offloads(json, MissingNode.getInstance())));
        }
        if (isNetAdapter(first)) {
            return new DriverOutput("Get-NetAdapter (" + view + ")", WindowsHost.dutInterface(first, null, Map.of()));
        }
        return new Unreadable("JSON", "JSON, but none of pktmon counters --json, Get-NetAdapter, Get-NetAdapterChecksumOffload "
                + "or Get-NetAdapterAdvancedProperty (no Counters, UdpIPv4Enabled, RegistryKeyword or DriverFileName field)");
    }

    /** Each adapter of Get-NetAdapterChecksumOffload's objects; a later table (after a change) wins per adapter. */
    private static OffloadsOutput checksumOffload(List<JsonNode> tables, String format) {
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
        return adapters.isEmpty() ? null : new OffloadsOutput(format, adapters);
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

    /** Control characters other than tabs and line ends in the first 4 KiB: not a text a tool printed. */
    private static boolean binary(String text) {
        int n = Math.min(text.length(), 4096);
        int control = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == 0 || c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == '\uFFFD') {
                control++;
            }
        }
        return n > 0 && control * 20 > n;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The OS evidence of one cell that these outputs make: PktMon drops (from the counters when no log has any), the
     * NIC's checksum verdicts, and counter changes where one format came twice (first before, last after).
     */
    public static OsReport report(List<ToolOutput> outputs) {
        List<OsReport.Drop> drops = new ArrayList<>();
        List<OsReport.NicChecksum> nics = new ArrayList<>();
        List<OsReport.Source> sources = new ArrayList<>();
        Map<String, List<Map<String, Long>>> snapshots = new LinkedHashMap<>();
        List<PktmonCounters> counters = new ArrayList<>();
        for (ToolOutput o : outputs) {
            if (o instanceof PktmonLogOutput p) {
                drops.addAll(p.log().drops());
                sources.add(new OsReport.Source(OsReport.PKTMON, true, p.log().drops().size() + " drop events"));
            } else if (o instanceof EtwOutput e) {
                nics.addAll(e.log().evidence());
                sources.add(new OsReport.Source(OsReport.ETW, true, e.log().nbls().size() + " received NBLs"));
            } else if (o instanceof PktmonCountersOutput c) {
                counters.add(c.counters());
            } else if (o instanceof NetstatOutput n) {
                snapshots.computeIfAbsent(n.format(), k -> new ArrayList<>()).add(n.counters());
            } else if (o instanceof EthtoolStatsOutput s) {
                snapshots.computeIfAbsent(s.format(), k -> new ArrayList<>()).add(s.counters());
            }
        }
        if (drops.isEmpty()) {
            for (PktmonCounters pc : counters) {
                pc.lastDropReason().forEach((component, reason) -> drops.add(new OsReport.Drop(OsReport.PKTMON,
                        PktmonLog.token(reason, null), reason, component, pc.dropsByComponent().getOrDefault(component, 1L), null, null)));
            }
        }
        Map<String, Long> counterDeltas = new TreeMap<>();
        Map<String, Long> nicDeltas = new TreeMap<>();
        snapshots.forEach((format, list) -> {
            if (list.size() >= 2) {
                Map<String, Long> delta = SnmpCounters.delta(list.get(list.size() - 1), list.get(0));
                if (format.startsWith("ethtool")) {
                    nicDeltas.putAll(delta);
                    sources.add(new OsReport.Source(OsReport.ETHTOOL, true, format + ": last file minus first"));
                } else {
                    counterDeltas.putAll(delta);
                    sources.add(new OsReport.Source(OsReport.NETSTAT, true, format + ": last file minus first"));
                }
            }
        });
        return OsReport.withDrops(counterDeltas, nicDeltas, sources, drops).withNicChecksums(nics);
    }

    /**
     * The verdict this evidence gives a cell whose client timed out after its requests were answered (one reply per
     * drop or NIC verdict): what a matrix run would have decided. There is no DUT capture in a file, so the verdict
     * says what it could not see.
     */
    public static VerdictRules.Decision verdict(OsReport os) {
        int replies = (int) Math.max(1, Math.max(os.drops().stream().mapToLong(OsReport.Drop::count).sum(), os.nicChecksums().size()));
        Evidence e = Evidence.of(Evidence.Client.failed(Failure.TIMEOUT, "timed out (assumed)", replies))
                .withJournal(replies, replies).withOs(os);
        return VerdictRules.decide(e);
    }
}
