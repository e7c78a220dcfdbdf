package io.quirklab.matrix;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which evidence named a cell's reason ({@code reason_source} in matrix.json): the constants are the sources the
 * project reads; a document of a newer version may name another, which is kept as its token.
 *
 * @param token lower-case letters, digits, '_' and '-'
 */
public record ReasonSource(String token) {
    /** The kernel's drop reason per packet (bpftrace on skb:kfree_skb, or perf, pwru, dropwatch output). */
    public static final ReasonSource KFREE_SKB = new ReasonSource("kfree_skb");
    /** /proc/net/snmp deltas (host-wide). */
    public static final ReasonSource SNMP = new ReasonSource("snmp");
    /** The NIC's own counters (ethtool -S). */
    public static final ReasonSource ETHTOOL = new ReasonSource("ethtool");
    /** PktMon drop events (Windows). */
    public static final ReasonSource PKTMON = new ReasonSource("pktmon");
    /** The Microsoft-Windows-TCPIP ETW provider (Windows). */
    public static final ReasonSource ETW = new ReasonSource("etw");
    /** netstat -s deltas (Windows, macOS, BSD). */
    public static final ReasonSource NETSTAT = new ReasonSource("netstat");
    /** The DUT capture (what the wire carried). */
    public static final ReasonSource CAPTURE = new ReasonSource("capture");
    /** The client's own outcome. */
    public static final ReasonSource CLIENT = new ReasonSource("client");
    /** The responder's journal. */
    public static final ReasonSource JOURNAL = new ReasonSource("journal");
    /** The harness itself (a cell it could not probe). */
    public static final ReasonSource HARNESS = new ReasonSource("harness");

    public ReasonSource {
        if (token == null || !token.matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException("'" + token + "' is not a reason source (lower-case letters, digits, _ and -)");
        }
    }

    /** The source a token names; null for null. */
    @JsonCreator
    public static ReasonSource of(String token) {
        return token == null ? null : new ReasonSource(token);
    }

    @JsonValue
    @Override
    public String toString() {
        return token;
    }
}
