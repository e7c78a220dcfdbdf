package io.quirklab.agent;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.testing.TestFrames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real agent (HTTP server, leases, responder, ARP guard) on an in-memory {@link Segment}, on 127.0.0.1. */
final class AgentFixture implements AutoCloseable {
    static final String TOKEN = "unit-test-token-0123456789";
    final Segment segment = new Segment();
    final AgentHost host;
    final Thread runner;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The agent's log lines. */
    final List<String> log = new CopyOnWriteArrayList<>();

    AgentFixture() throws IOException {
        this(AgentServer.Deadlines.AGENT);
    }

    /** An agent whose server cuts slow peers off after {@code deadlines}. */
    AgentFixture(AgentServer.Deadlines deadlines) throws IOException {
        host = AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, null,
                ArpGuard.Timing.FAST, null, Duration.ofMinutes(5), 10_000, 8 << 20, deadlines), segment.responderTap, segment.arpTap, segment,
                log::add);
        runner = new Thread(host::run, "agent-under-test");
        runner.setDaemon(true);
        runner.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + host.address().getPort());
    }

    AgentControl control() {
        return new AgentControl(url(), TOKEN, null);
    }

    /** One raw request: any method, path, body, token (null: none). */
    HttpResponse<byte[]> raw(String method, String pathAndQuery, byte[] body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> raw(String method, String pathAndQuery, String body) throws IOException, InterruptedException {
        return raw(method, pathAndQuery, body == null ? null : body.getBytes(), TOKEN);
    }

    /** An answer read off a raw socket: status, headers (lower-case names), body. */
    record RawAnswer(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * One request from another client address on loopback ({@code 127.0.0.2}, ...: another machine as far as the agent
     * can tell), over a plain socket (the JDK's HTTP client cannot choose its source address).
     */
    RawAnswer rawFrom(String local, String method, String pathAndQuery, String body, String token) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), host.address().getPort()), 5000);
            s.setSoTimeout(20_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + (body == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + b.length + "\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            byte[] all = s.getInputStream().readAllBytes();
            int end = 0;
            while (end + 3 < all.length && !(all[end] == '\r' && all[end + 1] == '\n' && all[end + 2] == '\r' && all[end + 3] == '\n')) {
                end++;
            }
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            return new RawAnswer(Integer.parseInt(lines[0].split(" ")[1]), headers,
                    Arrays.copyOfRange(all, Math.min(all.length, end + 4), all.length));
        }
    }

    /** An ASF presence ping from a DUT to {@code persona} (address), from the given client port. */
    void ping(String persona, int sport, int tag) {
        TestFrames.Request r = TestFrames.Request.to623(RmcpPacket.asf(AsfMessage.ping(tag).encode()).encode())
                .withPorts(sport, TestFrames.DUT);
        r = new TestFrames.Request(r.src(), TestFrames.ip(persona), r.sport(), r.dport(), r.id(), r.flags(), r.ttl(), r.tos(), r.options(),
                r.payload());
        segment.arrive(r.frame());
    }

    @Override
    public void close() throws InterruptedException {
        host.close();
        runner.join(5000);
    }
}
