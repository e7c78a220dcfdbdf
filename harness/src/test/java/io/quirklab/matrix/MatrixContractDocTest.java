package io.quirklab.matrix;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/matrix.md names every field the code writes: a document with every optional part filled (a repeated cell, an
 * offload change, the analysis) and the committed baseline are serialised, and each field name must be in the page.
 */
class MatrixContractDocTest {
    /** Maps whose keys are data (counter names, offload keys, client families), not fields of the contract. */
    static final Set<String> DATA_MAPS = Set.of("counters", "nic_counters", "drop_reasons", "offloads", "clients", "ip_summed");

    @Test
    void everyFieldTheDocumentCarriesIsDescribed() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String page = Files.readString(root.resolve("docs/matrix.md"));
        ObjectMapper json = new ObjectMapper();
        MatrixDocument baseline = MatrixDocument.read(root.resolve("reports/baselines/virtual-debian12.json"));
        MatrixDocument.Cell one = baseline.cells().get(0);
        MatrixDocument.CellEvidence e = one.evidence();
        MatrixDocument.CellEvidence withNic = new MatrixDocument.CellEvidence(e.repliesSent(), e.requestsSeen(), e.repliesOnDutWire(),
                e.dutWireUdpChecksumValid(), e.counters(), e.nicCounters(), e.dropReasons(), e.reasonSource(), e.clientExit(),
                e.clientMessage(), e.pcap(), e.responderPcap(), e.evidenceFile(), e.clientOutput(), new MatrixDocument.NicChecksum("e1000e",
                MatrixDocument.NicCounter.told("rx_csum_offload_errors", 1), MatrixDocument.NicCounter.notTold("rx checksumming is off"),
                Map.of("NONE", 1L), List.of(new MatrixDocument.NicPacket("NONE", 56, "UDP_CSUM")), "guest"));
        MatrixDocument.Cell repeated = new MatrixDocument.Cell(one.persona(), one.client(), one.offload(), Verdict.INTERMITTENT, null,
                one.expected(), 10, 4, 900, "4 of 10 delivered", null, withNic, List.of(0.17, 0.69),
                List.of(Verdict.DELIVERED, Verdict.DROPPED_IN_STACK));
        MatrixDocument.Run run = new MatrixDocument.Run("r", "2026-12-02T00:00:00Z", null, "0.1.0", new MatrixDocument.Lab("agent", "lab.yaml",
                "df-clear"), List.of(new MatrixDocument.OffloadStateChange(OffloadState.ON, "eth1", "rx_udp4_checksum", "off", "on", "on", true, 1200,
                List.of("lso: on -> off"), "rx on")));
        MatrixDocument full = new MatrixDocument(MatrixDocument.SCHEMA, run, baseline.environment(), baseline.axes(), List.of(repeated),
                new MatrixDocument.Analysis(List.of("smdc-tyan"), List.of("dont-fragment=false"), List.of("ip-id=echo (id-echo)"),
                        List.of("dont-fragment=false"), "quirklab bisect smdc-tyan"));
        Set<String> fields = new TreeSet<>();
        collect(json.valueToTree(full), fields);
        collect(json.valueToTree(baseline), fields);
        assertThat(fields).contains("attempt_verdicts", "interval", "analysis", "offload_changes", "drop_reasons", "reason_source",
                "nic_checksum", "not_told", "ip_summed", "drop_reason");
        // written as `field` or as the last part of a path, `run.lab.kind`
        assertThat(fields).allSatisfy(f -> assertThat(java.util.regex.Pattern.compile("[`.]" + java.util.regex.Pattern.quote(f) + "[`.]")
                .matcher(page).find()).as("docs/matrix.md describes `%s`", f).isTrue());
    }

    private static void collect(JsonNode node, Set<String> out) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                out.add(e.getKey());
                if (!DATA_MAPS.contains(e.getKey())) {
                    collect(e.getValue(), out);
                }
            }
        }
    }
}
