package io.quirklab.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.ParseProblem;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * {@link ResponderControl} over a remote agent's HTTP API, within one lease: the run's personas, probes, journal and
 * pcaps, never another run's. {@link #shutdown()} ends the lease (the agent serves other runs too);
 * {@link #shutdownAgent()} stops the agent itself.
 */
public final class AgentControl implements ResponderControl {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private volatile String lease;

    /**
     * @param url   the agent's control address, {@code http://198.18.7.2:8623}
     * @param token its bearer token
     * @param tls   the SSL context for an https URL (trusting the agent's certificate), or null for the JVM default
     */
    public AgentControl(URI url, String token, SSLContext tls) {
        this.base = URI.create(url.toString().replaceAll("/+$", ""));
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    public URI url() {
        return base;
    }

    public String lease() {
        return lease;
    }

    public AgentApi.Health health() throws IOException {
        return call("GET", "/health", null, AgentApi.Health.class);
    }

    /** Claims a lease; later calls act within it. */
    public AgentApi.Lease claim(String run, String holder, String host, int ttlSeconds) throws IOException {
        AgentApi.Lease l = call("POST", "/leases", new AgentApi.LeaseRequest(run, holder, host, ttlSeconds), AgentApi.Lease.class);
        lease = l.id();
        return l;
    }

    /** Every live lease on the agent (whose run, holder, host and addresses). */
    public List<AgentApi.Lease> leases() throws IOException {
        return call("GET", "/leases", null, AgentApi.Leases.class).leases();
    }

        public AgentApi.Lease renew() throws IOException {
        return call("PUT", "/leases/" + requireLease(), null, AgentApi.Lease.class);
    }

    public void release() throws IOException {
        String l = lease;
        if (l != null) {
            call("DELETE", "/leases/" + l, null, AgentApi.Lease.class);
            lease = null;
        }
    }

    public AgentApi.Personas putPersonas(AgentApi.PersonaSet set) throws IOException {
        return call("PUT", "/personas" + scope(), set, AgentApi.Personas.class);
    }

    /** The whole catalogue, as the run's persona set (addresses from the catalogue's default base). */
    @Override
    public ControlReply.Status putPersonas(String catalogue) throws IOException {
        putPersonas(new AgentApi.PersonaSet(catalogue, null, null, null));
        return status();
    }

    public AgentApi.Personas personas() throws IOException {
        return call("GET", "/personas" + scope(), null, AgentApi.Personas.class);
    }

    @Override
    public ControlReply.Status status() throws IOException {
        return call("GET", "/status" + scope(), null, ControlReply.Status.class);
    }

    @Override
    public void beginProbe(String persona, String probe) throws IOException {
        call("POST", "/probes/begin" + scope(), new AgentApi.ProbeMark(persona, probe), ControlReply.Ack.class);
    }

    @Override
    public void endProbe(String persona, String probe) throws IOException {
        call("POST", "/probes/end" + scope(), new AgentApi.ProbeMark(persona, probe), ControlReply.Ack.class);
    }

    /** The page; with {@code query.pcap()} set, the same frames are fetched from {@code GET /pcap} into that file. */
    @Override
    public ControlReply.JournalPage journal(ControlRequest.Journal query) throws IOException {
        String params = journalParams(query);
        ControlReply.JournalPage page = call("GET", "/journal" + scope() + params, null, ControlReply.JournalPage.class);
        if (query.pcap() == null) {
            return page;
        }
        String pcap = null;
        String error = null;
        try {
            Path file = Path.of(query.pcap());
            Files.createDirectories(file.toAbsolutePath().getParent());
            HttpResponse<byte[]> r = send("GET", "/pcap" + scope() + params, null);
            if (r.statusCode() != 200) {
                throw new IOException(problem(r));
            }
            Files.write(file, r.body());
            pcap = query.pcap();
        } catch (IOException e) {
            error = e.getMessage();
        }
        return new ControlReply.JournalPage(page.requestsSeen(), page.repliesSent(), page.entries(), page.next(), page.more(),
                page.evicted(), pcap, error);
    }

    /** Not for a shared agent: ends this run's lease (its personas), leaving the agent serving others. */
    @Override
    public void shutdown() throws IOException {
        release();
    }

    /** Stops the agent (every run's personas). */
    public void shutdownAgent() throws IOException {
        call("POST", "/shutdown", null, ControlReply.Ack.class);
    }

    private String requireLease() throws IOException {
        String l = lease;
        if (l == null) {
            throw new IOException("no lease on the agent at " + base + " (claim one first)");
        }
        return l;
    }

    private String scope() throws IOException {
        return "?lease=" + enc(requireLease());
    }

    private static String journalParams(ControlRequest.Journal q) {
        List<String> p = new ArrayList<>();
        if (q.probe() != null) {
            p.add("probe=" + enc(q.probe()));
        } else {
            p.add("since=" + (q.since() == null ? 0 : q.since()));
            p.add("limit=" + q.pageSize());
        }
        if (q.persona() != null) {
            p.add("persona=" + enc(q.persona()));
        }
        return "&" + String.join("&", p);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private <T> T call(String method, String path, Object body, Class<T> type) throws IOException {
        HttpResponse<byte[]> r = send(method, path, body);
        if (r.statusCode() / 100 != 2) {
            throw new AgentRefusal(r.statusCode(), problem(r));
        }
        try {
            return JSON.readValue(r.body(), type);
        } catch (JsonProcessingException e) {
            throw new IOException("the agent at " + base + " answered " + method + " " + path.replaceAll("\\?.*", "")
                    + " with something else: " + ParseProblem.of(e, "JSON").describe(), e);
        } catch (IOException e) {
            throw new IOException("the agent at " + base + " answered " + method + " " + path.replaceAll("\\?.*", "")
                    + " with something unreadable", e);
        }
    }

    private HttpResponse<byte[]> send(String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to the agent at " + base, e);
        } catch (IOException e) {
            throw new IOException("cannot reach the agent at " + base + ": " + (e instanceof HttpTimeoutException ? "no answer in time"
                    : e instanceof ConnectException ? "connection refused" : e.getMessage() == null ? "the connection failed" : e.getMessage()), e);
        }
    }

    private String problem(HttpResponse<byte[]> r) {
        try {
            return "agent " + r.statusCode() + ": " + JSON.readValue(r.body(), AgentApi.Problem.class).error();
        } catch (IOException e) {
            return "agent " + r.statusCode() + " (no error text)";
        }
    }

    /** The agent refused a request; {@link #status()} is its HTTP status (401, 404, 409, ...). */
    public static final class AgentRefusal extends IOException {
        private final int status;

        AgentRefusal(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
