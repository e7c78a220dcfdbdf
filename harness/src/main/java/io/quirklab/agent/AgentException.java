package io.quirklab.agent;

/** A request the agent refuses, with the HTTP status that says why (400, 404, 409, 413). Nothing was changed. */
public final class AgentException extends RuntimeException {
    private final int status;

    public AgentException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
