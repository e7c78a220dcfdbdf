package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.agent.AgentApi;
import io.quirklab.agent.AgentControl;
import io.quirklab.lab.IngressFault;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.process.CommandRunner;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The remote responder agent for real: {@code quirklab agent} in network namespace {@value #AGENT_NS} (the responder
 * host) on a bridge with its control address, two machines under test on that segment - this host's root namespace
 * ({@value #DUT1}) and namespace {@value #DUT2_NS} ({@value #DUT2}) - each running {@code quirklab run --lab} with
 * its own persona set at the same time. The seed is reproduced through the agent with the df-clear fault model and
 * the verdicts equal the virtual lab's for the same cells; the agent refuses requests without the token, oversized
 * bodies (and keeps serving) and addresses that already answer ARP. This test's scaffolding (namespaces, links) is
 * removed in {@link #unplug}; what the product makes (the fault tables) is journaled by it and must be gone after.
 */
@DisplayName("remote responder agent shared by two machines under test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(60)
class AgentIT {
    static final String AGENT_NS = "qlab-agent";
    static final String DUT2_NS = "qlab-dut2";
    static final String BRIDGE = "qlab-agbr";
    static final String DUT1 = "qlab-ag1";
    static final String DUT2 = "qlab-ag2";
    static final String CONTROL = "198.18.7.2";
    static final int PORT = 8623;
    static final String URL = "http://" + CONTROL + ":" + PORT;
    /** An address DUT 2's own stack holds, so it answers ARP for it. */
    static final String TAKEN = "198.18.7.99";
    static final CommandRunner RUN = new CommandRunner();
    static final Duration T = Duration.ofSeconds(10);
    static Path work;
    static Path tokenFile;
    static String token;
    static Process agent;

    @BeforeAll
    static void cable() throws Exception {
        LabFixture.requireMatrixPrerequisites();
        Tools.require("ipmitool", "ipmitool");
        work = Scratch.dir("quirklab-agent-it");
        for (String ns : List.of(AGENT_NS, DUT2_NS)) {
            assertThat(Path.of("/run/netns", ns)).as("left over by someone else: " + ns).doesNotExist();
        }
        // The responder host: a namespace with a bridge (its management address on it) that the DUTs' links join.
        RUN.require(T, List.of("ip", "netns", "add", AGENT_NS));
        RUN.require(T, List.of("ip", "netns", "add", DUT2_NS));
        ns(AGENT_NS, "ip", "link", "add", BRIDGE, "type", "bridge", "stp_state", "0", "forward_delay", "0");
        ns(AGENT_NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        ns(DUT2_NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        // DUT 1: this host's root namespace
        RUN.require(T, List.of("ip", "link", "add", DUT1, "type", "veth", "peer", "name", DUT1 + "p", "netns", AGENT_NS));
        RUN.require(T, List.of("sysctl", "-qw", "net.ipv6.conf." + DUT1 + ".disable_ipv6=1"));
        RUN.require(T, List.of("ip", "addr", "add", "198.18.7.1/24", "dev", DUT1));
        // rx off: the stack checks every UDP checksum in software (as on the virtual lab's DUT end); tx off: final request checksums
        RUN.require(T, List.of("ethtool", "-K", DUT1, "rx", "off", "tx", "off"));
        RUN.require(T, List.of("ip", "link", "set", DUT1, "up"));
        // DUT 2: another namespace of this host, its own link on the agent's segment
        RUN.require(T, List.of("ip", "link", "add", DUT2, "netns", DUT2_NS, "type", "veth", "peer", "name", DUT2 + "p", "netns", AGENT_NS));
        ns(DUT2_NS, "ip", "addr", "add", "198.18.7.3/24", "dev", DUT2);
        ns(DUT2_NS, "ip", "addr", "add", TAKEN + "/24", "dev", DUT2);
        ns(DUT2_NS, "ethtool", "-K", DUT2, "rx", "off", "tx", "off");
        ns(DUT2_NS, "ip", "link", "set", DUT2, "up");
        ns(DUT2_NS, "ip", "link", "set", "lo", "up");
        for (String port : List.of(DUT1 + "p", DUT2 + "p")) {
            ns(AGENT_NS, "ip", "link", "set", port, "master", BRIDGE);
            ns(AGENT_NS, "ip", "link", "set", port, "up");
        }
        ns(AGENT_NS, "ip", "addr", "add", CONTROL + "/24", "dev", BRIDGE);
        ns(AGENT_NS, "ip", "link", "set", BRIDGE, "up");
        ns(AGENT_NS, "ip", "link", "set", "lo", "up");
        // the token, owner-only, as an operator would make it
        token = "it-" + java.util.UUID.randomUUID();
        tokenFile = work.resolve("agent.token");
        Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, token + "\n");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", AGENT_NS));
        cmd.addAll(LabFixture.cliProcess("agent", "--iface", BRIDGE, "--control", CONTROL + ":" + PORT, "--token-file",
                tokenFile.toString(), "--arp-timing", "fast", "--max-hours", "1"));
        agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        AgentControl probe = new AgentControl(URI.create(URL), token, null);
        await("the agent answering").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreException(java.io.IOException.class)
                .failFast("the agent exited", () -> !agent.isAlive()).until(() -> probe.health() != null);
    }

    static void ns(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        RUN.require(T, c);
    }

    @AfterAll
    static void unplug() throws Exception {
        try {
            if (agent != null && agent.isAlive()) {
                try {
                    new AgentControl(URI.create(URL), token, null).shutdownAgent();
                } catch (java.io.IOException ignored) {
                    // killed below
                }
                if (!agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor();
                }
            }
        } finally {
            RUN.run(T, List.of("ip", "link", "del", DUT1));
            RUN.run(T, List.of("ip", "netns", "del", DUT2_NS));
            RUN.run(T, List.of("ip", "netns", "del", AGENT_NS));
            if (work != null) {
                try (Stream<Path> all = Files.walk(work)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    static Path labFile(String name, String dut, String base, String personas, String clients, String tokenLine) throws Exception {
        return Files.writeString(work.resolve(name), """
                kind: agent
                dut-interface: %s
                responder:
                  url: %s
                  %s
                persona-base: %s
                persona-names: [%s]
                clients: [%s]
                offload: ["off", "on"]
                fault-model:
                  name: df-clear
                """.formatted(dut, URL, tokenLine, base, personas, clients));
    }

    static MatrixDocument matrix(Path reports) throws Exception {
        try (Stream<Path> dirs = Files.list(reports.resolve("runs"))) {
            return MatrixDocument.read(dirs.findFirst().orElseThrow().resolve("matrix.json"));
        }
    }

    /** persona/client/offload -> verdict (reason). */
    static Map<String, String> verdicts(MatrixDocument doc) {
        return doc.cells().stream().collect(Collectors.toMap(c -> c.persona() + "/" + c.client() + "/" + c.offload(),
                c -> c.verdict() + (c.reason() == null ? "" : " (" + c.reason() + ")")));
    }

    /** Every frame of every responder.pcap under the run: each to or from {@code dut}, never another machine. */
    static int assertResponderPcapsOnlyOf(Path reports, String dut) throws Exception {
        List<Path> pcaps;
        try (Stream<Path> s = Files.walk(reports)) {
            pcaps = s.filter(p -> p.getFileName().toString().equals("responder.pcap")).toList();
        }
        assertThat(pcaps).isNotEmpty();
        int frames = 0;
        for (Path p : pcaps) {
            List<PcapFile.Record> records = PcapFile.read(p);
            assertThat(records).as(p + " has the exchange").isNotEmpty();
            for (PcapFile.Record r : records) {
                ParsedFrame f = ParsedFrame.parse(r.data()).orElseThrow();
                String peer = f.ipv4().map(ip -> ip.src().getHostAddress() + " " + ip.dst().getHostAddress())
                        .orElseGet(() -> f.arp().map(a -> a.senderIp().getHostAddress() + " " + a.targetIp().getHostAddress()).orElse(""));
                assertThat(List.of(peer.split(" "))).as(p + ": a frame of this run's DUT only").contains(dut);
                frames++;
            }
        }
        return frames;
    }

    static Map<String, String> virtualVerdicts;

    /** The verdicts of the same cells (clean, smdc-tyan x java-lan, ipmitool-lan x off, on; df-clear) on the virtual lab. */
    static synchronized Map<String, String> virtualVerdicts() throws Exception {
        if (virtualVerdicts == null) {
            Path reportsVirtual = work.resolve("reports-virtual");
            LabFixture.Cli virtual = LabFixture.cli("run", "--personas", "clean,smdc-tyan", "--clients", "java-lan,ipmitool-lan", "--offload",
                    "off,on", "--fault", "df-clear", "--reports", reportsVirtual.toString(), "--state-dir", work.resolve("virtual-state").toString());
            assertThat(virtual.exit()).as(virtual.out() + virtual.err()).isZero();
            Map<String, String> v = verdicts(matrix(reportsVirtual));
            assertThat(v).containsEntry("smdc-tyan/java-lan/on", "DROPPED_IN_STACK (UDP_CSUM)").containsEntry("clean/java-lan/on", "DELIVERED");
            virtualVerdicts = v;
        }
        return virtualVerdicts;
    }

    @Test
    @Order(1)
    void requestsWithoutTheTokenAre401AndOversizedBodies413WhileTheAgentKeepsServing() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(URL + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"version\"").contains("uptime_seconds");
        for (String auth : new String[] {null, "Bearer wrong-" + token, "Basic " + token}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(URL + "/leases"));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            assertThat(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(String.valueOf(auth)).isEqualTo(401);
        }
        byte[] huge = new byte[2 << 20];
        java.util.Arrays.fill(huge, (byte) '{');
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(URL + "/leases")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        AgentControl c = new AgentControl(URI.create(URL), token, null);
        assertThat(c.health().status()).isEqualTo("serving");
        c.claim("it-still-serving", "AgentIT", "root-ns", 10);
        assertThat(c.personas().personas()).isEmpty();
        c.release();
    }

    @Test
    @Order(2)
    void anAddressThatAlreadyAnswersArpOnTheSegmentIsRefusedWithItsMac() throws Exception {
        String mac = RUN.require(T, List.of("ip", "netns", "exec", DUT2_NS, "cat", "/sys/class/net/" + DUT2 + "/address")).stdout().strip();
        AgentControl c = new AgentControl(URI.create(URL), token, null);
        c.claim("it-arp", "AgentIT", "root-ns", 10);
        try {
            assertThatThrownBy(() -> c.putPersonas(new AgentApi.PersonaSet(null, null, TAKEN, List.of("clean"))))
                    .isInstanceOf(AgentControl.AgentRefusal.class)
                    .satisfies(e -> assertThat(((AgentControl.AgentRefusal) e).status()).isEqualTo(409))
                    .hasMessageContaining(TAKEN).hasMessageContaining("already answers ARP").hasMessageContaining(mac);
            assertThat(c.personas().personas()).isEmpty();
            // the agent's own management address is refused too
            assertThatThrownBy(() -> c.putPersonas(new AgentApi.PersonaSet(null, null, CONTROL, List.of("clean"))))
                    .hasMessageContaining("409").hasMessageContaining("agent host itself");
        } finally {
            c.release();
        }
    }

    @Test
    @Order(3)
    void twoMachinesUnderTestRunTheirMatricesAtOnceWithTheVirtualLabsVerdicts() throws Exception {
        Path lab1 = labFile("dut1.yaml", DUT1, "198.18.7.10", "clean, smdc-tyan", "java-lan, ipmitool-lan",
                "token-file: " + tokenFile);
        Path lab2 = labFile("dut2.yaml", DUT2, "198.18.7.60", "clean, smdc-tyan", "java-lan", "token-env: QLAB_IT_AGENT_TOKEN");
        Path reports1 = work.resolve("reports-dut1");
        Path reports2 = work.resolve("reports-dut2");
        // DUT 2 in its namespace, a process of its own, its token from the environment
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", DUT2_NS));
        cmd.addAll(LabFixture.cliProcess("run", "--lab", lab2.toString(), "--reports", reports2.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("dut2.log").toFile());
        pb.environment().put("QLAB_IT_AGENT_TOKEN", token);
        Process dut2 = pb.start();
        LabFixture.Cli run1;
        try {
            run1 = LabFixture.cli("run", "--lab", lab1.toString(), "--reports", reports1.toString());
        } finally {
            assertThat(dut2.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("DUT 2's run ends").isTrue();
        }
        String log2 = Files.readString(work.resolve("dut2.log"));
        assertThat(run1.exit()).as(run1.out() + run1.err()).isZero();
        assertThat(dut2.exitValue()).as(log2).isZero();
        assertThat(run1.out()).contains("emulated faulty offload 'df-clear' on " + DUT1).contains("agent at " + URL);
        MatrixDocument doc1 = matrix(reports1);
        MatrixDocument doc2 = matrix(reports2);
        assertThat(doc1.run().lab().kind()).isEqualTo("agent");
        assertThat(doc1.cells()).hasSize(8);
        assertThat(doc2.cells()).hasSize(4);

        // the same cells on the virtual lab
        Map<String, String> expected = virtualVerdicts();
        assertThat(verdicts(doc1)).as("DUT 1 through the agent = the virtual lab").isEqualTo(expected);
        Map<String, String> expected2 = expected.entrySet().stream().filter(e -> e.getKey().contains("/java-lan/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(verdicts(doc2)).as("DUT 2 through the agent = the virtual lab").isEqualTo(expected2);

        // evidence unmixed: each run's responder pcaps hold its own DUT's frames only, with the personas' own addresses
        assertThat(assertResponderPcapsOnlyOf(reports1, "198.18.7.1")).isPositive();
        assertThat(assertResponderPcapsOnlyOf(reports2, "198.18.7.3")).isPositive();
        for (MatrixDocument.Cell c : doc1.cells()) {
            assertThat(c.evidence().requestsSeen()).as(c.key() + " requests seen by the agent").isPositive();
        }
        // the leases are released and the product's fault tables gone
        AgentControl admin = new AgentControl(URI.create(URL), token, null);
        admin.claim("it-check", "AgentIT", "root-ns", 10);
        assertThat(admin.personas().personas()).isEmpty();
        admin.release();
        assertThat(RUN.run(T, List.of("nft", "list", "tables")).stdout()).doesNotContain(IngressFault.tableFor(DUT1));
        assertThat(RUN.run(T, List.of("ip", "netns", "exec", DUT2_NS, "nft", "list", "tables")).stdout())
                .doesNotContain(IngressFault.tableFor(DUT2));
        assertThat(Path.of("/run/quirklab/agent-runs")).doesNotExist();
    }

    /**
     * The scenario suite itself (DeliveryMatrixIT and its MatrixSession), not only the CLI, through the agent: run in a
     * launcher session of its own with this lab file, as {@code mvn verify -Dquirklab.lab=FILE} runs it on a lab machine.
     */
    @Test
    @Order(4)
    void theMatrixSuiteRunsThroughTheAgentWithTheVirtualLabsVerdicts() throws Exception {
        Path lab = Files.writeString(work.resolve("suite.yaml"), Files.readString(labFile("suite-base.yaml", DUT1, "198.18.7.10",
                "clean, smdc-tyan", "java-lan, ipmitool-lan", "token-file: " + tokenFile)) + """
                known-issues:
                  - persona: smdc-tyan
                    offload: "on"
                    verdict: DROPPED_IN_STACK
                    reason: UDP_CSUM
                    why: "the emulated df-clear offload fault: the seed, through the remote responder"
                """);
        Path reports = work.resolve("reports-suite");
        var request = org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(DeliveryMatrixIT.class))
                .configurationParameter("quirklab.lab", lab.toString())
                .configurationParameter("quirklab.reports", reports.toString())
                .configurationParameter("quirklab.allure-results", work.resolve("allure-suite").toString())
                // the built-in matrix's baseline and selections are not this lab's
                .configurationParameter("quirklab.baseline", "")
                .configurationParameter("quirklab.node", "")
                .configurationParameter("quirklab.personas", "")
                .configurationParameter("quirklab.clients", "")
                .configurationParameter("quirklab.offload", "")
                .configurationParameter("quirklab.jobs", "")
                .build();
        var listener = new org.junit.platform.launcher.listeners.SummaryGeneratingListener();
        try (var session = org.junit.platform.launcher.core.LauncherFactory.openSession()) {
            session.getLauncher().execute(request, listener);
        }
        var summary = listener.getSummary();
        java.io.StringWriter failures = new java.io.StringWriter();
        summary.printFailuresTo(new java.io.PrintWriter(failures), 20);
        assertThat(summary.getTotalFailureCount()).as(failures.toString()).isZero();
        // 8 cells and "the run as a whole"
        assertThat(summary.getTestsSucceededCount()).as(failures.toString()).isEqualTo(9);
        MatrixDocument doc = matrix(reports);
        assertThat(doc.run().lab().kind()).isEqualTo("agent");
        assertThat(verdicts(doc)).as("the suite through the agent = the virtual lab").isEqualTo(virtualVerdicts());
        assertThat(assertResponderPcapsOnlyOf(reports, "198.18.7.1")).isPositive();
        assertThat(RUN.run(T, List.of("nft", "list", "tables")).stdout()).doesNotContain(IngressFault.tableFor(DUT1));
    }

    /** A run that stops renewing (killed) loses its lease: its addresses stop answering and are free for the next run. */
    @Test
    @Order(5)
    void anExpiredLeaseReleasesItsAddressesForTheNextRun() throws Exception {
        String address = "198.18.7.120";
        AgentControl dead = new AgentControl(URI.create(URL), token, null);
        AgentApi.Lease lease = dead.claim("it-expiry", "AgentIT", "root-ns", 2);
        dead.putPersonas(new AgentApi.PersonaSet(null, null, address, List.of("clean")));
        assertThat(answersIpmi(address)).as(address + " answers while the lease lives").isTrue();
        // another run is refused the address while the lease lives, naming the holder
        AgentControl next = new AgentControl(URI.create(URL), token, null);
        next.claim("it-next", "AgentIT", "root-ns", 10);
        try {
            assertThatThrownBy(() -> next.putPersonas(new AgentApi.PersonaSet(null, null, address, List.of("clean"))))
                    .hasMessageContaining("409").hasMessageContaining("it-expiry");
            // no renewal: the TTL (2 s) passes and the agent's expiry (every 0.5 s) drops the lease
            await("the lease to expire").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> next.leases().stream().noneMatch(l -> l.id().equals(lease.id())));
            assertThat(next.leases()).extracting(AgentApi.Lease::id).doesNotContain(lease.id());
            assertThat(answersIpmi(address)).as(address + " is released").isFalse();
            assertThatThrownBy(dead::renew).hasMessageContaining("404").hasMessageContaining("expired or released");
            // and the next run gets it
            assertThat(next.putPersonas(new AgentApi.PersonaSet(null, null, address, List.of("clean"))).personas()).hasSize(1);
            assertThat(answersIpmi(address)).as(address + " answers for the next run").isTrue();
        } finally {
            next.release();
        }
    }

    /**
     * The agent forgets a live run's lease (restarted, or the run could not renew it in time): the run claims it again,
     * puts its personas back and finishes; a cell that was under way is a harness error, never a verdict drawn from a
     * journal that lost its exchanges, and every other cell has the virtual lab's verdict.
     */
    @Test
    @Order(6)
    void aRunWhoseLeaseTheAgentForgotClaimsItAgainAndFinishes() throws Exception {
        Path lab = Files.writeString(work.resolve("lost.yaml"), Files.readString(labFile("lost-base.yaml", DUT1, "198.18.7.10",
                "clean, smdc-tyan", "java-lan, ipmitool-lan", "token-file: " + tokenFile)) + "repeat: 3\n");
        Path reports = work.resolve("reports-lost");
        Process run = new ProcessBuilder(LabFixture.cliProcess("run", "--lab", lab.toString(), "--reports", reports.toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("lost.log").toFile()).start();
        AgentControl admin = new AgentControl(URI.create(URL), token, null);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // the run's lease once it serves personas
        AgentApi.Lease served = await("the run's lease serving its personas").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .failFast("the run ended first: " + work.resolve("lost.log"), () -> !run.isAlive())
                .until(() -> admin.leases().stream().filter(l -> l.addresses() != null && !l.addresses().isEmpty()
                        && l.holder().contains("quirklab pid " + run.pid())).findFirst(), java.util.Optional::isPresent).orElseThrow();
        // what an agent restart does to it: the lease is gone, the run does not know
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(URL + "/leases/" + served.id()))
                .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        String forgotten = served.id();
        assertThat(forgotten).as("the run's lease, seen on the agent: " + Files.readString(work.resolve("lost.log"))).isNotNull();
        assertThat(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("the run ends").isTrue();
        String log = Files.readString(work.resolve("lost.log"));
        assertThat(log).contains("the agent no longer knew this run's lease").contains("put the run's personas back");
        MatrixDocument doc = matrix(reports);
        assertThat(doc.cells()).hasSize(8);
        Map<String, String> expected = virtualVerdicts();
        int judged = 0;
        for (MatrixDocument.Cell c : doc.cells()) {
            String key = c.persona() + "/" + c.client() + "/" + c.offload();
            if (c.verdict() == io.quirklab.matrix.Verdict.HARNESS_ERROR) {
                assertThat(c.explanation()).as(key).contains("lost this run's lease");
            } else {
                assertThat(c.verdict() + (c.reason() == null ? "" : " (" + c.reason() + ")")).as(key).isEqualTo(expected.get(key));
                judged++;
            }
        }
        assertThat(judged).as("cells judged after the lease came back: " + log).isGreaterThanOrEqualTo(6);
        assertThat(run.exitValue()).as(log).isEqualTo(judged == 8 ? 0 : 1);
        assertThat(admin.leases()).extracting(AgentApi.Lease::holder).noneMatch(h -> h.contains("quirklab pid " + run.pid()));
    }

    /** One bounded IPMI exchange (Java client, Get Device ID) from the root namespace through DUT 1's link. */
    static boolean answersIpmi(String address) {
        return io.quirklab.client.ClientKind.parse("java-lan").client(Map.of(), RUN, Duration.ofMillis(500))
                .deviceId(address, 623, io.quirklab.bmc.BmcConfig.DEFAULT_USER, io.quirklab.bmc.BmcConfig.DEFAULT_PASSWORD).ok();
    }
}
