package io.quirklab.agent;

import io.quirklab.input.InputFile;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.Responder;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * One running agent: the responder on its segment (frames from {@code responderTap}, replies through
 * {@code injector}), the ARP guard on its own tap, the leases, and the HTTP control API. {@link #run} serves until
 * {@code POST /shutdown}, the maximum lifetime, or {@link #close}.
 */
public final class AgentHost implements AutoCloseable {
    /** Frames and bytes the journal keeps at most: a ring, so memory stays bounded however long the agent runs. */
    public static final int JOURNAL_ENTRIES = 200_000;
    public static final long JOURNAL_BYTES = 64L << 20;

    /**
     * @param control     the management address to listen on (one address, never the wildcard)
     * @param token       the bearer token
     * @param personas    the agent's default catalogue file, or null for the built-in one
     * @param timing      ARP probe timing
     * @param tls         HTTPS context, or null
     * @param maxLifetime stop by itself after this long
     * @param journal     the journal ring's bounds
     */
    public record Config(InetSocketAddress control, String token, Path personas, ArpGuard.Timing timing, SSLContext tls,
                         Duration maxLifetime, int journalEntries, long journalBytes, AgentServer.Deadlines deadlines) {
        /** With the agent's deadlines. */
        public Config(InetSocketAddress control, String token, Path personas, ArpGuard.Timing timing, SSLContext tls,
                      Duration maxLifetime, int journalEntries, long journalBytes) {
            this(control, token, personas, timing, tls, maxLifetime, journalEntries, journalBytes, AgentServer.Deadlines.AGENT);
        }
    }

    private final Responder responder;
    private final Agent agent;
    private final AgentServer server;
    private final Duration maxLifetime;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private AgentHost(Responder responder, Agent agent, AgentServer server, Duration maxLifetime) {
        this.responder = responder;
        this.agent = agent;
        this.server = server;
        this.maxLifetime = maxLifetime;
    }

    public static AgentHost start(Config c, FrameTap responderTap, FrameTap arpTap, FrameInjector injector, Consumer<String> log)
            throws IOException {
        if (c.control().getAddress() == null || c.control().getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("--control " + c.control() + ": give the one management address to listen on, "
                    + "not the wildcard");
        }
        String source;
        String text;
        if (c.personas() != null) {
            source = c.personas().getFileName().toString();
            text = personas(c.personas());
        } else {
            source = PersonaCatalogue.BUILT_IN;
            try (InputStream in = PersonaCatalogue.class.getResourceAsStream(PersonaCatalogue.BUILT_IN)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Responder responder = new Responder(List.of(), responderTap, injector, new ResponderJournal(c.journalEntries(), c.journalBytes()),
                log, null);
        ArpGuard arp = new ArpGuard(arpTap, injector, c.timing(), log);
        Agent agent = new Agent(responder, arp, System::currentTimeMillis, log, source, text);
        AgentHost[] self = new AgentHost[1];
        AgentServer server;
        try {
            server = new AgentServer(agent, c.control(), c.token(), c.tls(), () -> self[0].close(), log, c.deadlines());
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw new IOException("cannot listen on " + c.control() + ": " + e.getMessage(), e);
        }
        self[0] = new AgentHost(responder, agent, server, c.maxLifetime());
        return self[0];
    }

    /**
     * The text of the catalogue a run gets when it sends none, read through the input gate and checked: a FIFO,
     * {@code /dev/zero} or a broken file is one line (the command line asks before it opens any interface).
     */
    public static String personas(Path file) throws IOException {
        String text = InputFile.text(file, InputFile.Kind.PERSONA_FILE);
        try {
            PersonaCatalogue.parse(file.toString(), text, PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return text;
    }

    public Agent agent() {
        return agent;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Connections the control API closed at once because their machine had as many open as it may. */
    long refusedConnections() {
        return server.refusedConnections();
    }

    /** Serves frames on this thread until shut down or the lifetime ends. */
    public void run() {
        responder.run(maxLifetime);
        close();
        stopped.countDown();
    }

    /** Waits for {@link #run} to return (bounded). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        agent.close();
    }
}
