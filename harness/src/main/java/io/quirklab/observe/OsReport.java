package io.quirklab.observe;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the DUT's operating system and NIC reported while one probe ran: observation point (3).
 *
 * @param counterDeltas    kernel counters that changed ("Udp.InCsumErrors" -> 4); unchanged ones are left out
 * @param nicCounterDeltas NIC counters ({@code ethtool -S}) that changed
 * @param dropReasons      kfree_skb drop reasons seen ("UDP_CSUM" -> 4), NOT_SPECIFIED left out
 * @param sources          each source and whether it was available, with a sentence when it was not
 */
public record OsReport(Map<String, Long> counterDeltas, Map<String, Long> nicCounterDeltas, Map<String, Long> dropReasons,
                       List<Source> sources) {
    public static final String SNMP = "snmp";
    public static final String ETHTOOL = "ethtool";
    public static final String KFREE_SKB = "kfree_skb";

    /**
     * One source of OS evidence.
     *
     * @param name      {@link #SNMP}, {@link #ETHTOOL} or {@link #KFREE_SKB}
     * @param available whether it could be read
     * @param note      what it offered ("rx checksum-error counters: none"), or why it was not available
     */
    public record Source(String name, boolean available, String note) {
    }

    public OsReport {
        counterDeltas = nonZero(counterDeltas);
        nicCounterDeltas = nonZero(nicCounterDeltas);
        dropReasons = nonZero(dropReasons);
        sources = List.copyOf(sources);
    }

    /** A report without any source: nothing was observed. */
    public static OsReport none() {
        return new OsReport(Map.of(), Map.of(), Map.of(), List.of());
    }

    private static Map<String, Long> nonZero(Map<String, Long> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> {
            if (v != null && v != 0) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** The change of one kernel counter, 0 when it did not change or was not read. */
    public long counter(String key) {
        return counterDeltas.getOrDefault(key, 0L);
    }

    /** How much the NIC's receive checksum-error counters rose together. */
    public long nicChecksumErrorDelta() {
        return nicCounterDeltas.entrySet().stream().filter(e -> EthtoolStats.isChecksumErrorCounter(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    public boolean available(String source) {
        return sources.stream().anyMatch(s -> s.name().equals(source) && s.available());
    }

    /** "snmp yes, ethtool yes, kfree_skb no (tracefs is not mounted ...)" for explanations. */
    public String describeSources() {
        if (sources.isEmpty()) {
            return "no OS source was read";
        }
        StringBuilder sb = new StringBuilder();
        for (Source s : sources) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.name()).append(s.available() ? " yes" : " no (" + s.note() + ")");
        }
        return sb.toString();
    }
}
