package io.quirklab.client;

/** Kinds of failure a call can end in; scenario verdicts are built from these. */
public enum Failure {
    /** No valid reply within timeout x (retries + 1). */
    TIMEOUT,
    /** The BMC refused our credentials or auth type. */
    AUTH_FAILED,
    /** The BMC answered with a non-zero completion code. */
    COMPLETION_CODE,
    /** Replies arrived but made no sense (wrong format, bad checksum, unexpected content). */
    PROTOCOL_ERROR,
    /** The local socket failed (unreachable, permission, bad address). */
    IO_ERROR
}
