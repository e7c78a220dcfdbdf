package io.quirklab.scenarios;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quirklab.process.CommandRunner;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A second-nic lab: the responder on a second port of this machine, the offload axis the DUT port's real receive
 * checksum offload ({@code ethtool -K IF rx}). A veth pair made by this test stands in for the two ports and the
 * cable; after every run - also one killed with kill -9 - the setting is back at its original value.
 */
@DisplayName("second-nic lab with a real rx offload toggle")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(50)
class SecondNicIT {
    static final String DUT = "qsn-dut";
    static final String RESP = "qsn-resp";
    static final CommandRunner RUN = new CommandRunner();
    static Path work;
    static Path labFile;
    static Path offloadState;
    static String originalRx;

    @BeforeAll
    static void cable() throws Exception {
        LabFixture.requireMatrixPrerequisites();
        Tools.require("ipmitool", "ipmitool");
        work = Scratch.dir("quirklab-second-nic");
        offloadState = work.resolve("offload-state");
        // The "cable": a veth pair, the DUT port with an address in the personas' /24, the responder port without one.
        RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "add", DUT, "type", "veth", "peer", "name", RESP));
        for (String i : List.of(DUT, RESP)) {
            RUN.require(Duration.ofSeconds(10), List.of("sysctl", "-qw", "net.ipv6.conf." + i + ".disable_ipv6=1"));
        }
        RUN.require(Duration.ofSeconds(10), List.of("ip", "addr", "add", "198.18.1.1/24", "dev", DUT));
        RUN.require(Duration.ofSeconds(10), List.of("ethtool", "-K", DUT, "tx", "off"));
        RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "set", DUT, "up"));
        RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "set", RESP, "up"));
        originalRx = rx();
        // ipmitool from the lab file's client-paths: a wrapper that leaves a mark, so the test sees the path was used
        Path wrapper = Files.writeString(work.resolve("lab-ipmitool"), "#!/bin/sh\ntouch \"$(dirname \"$0\")/wrapper-used\"\n"
                + "exec ipmitool \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        labFile = Files.writeString(work.resolve("second-nic.yaml"), """
                kind: second-nic
                dut-interface: qsn-dut
                responder:
                  interface: qsn-resp
                persona-base: 198.18.1.10
                persona-names: [clean, smdc-tyan, bad-udp-csum]
                clients: [java-lan, ipmitool-lan]
                offload: ["off", "on"]
                client-paths:
                  ipmitool: lab-ipmitool
                """);
    }

    @AfterAll
    static void unplug() {
        RUN.run(Duration.ofSeconds(10), List.of("ip", "link", "del", DUT));
        System.clearProperty("quirklab.offload.state");
    }

    /** "on" or "off": ethtool -k rx-checksumming of the DUT port. */
    static String rx() {
        String out = RUN.require(Duration.ofSeconds(10), List.of("ethtool", "-k", DUT)).stdout();
        return out.lines().filter(l -> l.startsWith("rx-checksumming:")).findFirst().orElseThrow().split(":")[1].trim()
                .replace(" [fixed]", "");
    }

    @Test
    @Order(1)
    void envListsTheDutPortWithDriverAndOffloads() throws Exception {
        LabFixture.Cli env = LabFixture.cli("env", "--iface", DUT, "--json");
        assertThat(env.exit()).as(env.err()).isZero();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(env.out());
        assertThat(doc.at("/dut_interface/name").asText()).isEqualTo(DUT);
        assertThat(doc.at("/dut_interface/driver").asText()).isEqualTo("veth");
        assertThat(doc.at("/dut_interface/offloads/rx_udp4_checksum").asText()).isEqualTo(originalRx);
    }

    @Test
    @Order(2)
    void aRunTogglesTheRealOffloadRecordsBothStatesAndPutsItBack() throws Exception {
        System.setProperty("quirklab.offload.state", offloadState.toString());
        Path reports = work.resolve("reports");
        LabFixture.Cli run = LabFixture.cli("run", "--lab", labFile.toString(), "--reports", reports.toString(), "--state-dir",
                work.resolve("lab-state").toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("receive UDP/IPv4 checksum offload of " + DUT);
        Path runDir;
        try (Stream<Path> dirs = Files.list(reports.resolve("runs"))) {
            runDir = dirs.findFirst().orElseThrow();
        }
        MatrixDocument doc = MatrixDocument.read(runDir.resolve("matrix.json"));
        assertThat(doc.run().lab().kind()).isEqualTo("second-nic");
        assertThat(doc.axes().offload()).containsExactly(OffloadState.OFF, OffloadState.ON);
        assertThat(doc.cells()).hasSize(12);
        assertThat(doc.run().offloadChanges()).extracting(c -> c.state() + " " + c.from() + "->" + c.now() + " " + c.verified())
                .containsExactly("off on->off true", "on off->on true");
        assertThat(doc.environment().dutInterface().name()).isEqualTo(DUT);
        for (String client : List.of("java-lan", "ipmitool-lan")) {
            for (OffloadState offload : OffloadState.BOTH) {
                assertThat(doc.cell("clean", client, offload).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
                assertThat(doc.cell("smdc-tyan", client, offload).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
            }
            // A wrong checksum is dropped by the stack in both states: veth leaves frames from a packet socket
            // unverified either way, so on veth the toggle changes the setting, not the verdict (a real NIC is what
            // the axis is for).
            for (OffloadState offload : OffloadState.BOTH) {
                MatrixDocument.Cell bad = doc.cell("bad-udp-csum", client, offload).orElseThrow();
                assertThat(bad.verdict()).as(bad.explanation()).isEqualTo(Verdict.DROPPED_IN_STACK);
                assertThat(bad.reason()).hasToString("UDP_CSUM");
                // the kernel's drop reason for this flow's packets where bpftrace is installed, the host-wide counter otherwise
                assertThat(bad.evidence().reasonSource()).hasToString(io.quirklab.process.CommandRunner.which("bpftrace").isPresent()
                        ? "kfree_skb" : "snmp");
            }
        }
        // the toggle really happened, was read back, and both directions were made
        assertThat(run.out()).containsPattern("rx_udp4_checksum on " + DUT + ": on -> off \\(.*\\), verified")
                .containsPattern("rx_udp4_checksum on " + DUT + ": off -> on \\(.*\\), verified");
        assertThat(work.resolve("wrapper-used")).as("ipmitool ran from the lab file's client-paths").exists();
        assertThat(rx()).as("rx-checksumming back at its original value").isEqualTo(originalRx);
        try (Stream<Path> left = Files.list(offloadState)) {
            assertThat(left.filter(p -> p.getFileName().toString().endsWith(".json"))).isEmpty();
        }
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("responder --iface " + RESP))).isEmpty();
    }

    @Test
    @Order(3)
    void aRunKilledMidwayIsPutBackByRestore() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LabFixture.cliProcess("run", "--lab", labFile.toString(), "--reports",
                work.resolve("killed-reports").toString())).redirectErrorStream(true)
                .redirectOutput(work.resolve("killed.log").toFile());
        pb.environment().put("QUIRKLAB_OFFLOAD_STATE", offloadState.toString());
        Process run = pb.start();
        // The first offload state is "off": wait until the run has switched rx, then kill it.
        await("the run's first rx switch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .failFast("the run ended before its first switch", () -> !run.isAlive()).until(() -> !rx().equals(originalRx));
        assertThat(run.isAlive()).as("run still going when killed: " + Files.readString(work.resolve("killed.log"))).isTrue();
        assertThat(rx()).isNotEqualTo(originalRx);
        run.destroyForcibly().waitFor();
        assertThat(rx()).as("a killed run cannot put it back itself").isNotEqualTo(originalRx);

        System.setProperty("quirklab.offload.state", offloadState.toString());
        LabFixture.Cli restore = LabFixture.cli("restore");
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        assertThat(restore.out()).contains(DUT);
        assertThat(rx()).as("rx-checksumming restored").isEqualTo(originalRx);
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("responder --iface " + RESP))).isEmpty();
    }
}
