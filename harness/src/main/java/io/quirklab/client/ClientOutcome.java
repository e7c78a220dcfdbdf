package io.quirklab.client;

/**
 * What one client call came to, whichever client made it.
 *
 * @param failure  null on success, else the kind of failure
 * @param message  one line: what happened (the tool's error text)
 * @param exitCode the tool's exit code, or null for the Java client
 * @param attempts request datagrams sent, when the client knows (the Java client); 0 for tools
 * @param answered requests that got a matching reply, when the client knows
 * @param counted  true when attempts and answered come from the client itself; a tool does not say, so the probe
 *                 counts them from the responder journal and the DUT capture
 * @param output   what the client printed (tools) or its result (Java)
 * @param micros   wall time of the call
 */
public record ClientOutcome(Failure failure, String message, Integer exitCode, int attempts, long answered, boolean counted,
                            String output, long micros) {
    public boolean ok() {
        return failure == null;
    }

    /** The client could not run at all (missing tool, socket error). */
    public static ClientOutcome unavailable(String why) {
        return new ClientOutcome(Failure.IO_ERROR, why, null, 0, 0, true, why, 0);
    }
}
