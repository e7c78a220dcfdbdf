package io.quirklab.observe;

import io.quirklab.process.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One snapshot of a NIC's own counters ({@code ethtool -S IF}). The interesting ones are the NIC's checksum-error
 * counters (e1000e/igb/ixgbe {@code rx_csum_offload_errors}, bnxt {@code rx_l4_csum_errors}, ice {@code rx_csum_bad}):
 * they rise when the NIC judged a checksum bad, even when Linux then recovers in software. Virtual NICs have few
 * counters and no checksum-error counter; that is reported as "none", not as a failure.
 *
 * @param iface       the interface
 * @param counters    counter name to value (empty when unavailable)
 * @param unavailable why no counters could be read, or null
 */
public record EthtoolStats(String iface, Map<String, Long> counters, String unavailable) {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern LINE = Pattern.compile("^(\\s*)(\\S.*?)\\s*:\\s*(-?\\d{1,20})\\s*$");
    /** A checksum counter that counts failures; "rx_csum_none" or "rx_csum_complete" (mlx5) count good paths. */
    private static final Pattern CSUM_ERROR = Pattern.compile("(csum|checksum).*(err|bad|fail)|(err|bad|fail).*(csum|checksum)");

    public EthtoolStats {
        counters = Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    /** Runs {@code ethtool -S iface}; never throws: a missing tool or an interface without statistics is reported. */
    public static EthtoolStats read(CommandRunner runner, String iface) {
        if (CommandRunner.which("ethtool").isEmpty()) {
            return new EthtoolStats(iface, Map.of(), "ethtool is not installed: apt-get install ethtool");
        }
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("ethtool", "-S", iface));
        if (!r.ok()) {
            return new EthtoolStats(iface, Map.of(), r.commandLine() + ": " + r.firstLine());
        }
        return new EthtoolStats(iface, parse(r.stdout()), null);
    }

    /** Parses "name: value" lines; the "NIC statistics:" title and non-numeric lines are skipped. */
    public static Map<String, Long> parse(String text) {
        return read(List.of(text.split("\\R"))).counters();
    }

    /**
     * One {@code ethtool -S} as printed.
     *
     * @param counters every counter under the name it was printed with; a counter of one ring or queue keeps the ring
     *                 ("[3]: rx_l4_csum_errors", bnxt; "rxq0: rx_bytes", be2net) or the queue section it is under
     *                 ("Rx Queue#: 0: pkts rx err", vmxnet3), and a counter printed under another one keeps that
     *                 one's name ("Tx Queue#: 0: drv dropped tx total / giant hdr")
     * @param sums     for a counter printed once per ring or queue, the sum over them, under the name without the
     *                 ring ("rx_l4_csum_errors"); the driver's own totals stay in {@link #counters}
     * @param coverage the lines read, and the counter lines that could not be read
     */
    public record Snapshot(Map<String, Long> counters, Map<String, Long> sums, Coverage coverage) {
        public Snapshot {
            counters = Collections.unmodifiableMap(new TreeMap<>(counters));
            sums = Collections.unmodifiableMap(new TreeMap<>(sums));
        }

        /** The checksum-error counters, per ring where the driver counts per ring. */
        public Map<String, Long> checksumErrorCounters() {
            return counters.entrySet().stream().filter(e -> isChecksumErrorCounter(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        }
    }

    /** Reads the lines of one {@code ethtool -S}; never throws. */
    public static Snapshot read(List<String> lines) {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, Long> sums = new TreeMap<>();
        Map<String, Integer> queuesPerName = new TreeMap<>();
        Coverage.Builder coverage = new Coverage.Builder();
        String queue = null;
        int queueIndent = -1;
        List<Integer> indents = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.strip().equals("NIC statistics:")) {
                coverage.read(i);
                continue;
            }
            Matcher m = LINE.matcher(raw);
            if (!m.matches()) {
                if (Coverage.isCut(raw) && raw.contains(":")) {
                    coverage.read(i).unread(i, "a counter line cut short by the console");
                }
                continue;
            }
            coverage.read(i);
            int indent = m.group(1).replace("\t", "        ").length();
            String name = m.group(2).trim();
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                parents.remove(parents.size() - 1);
            }
            if (queue != null && indent <= queueIndent) {
                queue = null;
            }
            Matcher section = QUEUE_SECTION.matcher(name);
            if (section.matches()) {
                queue = name + ": " + m.group(3); // "Rx Queue#: 0": a heading, not a counter
                queueIndent = indent;
                indents.clear();
                parents.clear();
                continue;
            }
            String base = parents.isEmpty() ? name : String.join(" / ", parents) + " / " + name;
            String key = queue == null ? base : queue + ": " + base;
            Matcher ring = RING.matcher(name);
            if (queue == null && ring.matches()) {
                base = ring.group(2);
            }
            long value;
            try {
                value = Long.parseLong(m.group(3));
            } catch (NumberFormatException e) {
                coverage.unread(i, name + ": a value beyond 64 bits");
                continue;
            }
            out.put(key, value);
            Matcher numbered = NUMBERED_QUEUE.matcher(name);
            if (queue == null && !ring.matches() && numbered.matches()) {
                base = numbered.group(1) + "*" + numbered.group(3); // "rx_queue_0_csum_err" is one of "rx_queue_*_csum_err"
            }
            if (queue != null || ring.matches() || numbered.matches()) {
                sums.merge(base, value, Long::sum);
                queuesPerName.merge(base, 1, Integer::sum);
            }
            if (name.contains(" ")) {
                // only vmxnet3's spoken names nest ("drv dropped tx total" over "giant hdr"); snake_case never does, so
                // a paste that lost the first line's indentation does not make it everyone's parent
                indents.add(indent);
                parents.add(name);
            }
        }
        queuesPerName.forEach((name, n) -> {
            if (n < 2) {
                sums.remove(name); // a name printed for one ring only has no sum to speak of
            }
        });
        return new Snapshot(out, sums, coverage.build());
    }

    /** vmxnet3's heading of a queue's counters: "Tx Queue#: 0", "Rx Queue#: 1". */
    private static final Pattern QUEUE_SECTION = Pattern.compile("(?i)^(?:rx|tx)\\s*queue\\s*#?$");
    /** A counter whose name carries its queue: "rx_queue_0_csum_err" (igb), "rx0_packets" (mlx5), "tx-1.packets" (fbnic). */
    private static final Pattern NUMBERED_QUEUE = Pattern.compile("^((?:rx|tx)[_-]?(?:queue[_-]?)?)(\\d{1,4})([_.-].+)$");
    /** A counter of one ring: "[3]: rx_l4_csum_errors" (bnxt, bnx2x), "rxq0: rx_bytes" (be2net). */
    private static final Pattern RING = Pattern.compile("^(\\[\\d+]|[rt]xq\\d+):\\s*(.+)$");

    /** True for a counter of receive checksum errors the NIC itself detected (transmit counters are not). */
    public static boolean isChecksumErrorCounter(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        return !n.startsWith("tx") && CSUM_ERROR.matcher(n).find();
    }

    public boolean available() {
        return unavailable == null;
    }

    /** The checksum-error counters this NIC has (often none). */
    public Map<String, Long> checksumErrorCounters() {
        return counters.entrySet().stream().filter(e -> isChecksumErrorCounter(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** "rx_csum_offload_errors=3", or "none" when the NIC has no checksum-error counter. */
    public String describeChecksumCounters() {
        Map<String, Long> c = checksumErrorCounters();
        return c.isEmpty() ? "none" : c.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Every counter of this snapshot minus its value in {@code before} (absent there counts as 0). */
    public Map<String, Long> deltaSince(EthtoolStats before) {
        return SnmpCounters.delta(counters, before.counters());
    }
}
