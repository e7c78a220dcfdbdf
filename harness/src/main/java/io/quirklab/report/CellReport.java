package io.quirklab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.ResultsUtils;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.CellEvidence;
import io.quirklab.matrix.MatrixDocument.Environment;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the Allure report shows for one cell: its name, one parentSuite (the environment), suite (the persona) and
 * subSuite (the client), parameters, a history id that stays the same for the same cell across runs, the status and
 * message of its verdict, a description of its evidence and the evidence files as attachments. The same decoration
 * serves the standalone writer ({@link AllureResults}, no JUnit) and a JUnit 5 test running with allure-jupiter
 * ({@link #decorateCurrentTest()}).
 */
public final class CellReport {
    /** Labels this class owns: replaced, never added to (Allure.suite(...) would add a second one). */
    private static final Set<String> SUITE_LABELS = Set.of("parentSuite", "suite", "subSuite");
    static final String KNOWN_TAG = "known-deviation";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Environment environment;
    private final Cell cell;
    private final List<String> quirks;
    private final Path matrixDir;

    /**
     * @param environment where the cell ran (its label is the parentSuite and part of the history id)
     * @param cell        the cell
     * @param quirks      the persona's quirks ("ip-id=echo", ...), empty when unknown
     * @param matrixDir   the matrix file's directory: evidence paths are relative to it
     */
    public CellReport(Environment environment, Cell cell, List<String> quirks, Path matrixDir) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.cell = Objects.requireNonNull(cell, "cell");
        this.quirks = quirks == null ? List.of() : List.copyOf(quirks);
        this.matrixDir = Objects.requireNonNull(matrixDir, "matrixDir");
    }

    /** The report of one cell of a document; {@code quirks} maps persona -> its quirks (MatrixDocument has none). */
    public static CellReport of(MatrixDocument document, Cell cell, Map<String, List<String>> quirks, Path matrixDir) {
        return new CellReport(document.environment(), cell, quirks == null ? List.of() : quirks.getOrDefault(cell.persona(), List.of()),
                matrixDir);
    }

    /** "smdc-tyan x ipmitool-lan x offload=on". */
    public String name() {
        return cell.key().toString();
    }

    public String historyId() {
        return historyId(environment, cell.key());
    }

    /**
     * Stable across runs: a hash of persona, client, offload and the environment label, so Allure's history and
     * trends attach to the same cell on the same OS/NIC/driver, whatever the test's invocation index.
     */
    public static String historyId(Environment environment, MatrixDocument.Key key) {
        return sha256(String.join("\n", key.persona(), key.client(), key.offload().token(), environment.label()));
    }

    /** Passed when the verdict is the expected one or the deviation is known, broken for a harness error, else failed. */
    public Status status() {
        if (cell.verdict() == Verdict.HARNESS_ERROR) {
            return Status.BROKEN;
        }
        return !cell.finding() || cell.known() != null ? Status.PASSED : Status.FAILED;
    }

    /** Starts with the verdict token: "DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED: ...". */
    public String message() {
        return VerdictCategories.message(cell);
    }

    /**
     * Inside a JUnit 5 test running with allure-jupiter: decorates the test case allure-jupiter opened for the current
     * test (labels replaced, history id, parameters, description, attachments). The test's own outcome still decides
     * its status: end it with {@link #assertVerdict()} so the status and message match the standalone report.
     *
     * @throws IllegalStateException when no Allure test case is running on this thread
     */
    public void decorateCurrentTest() {
        AllureLifecycle lifecycle = Allure.getLifecycle();
        String uuid = lifecycle.getCurrentTestCase().orElseThrow(() -> new IllegalStateException(
                "no Allure test case is running on this thread: call decorateCurrentTest() from a test run with allure-jupiter"));
        applyTo(lifecycle, uuid);
    }

    /**
     * Ends a JUnit test the way the standalone report ends the cell: returns for a passed cell, throws an
     * AssertionError (failed) for a finding and an IllegalStateException (broken) for a harness error, each with
     * {@link #message()}, which the categories sort by.
     */
    public void assertVerdict() {
        switch (status()) {
            case FAILED -> throw new AssertionError(message());
            case BROKEN -> throw new IllegalStateException(message());
            default -> {
            }
        }
    }

    /** Applies the decoration to a scheduled or running test case of {@code lifecycle}: shared by both paths. */
    public void applyTo(AllureLifecycle lifecycle, String testUuid) {
        List<String> missing = new ArrayList<>();
        List<EvidenceAttachment> attachments = attachments(missing);
        String description = description(missing);
        lifecycle.updateTestCase(testUuid, r -> decorate(r, description));
        for (EvidenceAttachment a : attachments) {
            try {
                a.attachTo(lifecycle, testUuid);
            } catch (IOException e) {
                // the file vanished between the check and the read: say so in the report instead of failing it
                lifecycle.updateTestCase(testUuid, r -> r.setDescription(r.getDescription() + "\n\nCould not attach " + a.name() + ": " + e));
            }
        }
    }

    private void decorate(TestResult r, String description) {
        r.setName(name());
        r.setHistoryId(historyId());
        r.getLabels().removeIf(l -> SUITE_LABELS.contains(l.getName()));
        r.getLabels().add(ResultsUtils.createParentSuiteLabel(environment.label()));
        r.getLabels().add(ResultsUtils.createSuiteLabel(cell.persona()));
        r.getLabels().add(ResultsUtils.createSubSuiteLabel(cell.client()));
        for (String tag : tags()) {
            if (r.getLabels().stream().noneMatch(l -> "tag".equals(l.getName()) && tag.equals(l.getValue()))) {
                r.getLabels().add(ResultsUtils.createTagLabel(tag));
            }
        }
        // the cell's axes are the parameters: a test method's own arguments (often the whole cell) would only repeat them
        r.getParameters().removeIf(p -> p.getMode() != Parameter.Mode.HIDDEN);
        r.getParameters().addAll(parameters());
        r.setDescription(description);
        r.setStatus(status());
        r.setStatusDetails(new StatusDetails().setMessage(message()).setKnown(cell.known() != null));
    }

    /** Tags: only for a deviation that is already known. */
    List<String> tags() {
        return cell.known() != null && cell.finding() ? List.of(KNOWN_TAG) : List.of();
    }

    List<Parameter> parameters() {
        return List.of(
                new Parameter().setName("persona").setValue(cell.persona()),
                new Parameter().setName("client").setValue(cell.client()),
                new Parameter().setName("offload").setValue(cell.offload().token()),
                new Parameter().setName("quirks").setValue(quirks.isEmpty() ? "none" : String.join(", ", quirks)));
    }

    /** The evidence files that exist, in a fixed order; what is named but missing goes to {@code missing}. */
    List<EvidenceAttachment> attachments(List<String> missing) {
        List<EvidenceAttachment> out = new ArrayList<>();
        CellEvidence e = cell.evidence();
        if (e == null) {
            missing.add("the cell has no evidence record");
            out.add(EvidenceAttachment.ofText("cell (matrix.json)", EvidenceAttachment.JSON, "json", cellJson()));
            return out;
        }
        file(e.pcap(), "DUT capture", missing).ifPresentOrElse(
                p -> out.add(EvidenceAttachment.ofFile("exchange at the DUT interface (pcap)", EvidenceAttachment.PCAP, "pcap", p)),
                () -> {
                    if (e.pcap() == null) {
                        missing.add("no DUT capture was recorded");
                    }
                });
        file(e.responderPcap(), "responder capture", missing).ifPresent(
                p -> out.add(EvidenceAttachment.ofFile("responder's view (pcap)", EvidenceAttachment.PCAP, "pcap", p)));
        file(e.evidenceFile(), "evidence record", missing).ifPresentOrElse(
                p -> out.add(EvidenceAttachment.ofFile("evidence (JSON)", EvidenceAttachment.JSON, "json", p)),
                () -> out.add(EvidenceAttachment.ofText("cell (matrix.json)", EvidenceAttachment.JSON, "json", cellJson())));
        String output = e.clientOutput();
        if (output != null && !output.isEmpty()) {
            // client_output is either a file next to the matrix or the output itself (the probe records it inline)
            Optional<Path> f = output.contains("\n") ? Optional.empty() : EvidenceAttachment.existing(matrixDir, output);
            out.add(f.map(p -> EvidenceAttachment.ofFile("client output", EvidenceAttachment.TEXT, "txt", p))
                    .orElseGet(() -> EvidenceAttachment.ofText("client output", EvidenceAttachment.TEXT, "txt", output)));
        }
        return out;
    }

    private Optional<Path> file(String relative, String what, List<String> missing) {
        if (relative == null || relative.isBlank()) {
            return Optional.empty();
        }
        Optional<Path> p = EvidenceAttachment.existing(matrixDir, relative);
        if (p.isEmpty()) {
            missing.add(what + " `" + relative + "` not found under " + matrixDir.toAbsolutePath());
        }
        return p;
    }

    private String cellJson() {
        try {
            return JSON.writeValueAsString(cell);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Markdown (Allure renders it): verdict line, why, the evidence in a list, what is missing. */
    String description(List<String> missing) {
        StringBuilder d = new StringBuilder();
        d.append("**").append(VerdictCategories.verdictText(cell)).append("**");
        if (cell.verdict() == Verdict.HARNESS_ERROR) {
            d.append(", the harness could not run the cell");
        } else if (!cell.finding()) {
            d.append(", as expected");
        } else if (cell.known() != null) {
            d.append(", expected ").append(cell.expected()).append(": a known deviation, reported as passed. Known because: ")
                    .append(cell.known());
        } else {
            d.append(", expected ").append(cell.expected()).append(": a finding");
        }
        d.append("\n\n");
        if (cell.explanation() != null && !cell.explanation().isBlank()) {
            d.append(cell.explanation()).append("\n\n");
        }
        d.append("- environment: ").append(environment.label()).append('\n');
        d.append("- quirks: ").append(quirks.isEmpty() ? "none given" : String.join(", ", quirks)).append('\n');
        d.append("- attempts: ").append(cell.attempts()).append(", delivered: ").append(cell.delivered())
                .append(", ").append(cell.durationMs()).append(" ms\n");
        CellEvidence e = cell.evidence();
        if (e != null) {
            d.append("- responder: ").append(e.requestsSeen()).append(" requests seen, ").append(e.repliesSent()).append(" replies sent\n");
            if (e.repliesOnDutWire() != null) {
                d.append("- DUT capture: ").append(e.repliesOnDutWire()).append(" replies on the wire");
                if (e.dutWireUdpChecksumValid() != null) {
                    d.append(e.dutWireUdpChecksumValid() ? ", UDP checksums valid" : ", UDP checksum invalid on the wire");
                }
                d.append('\n');
            }
            counters(d, "OS counters", e.counters());
            counters(d, "NIC counters", e.nicCounters());
            counters(d, "drop reasons" + (e.reasonSource() == null ? "" : " (" + e.reasonSource() + ")"), e.dropReasons());
            if (e.clientExit() != null || e.clientMessage() != null) {
                d.append("- client: ").append(e.clientExit() == null ? "" : "exit " + e.clientExit() + ", ")
                        .append(Objects.toString(e.clientMessage(), "")).append('\n');
            }
        }
        if (!missing.isEmpty()) {
            d.append("\nMissing evidence:\n");
            missing.forEach(m -> d.append("- ").append(m).append('\n'));
        }
        return d.toString().strip();
    }

    private static void counters(StringBuilder d, String what, Map<String, Long> values) {
        if (!values.isEmpty()) {
            d.append("- ").append(what).append(": ").append(values.entrySet().stream()
                    .map(x -> x.getKey() + " " + (x.getValue() >= 0 ? "+" : "") + x.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    Cell cell() {
        return cell;
    }
}
