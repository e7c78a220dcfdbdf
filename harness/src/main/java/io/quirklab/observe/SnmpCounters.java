package io.quirklab.observe;

import io.quirklab.input.InputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    /** IPv6's counters: one "Udp6InCsumErrors 0" per line, read as "Udp6.InCsumErrors". */
    public static final Path PROC_NET_SNMP6 = Path.of("/proc/net/snmp6");

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
    public static final String UDP6_IN_DATAGRAMS = "Udp6.InDatagrams";
    public static final String UDP6_NO_PORTS = "Udp6.NoPorts";
    public static final String UDP6_IN_ERRORS = "Udp6.InErrors";
    public static final String UDP6_RCVBUF_ERRORS = "Udp6.RcvbufErrors";
    public static final String UDP6_IN_CSUM_ERRORS = "Udp6.InCsumErrors";
    public static final String IP6_IN_HDR_ERRORS = "Ip6.InHdrErrors";
    private static final Pattern SNMP6 = Pattern.compile("^(Ip6|Icmp6|Udp6|UdpLite6)(\\w+)\\s+(\\d+)\\s*$");

    public SnmpCounters {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Reads /proc/net/snmp and, when present, /proc/net/netstat and /proc/net/snmp6. */
    public static SnmpCounters read() throws IOException {
        Map<String, Long> all = new HashMap<>(read(PROC_NET_SNMP, PROC_NET_NETSTAT).values());
        if (Files.isReadable(PROC_NET_SNMP6)) {
            all.putAll(parseSnmp6(InputFile.lenient(PROC_NET_SNMP6, InputFile.Kind.KERNEL)));
        }
        return new SnmpCounters(all);
    }

    /** Reads {@code snmp} (must exist) and {@code netstat} (skipped when absent). */
    static SnmpCounters read(Path snmp, Path netstat) throws IOException {
        Map<String, Long> all = new HashMap<>(parse(InputFile.lenient(snmp, InputFile.Kind.KERNEL)).values());
        if (Files.isReadable(netstat)) {
            all.putAll(parse(InputFile.lenient(netstat, InputFile.Kind.KERNEL)).values());
        }
        return new SnmpCounters(all);
    }

    /** The lines of /proc/net/snmp6 ("Udp6InCsumErrors   3") as "Udp6.InCsumErrors" -> 3; other lines are skipped. */
    static Map<String, Long> parseSnmp6(String text) {
        Map<String, Long> out = new HashMap<>();
        for (String line : text.split("\\R")) {
            Matcher m = SNMP6.matcher(line.strip());
            if (m.matches()) {
                try {
                    out.put(m.group(1) + "." + m.group(2), Long.parseLong(m.group(3)));
                } catch (NumberFormatException tooLong) {
                    // not a counter this reader can hold; the others stand
                }
            }
        }
        return out;
    }

    /** Parses the text of /proc/net/snmp or /proc/net/netstat; lines it cannot pair are skipped. */
    public static SnmpCounters parse(String text) {
        return read(List.of(text.split("\\R"))).counters();
    }

    /**
     * What {@link #read(List)} found: the counters, and the lines read and not read (a header without its values, a
     * values line without its header, more names than values).
     */
    public record Reading(SnmpCounters counters, Coverage coverage) {
    }

    /** A "Prefix: ..." line and the lines that continue it (a header or values line a terminal or a mail wrapped). */
    private record Row(String prefix, int line, List<String> pieces, boolean numeric) {
    }

    /**
     * Reads the lines of /proc/net/snmp or /proc/net/netstat as pasted: pairs of a header line of names and a values
     * line with the same prefix, values matched to names by position within the pair (the columns differ across
     * kernels: Udp has 7, 8 or 9). A line without a prefix after a row continues it; where a wrap cut a name or a
     * number in two, the joining that makes the names and values the same count is taken.
     */
    public static Reading read(List<String> lines) {
        Map<String, Long> out = new HashMap<>();
        Coverage.Builder coverage = new Coverage.Builder();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String rest = m.group(2).trim();
                rows.add(new Row(m.group(1), i, new ArrayList<>(List.of(rest)), numeric(rest.split("\\s+"))));
                coverage.read(i);
            } else if (!rows.isEmpty() && !line.isEmpty() && CONTINUATION.matcher(line).matches() && rows.get(rows.size() - 1).line()
                    + rows.get(rows.size() - 1).pieces().size() == i && rows.get(rows.size() - 1).pieces().size() < MAX_PIECES) {
                rows.get(rows.size() - 1).pieces().add(line);
                coverage.read(i);
            }
        }
        Map<String, Row> headers = new HashMap<>();
        for (Row r : rows) {
            if (!r.numeric()) {
                Row earlier = headers.put(r.prefix(), r);
                if (earlier != null) {
                    coverage.unread(earlier.line(), r.prefix() + ": a header line without its values line");
                }
                continue;
            }
            Row header = headers.remove(r.prefix());
            if (header == null) {
                coverage.unread(r.line(), r.prefix() + ": a values line without its header line (the names are not known)");
                continue;
            }
            String[][] pair = join(header.pieces(), r.pieces());
            String[] names = pair[0];
            String[] values = pair[1];
            if (names.length != values.length) {
                coverage.unread(r.line(), r.prefix() + ": " + names.length + " names but " + values.length + " values; read by position up to "
                        + Math.min(names.length, values.length));
            }
            for (int k = 0; k < Math.min(names.length, values.length); k++) {
                if (values[k].matches("-?\\d{1,20}")) {
                    out.put(r.prefix() + "." + names[k], value(values[k]));
                }
            }
        }
        headers.values().forEach(h -> coverage.unread(h.line(), h.prefix() + ": a header line without its values line"));
        return new Reading(new SnmpCounters(out), coverage.build());
    }

    /** Whether the lines look like /proc/net/snmp or /proc/net/netstat (a header and a values line with one prefix). */
    public static boolean recognizes(List<String> lines) {
        Set<String> headers = new HashSet<>();
        for (String l : lines) {
            Matcher m = ROW.matcher(l.strip());
            if (m.matches()) {
                boolean values = numeric(m.group(2).trim().split("\\s+"));
                if (!values && m.group(2).trim().matches("[A-Za-z][A-Za-z0-9]*(\\s+[A-Za-z][A-Za-z0-9]*)+.*")) {
                    headers.add(m.group(1));
                } else if (values && headers.contains(m.group(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final Pattern ROW = Pattern.compile("^([A-Z][A-Za-z0-9]{1,15}):\\s+(\\S.*)$");
    /** What a wrapped header or values line continues with: names or numbers, nothing else. */
    private static final Pattern CONTINUATION = Pattern.compile("^(?:[A-Za-z0-9]+(?:\\s+[A-Za-z0-9]+)*|-?\\d+(?:\\s+-?\\d+)*)$");
    private static final int MAX_PIECES = 5;

    /**
     * The names and values of a row pair, each row's pieces joined with a blank, or with none where a wrap cut a word:
     * the joining whose counts agree, with the fewest words glued.
     */
    private static String[][] join(List<String> header, List<String> values) {
        String[][] best = null;
        int bestGlued = Integer.MAX_VALUE;
        int hj = header.size() - 1;
        int vj = values.size() - 1;
        for (int hm = 0; hm < 1 << hj; hm++) {
            String[] names = glue(header, hm);
            for (int vm = 0; vm < 1 << vj; vm++) {
                String[] vals = glue(values, vm);
                int glued = Integer.bitCount(hm) + Integer.bitCount(vm);
                if (names.length == vals.length && glued < bestGlued) {
                    best = new String[][] {names, vals};
                    bestGlued = glued;
                }
            }
        }
        return best != null ? best : new String[][] {glue(header, 0), glue(values, 0)};
    }

    /** The pieces joined: with a blank, or without one where bit k of {@code glueMask} is set (between piece k and k+1). */
    private static String[] glue(List<String> pieces, int glueMask) {
        StringBuilder b = new StringBuilder(pieces.get(0));
        for (int k = 1; k < pieces.size(); k++) {
            b.append((glueMask >> (k - 1) & 1) == 1 ? "" : " ").append(pieces.get(k));
        }
        return b.toString().trim().split("\\s+");
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
