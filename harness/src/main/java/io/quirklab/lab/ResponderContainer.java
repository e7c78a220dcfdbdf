package io.quirklab.lab;

import com.github.dockerjava.api.model.Capability;
import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The responder image ({@code docker/build-image.sh}) running one quirklab command in a container on a local or
 * remote Docker engine (Testcontainers: the local socket, or {@code DOCKER_HOST}): host networking, NET_RAW and
 * NET_ADMIN (raw frames on a real interface), started behind a wait strategy, never a sleep. {@link #close} removes
 * the container, and so does a start that fails. Ryuk, Testcontainers' own reaper, cannot be pulled without a
 * registry, so it must be off ({@code TESTCONTAINERS_RYUK_DISABLED=true}) and this class cleans up itself.
 *
 * <pre>
 * try (ResponderContainer r = ResponderContainer.start("quirklab-responder:HASH",
 *         Wait.forHttp("/health").forPort(8623), "agent", "--iface", "enp4s0", "--control", "198.18.7.2:8623")) { ... }
 * </pre>
 */
public final class ResponderContainer implements AutoCloseable {
    /** How long a start may take before it fails with the container's log. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final GenericContainer<?> container;

    private ResponderContainer(GenericContainer<?> container) {
        this.container = container;
    }

    /**
     * Starts {@code image} with {@code command} as the quirklab arguments and waits for {@code ready}.
     *
     * @throws IllegalStateException when Ryuk is not disabled, or the container does not get ready (its log tail
     *                               in the message); the container is removed either way
     */
    public static ResponderContainer start(String image, WaitStrategy ready, String... command) {
        return start(image, ready, STARTUP_TIMEOUT, command);
    }

    /** {@link #start(String, WaitStrategy, String...)} with another startup timeout. */
    public static ResponderContainer start(String image, WaitStrategy ready, Duration timeout, String... command) {
        return start(image, ready, timeout, null, java.util.Map.of(), command);
    }

    /**
     * As above, with a container name of our own (journaled before the start, so a killed run's container can be
     * removed by name) and environment variables (the agent's token: never on a command line).
     */
    public static ResponderContainer start(String image, WaitStrategy ready, Duration timeout, String name,
                                           java.util.Map<String, String> env, String... command) {
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            throw new IllegalStateException("set TESTCONTAINERS_RYUK_DISABLED=true: Ryuk cannot be pulled without a registry, "
                    + "and quirklab removes its containers itself");
        }
        @SuppressWarnings("resource") // closed by close(), or below when the start fails
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.getHostConfig().withCapAdd(Capability.NET_RAW, Capability.NET_ADMIN);
                    if (name != null) {
                        cmd.withName(name);
                    }
                })
                .withEnv(env)
                .withCommand(command)
                .waitingFor(ready.withStartupTimeout(timeout));
        try {
            c.start();
        } catch (RuntimeException e) {
            String log = logTail(c);
            c.stop();
            throw new IllegalStateException(image + " " + String.join(" ", command) + " did not get ready: "
                    + rootMessage(e) + (log.isEmpty() ? "" : "; its log ends: " + log), e);
        }
        return new ResponderContainer(c);
    }

    /** The container's id (for `docker logs`, and for tests that check it is gone). */
    public String containerId() {
        return container.getContainerId();
    }

    /** Everything the container wrote to stdout and stderr so far. */
    public String logs() {
        return container.getLogs();
    }

    public List<String> command() {
        return List.of(container.getCommandParts());
    }

    /** Stops and removes the container. */
    @Override
    public void close() {
        container.stop();
    }

    private static String logTail(GenericContainer<?> c) {
        try {
            String log = c.getContainerId() == null ? "" : c.getLogs().strip();
            return log.length() > 600 ? "..." + log.substring(log.length() - 600) : log;
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
