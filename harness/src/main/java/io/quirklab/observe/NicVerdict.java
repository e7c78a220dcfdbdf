package io.quirklab.observe;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The NIC's own verdict on the checksums of one cell's received packets, to set beside the wire's truth: the driver's
 * checksum counters over the cell (a number, or why the NIC cannot tell) and, per packet, what the driver told the
 * stack about its checksum (Linux: {@code skb->ip_summed} at receive) with the stack's drop reason for it. A Linux
 * driver that finds a checksum bad says "not verified" ({@code NONE}) and counts the error, so the error counter is
 * what tells "flagged bad" from "not checked"; {@code UNNECESSARY} means the NIC vouched and the stack does not look.
 *
 * @param nic     the NIC and its driver ("e1000e on guest kernel 6.1.0-57-amd64")
 * @param errors  the driver's receive checksum-error counter
 * @param good    its counter of checksums it verified good, where it has one
 * @param packets each received IPv4 packet, in order
 * @param source  where all this was read, in words
 */
public record NicVerdict(String nic, CounterReading errors, CounterReading good, List<Packet> packets, String source) {
    public NicVerdict {
        packets = List.copyOf(packets);
    }

    /**
     * One received packet.
     *
     * @param ipSummed   what the driver told the stack ("NONE", "UNNECESSARY", "COMPLETE", ...)
     * @param length     its length from the IP header on
     * @param dropReason the stack's drop reason for it, or null when it was not dropped
     */
    public record Packet(String ipSummed, int length, String dropReason) {
    }

    /** Packets by the driver's word on their checksum: "UNNECESSARY" -> 2. */
    public Map<String, Long> byState() {
        Map<String, Long> out = new TreeMap<>();
        packets.forEach(p -> out.merge(p.ipSummed(), 1L, Long::sum));
        return out;
    }

    /** "rx_csum_offload_errors +1; ip_summed NONE x1 (UDP_CSUM)": one line for explanations and reports. */
    public String describe() {
        StringBuilder sb = new StringBuilder(errors.describe());
        if (good instanceof CounterReading.Told) {
            sb.append(", ").append(good.describe());
        }
        Map<String, Long> states = byState();
        if (!states.isEmpty()) {
            sb.append("; ip_summed ");
            states.forEach((s, n) -> sb.append(s).append(" x").append(n).append(' '));
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }
}
