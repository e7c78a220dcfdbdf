package io.quirklab.report;

import static io.quirklab.report.MatrixSample.labels;
import static io.quirklab.report.MatrixSample.parameters;
import static io.quirklab.report.MatrixSample.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone writer: a hand-built matrix written into a temporary results directory, read back as JSON. */
class AllureResultsTest {
    static final String CLEAN = "clean x java-lan x offload=off";
    static final String FINDING = "smdc-tyan x ipmitool-lan x offload=on";
    static final String KNOWN = "smdc-tyan x java-lan x offload=on";
    static final String HARNESS = "bad-udp-csum x java-lan x offload=on";
    static final String CONTROL_DELIVERED = "bad-udp-csum x ipmitool-lan x offload=off";

    @TempDir
    Path tmp;

    Map<String, JsonNode> write(String name, MatrixDocument doc) throws IOException {
        Path matrixDir = MatrixSample.matrixDir(tmp.resolve(name + "-matrix"), doc);
        Path results = tmp.resolve(name + "-results");
        new AllureResults(results).writeMatrix(doc, matrixDir, MatrixSample.QUIRKS);
        return results(results);
    }

    @Test
    void oneResultPerCellAndTheSummaryWithExactlyOneSuiteLabelOfEachKind() throws IOException {
        Map<String, JsonNode> r = write("a", MatrixSample.document("5.4.0-k"));
        assertThat(r).containsOnlyKeys(CLEAN, FINDING, KNOWN, HARNESS, CONTROL_DELIVERED, AllureResults.SUMMARY);
        String env = "Debian GNU/Linux 12 / Intel I211 / igb 5.4.0-k";
        JsonNode finding = r.get(FINDING);
        assertThat(labels(finding, "parentSuite")).containsExactly(env);
        assertThat(labels(finding, "suite")).containsExactly("smdc-tyan");
        assertThat(labels(finding, "subSuite")).containsExactly("ipmitool-lan");
        for (String cell : List.of(CLEAN, KNOWN, HARNESS, CONTROL_DELIVERED)) {
            assertThat(labels(r.get(cell), "parentSuite")).as(cell).containsExactly(env);
            assertThat(labels(r.get(cell), "suite")).as(cell).hasSize(1);
            assertThat(labels(r.get(cell), "subSuite")).as(cell).hasSize(1);
        }
        assertThat(parameters(finding)).containsExactly(Map.entry("persona", "smdc-tyan"), Map.entry("client", "ipmitool-lan"),
                Map.entry("offload", "on"), Map.entry("quirks", "template=request, ip-id=echo, dont-fragment=false"));
        assertThat(parameters(r.get(CLEAN))).containsEntry("quirks", "none");
    }

    @Test
    void statusFollowsTheVerdictRules() throws IOException {
        Map<String, JsonNode> r = write("a", MatrixSample.document("5.4.0-k"));
        assertThat(r.get(CLEAN).path("status").asText()).isEqualTo("passed");
        assertThat(r.get(FINDING).path("status").asText()).isEqualTo("failed");
        assertThat(r.get(KNOWN).path("status").asText()).isEqualTo("passed");
        assertThat(r.get(HARNESS).path("status").asText()).isEqualTo("broken");
        assertThat(r.get(CONTROL_DELIVERED).path("status").asText()).isEqualTo("failed");

        assertThat(r.get(FINDING).path("statusDetails").path("message").asText()).isEqualTo(
                "DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED: 4 replies on the DUT wire with valid checksums, Udp.InCsumErrors +4, client timed out");
        assertThat(r.get(CONTROL_DELIVERED).path("statusDetails").path("message").asText())
                .startsWith("DELIVERED, expected DROPPED_IN_STACK: ");
        assertThat(r.get(HARNESS).path("statusDetails").path("message").asText()).startsWith("HARNESS_ERROR, expected DROPPED_IN_STACK: ");
        assertThat(r.get(CLEAN).path("statusDetails").path("message").asText()).isEqualTo("DELIVERED, as expected: the client got its replies");

        JsonNode known = r.get(KNOWN);
        assertThat(known.path("statusDetails").path("message").asText())
                .isEqualTo("DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED (known: issue 12: the I211 flags DF-clear replies): client timed out");
        assertThat(known.path("statusDetails").path("known").asBoolean()).isTrue();
        assertThat(known.path("description").asText()).contains("known deviation").contains("issue 12: the I211 flags DF-clear replies");
        assertThat(labels(known, "tag")).containsExactly(CellReport.KNOWN_TAG);
        assertThat(labels(r.get(FINDING), "tag")).isEmpty();
    }

    @Test
    void startAndStopComeFromTheRunStartAndEachCellsDuration() throws IOException {
        Map<String, JsonNode> r = write("a", MatrixSample.document("5.4.0-k"));
        long runStart = Instant.parse("2026-11-22T10:15:03Z").toEpochMilli();
        assertThat(r.get(CLEAN).path("start").asLong()).isEqualTo(runStart);
        assertThat(r.get(CLEAN).path("stop").asLong()).isEqualTo(runStart + 120);
        assertThat(r.get(FINDING).path("start").asLong()).isEqualTo(runStart + 120);
        assertThat(r.get(FINDING).path("stop").asLong() - r.get(FINDING).path("start").asLong()).isEqualTo(4012);
        assertThat(r.get(FINDING).path("stage").asText()).isEqualTo("finished");
    }

    @Test
    void historyIdIsStableAcrossWritesAndDiffersAcrossCellsAndEnvironments() throws IOException {
        Map<String, JsonNode> first = write("a", MatrixSample.document("5.4.0-k"));
        Map<String, JsonNode> second = write("b", MatrixSample.document("5.4.0-k"));
        Map<String, JsonNode> otherDriver = write("c", MatrixSample.document("5.6.0-k"));
        List<String> ids = new ArrayList<>();
        for (String cell : first.keySet()) {
            String id = first.get(cell).path("historyId").asText();
            assertThat(id).as(cell).isNotBlank().isEqualTo(second.get(cell).path("historyId").asText());
            assertThat(id).as(cell).isNotEqualTo(otherDriver.get(cell).path("historyId").asText());
            ids.add(id);
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(first.get(FINDING).path("uuid").asText()).isNotEqualTo(second.get(FINDING).path("uuid").asText());
    }

    @Test
    void evidenceIsAttachedWithItsTypeAndExtensionAndMissingFilesAreNoted() throws IOException {
        Path results = tmp.resolve("results");
        MatrixDocument doc = MatrixSample.document("5.4.0-k");
        new AllureResults(results).writeCells(doc, MatrixSample.matrixDir(tmp.resolve("m"), doc), MatrixSample.QUIRKS);
        Map<String, JsonNode> r = results(results);

        List<JsonNode> clean = attachments(r.get(CLEAN));
        assertThat(clean).extracting(a -> a.path("type").asText()).containsExactly(
                "application/vnd.tcpdump.pcap", "application/vnd.tcpdump.pcap", "application/json", "text/plain");
        for (JsonNode a : clean) {
            Path file = results.resolve(a.path("source").asText());
            assertThat(file).exists();
            String ext = a.path("type").asText().endsWith("pcap") ? ".pcap" : a.path("type").asText().endsWith("json") ? ".json" : ".txt";
            assertThat(file.getFileName().toString()).endsWith("-attachment" + ext);
        }
        Path pcap = results.resolve(clean.get(0).path("source").asText());
        assertThat(Files.readAllBytes(pcap)).startsWith((byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1);
        assertThat(results.resolve(clean.get(3).path("source").asText())).hasContent("pong: IPMI supported");

        // the pcap of this cell is missing: noted in the description; the cell itself stands in for the evidence record
        JsonNode finding = r.get(FINDING);
        assertThat(finding.path("description").asText()).contains("Missing evidence")
                .contains("DUT capture `cells/smdc-tyan__ipmitool-lan__on.pcap` not found");
        List<JsonNode> findingAttachments = attachments(finding);
        assertThat(findingAttachments).extracting(a -> a.path("name").asText()).containsExactly("cell (matrix.json)", "client output");
        assertThat(results.resolve(findingAttachments.get(0).path("source").asText())).content().contains("\"verdict\" : \"DROPPED_IN_STACK\"");
        assertThat(results.resolve(findingAttachments.get(1).path("source").asText())).content().contains("Unable to establish");

        // no evidence at all: still a result, with the cell as JSON
        assertThat(attachments(r.get(HARNESS))).extracting(a -> a.path("name").asText()).containsExactly("cell (matrix.json)");
    }

    @Test
    void summaryAttachesMatrixHtmlAndJson() throws IOException {
        Map<String, JsonNode> r = write("a", MatrixSample.document("5.4.0-k"));
        JsonNode summary = r.get(AllureResults.SUMMARY);
        assertThat(summary.path("status").asText()).isEqualTo("passed");
        assertThat(summary.path("statusDetails").path("message").asText())
                .isEqualTo("5 cells: 1 as expected, 3 findings (1 known), 1 harness errors");
        assertThat(labels(summary, "suite")).containsExactly(AllureResults.SUMMARY);
        List<JsonNode> a = attachments(summary);
        assertThat(a).extracting(x -> x.path("name").asText() + " " + x.path("type").asText())
                .containsExactly("matrix.html text/html", "matrix.json application/json");
        Path results = tmp.resolve("a-results");
        assertThat(a.get(0).path("source").asText()).endsWith("-attachment.html");
        assertThat(results.resolve(a.get(0).path("source").asText())).content().contains("<table>");
        assertThat(a.get(1).path("source").asText()).endsWith("-attachment.json");
        assertThat(MatrixDocument.read(results.resolve(a.get(1).path("source").asText())).cells()).hasSize(5);
    }

    @Test
    void summaryWithoutMatrixFilesNotesHtmlAndRendersJson() throws IOException {
        Path results = tmp.resolve("results");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        new AllureResults(results).writeSummary(MatrixSample.document("5.4.0-k"), empty);
        JsonNode summary = results(results).get(AllureResults.SUMMARY);
        assertThat(summary.path("description").asText()).contains("matrix.html not found");
        assertThat(attachments(summary)).extracting(x -> x.path("name").asText()).containsExactly("matrix.json");
    }

    @Test
    void environmentPropertiesDescribeTheEnvironment() throws IOException {
        Path results = tmp.resolve("results");
        new AllureResults(results).writeEnvironment(MatrixSample.document("5.4.0-k"));
        Properties p = new Properties();
        try (var in = Files.newInputStream(results.resolve("environment.properties"))) {
            p.load(in);
        }
        assertThat(p).containsEntry("os", "Debian GNU/Linux 12").containsEntry("kernel", "6.1.0-26-amd64")
                .containsEntry("host", "lab-07").containsEntry("java", "17.0.15").containsEntry("dut.interface", "enp3s0")
                .containsEntry("dut.nic", "Intel I211").containsEntry("driver", "igb").containsEntry("driver.version", "5.4.0-k")
                .containsEntry("firmware", "0.6-1").containsEntry("offload.rx_udp4_checksum", "on")
                .containsEntry("client.ipmitool", "1.8.19").containsEntry("lab", "virtual (scenarios/labs/virtual.yaml)")
                .containsEntry("fault_model", "df-clear")
                .doesNotContainKey("driver.date");
    }

    @Test
    void environmentPropertiesSurviveCharactersPropertiesEscape() throws IOException {
        MatrixDocument doc = MatrixSample.document("5.4.0-k");
        MatrixDocument.Environment env = doc.environment();
        MatrixDocument other = new MatrixDocument(doc.schema(), doc.run(), new MatrixDocument.Environment(
                new MatrixDocument.Os("windows", "Windows 11 Pro", "10.0.22631", "22631.4460"), "lab=07: #1 ü", env.java(),
                env.dutInterface(), env.clients()), doc.axes(), doc.cells());
        Path results = tmp.resolve("results");
        new AllureResults(results).writeEnvironment(other);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(results.resolve("environment.properties"), StandardCharsets.ISO_8859_1)) {
            p.load(in);
        }
        assertThat(p).containsEntry("host", "lab=07: #1 ü").containsEntry("os.build", "22631.4460").doesNotContainKey("kernel");
    }

    static List<JsonNode> attachments(JsonNode result) {
        List<JsonNode> out = new ArrayList<>();
        result.path("attachments").forEach(out::add);
        return out;
    }
}
