package io.quirklab.responder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

/**
 * The responder's control API: one JSON request and one JSON response per connection over a Unix domain socket.
 * A file-system socket reaches a responder living in another network namespace, and only root can open it.
 */
public final class ControlChannel {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests are small; anything bigger is not ours. */
    private static final int MAX_REQUEST = 1024 * 1024;
    static final String OPS = "status, shutdown, probe-begin, probe-end, journal, put-personas";
    /** A client has this long to send its request, and to take the answer; then its connection is closed. */
    static final java.time.Duration CLIENT_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** How long a caller waits for the responder's answer (a journal page with a pcap takes a while). */
    static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(60);
    /** Connections served at once, and waiting; beyond that a connection is closed at once. */
    static final int WORKERS = 8;
    static final int QUEUED = 64;

    private ControlChannel() {
    }

    /** Sends one request and returns the response as {@code type}; throws IOException with the responder's error message. */
    public static <T> T call(Path socket, ControlRequest request, Class<T> type) throws IOException {
        JsonNode response = call(socket, JSON.valueToTree(request));
        try {
            return JSON.treeToValue(response, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("the responder answered '" + request.getClass().getSimpleName() + "' with something else: "
                    + e.getOriginalMessage());
        }
    }

    private static JsonNode call(Path socket, JsonNode request) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no responder control socket at " + socket + " (is the lab up? try: quirklab lab status)");
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             Deadline d = Deadline.close(ch, CALL_TIMEOUT)) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(JSON.writeValueAsBytes(request));
            out.write('\n');
            out.flush();
            ch.shutdownOutput();
            JsonNode response = JSON.readTree(Channels.newInputStream(ch));
            if (response == null || response.isMissingNode()) {
                throw new IOException("the responder closed the control connection without answering");
            }
            if (response.has("error")) {
                throw new IOException("responder: " + response.get("error").asText());
            }
            return response;
        } catch (java.nio.channels.AsynchronousCloseException e) {
            throw new IOException("the responder at " + socket + " did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        } catch (java.net.SocketException e) {
            throw new IOException("cannot talk to the responder at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Closes a channel when time is up, unless closed first: a blocked read or write then ends. */
    private static final class Deadline implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();

        static Deadline close(SocketChannel ch, java.time.Duration after) {
            Deadline d = new Deadline();
            java.util.concurrent.CompletableFuture.delayedExecutor(after.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (d.over.compareAndSet(false, true)) {
                            try {
                                ch.close();
                            } catch (IOException ignored) {
                                // closing is all we wanted
                            }
                        }
                    });
            return d;
        }

        @Override
        public void close() {
            over.set(true);
        }
    }

    /**
     * Serves requests on {@code socket} until the channel is closed: each connection on a worker of its own, with
     * {@link #CLIENT_TIMEOUT} to send its request, so one stalled client cannot hold up {@code lab status}.
     */
    public static ServerSocketChannel serve(Path socket, Function<ControlRequest, Object> handler) throws IOException {
        return serve(socket, handler, CLIENT_TIMEOUT);
    }

    static ServerSocketChannel serve(Path socket, Function<ControlRequest, Object> handler, java.time.Duration clientTimeout)
            throws IOException {
        Files.deleteIfExists(socket);
        Files.createDirectories(socket.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor workers = new java.util.concurrent.ThreadPoolExecutor(WORKERS, WORKERS, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread w = new Thread(r, "responder-control-" + n.incrementAndGet());
                    w.setDaemon(true);
                    return w;
                });
        workers.allowCoreThreadTimeOut(true);
        Thread t = new Thread(() -> {
            try {
                while (server.isOpen()) {
                    SocketChannel c;
                    try {
                        c = server.accept();
                    } catch (IOException e) {
                        if (!server.isOpen()) {
                            return;
                        }
                        continue;
                    }
                    try {
                        workers.execute(() -> {
                            try (c) {
                                answer(c, handler, clientTimeout);
                            } catch (IOException | RuntimeException ignored) {
                                // that client's problem: it gets nothing, the others go on
                            }
                        });
                    } catch (java.util.concurrent.RejectedExecutionException full) {
                        try {
                            c.close(); // more waiting clients than anyone sane sends: shed, do not queue forever
                        } catch (IOException ignored) {
                            // closed either way
                        }
                    }
                }
            } finally {
                workers.shutdownNow();
            }
        }, "responder-control");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void answer(SocketChannel c, Function<ControlRequest, Object> handler, java.time.Duration clientTimeout)
            throws IOException {
        InputStream in = Channels.newInputStream(c);
        byte[] req;
        try (Deadline d = Deadline.close(c, clientTimeout)) {
            req = in.readNBytes(MAX_REQUEST);
        }
        Object response;
        try {
            JsonNode node = JSON.readTree(new String(req, StandardCharsets.UTF_8));
            if (node == null || !node.hasNonNull("op")) {
                response = error("a control request needs an 'op' (" + OPS + ")");
            } else {
                response = handler.apply(JSON.treeToValue(node, ControlRequest.class));
            }
        } catch (com.fasterxml.jackson.databind.exc.InvalidTypeIdException e) {
            response = error("unknown op '" + e.getTypeId() + "' (" + OPS + ")");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            response = error("malformed control request: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            response = error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        try (Deadline d = Deadline.close(c, clientTimeout)) {
            OutputStream out = Channels.newOutputStream(c);
            out.write(JSON.writeValueAsBytes(response));
            out.flush();
        }
    }

    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
