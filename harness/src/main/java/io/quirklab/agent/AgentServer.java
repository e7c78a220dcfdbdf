package io.quirklab.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quirklab.Version;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The agent's control API over HTTP(S) with JSON bodies ({@code openapi.yaml} in this package describes it): every
 * request but {@code GET /health} carries {@code Authorization: Bearer TOKEN}, compared in constant time; bodies
 * are read up to {@link #MAX_BODY} bytes (the JDK server has no limit of its own); a refused request changes nothing.
 */
public final class AgentServer implements AutoCloseable {
    /** Bodies are persona catalogues and small JSON objects; the built-in catalogue is about 10 KiB. */
    public static final int MAX_BODY = 256 * 1024;
    /** What an over-long body is read and thrown away up to, so the client reads the 413 instead of a reset. */
    static final long DRAIN_LIMIT = 16L << 20;
    public static final String PCAP_TYPE = "application/vnd.tcpdump.pcap";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Agent agent;
    private final byte[] token;
    private final HttpServer server;
    /** A few runs at once, each with a request in flight (a persona claim waits seconds for its ARP probes). */
    private final ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "agent-http");
        t.setDaemon(true);
        return t;
    });
    private final Runnable onShutdown;
    private final Consumer<String> log;

    /** One request the handler refuses; the status and the line go back as a {@link AgentApi.Problem}. */
    private static AgentException refuse(int status, String message) {
        return new AgentException(status, message);
    }

    /**
     * @param tls        an SSL context for HTTPS, or null for plain HTTP
     * @param onShutdown what {@code POST /shutdown} does after answering
     */
    public AgentServer(Agent agent, InetSocketAddress bind, String token, SSLContext tls, Runnable onShutdown, Consumer<String> log)
            throws IOException {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the agent token must be at least 16 characters");
        }
        this.agent = agent;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.onShutdown = onShutdown;
        this.log = log;
        if (tls != null) {
            HttpsServer s = HttpsServer.create(bind, 16);
            s.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = s;
        } else {
            server = HttpServer.create(bind, 16);
        }
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            try {
                if (!(path.equals("/health") && method.equals("GET")) && !authorised(x)) {
                    x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"quirklab-agent\"");
                    throw refuse(401, "missing or wrong 'Authorization: Bearer TOKEN' (the agent printed its token at start, or "
                            + "read it from --token-file / QUIRKLAB_AGENT_TOKEN)");
                }
                Map<String, String> q = query(x.getRequestURI().getRawQuery());
                route(x, method, path, q);
            } catch (AgentException e) {
                send(x, e.status(), new AgentApi.Problem(e.status(), e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send(x, 503, new AgentApi.Problem(503, "the agent is stopping"));
            } catch (RuntimeException e) {
                log.accept("internal error on " + method + " " + path + ": " + e);
                send(x, 500, new AgentApi.Problem(500, "internal error: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            }
        }
    }

    private void route(HttpExchange x, String method, String path, Map<String, String> q) throws IOException, InterruptedException {
        String lease = q.get("lease");
        switch (path) {
            case "/health" -> {
                allow(method, "GET");
                send(x, 200, new AgentApi.Health(Version.get(), agent.uptimeSeconds(), "serving"));
            }
            case "/status" -> {
                allow(method, "GET");
                send(x, 200, agent.status(lease));
            }
            case "/leases" -> {
                allow(method, "GET", "POST");
                if (method.equals("GET")) {
                    send(x, 200, new AgentApi.Leases(agent.leases()));
                } else {
                    send(x, 201, agent.claim(body(x, AgentApi.LeaseRequest.class)));
                }
            }
            case "/personas" -> {
                allow(method, "GET", "PUT");
                if (method.equals("GET")) {
                    send(x, 200, agent.personas(lease));
                } else {
                    AgentApi.PersonaSet set = body(x, AgentApi.PersonaSet.class);
                    send(x, 200, agent.putPersonas(lease, set));
                }
            }
            case "/probes/begin", "/probes/end" -> {
                allow(method, "POST");
                AgentApi.ProbeMark m = body(x, AgentApi.ProbeMark.class);
                if (path.endsWith("begin")) {
                    agent.beginProbe(lease, m);
                } else {
                    agent.endProbe(lease, m);
                }
                send(x, 200, new ControlReply.Ack(true, "probe " + (m == null ? null : m.probe()) + (path.endsWith("begin") ? " begun" : " ended")));
            }
            case "/journal" -> {
                allow(method, "GET");
                send(x, 200, agent.journal(lease, journalQuery(q), q.get("peer")));
            }
            case "/pcap" -> {
                allow(method, "GET");
                byte[] pcap = agent.pcap(lease, journalQuery(q), q.get("peer"));
                x.getResponseHeaders().set("Content-Type", PCAP_TYPE);
                x.sendResponseHeaders(200, pcap.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(pcap);
                }
            }
            case "/shutdown" -> {
                allow(method, "POST");
                send(x, 200, new ControlReply.Ack(true, "stopping"));
                log.accept("shutdown requested over the control API");
                Thread t = new Thread(onShutdown, "agent-shutdown");
                t.setDaemon(true);
                t.start();
            }
            default -> {
                if (path.startsWith("/leases/") && path.length() > "/leases/".length() && path.indexOf('/', 8) < 0) {
                    String id = path.substring("/leases/".length());
                    allow(method, "GET", "PUT", "DELETE");
                    switch (method) {
                        case "GET" -> send(x, 200, agent.lease(id));
                        case "PUT" -> send(x, 200, agent.renew(id));
                        default -> send(x, 200, agent.release(id));
                    }
                } else {
                    throw refuse(404, "no such path " + path + " (see openapi.yaml: /health, /status, /leases, /personas, "
                            + "/probes/begin, /probes/end, /journal, /pcap, /shutdown)");
                }
            }
        }
    }

    /** probe=ID, or since=CURSOR&limit=N; persona=NAME narrows either. */
    private static ControlRequest.Journal journalQuery(Map<String, String> q) {
        Long since = number(q, "since");
        Long limit = number(q, "limit");
        if (q.containsKey("probe") && since != null) {
            throw refuse(400, "parameters 'probe' and 'since' exclude each other");
        }
        if (limit != null && (limit < 1 || limit > ControlRequest.Journal.MAX_PAGE)) {
            throw refuse(400, "parameter 'limit': " + limit + " is outside 1.." + ControlRequest.Journal.MAX_PAGE);
        }
        return new ControlRequest.Journal(q.get("probe"), q.get("persona"), since, limit == null ? null : limit.intValue(), null);
    }

    private static Long number(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw refuse(400, "parameter '" + name + "': '" + clip(v) + "' is not a non-negative number");
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw refuse(405, "method " + clip(method) + " not allowed here (allowed: " + String.join(", ", allowed) + ")");
    }

    private boolean authorised(HttpExchange x) {
        String h = x.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** The body as {@code type}: at most {@link #MAX_BODY} bytes (413), well-formed JSON of that shape (400). */
    private static <T> T body(HttpExchange x, Class<T> type) throws IOException {
        byte[] b = readBounded(x);
        if (b.length == 0) {
            throw refuse(400, "the request needs a JSON body");
        }
        try {
            return JSON.readValue(b, type);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw refuse(400, "malformed JSON body" + where + ": " + clip(e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "")));
        }
    }

    static byte[] readBounded(HttpExchange x) throws IOException {
        String declared = x.getRequestHeaders().getFirst("Content-Length");
        InputStream in = x.getRequestBody();
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            long drained = b.length;
            byte[] sink = new byte[8192];
            int n;
            while (drained < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
                drained += n;
            }
            throw refuse(413, "request body " + (declared != null ? declared + " bytes" : "over " + MAX_BODY + " bytes")
                    + " is over the limit of " + MAX_BODY + " bytes");
        }
        return b;
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static String clip(String s) {
        return s == null ? "null" : s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
