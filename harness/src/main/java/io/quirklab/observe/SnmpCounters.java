package io.quirklab.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One snapshot of the kernel's protocol counters, keyed "Udp.InCsumErrors", "Ip.InHdrErrors", "IpExt.InCsumErrors".
 * Read from {@code /proc/net/snmp} and {@code /proc/net/netstat} of the caller's network namespace. Both files are
 * pairs of lines, a header line of names and a line of values with the same prefix; columns were added over the
 * years, so values are matched to names, never to positions.
 *
 * @param values counter name to value
 */
public record SnmpCounters(Map<String, Long> values) {
    public static final Path PROC_NET_SNMP = Path.of("/proc/net/snmp");
    public static final Path PROC_NET_NETSTAT = Path.of("/proc/net/netstat");

    public static final String UDP_IN_DATAGRAMS = "Udp.InDatagrams";
    public static final String UDP_NO_PORTS = "Udp.NoPorts";
    public static final String UDP_IN_ERRORS = "Udp.InErrors";
    public static final String UDP_RCVBUF_ERRORS = "Udp.RcvbufErrors";
    public static final String UDP_IN_CSUM_ERRORS = "Udp.InCsumErrors";
    public static final String IP_IN_HDR_ERRORS = "Ip.InHdrErrors";
    public static final String IP_IN_ADDR_ERRORS = "Ip.InAddrErrors";
    public static final String IP_IN_DISCARDS = "Ip.InDiscards";
    public static final String IP_REASM_FAILS = "Ip.ReasmFails";
    public static final String IP_REASM_TIMEOUT = "Ip.ReasmTimeout";
    public static final String IPEXT_IN_CSUM_ERRORS = "IpExt.InCsumErrors";

    public SnmpCounters {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Reads /proc/net/snmp and, when present, /proc/net/netstat. */
    public static SnmpCounters read() throws IOException {
        return read(PROC_NET_SNMP, PROC_NET_NETSTAT);
    }

    /** Reads {@code snmp} (must exist) and {@code netstat} (skipped when absent). */
    static SnmpCounters read(Path snmp, Path netstat) throws IOException {
        Map<String, Long> all = new HashMap<>(parse(Files.readString(snmp)).values());
        if (Files.isReadable(netstat)) {
            all.putAll(parse(Files.readString(netstat)).values());
        }
        return new SnmpCounters(all);
    }

    /** Parses the text of /proc/net/snmp or /proc/net/netstat; lines it cannot pair are skipped. */
    public static SnmpCounters parse(String text) {
        Map<String, Long> out = new HashMap<>();
        Map<String, String[]> headers = new HashMap<>();
        for (String line : text.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String prefix = line.substring(0, colon).trim();
            String[] fields = line.substring(colon + 1).trim().split("\\s+");
            String[] names = headers.remove(prefix);
            if (names == null || !numeric(fields)) {
                headers.put(prefix, fields);
                continue;
            }
            for (int i = 0; i < Math.min(names.length, fields.length); i++) {
                out.put(prefix + "." + names[i], value(fields[i]));
            }
        }
        return new SnmpCounters(out);
    }

    private static boolean numeric(String[] fields) {
        for (String f : fields) {
            if (!f.matches("-?\\d+")) {
                return false;
            }
        }
        return fields.length > 0;
    }

    private static long value(String f) {
        try {
            return f.startsWith("-") ? Long.parseLong(f) : Long.parseUnsignedLong(f);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The value, 0 when this kernel does not have the counter. */
    public long get(String key) {
        return values.getOrDefault(key, 0L);
    }

    /** Every counter of this snapshot minus its value in {@code before} (absent there counts as 0), sorted by name. */
    public Map<String, Long> deltaSince(SnmpCounters before) {
        return delta(values, before.values());
    }

    /** {@code after} minus {@code before} for every key of {@code after}, sorted by name. */
    public static Map<String, Long> delta(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }
}
