package io.quirklab.client;

import io.quirklab.process.Cancellation;
import java.time.Duration;
import java.util.Optional;

/** The project's own client as a matrix client: IPMI 1.5, or RMCP+ with the strongest common cipher suite. */
final class JavaIpmiClient implements IpmiClient {
    /** One second per attempt, one retry: a dropped cell costs about two seconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final ClientKind kind;
    private final Duration timeout;

    JavaIpmiClient(ClientKind kind, Duration timeout) {
        this.kind = kind;
        this.timeout = timeout;
    }

    @Override
    public ClientKind kind() {
        return kind;
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public ClientOutcome deviceId(String host, int port, String user, String password) {
        return deviceId(host, port, user, password, Cancellation.never());
    }

    @Override
    public ClientOutcome deviceId(String host, int port, String user, String password, Cancellation end) {
        ClientOptions o = ClientOptions.of(host, port, user, password).withTimeout(timeout, 1);
        if (kind.lanplus()) {
            o = o.withLanplus(Lanplus.bestSuite());
        }
        CallOutcome<?> r = IpmiCall.run(o, true, ClientCommands::mcInfo, end);
        return new ClientOutcome(r.failure(), r.message(), null, r.attempts(), r.answered(), true,
                r.ok() ? String.valueOf(r.value()) : r.message(), r.elapsedMicros());
    }
}
