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
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
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
        } catch (java.net.SocketException e) {
            throw new IOException("cannot talk to the responder at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Serves requests on {@code socket} until the thread is interrupted or the channel closed. */
    public static ServerSocketChannel serve(Path socket, Function<ControlRequest, Object> handler) throws IOException {
        Files.deleteIfExists(socket);
        Files.createDirectories(socket.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel c = server.accept()) {
                    answer(c, handler);
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    }
                }
            }
        }, "responder-control");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void answer(SocketChannel c, Function<ControlRequest, Object> handler) throws IOException {
        InputStream in = Channels.newInputStream(c);
        byte[] req = in.readNBytes(MAX_REQUEST);
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
        OutputStream out = Channels.newOutputStream(c);
        out.write(JSON.writeValueAsBytes(response));
        out.flush();
    }

    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
