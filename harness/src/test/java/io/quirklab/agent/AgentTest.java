package io.quirklab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's leases, ARP guard, scoping and refusals, over its real HTTP API on an in-memory segment. */
class AgentTest {
    static final ObjectMapper JSON = new ObjectMapper();
    AgentFixture agent;

    @BeforeEach
    void start() throws Exception {
        agent = new AgentFixture();
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    AgentControl run(String name, String base, String... personas) throws Exception {
        AgentControl c = agent.control();
        c.claim(name, "tester", name + "-host", 30);
        c.putPersonas(new AgentApi.PersonaSet(null, null, base, List.of(personas)));
        return c;
    }

    @Test
    void twoRunsEachSeeOnlyTheirOwnPersonasJournalAndPcap() throws Exception {
        AgentControl a = run("run-a", "198.18.7.10", "clean", "smdc-tyan");
        AgentControl b = run("run-b", "198.18.7.60", "clean");
        assertThat(a.personas().personas()).extracting(ControlReply.PersonaView::name).containsExactly("clean", "smdc-tyan");
        assertThat(b.personas().personas()).extracting(ControlReply.PersonaView::address).containsExactly("198.18.7.60");
        String cleanA = a.personas().personas().get(0).address();
        a.beginProbe("clean", "probe-a");
        b.beginProbe("clean", "probe-b");
        agent.ping(cleanA, 40001, 1);
        agent.ping("198.18.7.60", 40002, 2);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.journal(ControlRequest.Journal.ofProbe("probe-a", null)).repliesSent() == 1
                && b.journal(ControlRequest.Journal.ofProbe("probe-b", null)).repliesSent() == 1);
        a.endProbe("clean", "probe-a");
        b.endProbe("clean", "probe-b");
        ControlReply.JournalPage pa = a.journal(new ControlRequest.Journal(null, null, 0L, null, null));
        assertThat(pa.entries()).isNotEmpty().allSatisfy(l -> {
            assertThat(l.persona()).isEqualTo("clean");
            assertThat(l.peer()).isEqualTo("198.18.0.1:40001");
        });
        // one flow: by its peer address and port
        var flow = JSON.readTree(agent.raw("GET", "/journal?lease=" + a.lease() + "&since=0&peer=198.18.0.1:40001", null).body());
        assertThat(flow.get("entries")).hasSize(2);
        assertThat(flow.get("requests_seen").asInt()).isEqualTo(1);
        var none = JSON.readTree(agent.raw("GET", "/journal?lease=" + a.lease() + "&since=0&peer=198.18.0.1:40002", null).body());
        assertThat(none.get("entries")).as("b's flow is not a's").isEmpty();
        // b's probe id is not visible through a's lease, even asked for by name
        assertThat(a.journal(ControlRequest.Journal.ofProbe("probe-b", null)).entries()).isEmpty();
        Path pcap = Files.createTempFile("agent-a", ".pcap");
        ControlReply.JournalPage withPcap = a.journal(ControlRequest.Journal.ofProbe("probe-a", pcap.toString()));
        assertThat(withPcap.pcapError()).isNull();
        List<PcapFile.Record> frames = PcapFile.read(pcap);
        assertThat(frames).hasSize(2);
        for (PcapFile.Record f : frames) {
            ParsedFrame p = ParsedFrame.parse(f.data()).orElseThrow();
            assertThat(List.of(p.ipv4().get().src(), p.ipv4().get().dst())).contains(TestFrames.ip(cleanA));
        }
        Files.delete(pcap);
    }

    @Test
    void aClaimOnAnotherLiveRunsAddressIs409NamingTheHolderAndChangesNothing() throws Exception {
        AgentControl a = run("run-a", "198.18.7.10", "clean");
        AgentControl b = agent.control();
        b.claim("run-b", "someone", "dut-2", 30);
        assertThatThrownBy(() -> b.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.10", List.of("clean"))))
                .isInstanceOf(AgentControl.AgentRefusal.class)
                .hasMessageContaining("409").hasMessageContaining("198.18.7.10").hasMessageContaining("run run-a")
                .hasMessageContaining("holder tester on host run-a-host");
        assertThat(b.personas().personas()).isEmpty();
        assertThat(a.personas().personas()).hasSize(1);
    }

    @Test
    void anAddressSomethingElseAnswersArpForIs409WithItsMac() throws Exception {
        MacAddress other = MacAddress.parse("02:00:00:00:00:99");
        agent.segment.others.put(TestFrames.ip("198.18.7.11"), other);
        AgentControl a = agent.control();
        a.claim("run-a", "tester", "h", 30);
        assertThatThrownBy(() -> a.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.10", List.of("clean", "smdc-tyan"))))
                .hasMessageContaining("409").hasMessageContaining("198.18.7.11").hasMessageContaining("02:00:00:00:00:99");
        assertThat(a.personas().personas()).as("refused whole").isEmpty();
        // the probes went out from 0.0.0.0 (RFC 5227), and nothing was announced for the refused set
        List<ParsedFrame.Arp> arps = agent.segment.sent.stream().map(f -> ParsedFrame.parse(f).orElseThrow().arp()).flatMap(java.util.Optional::stream).toList();
        assertThat(arps).isNotEmpty().allSatisfy(x -> assertThat(x.senderIp().getHostAddress()).isEqualTo("0.0.0.0"));
        // a free address is probed, then announced, then defended
        agent.segment.sent.clear();
        a.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.20", List.of("clean")));
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> agent.segment.sent.stream()
                .map(f -> ParsedFrame.parse(f).orElseThrow().arp()).flatMap(java.util.Optional::stream)
                .filter(x -> x.senderIp().getHostAddress().equals("198.18.7.20")).count() >= 2);
        agent.segment.sent.clear();
        agent.segment.arrive(Segment.arpReply(other, TestFrames.ip("198.18.7.20"), MacAddress.BROADCAST, TestFrames.ip("198.18.7.20")));
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> agent.segment.sent.stream()
                .map(f -> ParsedFrame.parse(f).orElseThrow().arp()).flatMap(java.util.Optional::stream)
                .anyMatch(x -> x.senderIp().getHostAddress().equals("198.18.7.20") && x.targetIp().getHostAddress().equals("198.18.7.20")));
        assertThat(agent.host.agent().arpConflicts()).isEqualTo(1);
    }

    @Test
    void anExpiredLeaseReleasesItsAddressesForTheNextRun() throws Exception {
        AgentControl a = agent.control();
        a.claim("run-a", "tester", "h", 2);
        a.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.10", List.of("clean")));
        AgentControl b = agent.control();
        b.claim("run-b", "tester", "h2", 30);
        Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> b.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.10", List.of("clean"))).personas().size() == 1);
        assertThatThrownBy(a::renew).hasMessageContaining("404").hasMessageContaining("no live lease");
    }

    @Test
    void refusedRequestsChangeNothingAndTheAgentKeepsServing() throws Exception {
        AgentControl a = run("run-a", "198.18.7.10", "clean");
        String lease = a.lease();
        HttpResponse<byte[]> noToken = agent.raw("GET", "/personas?lease=" + lease, null, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(agent.raw("GET", "/personas?lease=" + lease, null, AgentFixture.TOKEN + "x").statusCode()).isEqualTo(401);
        byte[] huge = new byte[4 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');
        HttpResponse<byte[]> tooBig = agent.raw("PUT", "/personas?lease=" + lease, huge, AgentFixture.TOKEN);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(new String(tooBig.body())).contains("over the limit of " + AgentServer.MAX_BODY);
        HttpResponse<byte[]> malformed = agent.raw("PUT", "/personas?lease=" + lease, "{\"catalogue\": [");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(new String(malformed.body())).contains("malformed JSON");
        String bad = "personas:\n  - name: broken\n    quirks: { ip-id: sideways }\n";
        HttpResponse<byte[]> invalid = agent.raw("PUT", "/personas?lease=" + lease, JSON.writeValueAsString(
                new AgentApi.PersonaSet(bad, "lab-personas.yaml", "198.18.7.10", null)));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).get("error").asText()).contains("lab-personas.yaml").contains("broken")
                .contains("ip-id").contains("sideways");
        assertThat(a.personas().personas()).extracting(ControlReply.PersonaView::name).containsExactly("clean");
        assertThat(a.health().status()).isEqualTo("serving");
        agent.ping("198.18.7.10", 40005, 5);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.status().replies() == 1);
    }

    @Test
    void aGeneratedTokenIsStoredOwnerOnlyAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub").resolve("agent.token");
        AgentToken t = AgentToken.resolve(null, null, file);
        assertThat(t.generated()).isTrue();
        assertThat(t.value()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        AgentToken again = AgentToken.resolve(file, null, null);
        assertThat(again.value()).isEqualTo(t.value());
        assertThat(again.generated()).isFalse();
        assertThat(AgentToken.resolve(null, "from-the-environment-123", file).value()).isEqualTo("from-the-environment-123");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> AgentToken.resolve(file, null, null)).hasMessageContaining("readable by others");
        assertThatThrownBy(() -> AgentToken.resolve(null, "short", file)).hasMessageContaining("at least 16");
    }
}
