package io.quirklab.lab.vm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The receive checksum state of every IPv4 packet the guest's NIC hands to the stack, and the stack's drop reason
 * for it, from the guest kernel's own tracepoints in a private tracefs instance: {@code net:napi_gro_receive_entry}
 * and {@code net:netif_receive_skb_entry} carry {@code ip_summed} (what the driver told the stack), and
 * {@code skb:kfree_skb} the reason (UDP_CSUM, ...) for the same {@code skbaddr}. No BTF, bpftrace or headers are
 * needed, so every guest kernel from 4.x on gives it; busybox reads it. The instance is cleared on each read: read it
 * while nothing else arrives, between probes.
 */
public final class RxTrace {
    static final String INSTANCE = "/sys/kernel/tracing/instances/qvm";
    static final List<String> RECEIVE_EVENTS = List.of("net/napi_gro_receive_entry", "net/netif_receive_skb_entry");
    static final String DROP_EVENT = "skb/kfree_skb";
    static final String NOT_SPECIFIED = "NOT_SPECIFIED";
    private static final Pattern LINE = Pattern.compile("\\s(\\d+\\.\\d+):\\s+(napi_gro_receive_entry|netif_receive_skb_entry|kfree_skb):\\s+(.*)$");
    private static final Pattern FIELD = Pattern.compile("([a-z_]+)=(\\S+)");
    private static final Pattern REASON = Pattern.compile("\\breason:\\s*(\\S+)");

    private RxTrace() {
    }

    /** {@code skb->ip_summed} at receive (include/linux/skbuff.h). */
    public enum ChecksumState {
        /** The driver did not vouch for the checksum (not checked, or checked and found bad): the stack verifies it. */
        NONE,
        /** The NIC verified the checksum: the stack does not look at it again. */
        UNNECESSARY,
        /** The NIC handed over the packet's full one's-complement sum: the stack finishes the check cheaply. */
        COMPLETE,
        /** A locally built packet whose checksum is still to be filled in (not seen on receive). */
        PARTIAL,
        /** A value this harness does not know. */
        UNKNOWN;

        static ChecksumState of(int value) {
            return value >= 0 && value < UNKNOWN.ordinal() ? values()[value] : UNKNOWN;
        }

        /** The NIC said the checksum is good. */
        public boolean vouched() {
            return this == UNNECESSARY || this == COMPLETE;
        }
    }

    /**
     * One received IPv4 packet.
     *
     * @param time       seconds since the guest booted
     * @param device     the interface
     * @param skb        the kernel's (hashed) buffer address, which ties the drop to it
     * @param state      what the driver told the stack about its checksum
     * @param length     its length from the IP header on (padding included)
     * @param dropReason the stack's reason for dropping it, or null when it was not dropped (as far as the trace saw)
     */
    public record Packet(double time, String device, String skb, ChecksumState state, int length, String dropReason) {
        Packet droppedFor(String reason) {
            return new Packet(time, device, skb, state, length, reason);
        }
    }

    /** The guest script that starts tracing (idempotent); it fails with a sentence when tracefs lacks the events. */
    static String startScript() {
        StringBuilder sb = new StringBuilder("I=" + INSTANCE + "\n")
                .append("[ -d /sys/kernel/tracing/events ] || { echo 'tracefs is not mounted in the guest' >&2; exit 1; }\n")
                .append("[ -d $I ] || mkdir $I || exit 1\n");
        for (String e : RECEIVE_EVENTS) {
            sb.append("echo 'protocol == 0x800' > $I/events/").append(e).append("/filter && echo 1 > $I/events/").append(e)
                    .append("/enable || { echo 'no tracepoint ").append(e).append("' >&2; exit 1; }\n");
        }
        sb.append("echo 'protocol == 2048' > $I/events/").append(DROP_EVENT).append("/filter; echo 1 > $I/events/").append(DROP_EVENT)
                .append("/enable || { echo 'no tracepoint ").append(DROP_EVENT).append("' >&2; exit 1; }\n")
                .append("echo > $I/trace\n");
        return sb.toString();
    }

    /** The guest script that reads what was traced since the last read, and clears it. */
    static String drainScript() {
        return "I=" + INSTANCE + "; cat $I/trace && echo > $I/trace";
    }

    /** The guest script that stops tracing and removes the instance. */
    static String stopScript() {
        return "I=" + INSTANCE + "; [ -d $I ] && { echo 0 > $I/tracing_on; rmdir $I; }; true";
    }

    /** The packets in a drained trace, in order, each with the drop reason the stack gave it (NOT_SPECIFIED left out). */
    public static List<Packet> parse(String trace) {
        List<Packet> out = new ArrayList<>();
        Map<String, Integer> lastBySkb = new HashMap<>();
        for (String line : trace.split("\\R")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, String> f = fields(m.group(3));
            String skb = f.get("skbaddr");
            if (m.group(2).equals("kfree_skb")) {
                Matcher r = REASON.matcher(m.group(3));
                Integer i = skb == null ? null : lastBySkb.remove(skb);
                if (i != null && r.find() && !r.group(1).equals(NOT_SPECIFIED)) {
                    out.set(i, out.get(i).droppedFor(r.group(1)));
                }
                continue;
            }
            out.add(new Packet(Double.parseDouble(m.group(1)), f.get("dev"), skb, ChecksumState.of(number(f.get("ip_summed"))),
                    number(f.get("len")), null));
            if (skb != null) {
                lastBySkb.put(skb, out.size() - 1);
            }
        }
        return out;
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> out = new HashMap<>();
        Matcher m = FIELD.matcher(text);
        while (m.find()) {
            out.putIfAbsent(m.group(1), m.group(2));
        }
        return out;
    }

    private static int number(String s) {
        try {
            return s == null ? -1 : Integer.decode(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
