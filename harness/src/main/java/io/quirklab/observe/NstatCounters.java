package io.quirklab.observe;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nstat} output ({@code #kernel}, then "IpInReceives  885162  0.0" lines; {@code /proc/net/snmp6} has the
 * same "name value" lines without the rate), whole or filtered with grep: the counters under the names
 * {@link SnmpCounters} gives them ("UdpRcvbufErrors" is "Udp.RcvbufErrors"). Without {@code -a} nstat prints what
 * changed since it last ran, so the values are changes, not totals; that is the command's to say
 * ({@link #absolute(String)}).
 *
 * @param counters counter name ("Udp.InErrors") to value
 * @param coverage the lines read, and the counter lines that could not be read
 */
public record NstatCounters(Map<String, Long> counters, Coverage coverage) {
    /** The MIB prefixes nstat glues to counter names, longest first so that "IpExt" is not read as "Ip". */
    private static final List<String> PREFIXES = List.of("UdpLite6", "UdpLite", "MPTcpExt", "IcmpMsg", "TcpExt", "IpExt", "Icmp6", "Udp6",
            "Icmp", "Ip6", "Tcp", "Udp", "Ip");
    private static final Pattern LINE = Pattern.compile("^([A-Z][A-Za-z0-9]{2,63})\\s+(-?\\d{1,20})(?:\\s+(-?\\d+(?:\\.\\d+)?))?\\s*$");

    public NstatCounters {
        counters = java.util.Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    /** Reads the lines; lines that are not counters are skipped, a counter line cut short is counted as unread. */
    public static NstatCounters read(List<String> lines) {
        Map<String, Long> out = new TreeMap<>();
        Coverage.Builder coverage = new Coverage.Builder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.equals("#kernel")) {
                coverage.read(i);
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                String key = key(m.group(1));
                if (key != null) {
                    try {
                        out.put(key, Long.parseLong(m.group(2)));
                        coverage.read(i);
                    } catch (NumberFormatException e) {
                        coverage.read(i).unread(i, m.group(1) + ": a value beyond 64 bits");
                    }
                }
            } else if (Coverage.isCut(line) && key(line.split("\\s+")[0]) != null) {
                coverage.read(i).unread(i, "a counter line cut short by the console");
            }
        }
        return new NstatCounters(out, coverage.build());
    }

    /** Whether the lines are nstat's: its header, or at least two counter lines of a known MIB. */
    public static boolean recognizes(List<String> lines) {
        int counters = 0;
        for (String l : lines) {
            String s = l.strip();
            if (s.equals("#kernel")) {
                return true;
            }
            Matcher m = LINE.matcher(s);
            if (m.matches() && key(m.group(1)) != null && ++counters >= 2) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the nstat of a command line prints totals ({@code -a} alone or among other letters, {@code --absolute})
     * rather than the changes since it last ran; the last nstat of the line counts ("nstat -n && sleep 1 && nstat").
     */
    public static boolean absolute(String command) {
        if (command == null) {
            return true; // nothing says otherwise: a file of totals (snmp6, or nstat -a) is the safer reading
        }
        String last = command.substring(Math.max(0, command.lastIndexOf("nstat")));
        return last.matches(".*(^|\\s)(-[a-zA-Z]*a[a-zA-Z]*|--absolute)(\\s.*|$)");
    }

    /** "UdpRcvbufErrors" -> "Udp.RcvbufErrors"; null when no MIB prefix fits. */
    static String key(String name) {
        for (String p : PREFIXES) {
            if (name.startsWith(p) && name.length() > p.length() && Character.isUpperCase(name.charAt(p.length()))) {
                return p + "." + name.substring(p.length());
            }
        }
        return null;
    }
}
