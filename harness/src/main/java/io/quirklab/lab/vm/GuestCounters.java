package io.quirklab.lab.vm;

import io.quirklab.observe.CounterReading;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.SnmpCounters;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One snapshot of the guest's counters, taken in one round trip: the stack's ({@code /proc/net/snmp},
 * {@code /proc/net/netstat}), the NIC driver's ({@code ethtool -S}) and the frames the NIC received (sysfs).
 *
 * @param snmp           the stack's counters
 * @param nic            the driver's counters (empty when unavailable)
 * @param nicUnavailable why there are no driver counters, or null
 * @param rxFrames       frames the NIC received ({@code statistics/rx_packets})
 */
public record GuestCounters(SnmpCounters snmp, Map<String, Long> nic, String nicUnavailable, long rxFrames) {
    public GuestCounters {
        nic = Collections.unmodifiableMap(new TreeMap<>(nic));
    }

    /** The guest script whose output {@link #parse} reads. */
    static String script() {
        return String.join("\n",
                "IF=$(cat " + GuestInit.IFACE_FILE + ")",
                Sections.start("snmp"), "cat /proc/net/snmp /proc/net/netstat",
                Sections.start("ethtool-S"), "ethtool -S $IF 2>&1 || echo \"ethtool -S failed\"",
                Sections.start("rx"), "cat /sys/class/net/$IF/statistics/rx_packets");
    }

    static GuestCounters parse(String output) {
        Map<String, String> s = Sections.parse(output);
        String stats = s.getOrDefault("ethtool-S", "");
        Map<String, Long> nic = EthtoolStats.parse(stats);
        String unavailable = nic.isEmpty() ? "ethtool -S: " + firstLine(stats) : null;
        long rx;
        try {
            rx = Long.parseLong(s.getOrDefault("rx", "").strip());
        } catch (NumberFormatException e) {
            rx = -1;
        }
        return new GuestCounters(SnmpCounters.parse(s.getOrDefault("snmp", "")), nic, unavailable, rx);
    }

    private static String firstLine(String text) {
        return text.lines().filter(l -> !l.isBlank()).findFirst().map(String::strip).orElse("no output");
    }

    /**
     * What happened between {@code before} and this snapshot.
     *
     * @param nicModel the guest's NIC
     * @param rxOn     whether rx checksumming was on the whole time
     */
    public Delta since(GuestCounters before, NicModel nicModel, boolean rxOn) {
        Map<String, Long> snmpDelta = snmp.deltaSince(before.snmp());
        return new Delta(snmpDelta, snmpDelta.getOrDefault(SnmpCounters.UDP_IN_DATAGRAMS, 0L),
                snmpDelta.getOrDefault(SnmpCounters.UDP_IN_CSUM_ERRORS, 0L), rxFrames - before.rxFrames(),
                nicReading(before, nicModel, rxOn, errorCounter(nicModel)),
                nicReading(before, nicModel, rxOn, goodCounter(nicModel)));
    }

    private Optional<String> errorCounter(NicModel m) {
        if (m.checksumCounter() != null && nic.containsKey(m.checksumCounter())) {
            return Optional.of(m.checksumCounter());
        }
        return nic.keySet().stream().filter(EthtoolStats::isChecksumErrorCounter).findFirst();
    }

    /** e1000/e1000e count verified-good frames next to the errors ("rx_csum_offload_good"). */
    private Optional<String> goodCounter(NicModel m) {
        return errorCounter(m).map(e -> e.replace("errors", "good")).filter(nic::containsKey);
    }

    private CounterReading nicReading(GuestCounters before, NicModel m, boolean rxOn, Optional<String> counter) {
        if (nicUnavailable != null) {
            return new CounterReading.NotTold(nicUnavailable);
        }
        if (counter.isEmpty()) {
            return new CounterReading.NotTold(m.driver() + " has no such checksum counter");
        }
        if (!rxOn) {
            return new CounterReading.NotTold("rx checksumming is off: the NIC does not check");
        }
        if (!m.emulationChecks()) {
            return new CounterReading.NotTold("QEMU's " + m.device() + " never checks received checksums, so " + counter.get() + " cannot move");
        }
        return new CounterReading.Told(counter.get(), nic.get(counter.get()) - before.nic().getOrDefault(counter.get(), 0L));
    }

    /**
     * The counters of one span.
     *
     * @param snmp               every stack counter's change
     * @param udpInDatagrams     datagrams delivered to sockets
     * @param udpInCsumErrors    datagrams the stack dropped for a bad checksum
     * @param rxFrames           frames the NIC received
     * @param nicChecksumErrors  the NIC's own count of bad checksums, or why it cannot tell
     * @param nicChecksumGood    the NIC's count of checksums it verified good, or why it cannot tell
     */
    public record Delta(Map<String, Long> snmp, long udpInDatagrams, long udpInCsumErrors, long rxFrames,
                        CounterReading nicChecksumErrors, CounterReading nicChecksumGood) {
        public Delta {
            snmp = Map.copyOf(snmp);
        }
    }
}
