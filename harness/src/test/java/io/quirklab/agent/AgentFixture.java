package io.quirklab.agent;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.testing.TestFrames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real agent (HTTP server, leases, responder, ARP guard) on an in-memory {@link Segment}, on 127.0.0.1. */
final class AgentFixture implements AutoCloseable {
    static final String TOKEN = "unit-test-token-0123456789";
    final Segment segment = new Segment();
    final AgentHost host;
    final Thread runner;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    AgentFixture() throws IOException {
        host = AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, null,
                ArpGuard.Timing.FAST, null, Duration.ofMinutes(5), 10_000, 8 << 20), segment.responderTap, segment.arpTap, segment, l -> { });
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
