package io.quirklab.report;

import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.OffloadState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.CellEvidence;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A hand-built matrix of five cells, one per status rule, with evidence files in a matrix directory. */
final class MatrixSample {
    static final ObjectMapper JSON = new ObjectMapper();

    static final Map<String, List<String>> QUIRKS = Map.of(
            "clean", List.of(),
            "smdc-tyan", List.of("template=request", "ip-id=echo", "dont-fragment=false"),
            "bad-udp-csum", List.of("udp-checksum=wrong"));

    private MatrixSample() {
    }

    static MatrixDocument.Environment environment(String driverVersion) {
        return new MatrixDocument.Environment(
                new MatrixDocument.Os("linux", "Debian GNU/Linux 12", "12", "6.1.0-26-amd64"), "lab-07", "17.0.15",
                new MatrixDocument.DutInterface("enp3s0", "00:11:22:33:44:55", "Intel I211", "8086:1539", "igb", driverVersion, null,
                        null, "0.6-1", "1000Mb/s", Map.of("rx_udp4_checksum", "on")),
                new LinkedHashMap<>(Map.of("ipmitool", "1.8.19")));
    }

    static CellEvidence evidence(String pcap, String responderPcap, String evidenceFile, String clientOutput) {
        return new CellEvidence(4, 4, 4, true, Map.of("Udp.InCsumErrors", 4L), Map.of("rx_csum_offload_errors", 4L), Map.of(), ReasonSource.SNMP,
                1, "Error: Unable to establish IPMI v1.5 / RMCP session", pcap, responderPcap, evidenceFile, clientOutput);
    }

    /** clean: as expected; tyan/ipmitool: finding with a missing pcap; tyan/java: known; bad-udp-csum: harness error and a finding. */
    static MatrixDocument document(String driverVersion) {
        List<Cell> cells = new ArrayList<>();
        cells.add(new Cell("clean", "java-lan", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DELIVERED, 4, 4, 120,
                "the client got its replies", null,
                evidence("cells/clean__java-lan__off.pcap", "cells/clean__java-lan__off.responder.pcap",
                        "cells/clean__java-lan__off.json", "pong: IPMI supported")));
        cells.add(new Cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, Reason.UDP_CSUM, Verdict.DELIVERED, 4, 0, 4012,
                "4 replies on the DUT wire with valid checksums, Udp.InCsumErrors +4, client timed out", null,
                evidence("cells/smdc-tyan__ipmitool-lan__on.pcap", null, null, "cells/smdc-tyan__ipmitool-lan__on.txt")));
        cells.add(new Cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, Reason.UDP_CSUM, Verdict.DELIVERED, 4, 0, 4000,
                "client timed out", "issue 12: the I211 flags DF-clear replies", evidence(null, null, null, null)));
        cells.add(new Cell("bad-udp-csum", "java-lan", OffloadState.ON, Verdict.HARNESS_ERROR, null, Verdict.DROPPED_IN_STACK, 0, 0, 5,
                "tcpdump is not installed", null, null));
        cells.add(new Cell("bad-udp-csum", "ipmitool-lan", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DROPPED_IN_STACK, 4, 4, 300,
                "the client got its replies", null, evidence(null, null, null, null)));
        return new MatrixDocument(MatrixDocument.SCHEMA,
                new MatrixDocument.Run("2026-11-22T10:15:03Z-linux-i211", "2026-11-22T10:15:03Z", "2026-11-22T10:16:01Z", "0.1.0",
                        new MatrixDocument.Lab("virtual", "scenarios/labs/virtual.yaml", "df-clear")),
                environment(driverVersion),
                new MatrixDocument.Axes(List.of("clean", "smdc-tyan", "bad-udp-csum"), List.of("java-lan", "ipmitool-lan"), List.of(OffloadState.OFF, OffloadState.ON)),
                cells);
    }

    /** The evidence files the sample names, except the tyan/ipmitool pcap (missing on purpose), plus matrix.json/.html. */
    static Path matrixDir(Path dir, MatrixDocument doc) throws IOException {
        Files.createDirectories(dir.resolve("cells"));
        byte[] pcapHeader = {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0xff, (byte) 0xff, 0, 0, 1, 0, 0, 0};
        Files.write(dir.resolve("cells/clean__java-lan__off.pcap"), pcapHeader);
        Files.write(dir.resolve("cells/clean__java-lan__off.responder.pcap"), pcapHeader);
        Files.writeString(dir.resolve("cells/clean__java-lan__off.json"), "{\"verdict\":\"DELIVERED\"}\n");
        Files.writeString(dir.resolve("cells/smdc-tyan__ipmitool-lan__on.txt"), "Error: Unable to establish IPMI v1.5 / RMCP session\n");
        doc.write(dir.resolve("matrix.json"));
        Files.writeString(dir.resolve("matrix.html"), "<table><tr><td>smdc-tyan</td><td>DROPPED_IN_STACK</td></tr></table>\n");
        return dir;
    }

    /** Every *-result.json of a results directory, by test name. */
    static Map<String, JsonNode> results(Path resultsDir) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(resultsDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith("-result.json")).sorted().toList()) {
                JsonNode n = JSON.readTree(f.toFile());
                byName.put(n.path("name").asText(), n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byName;
    }

    static List<String> labels(JsonNode result, String name) {
        List<String> values = new ArrayList<>();
        result.path("labels").forEach(l -> {
            if (name.equals(l.path("name").asText())) {
                values.add(l.path("value").asText());
            }
        });
        return values;
    }

    static Map<String, String> parameters(JsonNode result) {
        Map<String, String> p = new LinkedHashMap<>();
        result.path("parameters").forEach(x -> p.put(x.path("name").asText(), x.path("value").asText()));
        return p;
    }
}
