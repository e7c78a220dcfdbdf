package io.quirklab.client;

/** A call that failed; the {@link Failure} kind says how. */
public final class IpmiCallException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Failure failure;
    private final int completionCode;

    public IpmiCallException(Failure failure, String message) {
        this(failure, message, -1);
    }

    public IpmiCallException(Failure failure, String message, int completionCode) {
        super(message);
        this.failure = failure;
        this.completionCode = completionCode;
    }

    public Failure failure() {
        return failure;
    }

    /** The completion code for {@link Failure#COMPLETION_CODE}, else -1. */
    public int completionCode() {
        return completionCode;
    }
}
