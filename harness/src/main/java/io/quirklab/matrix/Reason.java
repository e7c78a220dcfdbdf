package io.quirklab.matrix;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a cell got its verdict, as one token ({@code UDP_CSUM}): the project's own reasons are the constants here; a
 * kernel drop reason the project has no name for (kfree_skb's {@code NETFILTER_DROP}), a PktMon reason and a client's
 * failure ({@code AUTH_FAILED}) pass through as tokens of their own. Written as the bare token in matrix.json.
 *
 * @param token upper-case letters, digits and '_'
 */
public record Reason(String token) {
    /** The stack dropped the datagram for its UDP checksum. */
    public static final Reason UDP_CSUM = new Reason("UDP_CSUM");
    /** The IP header checksum was wrong. */
    public static final Reason IP_CSUM = new Reason("IP_CSUM");
    /** The IP header was refused with a valid checksum (options, length). */
    public static final Reason IP_HDR = new Reason("IP_HDR");
    /** Reassembly: a fragment the stack kept waiting for its other part. */
    public static final Reason FRAGMENT = new Reason("FRAGMENT");
    /** No socket took the datagram (the port, or a connected socket and another source). */
    public static final Reason NO_PORT = new Reason("NO_PORT");
    /** The socket's receive buffer was full. */
    public static final Reason UDP_RCVBUF = new Reason("UDP_RCVBUF");
    /** Another UDP error (InErrors without a checksum error). */
    public static final Reason UDP_ERROR = new Reason("UDP_ERROR");
    /** An 802.1Q tag the DUT interface does not take. */
    public static final Reason VLAN = new Reason("VLAN");
    /** Dropped, and no source names why. */
    public static final Reason UNKNOWN = new Reason("UNKNOWN");
    /** Delivered, with the NIC's checksum-error counter rising. */
    public static final Reason NIC_CSUM = new Reason("NIC_CSUM");
    /** The NIC driver marked the replies' checksum bad (Windows TCPIP ETW) and the stack dropped them. */
    public static final Reason NIC_FLAGGED_BAD = new Reason("NIC_FLAGGED_BAD");
    /** The responder saw requests and sent nothing. */
    public static final Reason NO_REPLY_SENT = new Reason("NO_REPLY_SENT");
    /** Replies were sent and no DUT capture can say where they went. */
    public static final Reason NO_DUT_CAPTURE = new Reason("NO_DUT_CAPTURE");
    /** The client could not run or use its socket. */
    public static final Reason CLIENT_IO_ERROR = new Reason("CLIENT_IO_ERROR");
    /** The stack handed the replies to the client's socket and it still timed out. */
    public static final Reason IGNORED = new Reason("IGNORED");
    /** The harness could not probe the cell. */
    public static final Reason HARNESS = new Reason("HARNESS");
    /** The client the cell needs is not installed here. */
    public static final Reason MISSING_TOOL = new Reason("MISSING_TOOL");

    public Reason {
        if (token == null || !token.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("'" + token + "' is not a reason token (upper-case letters, digits and _)");
        }
    }

    /** The reason a token names; null for null (a cell without a reason). */
    @JsonCreator
    public static Reason of(String token) {
        return token == null ? null : new Reason(token);
    }

    @JsonValue
    @Override
    public String toString() {
        return token;
    }
}
