package io.quirklab.observe;

import io.quirklab.process.CommandRunner;
import java.time.Duration;
import java.util.Collections;
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
    private static final Pattern LINE = Pattern.compile("^\\s*([^:]+?)\\s*:\\s*(-?\\d+)\\s*$");
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
        Map<String, Long> out = new TreeMap<>();
        for (String line : text.split("\\R")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                try {
                    out.put(m.group(1), Long.parseLong(m.group(2)));
                } catch (NumberFormatException e) {
                    // beyond a signed 64-bit value: not a counter we can subtract
                }
            }
        }
        return out;
    }

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
