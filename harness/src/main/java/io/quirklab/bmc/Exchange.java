package io.quirklab.bmc;

import java.util.function.Supplier;

/**
 * What the BMC did with one datagram: the reply datagram (RMCP and up) or why it was dropped, and one human-readable
 * line for logs and journals. The line is built when first asked for: most exchanges are never logged, and building
 * it was a good part of a sessionless round trip's work.
 */
public final class Exchange {
    /** Why a datagram got no answer. Each is deliberate: silence is what real BMCs do for these. */
    public enum Drop {
        NOT_RMCP, MALFORMED, OVERSIZED, UNSUPPORTED_CLASS, RMCP_PLUS_UNSUPPORTED, NEEDS_SESSION, UNKNOWN_SESSION,
        AUTH_TYPE_MISMATCH, BAD_AUTH_CODE, OUT_OF_WINDOW, BAD_CHALLENGE, NOT_A_REQUEST,
        /** RMCP+: a payload type the BMC does not take (SOL, OEM, a response type, an unknown one). */
        UNSUPPORTED_PAYLOAD,
        /** RMCP+: a payload without the integrity or encryption its session negotiated, or with one it did not. */
        UNPROTECTED_PAYLOAD,
        /** RMCP+: the console reported an error in RAKP 3; the set-up is abandoned. */
        HANDSHAKE_ABORTED,
        /** Too many activation attempts from this source that did not end in an authenticated session. */
        RATE_LIMITED
    }

    private final byte[] reply;
    private final Drop drop;
    private Supplier<String> pending;
    private String summary;

    private Exchange(byte[] reply, Drop drop, Supplier<String> summary) {
        this.reply = reply;
        this.drop = drop;
        this.pending = summary;
    }

    public static Exchange answered(byte[] reply, String summary) {
        return new Exchange(reply, null, () -> summary);
    }

    /** An answer whose summary line is built only if someone reads it. */
    public static Exchange answered(byte[] reply, Supplier<String> summary) {
        return new Exchange(reply, null, summary);
    }

    public static Exchange dropped(Drop drop, String detail) {
        return new Exchange(null, drop, () -> "dropped " + drop + ": " + detail);
    }

    /** A drop whose detail is built only if someone reads it. */
    public static Exchange dropped(Drop drop, Supplier<String> detail) {
        return new Exchange(null, drop, () -> "dropped " + drop + ": " + detail.get());
    }

    /** The reply datagram, or null when dropped. */
    public byte[] reply() {
        return reply;
    }

    /** Why it was dropped, or null when answered. */
    public Drop drop() {
        return drop;
    }

    /** One human-readable line for logs and journals. */
    public synchronized String summary() {
        if (summary == null) {
            summary = pending.get();
            pending = null;
        }
        return summary;
    }

    public boolean answered() {
        return reply != null;
    }

    @Override
    public String toString() {
        return summary();
    }
}
