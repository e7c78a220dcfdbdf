package io.quirklab.scenarios;

import io.quirklab.client.ClientKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quirklab.process.CommandRunner;
import io.quirklab.lab.LabState;
import io.quirklab.engine.Probe;
import io.quirklab.lab.VirtualLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The seed's failure reproduced on the virtual lab, every persona's expectation, and a clean tear-down. */
@DisplayName("virtual lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirtualLabIT {
    static Path stateDir;
    static Path evidence;
    static LabState state;

    @BeforeAll
    static void up() throws IOException {
        LabFixture.requirePrerequisites();
        stateDir = Scratch.dir("quirklab-it-state");
        evidence = Scratch.dir("quirklab-it-evidence");
        LabFixture.Cli up = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "up");
        assertThat(up.exit()).as(up.err()).isZero();
        state = new VirtualLab(stateDir, l -> { }).readState().orElseThrow();
    }

    @AfterAll
    static void down() throws IOException {
        if (stateDir == null) {
            return;
        }
        LabFixture.Cli down = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "down");
        assertThat(down.exit()).as(down.out() + down.err()).isZero();
        LabFixture.assertNoTrace(stateDir);
    }

    static String address(String persona) {
        return state.persona(persona).address();
    }

    private static String fault(String model, String... extra) {
        List<String> a = new ArrayList<>(List.of("lab", "--state-dir", stateDir.toString(), "fault", model));
        a.addAll(List.of(extra));
        LabFixture.Cli c = LabFixture.cli(a.toArray(String[]::new));
        assertThat(c.exit()).as(c.err()).isZero();
        return c.out();
    }

    /** tcpdump on the DUT interface while ipmitool talks to the persona; returns tcpdump's text. */
    private static String capture(String host, String verbosity, CommandRunner.Result[] ipmitool) throws Exception {
        Path out = Files.createTempFile(evidence, "tcpdump", ".txt");
        Process td = new ProcessBuilder("tcpdump", "-l", "-nn", verbosity, "-i", VirtualLab.DUT_IF, "udp and host " + host)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            // Wait for tcpdump to say it listens rather than sleeping blindly.
            await("tcpdump listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> Files.readString(out).contains("listening on"));
            ipmitool[0] = LabFixture.ipmitool(host, "mc", "info");
            // Let tcpdump print what it has received: its output has stopped growing for 300 ms (bounded)
            long[] size = {-1};
            await("tcpdump's output to settle").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = Files.size(out);
                boolean settled = now == size[0];
                size[0] = now;
                return settled;
            });
        } finally {
            td.destroy();
            td.waitFor();
        }
        return Files.readString(out);
    }

    @Test
    @Order(1)
    void seedReproducesEndToEnd() throws Exception {
        String tyan = address("smdc-tyan");
        CommandRunner.Result[] r = new CommandRunner.Result[1];
        String dump = capture(tyan, "-v", r);
        assertThat(r[0].ok()).as(Tools.describe(r[0])).isTrue();
        assertThat(r[0].stdout()).contains("Manufacturer ID           : 6653");
        // Each request line is followed by the persona's reply: the reply's IP ID equals the request's, DF clear.
        Matcher m = Pattern.compile("id (\\d+), offset 0, flags \\[([^]]*)].*\\n\\s+(\\S+) > (\\S+):").matcher(dump);
        List<String[]> packets = new ArrayList<>();
        while (m.find()) {
            packets.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        int replies = 0;
        for (int i = 1; i < packets.size(); i++) {
            String[] rq = packets.get(i - 1);
            String[] rs = packets.get(i);
            if (rs[2].startsWith(tyan + ".623") && rq[3].startsWith(tyan + ".623")) {
                assertThat(rs[0]).as("reply IP ID equals its request's:%n%s", dump).isEqualTo(rq[0]);
                assertThat(rs[1]).as("reply DF clear").isEqualTo("none");
                replies++;
            }
        }
        assertThat(replies).as(dump).isGreaterThanOrEqualTo(5);

        fault("df-clear");
        long csumBefore = LabFixture.udpCounter("InCsumErrors");
        dump = capture(tyan, "-vv", r);
        assertThat(r[0].ok()).as("ipmitool must fail with the df-clear fault: %s", r[0].stdout()).isFalse();
        assertThat(dump).contains(tyan + ".623 > ").contains("[udp sum ok]").doesNotContain("bad udp cksum");
        assertThat(LabFixture.udpCounter("InCsumErrors")).isGreaterThan(csumBefore);
        LabFixture.Cli probe = LabFixture.cli("probe", "smdc-tyan", "--client", "ipmitool", "--state-dir", stateDir.toString(),
                "--out", evidence.resolve("seed").toString());
        assertThat(probe.out()).as(probe.err()).contains("DROPPED_IN_STACK (UDP_CSUM)");
        assertThat(evidence.resolve("seed/dut.pcap")).isNotEmptyFile();

        fault("off");
        assertThat(LabFixture.ipmitool(tyan, "mc", "info").ok()).isTrue();
    }

    @Test
    @Order(3)
    void customFaultModelFromALabFileIsAppliedAndDetectedByTheSameRules() throws IOException {
        Path labFile = Files.writeString(evidence.resolve("custom-lab.yaml"),
                "kind: virtual\nfault-model:\n  name: custom\n  expression: \"ip ttl 1\"\n");
        assertThat(fault("lab", "--lab", labFile.toString())).contains("ip ttl 1");
        try {
            LabFixture.Cli hit = LabFixture.cli("probe", "ttl-1", "--client", "java-lan", "--state-dir", stateDir.toString(),
                    "--out", evidence.resolve("custom-hit").toString());
            assertThat(hit.out()).as(hit.err()).contains("ttl-1 x java-lan").contains("DROPPED_IN_STACK (UDP_CSUM)");
            LabFixture.Cli miss = LabFixture.cli("probe", "clean", "--client", "java-lan", "--state-dir", stateDir.toString(),
                    "--out", evidence.resolve("custom-miss").toString());
            assertThat(miss.out()).as(miss.err()).contains("clean x java-lan").contains(": DELIVERED");
        } finally {
            fault("off");
        }
    }

    @Test
    @Order(4)
    void statusJsonListsInterfacesFaultAndPersonas() throws Exception {
        LabFixture.Cli s = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "status", "--json");
        assertThat(s.exit()).as(s.err()).isZero();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.out());
        assertThat(doc.get("dut_interface").asText()).isEqualTo(VirtualLab.DUT_IF);
        assertThat(doc.get("fault_model").isNull()).isTrue();
        assertThat(doc.get("personas")).hasSizeGreaterThan(20);
        assertThat(doc.at("/personas/1/name").asText()).isEqualTo("smdc-tyan");
        assertThat(doc.at("/personas/1/quirks").toString()).contains("template=request");
    }
}
