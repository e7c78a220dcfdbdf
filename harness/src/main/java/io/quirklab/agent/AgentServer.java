package io.quirklab.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.Version;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The agent's control API over HTTP(S) with JSON bodies ({@code openapi.yaml} in this package describes it): every
 * request but {@code GET /health} carries {@code Authorization: Bearer TOKEN}, compared in constant time; a refused
 * request changes nothing.
 *
 * <p>Jetty serves it because the agent faces a network: its connections are read by a selector, so a peer that sends
 * half a request and goes quiet holds a connection slot until its idle timeout, never a thread, and requests of other
 * peers are served meanwhile (the JDK's server reads every request line on a thread of its executor, see
 * docs/agent.md). Bodies are read the same way, without a thread, and bounded. Every limit is a constant below and in
 * docs/safety.md.
 */
public final class AgentServer implements AutoCloseable {
    /** Bodies are persona catalogues and small JSON objects; the built-in catalogue is about 10 KiB. */
    public static final int MAX_BODY = 256 * 1024;
    /** What an over-long body is read and thrown away up to, so the client reads the 413 instead of a reset. */
    static final long DRAIN_LIMIT = 16L << 20;
    /** A connection that sends nothing for this long (half a request, or idle between requests) is closed; runs renew every 10 s. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);
    /** A request (line, headers, body) that keeps arriving without completing for this long is cut off. */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);
    /** Connections at once, over all peers; at the cap no more are accepted and idle ones get {@link #IDLE_TIMEOUT_AT_CAP}. */
    static final int MAX_CONNECTIONS = 256;
    static final Duration IDLE_TIMEOUT_AT_CAP = Duration.ofSeconds(2);
    /** Connections at once from one address: a run uses a few. */
    static final int MAX_CONNECTIONS_PER_PEER = 32;
    /** Threads that run requests (a persona claim waits seconds for its ARP probes); a slow peer holds none. */
    static final int WORKERS = 32;
    /** Request line and headers together. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** HTTPS: TLS 1.3 and 1.2 only, and on 1.2 ECDHE with AEAD only (no CBC, no SHA-1 MACs, no RSA or DHE key exchange). */
    static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] TLS_EXCLUDED_SUITES = {"^.*_CBC_.*$", "^.*_(MD5|SHA|SHA1)$", "^TLS_RSA_.*$", "^TLS_DHE_.*$", "^TLS_ECDH_.*$",
        "^SSL_.*$", "^.*_NULL_.*$", "^.*_anon_.*$", "^.*_EXPORT_.*$", "^.*_DES_.*$", "^.*_RC4_.*$"};
    public static final String PCAP_TYPE = "application/vnd.tcpdump.pcap";
    private static final String JSON_TYPE = "application/json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Agent agent;
    private final byte[] token;
    private final Server server;
    private final ServerConnector connector;
    private final PeerConnections perPeer = new PeerConnections(MAX_CONNECTIONS_PER_PEER);
    private final Runnable onShutdown;
    private final Consumer<String> log;

    /** What a request gets back: status, content type, body, and what to do once it is sent. */
    private record Answer(int status, String type, byte[] body, Runnable after) {
        static Answer json(int status, Object body) {
            try {
                return new Answer(status, JSON_TYPE, JSON.writeValueAsBytes(body), null);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One request the handler refuses; the status and the line go back as a {@link AgentApi.Problem}. */
    private static AgentException refuse(int status, String message) {
        return new AgentException(status, message);
    }

    /**
     * How long a connection may say nothing, a request take to arrive, and an idle connection last while the server is at
     * its connection cap.
     */
    public record Deadlines(Duration idle, Duration request, Duration idleAtCap) {
        /** The agent's: {@link #IDLE_TIMEOUT}, {@link #REQUEST_DEADLINE}, {@link #IDLE_TIMEOUT_AT_CAP}. */
        public static final Deadlines AGENT = new Deadlines(IDLE_TIMEOUT, REQUEST_DEADLINE, IDLE_TIMEOUT_AT_CAP);

        public Deadlines {
            if (idle.compareTo(request) <= 0 || request.isNegative() || request.isZero() || idleAtCap.isNegative() || idleAtCap.isZero()) {
                throw new IllegalArgumentException("deadlines must be positive and the idle timeout longer than a request's deadline");
            }
        }
    }

    /**
     * @param tls        an SSL context for HTTPS, or null for plain HTTP
     * @param onShutdown what {@code POST /shutdown} does after answering
     */
    public AgentServer(Agent agent, InetSocketAddress bind, String token, SSLContext tls, Runnable onShutdown, Consumer<String> log)
            throws IOException {
        this(agent, bind, token, tls, onShutdown, log, Deadlines.AGENT);
    }

    /** The same with other deadlines (tests that watch slow peers being cut off need not wait the agent's). */
    public AgentServer(Agent agent, InetSocketAddress bind, String token, SSLContext tls, Runnable onShutdown, Consumer<String> log,
                       Deadlines deadlines) throws IOException {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the agent token must be at least 16 characters");
        }
        this.agent = agent;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.onShutdown = onShutdown;
        this.log = log;
        QueuedThreadPool threads = new QueuedThreadPool(WORKERS, 4);
        threads.setName("agent-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        connector = tls == null ? new ServerConnector(server, 1, 1, plain)
                : new ServerConnector(server, 1, 1, new SslConnectionFactory(tlsFactory(tls), plain.getProtocol()), plain);
        connector.setHost(bind.getAddress().getHostAddress());
        connector.setPort(bind.getPort());
        connector.setIdleTimeout(deadlines.idle().toMillis());
        connector.setAcceptQueueSize(64);
        connector.setAcceptedTcpNoDelay(true); // answers leave at once, not after the client's delayed ACK (Nagle)
        connector.addBean(perPeer);
        server.addConnector(connector);
        NetworkConnectionLimit cap = new NetworkConnectionLimit(MAX_CONNECTIONS, connector);
        cap.setEndPointIdleTimeout(deadlines.idleAtCap().toMillis());
        server.addBean(cap);
        server.setErrorHandler(new JsonErrors());
        server.setHandler(new Api());
        server.setStopTimeout(2000);
        connector.addBean(new RequestDeadline(connector.getScheduler(), deadlines.request()));
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private static SslContextFactory.Server tlsFactory(SSLContext tls) {
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setSslContext(tls);
        f.setIncludeProtocols(TLS_PROTOCOLS);
        f.setExcludeCipherSuites(TLS_EXCLUDED_SUITES);
        f.setRenegotiationAllowed(false);
        return f;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** Connections refused because their peer had {@link #MAX_CONNECTIONS_PER_PEER} open already. */
    long refusedConnections() {
        return perPeer.refused();
    }

    /** The API: authorisation first, then the body (read without a thread while it arrives), then the route. */
    private final class Api extends Handler.Abstract {
        @Override
        public boolean handle(Request rq, Response rs, Callback cb) {
            String method = rq.getMethod();
            String path = rq.getHttpURI().getDecodedPath();
            InetAddress peer = peer(rq);
            if (!(path.equals("/health") && method.equals("GET")) && !authorised(rq)) {
                rs.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"quirklab-agent\"");
                closeIfBodyUnread(rq, rs);
                write(rs, cb, problem(401, "missing or wrong 'Authorization: Bearer TOKEN' (the agent printed its token at start, or "
                        + "read it from --token-file / QUIRKLAB_AGENT_TOKEN)"));
                return true;
            }
            if (!method.equals("POST") && !method.equals("PUT")) {
                write(rs, cb, answer(method, path, rq.getHttpURI().getQuery(), null, peer));
            } else if (rq.getLength() > DRAIN_LIMIT) {
                closeIfBodyUnread(rq, rs);
                write(rs, cb, tooBig(rq.getLength()));
            } else {
                new BodyReader(rq, body -> write(rs, cb, body.over() ? tooBig(body.declared())
                        : answer(method, path, rq.getHttpURI().getQuery(), body.bytes(), peer)), cb::failed).run();
            }
            return true;
        }
    }

    /**
     * An answer given without reading the request's body leaves the body on the connection, which therefore cannot carry
     * another request: say so ({@code Connection: close}), or a client that pools connections sends its next request into
     * a socket the server is closing (a POST then fails with a broken pipe; Jetty decides to close only after the answer's
     * head went out, too late to say it).
     */
    private static void closeIfBodyUnread(Request rq, Response rs) {
        if (rq.getLength() > 0 || rq.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            rs.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private static InetAddress peer(Request rq) {
        return rq.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    private static Answer tooBig(long declared) {
        return problem(413, "request body " + (declared >= 0 ? declared + " bytes" : "over " + MAX_BODY + " bytes")
                + " is over the limit of " + MAX_BODY + " bytes");
    }

    private static Answer problem(int status, String message) {
        return Answer.json(status, new AgentApi.Problem(status, message));
    }

    private Answer answer(String method, String path, String rawQuery, byte[] body, InetAddress peer) {
        try {
            return route(method, path, query(rawQuery), body, peer);
        } catch (AgentException e) {
            return problem(e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(503, "the agent is stopping");
        } catch (RuntimeException e) {
            log.accept("internal error on " + method + " " + InputFile.printable(path) + ": " + e);
            return problem(500, "internal error (the agent's log has the details)");
        }
    }

    private void write(Response rs, Callback cb, Answer a) {
        rs.setStatus(a.status());
        rs.getHeaders().put(HttpHeader.CONTENT_TYPE, a.type());
        rs.getHeaders().put(HttpHeader.CONTENT_LENGTH, a.body().length);
        rs.write(true, ByteBuffer.wrap(a.body()), a.after() == null ? cb : Callback.from(cb, a.after()));
    }

    private Answer route(String method, String path, Map<String, String> q, byte[] body, InetAddress peer) throws InterruptedException {
        String lease = q.get("lease");
        switch (path) {
            case "/health" -> {
                allow(method, "GET");
                return Answer.json(200, new AgentApi.Health(Version.get(), agent.uptimeSeconds(), "serving"));
            }
            case "/status" -> {
                allow(method, "GET");
                return Answer.json(200, agent.status(lease, peer));
            }
            case "/leases" -> {
                allow(method, "GET", "POST");
                return method.equals("GET") ? Answer.json(200, new AgentApi.Leases(agent.leases(peer)))
                        : Answer.json(201, agent.claim(body(body, AgentApi.LeaseRequest.class), peer));
            }
            case "/personas" -> {
                allow(method, "GET", "PUT");
                return method.equals("GET") ? Answer.json(200, agent.personas(lease, peer))
                        : Answer.json(200, agent.putPersonas(lease, body(body, AgentApi.PersonaSet.class), peer));
            }
            case "/probes/begin", "/probes/end" -> {
                allow(method, "POST");
                AgentApi.ProbeMark m = body(body, AgentApi.ProbeMark.class);
                boolean begin = path.endsWith("begin");
                if (begin) {
                    agent.beginProbe(lease, m, peer);
                } else {
                    agent.endProbe(lease, m, peer);
                }
                return Answer.json(200, new ControlReply.Ack(true, "probe " + InputFile.printable(m == null ? null : m.probe())
                        + (begin ? " begun" : " ended")));
            }
            case "/journal" -> {
                allow(method, "GET");
                return Answer.json(200, agent.journal(lease, journalQuery(q), q.get("peer"), peer));
            }
            case "/pcap" -> {
                allow(method, "GET");
                return new Answer(200, PCAP_TYPE, agent.pcap(lease, journalQuery(q), q.get("peer"), peer), null);
            }
            case "/shutdown" -> {
                allow(method, "POST");
                log.accept("shutdown requested over the control API by " + peer.getHostAddress());
                Answer a = Answer.json(200, new ControlReply.Ack(true, "stopping"));
                return new Answer(a.status(), a.type(), a.body(), () -> {
                    Thread t = new Thread(onShutdown, "agent-shutdown");
                    t.setDaemon(true);
                    t.start();
                });
            }
            default -> {
                if (path.startsWith("/leases/") && path.length() > "/leases/".length() && path.indexOf('/', 8) < 0) {
                    String id = path.substring("/leases/".length());
                    allow(method, "GET", "PUT", "DELETE");
                    return switch (method) {
                        case "GET" -> Answer.json(200, agent.lease(id, peer));
                        case "PUT" -> Answer.json(200, agent.renew(id, peer));
                        default -> Answer.json(200, agent.release(id, peer));
                    };
                }
                throw refuse(404, "no such path " + InputFile.token(path) + " (see openapi.yaml: /health, /status, /leases, /personas, "
                        + "/probes/begin, /probes/end, /journal, /pcap, /shutdown)");
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
            throw refuse(400, "parameter '" + name + "': " + InputFile.token(v) + " is not a non-negative number");
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw refuse(405, "method " + InputFile.token(method) + " not allowed here (allowed: " + String.join(", ", allowed) + ")");
    }

    private boolean authorised(Request rq) {
        String h = rq.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    /** The body as {@code type}: well-formed JSON of that shape (400). */
    private static <T> T body(byte[] b, Class<T> type) {
        if (b == null || b.length == 0) {
            throw refuse(400, "the request needs a JSON body");
        }
        try {
            return JSON.readValue(b, type);
        } catch (JsonProcessingException e) {
            throw refuse(400, "malformed JSON body: " + ParseProblem.of(e, "JSON").describe());
        } catch (IOException e) {
            throw refuse(400, "malformed JSON body");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            try {
                String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
                String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
                q.put(k, v);
            } catch (IllegalArgumentException e) {
                throw refuse(400, "the query has a malformed %-escape");
            }
        }
        return q;
    }

    /** What came of reading a body: the bytes (up to {@link #MAX_BODY}), or that it was over the limit. */
    private record Body(byte[] bytes, boolean over, long declared) {
    }

    /**
     * Reads a request body as it arrives, demanding more instead of waiting on a thread: up to {@link #MAX_BODY} kept,
     * the rest of an over-long body read and dropped up to {@link #DRAIN_LIMIT} so the client gets to read the 413.
     */
    private static final class BodyReader implements Runnable {
        private final Request rq;
        private final Consumer<Body> done;
        private final Consumer<Throwable> failed;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        /** @param failed the connection failed or timed out under the body: nothing to answer, Jetty closes it */
        BodyReader(Request rq, Consumer<Body> done, Consumer<Throwable> failed) {
            this.rq = rq;
            this.done = done;
            this.failed = failed;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk c = rq.read();
                if (c == null) {
                    rq.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(c)) {
                    failed.accept(c.getFailure());
                    return;
                }
                ByteBuffer b = c.getByteBuffer();
                int n = b.remaining();
                if (total + n <= MAX_BODY) {
                    byte[] part = new byte[n];
                    b.get(part);
                    kept.writeBytes(part);
                }
                total += n;
                boolean last = c.isLast();
                c.release();
                if (last || total > DRAIN_LIMIT) {
                    done.accept(new Body(kept.toByteArray(), total > MAX_BODY, total > MAX_BODY && rq.getLength() >= 0 ? rq.getLength() : -1));
                    return;
                }
            }
        }
    }

    /** Every error Jetty answers by itself (a malformed request, headers too large, a timeout) as a {@link AgentApi.Problem}. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        protected void generateResponse(Request rq, Response rs, int code, String message, Throwable cause, Callback cb) {
            Answer a = problem(code, words(code));
            rs.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
            rs.write(true, ByteBuffer.wrap(a.body()), cb);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
            return ByteBuffer.wrap(problem(status, words(status)).body());
        }

        private static String words(int status) {
            return switch (status) {
                case 400 -> "malformed HTTP request";
                case 408 -> "the request did not arrive whole in time";
                case 413 -> "request body over the limit of " + MAX_BODY + " bytes";
                case 414, 431 -> "request line and headers over the limit of " + MAX_HEADER_BYTES + " bytes";
                default -> "HTTP " + status;
            };
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.accept("stopping the control API: " + e.getMessage());
        }
    }
}
