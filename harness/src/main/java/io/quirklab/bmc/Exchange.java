package io.quirklab.bmc;

/**
 * What the BMC did with one datagram.
 *
 * @param reply   the reply datagram (RMCP and up), or null when dropped
 * @param summary one human-readable line for logs and journals
 * @param drop    why it was dropped, or null when answered
 */
public record Exchange(byte[] reply, String summary, Drop drop) {
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

    public static Exchange answered(byte[] reply, String summary) {
        return new Exchange(reply, summary, null);
    }

    public static Exchange dropped(Drop drop, String detail) {
        return new Exchange(null, "dropped " + drop + ": " + detail, drop);
    }

    public boolean answered() {
        return reply != null;
    }
}
