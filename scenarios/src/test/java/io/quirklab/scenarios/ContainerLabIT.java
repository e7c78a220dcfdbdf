package io.quirklab.scenarios;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The seed through a containerised responder: a lab file with {@code responder: {kind: container}} makes the run start
 * the agent in the responder image itself (host networking, NET_RAW/NET_ADMIN, a wait strategy), run the matrix through
 * it and remove it. A veth pair made by this test is the cable between the DUT port and the responder host's port.
 */
@DisplayName("container lab: the agent started by the run in the responder image")
@Order(80)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ContainerLabIT {
    static final String DUT = "qlab-cdut";
    static final String RESP = "qlab-cresp";
    static final CommandRunner RUN = new CommandRunner();

    /** The responder image (built, or reused while its inputs are unchanged); skips with a sentence without a Docker engine. */
    static String image() {
        LabFixture.requireMatrixPrerequisites();
        Tools.require("docker", "docker.io");
        Tools.require("debootstrap", "debootstrap");
        CommandRunner.Result engine = RUN.run(Duration.ofSeconds(20), List.of("docker", "version", "--format", "{{.Server.APIVersion}}"));
        Require.capability(Require.TOOLS, engine.ok(), "no Docker engine answers at " + System.getenv().getOrDefault("DOCKER_HOST",
                "the local socket") + ": start one with docker/dockerd.sh start and export the DOCKER_HOST it prints");
        Require.capability(Require.TOOLS, "true".equals(System.getenv("TESTCONTAINERS_RYUK_DISABLED")),
                "Test requires TESTCONTAINERS_RYUK_DISABLED=true (Ryuk cannot be pulled here)");
        CommandRunner.Result build = RUN.run(Duration.ofMinutes(8), List.of(MatrixSession.rootDir().resolve("docker/build-image.sh").toString()));
        assertThat(build.exitCode()).as("%s: %s", build.commandLine(), build.stderr()).isZero();
        return build.stdout().strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    /** The cable: a veth pair, the DUT end with its address, the responder host's end up without one. */
    static void cable() {
        RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "add", DUT, "type", "veth", "peer", "name", RESP));
        for (String i : List.of(DUT, RESP)) {
            RUN.require(Duration.ofSeconds(10), List.of("sysctl", "-qw", "net.ipv6.conf." + i + ".disable_ipv6=1"));
        }
        RUN.require(Duration.ofSeconds(10), List.of("ip", "addr", "add", "198.18.8.1/24", "dev", DUT));
        RUN.require(Duration.ofSeconds(10), List.of("ethtool", "-K", DUT, "rx", "off", "tx", "off"));
        RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "set", DUT, "up"));
        RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "set", RESP, "up"));
    }

    static Path labFile(Path work, String image, String personaNames) throws java.io.IOException {
        return Files.writeString(work.resolve("container.yaml"), """
                kind: container
                dut-interface: qlab-cdut
                responder:
                  kind: container
                  interface: qlab-cresp
                  control: 127.0.0.1:18623
                  arp-timing: fast
                  image: %s
                persona-base: 198.18.8.10
                %s
                clients: [java-lan]
                offload: ["off", "on"]
                fault-model:
                  name: df-clear
                """.formatted(image, personaNames));
    }

    /** Nothing of a run's is left: no container of ours, no fault table, no token, no journal. */
    static void assertNothingLeft() {
        String containers = RUN.run(Duration.ofSeconds(20), List.of("docker", "ps", "-a", "--format", "{{.Names}}")).stdout();
        assertThat(containers).doesNotContain("quirklab-agent-");
        assertThat(RUN.run(Duration.ofSeconds(10), List.of("nft", "list", "tables")).stdout()).doesNotContain("qlab");
        assertThat(Path.of("/run/quirklab/container/agent.token")).doesNotExist();
        assertThat(Path.of("/run/quirklab/container/restore-journal.jsonl")).doesNotExist();
    }

    @Test
    @Order(1)
    void theSeedIsReproducedThroughAContainerisedResponderAndNothingIsLeft() throws Exception {
        String image = image();
        Path work = Scratch.dir("quirklab-container-lab");
        try {
            cable();
            Path lab = labFile(work, image, "persona-names: [clean, smdc-tyan]");
            Path reports = work.resolve("reports");
            LabFixture.Cli run = LabFixture.cli("run", "--lab", lab.toString(), "--reports", reports.toString());
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            Path matrix;
            try (Stream<Path> dirs = Files.list(reports.resolve("runs"))) {
                matrix = dirs.filter(d -> Files.exists(d.resolve("matrix.json"))).findFirst().orElseThrow().resolve("matrix.json");
            }
            MatrixDocument doc = MatrixDocument.read(matrix);
            assertThat(doc.run().lab().kind()).isEqualTo("container");
            // the seed: the SMDC's replies are dropped with the emulated faulty offload on, delivered with it off
            MatrixDocument.Cell seed = doc.cell("smdc-tyan", "java-lan", OffloadState.ON).orElseThrow();
            assertThat(seed.verdict()).as(seed.explanation()).isEqualTo(Verdict.DROPPED_IN_STACK);
            assertThat(seed.reason()).hasToString("UDP_CSUM");
            assertThat(doc.cell("smdc-tyan", "java-lan", OffloadState.OFF).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(doc.cell("clean", "java-lan", OffloadState.ON).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
            assertThat(run.out()).contains("starting the agent in " + image);
        } finally {
            RUN.run(Duration.ofSeconds(10), List.of("ip", "link", "del", DUT));
            delete(work);
        }
        assertNothingLeft();
    }

    /** kill -9 of the run while its container serves: the journal names the container, and quirklab restore removes it. */
    @Test
    @Order(2)
    void aRunKilledWhileItsContainerServesLeavesNothingAfterRestore() throws Exception {
        String image = image();
        Path work = Scratch.dir("quirklab-container-kill");
        try {
            cable();
            // every persona with the fault on: the run is still busy when it is killed
            Path lab = labFile(work, image, "");
            Process run = new ProcessBuilder(LabFixture.cliProcess("run", "--lab", lab.toString(), "--reports", work.resolve("reports").toString()))
                    .redirectErrorStream(true).redirectOutput(work.resolve("run.log").toFile()).start();
            boolean serving = await("the run's container serving").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !run.isAlive() || Files.readString(work.resolve("run.log")).contains("evidence: "), done -> done)
                    && Files.readString(work.resolve("run.log")).contains("evidence: ");
            assertThat(serving).as("the run got its container serving: " + Files.readString(work.resolve("run.log"))).isTrue();
            assertThat(run.isAlive()).as("the run is still going when killed").isTrue();
            run.destroyForcibly().waitFor();
            assertThat(RUN.run(Duration.ofSeconds(20), List.of("docker", "ps", "-a", "--format", "{{.Names}}")).stdout())
                    .as("the killed run's container is still there before the restore").contains("quirklab-agent-");
            LabFixture.Cli restore = LabFixture.cli("restore");
            assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
            assertThat(restore.out() + restore.err()).contains("container lab: removed container quirklab-agent-");
        } finally {
            RUN.run(Duration.ofSeconds(10), List.of("ip", "link", "del", DUT));
            delete(work);
        }
        assertNothingLeft();
    }

    static void delete(Path dir) throws java.io.IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
