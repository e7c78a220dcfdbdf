package io.quirklab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: the agent's control API faces a network. Slow peers (half a request and silence, a request or body a byte at
 * a time, many connections from one address) hold neither a thread nor anyone else's request; a token holder can take
 * neither every lease nor another machine's; persona addresses follow the local labs' rules. Peers are other loopback
 * addresses (127.0.x.y), which the agent tells apart as it would machines.
 */
class AgentHostilePeersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    AgentFixture agent;
    final List<Socket> sockets = new ArrayList<>();

    /**
     * The agent's deadlines shortened, kept in their proportions to a run's lease (renewed every 10 s, 30 s to live):
     * what is tested is that slow peers are cut off at the deadlines and never delay a renewal, not the agent's values
     * ({@link AgentServer.Deadlines#AGENT}, which the other agent tests run with).
     */
    static final AgentServer.Deadlines DEADLINES = new AgentServer.Deadlines(Duration.ofSeconds(6), Duration.ofSeconds(3),
            Duration.ofSeconds(2));

    @BeforeEach
    void start() throws Exception {
        agent = new AgentFixture(DEADLINES);
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        agent.close();
    }

    /** A connection from {@code local} that has sent {@code sent} and goes quiet. */
    Socket quiet(String local, String sent) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), agent.host.address().getPort()), 5000);
        s.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** Whether the agent closed the connection (end of stream or reset) within {@code wait}. */
    static boolean closedWithin(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            while (s.getInputStream().read() >= 0) {
                // an error answer before the close (408) is fine
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void twoHundredSlowConnectionsNeitherDelayARequestNorALeaseRenewalAndAreClosedAfterTheIdleTimeout() throws Exception {
        AgentControl run = agent.control();
        run.claim("run-slow", "tester", "h1", 30);
        long opened = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            quiet("127.0.1." + (1 + i / 10), "GET /heal"); // 20 machines, 10 connections each: half a request line, then nothing
        }
        Thread.sleep(300); // let the agent accept them all before the legitimate requests
        long t0 = System.nanoTime();
        assertThat(new AgentControl(agent.url(), AgentFixture.TOKEN, null).health().status()).isEqualTo("serving");
        long health = millisSince(t0);
        t0 = System.nanoTime();
        AgentApi.Lease renewed = run.renew();
        long renewal = millisSince(t0);
        System.out.printf("200 slow connections open: GET /health on a new connection %d ms, lease renewal %d ms%n", health, renewal);
        assertThat(health).isLessThan(1000);
        assertThat(renewal).isLessThan(1000);
        assertThat(renewed.expiresMillis()).isGreaterThan(System.currentTimeMillis() + 25_000);

        Socket silent = quiet("127.0.1.99", ""); // connects and sends nothing at all: the idle timeout's
        long silentSince = System.nanoTime();
        Duration bound = DEADLINES.request().plusSeconds(3);
        for (Socket s : sockets.subList(0, 200)) {
            assertThat(closedWithin(s, bound.minusMillis(millisSince(opened)))).as("closed by the agent within " + bound).isTrue();
        }
        long halfSent = millisSince(opened);
        assertThat(closedWithin(silent, DEADLINES.idle().plusSeconds(3))).as("a silent connection is closed too").isTrue();
        System.out.printf("all 200 half-sent requests closed by the agent %d ms after they went quiet (request deadline %d s); "
                + "a silent connection after %d ms (idle timeout %d s)%n", halfSent, DEADLINES.request().toSeconds(),
                millisSince(silentSince), DEADLINES.idle().toSeconds());
        assertThat(halfSent).isGreaterThanOrEqualTo(DEADLINES.request().toMillis() - 500);
        assertThat(millisSince(silentSince)).isGreaterThanOrEqualTo(DEADLINES.idle().toMillis() - 500);
        assertThat(run.renew().run()).isEqualTo("run-slow");
    }

    @Test
    void oneMachineGetsAtMostItsShareOfConnectionsAndOthersAreServed() throws Exception {
        List<Socket> mine = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            mine.add(quiet("127.0.2.1", ""));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> agent.host.refusedConnections()
                == 100 - AgentServer.MAX_CONNECTIONS_PER_PEER);
        int open = 0;
        for (Socket s : mine) {
            open += closedWithin(s, Duration.ofMillis(30)) ? 0 : 1;
        }
        System.out.printf("one machine opened 100 connections: %d kept, %d closed at once%n", open, 100 - open);
        assertThat(open).isEqualTo(AgentServer.MAX_CONNECTIONS_PER_PEER);
        long t0 = System.nanoTime();
        assertThat(agent.rawFrom("127.0.2.2", "GET", "/health", null, null).status()).isEqualTo(200);
        assertThat(millisSince(t0)).isLessThan(1000);
    }

    @Test
    void aRequestOrBodyDribbledAByteAtATimeIsCutOff() throws Exception {
        CompletableFuture<Long> line = CompletableFuture.supplyAsync(() -> dribble("127.0.3.1", "", "GET /health HTTP/1.1\r\nHost: x\r\n"
                + "X-Pad: " + "a".repeat(400)));
        CompletableFuture<Long> body = CompletableFuture.supplyAsync(() -> dribble("127.0.3.2", "PUT /personas?lease=x HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + AgentFixture.TOKEN + "\r\nContent-Length: 100000\r\n\r\n", "{".repeat(2000)));
        long lineMs = line.get();
        long bodyMs = body.get();
        System.out.printf("dribbled a byte every 200 ms: request line cut off after %d ms, body after %d ms%n", lineMs, bodyMs);
        long bound = 2 * DEADLINES.request().toMillis() + 2000;
        assertThat(lineMs).isLessThan(bound);
        assertThat(bodyMs).isLessThan(bound);
        assertThat(agent.rawFrom("127.0.3.3", "GET", "/health", null, null).status()).isEqualTo(200);
    }

    /**
     * A request the agent answers without reading its body (no token: 401; a declared length over the drain limit: 413)
     * leaves the body unread on the connection, so the connection cannot carry another request: the answer must say
     * {@code Connection: close}, or a client that pools connections sends its next request into a closing socket (a
     * POST then fails with a broken pipe: the conformance test once did, after its 401 provoker).
     */
    @Test
    void anAnswerGivenWithoutReadingTheBodySaysTheConnectionCloses() throws Exception {
        for (String[] c : new String[][] {{"401", "POST /leases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n"},
            {"413", "PUT /personas?lease=x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + AgentFixture.TOKEN + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (AgentServer.DRAIN_LIMIT + 1) + "\r\n\r\n"}}) {
            Socket s = quiet("127.0.3.4", c[1]); // the body never follows
            s.setSoTimeout(5000);
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = s.getInputStream().read();
                assertThat(b).as(c[0] + ": the answer's head, then the body").isNotNegative();
                head.append((char) b);
            }
            assertThat(head).as(c[0]).startsWith("HTTP/1.1 " + c[0] + " ").containsIgnoringCase("\r\nConnection: close\r\n");
            assertThat(closedWithin(s, Duration.ofSeconds(2))).as(c[0] + ": closed").isTrue();
        }
    }

    /**
     * Sends {@code head} at once and {@code text} a byte every 200 ms, far under the idle timeout; returns when the agent
     * cut it off (ms), or fails.
     */
    private Long dribble(String local, String head, String text) {
        try {
            Socket s = quiet(local, head);
            long t0 = System.nanoTime();
            OutputStream out = s.getOutputStream();
            for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                try {
                    out.write(b);
                    out.flush();
                } catch (IOException writeIntoClosed) {
                    return millisSince(t0);
                }
                if (s.getInputStream().available() > 0 || closedWithin(s, Duration.ofMillis(200))) {
                    return millisSince(t0);
                }
                if (millisSince(t0) > 60_000) {
                    break;
                }
            }
            throw new AssertionError(local + ": still open after " + millisSince(t0) + " ms");
        } catch (IOException e) {
            throw new AssertionError(local + ": " + e, e);
        }
    }

    @Test
    void oneMachineCannotStarveAnotherOfLeasesNorUseOrSeeItsLeases() throws Exception {
        String greedy = "127.0.4.1";
        for (int i = 0; i < Agent.MAX_LEASES_PER_PEER; i++) {
            AgentFixture.RawAnswer r = agent.rawFrom(greedy, "POST", "/leases", "{\"run\":\"grab" + i + "\",\"holder\":\"greedy\","
                    + "\"host\":\"g\",\"ttl_seconds\":3600}", AgentFixture.TOKEN);
            assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        }
        AgentFixture.RawAnswer more = agent.rawFrom(greedy, "POST", "/leases", "{\"run\":\"one-more\",\"holder\":\"greedy\",\"host\":\"g\"}",
                AgentFixture.TOKEN);
        assertThat(more.status()).isEqualTo(409);
        assertThat(JSON.readTree(more.body()).get("error").asText()).contains("127.0.4.1 holds 8 leases already");

        AgentControl run = agent.control(); // 127.0.0.1: another machine
        AgentApi.Lease mine = run.claim("run-legit", "tester", "h1", 30);
        assertThat(mine.id()).isNotBlank();
        assertThat(run.leases()).filteredOn(l -> l.run().equals("grab0")).singleElement()
                .satisfies(l -> assertThat(l.id()).as("another machine's lease id is not shown").isNull());
        JsonNode seen = JSON.readTree(agent.rawFrom(greedy, "GET", "/leases", null, AgentFixture.TOKEN).body());
        assertThat(seen.get("leases").findValues("run")).extracting(JsonNode::asText).contains("run-legit", "grab0");
        assertThat(seen.toString()).doesNotContain(mine.id());
        for (String[] call : new String[][] {{"DELETE", "/leases/" + mine.id()}, {"PUT", "/leases/" + mine.id()},
            {"GET", "/journal?lease=" + mine.id()}, {"GET", "/personas?lease=" + mine.id()}}) {
            AgentFixture.RawAnswer r = agent.rawFrom(greedy, call[0], call[1], null, AgentFixture.TOKEN);
            assertThat(r.status()).as(call[0] + " " + call[1]).isEqualTo(403);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("belongs to run run-legit").doesNotContain(mine.id());
        }
        assertThat(run.renew().id()).isEqualTo(mine.id());
    }

    @Test
    void controlCharactersInALeaseAreRefusedAndTheLogShowsNone() throws Exception {
        AgentFixture.RawAnswer r = agent.rawFrom("127.0.5.1", "POST", "/leases",
                "{\"run\":\"evil\\u001b[2J\\nlease 1234 released\",\"holder\":\"h\",\"host\":\"x\"}", AgentFixture.TOKEN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("field 'run': contains control characters")
                .doesNotContain("\u001b").doesNotContain("\n");
        AgentFixture.RawAnswer bidi = agent.rawFrom("127.0.5.1", "POST", "/leases", "{\"run\":\"r\",\"holder\":\"h\",\"host\":"
                + "\"h\\u202elive\"}", AgentFixture.TOKEN); // a right-to-left override: shows "evil" as "live"
        assertThat(bidi.status()).isEqualTo(400);
        agent.control().claim("fine \u00e9t\u00e9", "tester", "h1", 30);
        assertThat(agent.log).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContainPattern("[\\x00-\\x1f\\x7f\\u202e]"));
    }

    @Test
    void personaAddressesFollowTheLocalLabsRules() throws Exception {
        AgentControl run = agent.control();
        run.claim("run-addr", "tester", "h1", 30);
        for (String[] c : new String[][] {{"198.18.7.255", "is the broadcast address of the agent's segment's subnet 198.18.7.0/24"},
            {"198.18.7.0", "is the network address"}, {"198.18.8.20", "is outside the agent's segment's subnet 198.18.7.0/24"}}) {
            String catalogue = "personas:\n  - name: odd\n    address: " + c[0] + "\n";
            assertThatThrownBy(() -> run.putPersonas(new AgentApi.PersonaSet(catalogue, "odd.yaml", "198.18.7.10", null)))
                    .hasMessageContaining("agent 400").hasMessageContaining("odd.yaml").hasMessageContaining(c[1]);
        }
        // the machine under test talking to the agent from the personas' /24: its own address is no persona's
        InetAddress dut = InetAddress.getByName("198.18.7.1");
        Agent a = agent.host.agent();
        AgentApi.Lease l = a.claim(new AgentApi.LeaseRequest("run-dut", "tester", "dut", 30), dut);
        assertThatThrownBy(() -> a.putPersonas(l.id(), new AgentApi.PersonaSet("personas:\n  - name: me\n    address: 198.18.7.1\n", "me.yaml",
                "198.18.7.10", null), dut)).isInstanceOf(AgentException.class).hasMessageContaining("is the DUT's own address");
        assertThat(run.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.10", List.of("clean"))).personas()).hasSize(1);
    }
}
