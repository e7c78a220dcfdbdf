package io.quirklab.client;

import io.quirklab.process.Cancellation;
import java.util.Optional;

/**
 * Every IPMI client a cell can use (the Java client over IPMI 1.5 or RMCP+, each real tool), behind one call that
 * always returns one {@link ClientOutcome}. Implementations are safe to call from several threads at once.
 */
public interface IpmiClient {
    ClientKind kind();

    /** Why this client cannot run here (one sentence, e.g. the install command), or empty when it can. */
    Optional<String> unavailable();

    /** Opens a session on the BMC at {@code host:port}, asks for its device ID and closes the session; never throws. */
    ClientOutcome deviceId(String host, int port, String user, String password);

    /**
     * As above, ended early when {@code end} is given: the outcome is then the timeout the client was bound to reach,
     * its message the cancellation's reason ("ended by the harness after the evidence decided: ..."). A client that
     * cannot be ended early runs to its own end.
     */
    default ClientOutcome deviceId(String host, int port, String user, String password, Cancellation end) {
        return deviceId(host, port, user, password);
    }
}
