package io.quirklab.cli;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.matrix.FleetMatrix;
import io.quirklab.testing.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quirklab fleet merge and fleet allure: inputs of every shape, what they print and write, one-line errors. */
class FleetCommandTest {
    private static final Path SAMPLES = Path.of("src/test/resources/io/quirklab/matrix/fleet");

    @TempDir
    Path dir;

    private Console console;

    @BeforeEach
    void setUp() {
        console = new Console();
    }

    @AfterEach
    void tearDown() {
        console.close();
    }

    @Test
    void mergesAMatrixFileAndARunDirectoryAndWritesJsonAndHtml() throws IOException {
        Path json = dir.resolve("fleet.json");
        Path html = dir.resolve("html/fleet.html");
        int rc = console.run("fleet", "merge", SAMPLES.resolve("df-clear/matrix.json").toString(), SAMPLES.resolve("id-echo").toString(),
                "--json", json.toString(), "--html", html.toString());
        assertThat(rc).as(console.err()).isZero();
        assertThat(console.out()).contains("offload=off: every machine agrees").contains("offload=on: differing personas: df-clear, id-echo")
                .contains("df-clear: dropped on veth (virtual)/veth 1.0 [fault df-clear] with offload on; delivered everywhere else")
                .contains("id-echo x ipmitool-lan   DELIVERED                  DROPPED_IN_STACK UDP_CSUM")
                .doesNotContain("smdc-tyan x");
        assertThat(FleetMatrix.read(json).panel(OffloadState.ON).differing()).containsExactly("df-clear", "id-echo");
        assertThat(html).isNotEmptyFile();
        assertThat(dir.resolve("html/fleet.css")).isNotEmptyFile();
    }

    @Test
    void aDirectoryOfRunsIsEveryMatrixBelowItInNameOrder() throws IOException {
        int rc = console.run("fleet", "merge", SAMPLES.toString());
        assertThat(rc).as(console.err()).isZero();
        assertThat(console.out()).contains("M1 ").contains("[fault df-clear]").contains("M2 ").contains("[fault id-echo]");
        assertThat(console.out().indexOf("[fault df-clear]")).isLessThan(console.out().indexOf("[fault id-echo]"));
    }

    @Test
    void badInputIsOneLineNamingTheFile() throws IOException {
        Path notJson = dir.resolve("broken/matrix.json");
        Files.createDirectories(notJson.getParent());
        Files.writeString(notJson, "{ \"schema\": \"quirklab.matrix/1\", ");
        Path otherSchema = dir.resolve("other.json");
        Files.writeString(otherSchema, "{\"schema\":\"quirklab.matrix/2\"}");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path fifo = SpecialFiles.fifo(dir, "fifo");
        String sample = SAMPLES.resolve("df-clear/matrix.json").toString();
        for (String[] c : new String[][] {{notJson.toString(), notJson + " line 1: not a JSON document"},
            {fifo.toString(), fifo + ": is a named pipe (FIFO), not a matrix document"},
            {SpecialFiles.DEV_NULL.toString(), "/dev/null: is a character device, not a matrix document"},
            {otherSchema.toString(), otherSchema + ": matrix schema major version 2 is not supported"},
            {empty.toString(), empty + ": no matrix.json in it"}, {dir.resolve("nope").toString(), dir.resolve("nope") + ": no such file or directory"}}) {
            console.reset();
            int rc = console.run("fleet", "merge", sample, c[0]);
            assertThat(rc).as(c[0]).isEqualTo(2);
            assertThat(console.err().strip()).startsWith("quirklab: " + c[1]).doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void outputsIntoADirectoryAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path taken = Files.createDirectories(dir.resolve("fleet.json"));
        String sample = SAMPLES.resolve("df-clear/matrix.json").toString();
        assertThat(console.run("fleet", "merge", sample, "--json", taken.toString())).isEqualTo(2);
        assertThat(console.err()).startsWith("quirklab: --json " + taken + ": is a directory, not a file to write");
        assertThat(console.out()).isEmpty();
        console.reset();
        assertThat(console.run("fleet", "merge", sample, "--html", taken.toString())).isEqualTo(2);
        assertThat(dir.resolve("fleet.css")).doesNotExist();
    }

    @Test
    void allureResultsOfTwoNodesGetTheNodeAsParentSuiteAndHistoryIdsOfTheirOwn() throws IOException {
        Path a = resultsOf("a");
        Path b = resultsOf("b");
        Path out = dir.resolve("merged");
        int rc = console.run("fleet", "allure", "linux-i211=" + a, "linux-veth=" + b, "--out", out.toString());
        assertThat(rc).as(console.err()).isZero();
        assertThat(console.out()).contains("linux-i211: 1 results, 3 files from " + a);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> results = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.filter(p -> p.toString().endsWith("-result.json")).toList()) {
                results.add(json.readTree(p.toFile()));
            }
        }
        assertThat(results).hasSize(2);
        List<String> parents = new ArrayList<>();
        for (JsonNode r : results) {
            List<String> labels = new ArrayList<>();
            r.path("labels").forEach(l -> labels.add(l.path("name").asText() + "=" + l.path("value").asText()));
            assertThat(labels).filteredOn(l -> l.startsWith("parentSuite=")).hasSize(1);
            assertThat(labels).contains("environment=Debian / veth / veth 1.0", "suite=smdc-tyan");
            labels.stream().filter(l -> l.startsWith("parentSuite=")).forEach(parents::add);
        }
        assertThat(parents).containsExactlyInAnyOrder("parentSuite=linux-i211", "parentSuite=linux-veth");
        assertThat(results.get(0).path("historyId").asText()).isNotEqualTo(results.get(1).path("historyId").asText()).isNotEqualTo("h1");
        assertThat(Files.readString(out.resolve("environment.properties"))).contains("linux-i211.os=Debian").contains("linux-veth.os=Debian");

        console.reset();
        assertThat(console.run("fleet", "allure", "x=" + dir.resolve("none"), "--out", out.toString())).isEqualTo(2);
        assertThat(console.err().strip()).isEqualTo("quirklab: " + dir.resolve("none") + ": no such Allure results directory (node x)");
        console.reset();
        Files.writeString(a.resolve("bad-result.json"), "[");
        assertThat(console.run("fleet", "allure", "x=" + a, "--out", dir.resolve("m2").toString())).isEqualTo(2);
        assertThat(console.err().strip()).startsWith("quirklab: " + a.resolve("bad-result.json") + ": not an Allure result").doesNotContain("\n");
    }

    @Test
    void fleetReportComparesEachNodeWithItsBaselineAndExitsOneOnARegression() throws IOException {
        Path labs = Files.createDirectories(dir.resolve("labs"));
        Files.writeString(labs.resolve("lab.yaml"), "kind: virtual\n");
        Files.copy(SAMPLES.resolve("df-clear/matrix.json"), labs.resolve("baseline.json"));
        Files.writeString(labs.resolve("inventory.yaml"), "nodes:\n"
                + "  - {label: linux-a, os: linux, nic: a, lab: lab.yaml, baseline: baseline.json}\n"
                + "  - {label: linux-b, os: linux, nic: b, lab: lab.yaml}\n"
                + "  - {label: linux-c, os: linux, nic: c, lab: lab.yaml}\n");
        Path from = dir.resolve("nodes");
        for (String[] n : new String[][] {{"linux-a", "id-echo"}, {"linux-b", "df-clear"}}) {
            Path run = Files.createDirectories(from.resolve(n[0]).resolve("reports/runs/r1"));
            Files.copy(SAMPLES.resolve(n[1]).resolve("matrix.json"), run.resolve("matrix.json"));
        }
        Files.createDirectories(from.resolve("linux-a/reports/allure-results"));
        Path out = dir.resolve("report");
        int rc = console.run("fleet", "report", "--inventory", labs.resolve("inventory.yaml").toString(), "--from", from.toString(),
                "--out", out.toString());
        assertThat(rc).as(console.out() + console.err()).isEqualTo(1);
        assertThat(console.out()).contains("linux-a: 0 Allure results").contains("against baseline.json: 2 regressions, 2 fixes")
                .contains("linux-b: no Allure results").contains("linux-b: run 20261201T213057Z-linux-qlab-dut, no baseline yet (not compared)")
                .contains("linux-c: no results in " + from.resolve("linux-c/reports")).contains("regressions on linux-a");
        assertThat(Files.readString(out.resolve("compare/linux-a.txt"))).contains("regressions (2):").contains("id-echo x java-lan x offload=on");
        assertThat(out.resolve("compare/linux-a.html")).isNotEmptyFile();
        FleetMatrix fleet = FleetMatrix.read(out.resolve("fleet.json"));
        assertThat(fleet.machines()).hasSize(2);
        assertThat(fleet.panel(OffloadState.ON).differing()).containsExactly("df-clear", "id-echo");
        assertThat(Files.readString(out.resolve("fleet.txt"))).contains("offload=on: differing personas: df-clear, id-echo");

        // the same node against itself: no regression
        Files.copy(SAMPLES.resolve("id-echo/matrix.json"), labs.resolve("baseline.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        console.reset();
        assertThat(console.run("fleet", "report", "--inventory", labs.resolve("inventory.yaml").toString(), "--from", from.toString(),
                "--out", dir.resolve("report2").toString())).as(console.out()).isZero();
        assertThat(console.out()).contains("no regressions");
        console.reset();
        assertThat(console.run("fleet", "report", "--inventory", labs.resolve("inventory.yaml").toString(), "--from", dir.resolve("empty").toString(),
                "--out", dir.resolve("report3").toString())).isEqualTo(2);
        assertThat(console.err().strip()).startsWith("quirklab: " + dir.resolve("empty") + ": no node of ");
    }

    /** One node's results as AllureResults writes them: a result with the three suite labels, an attachment, the environment. */
    private Path resultsOf(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve(name + "1111-result.json"), "{\"uuid\":\"" + name + "1111\",\"historyId\":\"h1\",\"name\":\"smdc-tyan x java-lan x offload=on\","
                + "\"labels\":[{\"name\":\"parentSuite\",\"value\":\"Debian / veth / veth 1.0\"},{\"name\":\"suite\",\"value\":\"smdc-tyan\"},"
                + "{\"name\":\"subSuite\",\"value\":\"java-lan\"}],\"attachments\":[{\"source\":\"" + name + "-attachment.pcap\"}]}");
        Files.write(d.resolve(name + "-attachment.pcap"), new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1});
        Files.writeString(d.resolve("environment.properties"), "os=Debian\n");
        return d;
    }
}
