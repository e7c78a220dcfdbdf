package io.quirklab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.PropertiesUtils;
import io.qameta.allure.util.ResultsUtils;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Environment;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An Allure results directory, written without JUnit: one result per cell of a matrix, a "delivery matrix" summary
 * entry, {@code environment.properties} and {@code categories.json}. {@code quirklab run} writes a whole document
 * with {@link #writeMatrix}; a JUnit suite whose cells were decorated by {@link CellReport#decorateCurrentTest()}
 * adds the rest with {@link #writeSummary}, {@link #writeEnvironment} and {@link #writeCategories} into
 * {@link #configured()}.
 */
public final class AllureResults {
    /** Name of the summary entry. */
    public static final String SUMMARY = "delivery matrix";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path directory;
    // a lifecycle of our own: its thread context and storage never touch a JUnit run's test cases
    private final AllureLifecycle lifecycle;

    public AllureResults(Path directory) {
        this.directory = directory;
        this.lifecycle = new AllureLifecycle(new FileSystemResultsWriter(directory));
    }

    /** The directory allure-jupiter writes to in this JVM (allure.results.directory, as Allure itself resolves it). */
    public static AllureResults configured() {
        return new AllureResults(Paths.get(PropertiesUtils.loadAllureProperties().getProperty("allure.results.directory", "allure-results")));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Everything for one matrix: a result per cell, the summary, environment.properties and categories.json.
     *
     * @param matrixDir the matrix file's directory (evidence paths are relative to it; matrix.json/.html are read there)
     * @param quirks    persona -> its quirks, for the parameters (personas missing from it get none)
     */
    public void writeMatrix(MatrixDocument document, Path matrixDir, Map<String, List<String>> quirks) throws IOException {
        writeCells(document, matrixDir, quirks);
        writeSummary(document, matrixDir);
        writeEnvironment(document);
        writeCategories();
    }

    /** One result per cell; start and stop laid end to end from the run's start and each cell's duration. */
    public void writeCells(MatrixDocument document, Path matrixDir, Map<String, List<String>> quirks) {
        long total = document.cells().stream().mapToLong(Cell::durationMs).sum();
        long cursor = runStart(document).orElse(System.currentTimeMillis() - total);
        for (Cell cell : document.cells()) {
            CellReport report = CellReport.of(document, cell, quirks, matrixDir);
            long start = cursor;
            long stop = start + Math.max(0, cell.durationMs());
            cursor = stop;
            write(new TestResult().setFullName(document.environment().label() + " / " + report.name()).setTestCaseId(report.historyId()),
                    uuid -> report.applyTo(lifecycle, uuid), start, stop);
        }
    }

    /**
     * The "delivery matrix" entry: counts per verdict in its description, matrix.html (rendered inline) and
     * matrix.json attached. It passes: the cells carry the verdicts, the summary only indexes them.
     */
    public void writeSummary(MatrixDocument document, Path matrixDir) {
        Environment env = document.environment();
        List<String> missing = new ArrayList<>();
        List<EvidenceAttachment> attachments = new ArrayList<>();
        EvidenceAttachment.existing(matrixDir, "matrix.html").ifPresentOrElse(
                p -> attachments.add(EvidenceAttachment.ofFile("matrix.html", EvidenceAttachment.HTML, "html", p)),
                () -> missing.add("matrix.html not found in " + matrixDir.toAbsolutePath()));
        attachments.add(EvidenceAttachment.existing(matrixDir, "matrix.json")
                .map(p -> EvidenceAttachment.ofFile("matrix.json", EvidenceAttachment.JSON, "json", p))
                .orElseGet(() -> EvidenceAttachment.ofText("matrix.json", EvidenceAttachment.JSON, "json", document.toJson())));
        String description = summaryDescription(document, missing);
        long total = document.cells().stream().mapToLong(Cell::durationMs).sum();
        long start = runStart(document).orElse(System.currentTimeMillis() - total);
        long stop = instant(document.run() == null ? null : document.run().finished()).orElse(start + total);
        TestResult result = new TestResult()
                .setName(SUMMARY)
                .setFullName(env.label() + " / " + SUMMARY)
                .setHistoryId(CellReport.sha256(SUMMARY + "\n" + env.label()))
                .setDescription(description)
                .setStatus(Status.PASSED)
                .setStatusDetails(new StatusDetails().setMessage(counts(document)));
        result.getLabels().add(ResultsUtils.createParentSuiteLabel(env.label()));
        result.getLabels().add(ResultsUtils.createSuiteLabel(SUMMARY));
        write(result, uuid -> {
            for (EvidenceAttachment a : attachments) {
                try {
                    a.attachTo(lifecycle, uuid);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot attach " + a.name(), e);
                }
            }
        }, start, stop);
    }

    /**
     * A bisection's entry (suite "bisect"): the short answer as its description and status message, bisect.json
     * attached. It passes when a trigger was found and re-checked, and is broken (not a product failure) otherwise.
     */
    public void writeBisection(String environmentLabel, String title, String answer, boolean found, Path bisectJson, long start,
                               long stop) {
        TestResult result = new TestResult()
                .setName(title)
                .setFullName(environmentLabel + " / bisect / " + title)
                .setHistoryId(CellReport.sha256("bisect\n" + title + "\n" + environmentLabel))
                .setDescription(answer)
                .setStatus(found ? Status.PASSED : Status.BROKEN)
                .setStatusDetails(new StatusDetails().setMessage(answer));
        result.getLabels().add(ResultsUtils.createParentSuiteLabel(environmentLabel));
        result.getLabels().add(ResultsUtils.createSuiteLabel("bisect"));
        write(result, uuid -> {
            try {
                EvidenceAttachment.ofFile("bisect.json", EvidenceAttachment.JSON, "json", bisectJson).attachTo(lifecycle, uuid);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot attach bisect.json", e);
            }
        }, start, stop);
    }

    /** environment.properties: OS, kernel, host, Java, DUT interface, driver, firmware, offloads, clients, lab. */
    public void writeEnvironment(MatrixDocument document) throws IOException {
        StringBuilder out = new StringBuilder();
        environmentProperties(document).forEach((k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
        Files.createDirectories(directory);
        // Allure reads it with Properties.load(InputStream): ISO-8859-1, everything else \\u-escaped
        Files.writeString(directory.resolve("environment.properties"), out, StandardCharsets.ISO_8859_1);
    }

    /** categories.json: one category per verdict, one for known deviations (VerdictCategories). */
    public void writeCategories() throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("categories.json"), JSON.writeValueAsString(VerdictCategories.categories()) + "\n");
    }

    /** The entries of environment.properties, in display order; fields the platform does not offer are left out. */
    public static Map<String, String> environmentProperties(MatrixDocument document) {
        Map<String, String> p = new LinkedHashMap<>();
        Environment env = document.environment();
        if (env != null) {
            if (env.os() != null) {
                put(p, "os", env.os().name() != null ? env.os().name() : env.os().family());
                put(p, "os.version", env.os().version());
                put(p, "linux".equalsIgnoreCase(env.os().family()) ? "kernel" : "os.build", env.os().build());
            }
            put(p, "host", env.host());
            put(p, "java", env.java());
            MatrixDocument.DutInterface dut = env.dutInterface();
            if (dut != null) {
                put(p, "dut.interface", dut.name());
                put(p, "dut.nic", dut.model());
                put(p, "dut.pci_id", dut.pciId());
                put(p, "dut.link_speed", dut.linkSpeed());
                put(p, "driver", dut.driver());
                put(p, "driver.version", dut.driverVersion());
                put(p, "driver.date", dut.driverDate());
                put(p, "driver.file", dut.driverFile());
                put(p, "firmware", dut.firmware());
                dut.offloads().forEach((k, v) -> put(p, "offload." + k, v));
            }
            env.clients().forEach((k, v) -> put(p, "client." + k, v));
        }
        MatrixDocument.Run run = document.run();
        if (run != null) {
            if (run.lab() != null) {
                put(p, "lab", run.lab().kind() + (run.lab().file() == null ? "" : " (" + run.lab().file() + ")"));
                put(p, "fault_model", run.lab().faultModel());
            }
            put(p, "run", run.id());
            put(p, "quirklab", run.quirklabVersion());
        }
        return p;
    }

    private void write(TestResult result, Consumer<String> decorate, long start, long stop) {
        String uuid = UUID.randomUUID().toString();
        lifecycle.scheduleTestCase(result.setUuid(uuid));
        lifecycle.startTestCase(uuid);
        decorate.accept(uuid);
        lifecycle.stopTestCase(uuid);
        // stopTestCase stamps the wall clock: the cell's own times replace it
        lifecycle.updateTestCase(uuid, r -> r.setStart(start).setStop(stop).setStage(Stage.FINISHED));
        lifecycle.writeTestCase(uuid);
    }

    private static String summaryDescription(MatrixDocument document, List<String> missing) {
        StringBuilder d = new StringBuilder();
        d.append("**").append(counts(document)).append("**\n\n");
        Map<Verdict, Integer> byVerdict = new EnumMap<>(Verdict.class);
        document.cells().forEach(c -> byVerdict.merge(c.verdict(), 1, Integer::sum));
        byVerdict.forEach((v, n) -> d.append("- ").append(v).append(": ").append(n).append('\n'));
        d.append("\n- environment: ").append(document.environment().label()).append('\n');
        if (document.run() != null) {
            d.append("- run: ").append(document.run().id()).append('\n');
        }
        if (document.axes() != null) {
            d.append("- personas: ").append(String.join(", ", document.axes().personas())).append('\n')
                    .append("- clients: ").append(String.join(", ", document.axes().clients())).append('\n')
                    .append("- offload: ").append(String.join(", ", document.axes().offload().stream().map(OffloadState::token).toList())).append('\n');
        }
        if (!missing.isEmpty()) {
            d.append("\nMissing:\n");
            missing.forEach(m -> d.append("- ").append(m).append('\n'));
        }
        return d.toString().strip();
    }

    /** "16 cells: 12 as expected, 4 findings (2 known), 0 harness errors". */
    static String counts(MatrixDocument document) {
        long harness = document.cells().stream().filter(c -> c.verdict() == Verdict.HARNESS_ERROR).count();
        long findings = document.cells().stream().filter(c -> c.verdict() != Verdict.HARNESS_ERROR && c.finding()).count();
        long known = document.cells().stream().filter(c -> c.verdict() != Verdict.HARNESS_ERROR && c.finding() && c.known() != null).count();
        long expected = document.cells().size() - harness - findings;
        return document.cells().size() + " cells: " + expected + " as expected, " + findings + " findings (" + known + " known), "
                + harness + " harness errors";
    }

    private static Optional<Long> runStart(MatrixDocument document) {
        return instant(document.run() == null ? null : document.run().started());
    }

    private static Optional<Long> instant(String iso) {
        if (iso == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(iso).toEpochMilli());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value);
        }
    }

    /** java.util.Properties escaping for a file read as ISO-8859-1. */
    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
