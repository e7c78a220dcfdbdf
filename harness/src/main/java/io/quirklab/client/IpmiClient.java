package io.quirklab.client;

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
}
