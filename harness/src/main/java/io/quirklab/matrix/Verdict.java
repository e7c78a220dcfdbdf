package io.quirklab.matrix;

/** What happened to one cell's replies, derived from evidence, never assumed (ARCHITECTURE.md, Verdicts). */
public enum Verdict {
    /** The client got valid replies. */
    DELIVERED,
    /** Delivered, but the NIC reported checksum errors on the way (Linux recovers in software). */
    DELIVERED_NIC_FLAGGED,
    /** The reply reached the DUT interface but never the application. */
    DROPPED_IN_STACK,
    /** The responder sent the reply but the DUT interface never saw it. */
    LOST_BEFORE_DUT,
    /** The request never reached the responder. */
    NO_REQUEST,
    /** The reply was delivered but the client refused it (protocol problem). */
    CLIENT_REJECTED,
    /** The harness could not run the cell. */
    HARNESS_ERROR,
    /** Repeated attempts disagreed: some delivered, some not (the cell's interval says how often). */
    INTERMITTENT;

    /** True for the verdicts where the application got its answer. */
    public boolean delivered() {
        return this == DELIVERED || this == DELIVERED_NIC_FLAGGED;
    }
}
