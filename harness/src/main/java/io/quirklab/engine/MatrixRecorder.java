package io.quirklab.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabSession;
import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.RepeatedCell;
import io.quirklab.matrix.RunTotals;
import io.quirklab.observe.CounterReading;
import io.quirklab.observe.DutWire;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.NicVerdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's directory ({@code reports/runs/<run-id>/}): a sub-directory of evidence per cell and
 * {@code matrix.json}, rewritten after every cell so a run that dies keeps every cell it finished.
 */
public final class MatrixRecorder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule().addSerializer(Path.class,
                    new com.fasterxml.jackson.databind.ser.std.ToStringSerializer()));
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path runDir;
    private final CellJudge judge;
    private final List<MatrixDocument.Cell> cells = new ArrayList<>();
    private final Map<MatrixDocument.Key, CellJudge.Judgement> judgements = new LinkedHashMap<>();
    private MatrixDocument document;

    /**
     * @param runDir   the run's directory (created)
     * @param skeleton run, environment and axes; its cells are ignored
     * @param judge    known issues and baseline for the judgement of each cell
     */
    public MatrixRecorder(Path runDir, MatrixDocument skeleton, CellJudge judge) throws IOException {
        this.runDir = runDir;
        this.judge = judge;
        this.document = skeleton.withCells(List.of());
        Files.createDirectories(runDir.resolve("cells"));
        document.write(matrixFile());
    }

    /**
     * Starts the recording of a run that begins now: its id, the skeleton document (run, lab, environment, axes) and
     * its directory {@code reportsDir/runs/<run-id>/}.
     */
    public static MatrixRecorder start(Path reportsDir, LabSession session, MatrixPlan plan, MatrixDocument.Environment env)
            throws IOException {
        Instant started = Instant.now();
        String runId = runId(started, env.os().family(), session.state().dutInterface());
        MatrixDocument skeleton = new MatrixDocument(MatrixDocument.SCHEMA,
                new MatrixDocument.Run(runId, started.truncatedTo(ChronoUnit.SECONDS).toString(), null, io.quirklab.Version.get(),
                        new MatrixDocument.Lab(session.kind().id(), plan.labFile(), plan.faults().isEmpty()
                                ? session.faultModel().map(FaultModel::name).orElse(null)
                                : String.join(", ", plan.faults().stream().map(FaultModel::name).toList()))),
                env, plan.axes(), List.of());
        return new MatrixRecorder(reportsDir.resolve("runs").resolve(runId), skeleton, plan.judge());
    }

    public String runId() {
        return document.run().id();
    }

    /** A run id from its start and where it ran: 20261122T101503Z-linux-qlab-dut. */
    public static String runId(Instant started, String osFamily, String iface) {
        String tail = (osFamily + "-" + iface).replaceAll("[^A-Za-z0-9._-]", "_");
        return ID.format(started.truncatedTo(ChronoUnit.SECONDS)) + "-" + tail;
    }

    public Path runDir() {
        return runDir;
    }

    public Path matrixFile() {
        return runDir.resolve("matrix.json");
    }

    /** Where the evidence of a cell goes (the directory a {@link Probe} writes its pcaps into). */
    public Path cellDir(MatrixDocument.Key key) {
        return runDir.resolve("cells").resolve(key.slug());
    }

    /** Records a probed cell: writes its evidence record and client output, adds it, rewrites matrix.json. */
    public synchronized Recorded record(OffloadState offload, Probe.Result r) throws IOException {
        return record(offload, List.of(r));
    }

    /**
     * Where the evidence of one of a repeated cell's attempts goes (1-based); a cell probed once keeps its evidence in
     * {@link #cellDir}.
     */
    public Path attemptDir(MatrixDocument.Key key, int attempt) {
        return cellDir(key).resolve("attempt-" + attempt);
    }

    /**
     * Records a cell from its attempts (each probed into {@link #attemptDir}, or one into {@link #cellDir}): the cell
     * of the attempts ({@link io.quirklab.matrix.RepeatedCell}), judged, added; matrix.json rewritten.
     */
    public synchronized Recorded record(OffloadState offload, List<Probe.Result> attempts) throws IOException {
        return record(offload, null, attempts);
    }

    /** Records a planned cell from its attempts (under its fault model, in a run with several). */
    public synchronized Recorded record(MatrixPlan.Planned planned, List<Probe.Result> attempts) throws IOException {
        return record(planned.offload(), planned.fault(), attempts);
    }

    private Recorded record(OffloadState offload, String fault, List<Probe.Result> attempts) throws IOException {
        Probe.Result r0 = attempts.get(0);
        MatrixDocument.Key key = new MatrixDocument.Key(r0.persona(), r0.client(), offload, fault);
        List<MatrixDocument.Cell> each = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            MatrixDocument.Cell c = attemptCell(offload, attempts.get(i), attempts.size() == 1 ? cellDir(key) : attemptDir(key, i + 1));
            each.add(fault == null ? c : c.withFault(fault));
        }
        MatrixDocument.Cell cell = RepeatedCell.of(each);
        CellJudge.Judgement j = judge.judge(cell);
        if (j.known() != null) {
            cell = cell.withKnown(j.known());
        }
        cells.removeIf(c -> c.key().equals(key));
        cells.add(cell);
        judgements.put(key, j);
        document = document.withCells(cells);
        document.write(matrixFile());
        return new Recorded(cell, j);
    }

    /** One attempt as a cell: its evidence record and client output written into {@code dir}. */
    private MatrixDocument.Cell attemptCell(OffloadState offload, Probe.Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path evidenceFile = dir.resolve("evidence.json");
        JSON.writeValue(evidenceFile.toFile(), r);
        Path clientFile = dir.resolve("client.txt");
        Files.writeString(clientFile, r.clientOutput() == null ? "" : r.clientOutput() + "\n");
        Evidence e = r.evidence();
        DutWire w = e.dutWire();
        MatrixDocument.CellEvidence ce = new MatrixDocument.CellEvidence(e.repliesSent(), e.requestsSeen(),
                w == null ? null : w.replies(), w == null ? null : w.udpChecksumsValid(), e.os().counterDeltas(),
                e.os().nicCounterDeltas(), e.os().dropReasons(), r.reasonSource(), e.client().exitCode(), e.client().message(),
                relative(e.pcap()), relative(r.responderPcap() == null ? null : Path.of(r.responderPcap())), relative(evidenceFile),
                relative(clientFile), nicChecksum(e.os().nicVerdict()));
        return new MatrixDocument.Cell(r.persona(), r.client(), offload, r.verdict(), r.reason(), r.expected(),
                e.client().attempts(), e.client().answered(), r.durationMillis(), r.explanation(), null, ce);
    }

    /** The NIC's verdict as matrix.json writes it, or null where the lab's NIC gives none per cell. */
    static MatrixDocument.NicChecksum nicChecksum(NicVerdict v) {
        if (v == null) {
            return null;
        }
        return new MatrixDocument.NicChecksum(v.nic(), counter(v.errors()), counter(v.good()), v.byState(),
                v.packets().stream().map(p -> new MatrixDocument.NicPacket(p.ipSummed(), p.length(), p.dropReason())).toList(), v.source());
    }

    private static MatrixDocument.NicCounter counter(CounterReading r) {
        if (r instanceof CounterReading.Told t) {
            return MatrixDocument.NicCounter.told(t.counter(), t.delta());
        }
        return r instanceof CounterReading.NotTold n ? MatrixDocument.NicCounter.notTold(n.why()) : null;
    }

    /** A cell as recorded, with its judgement. */
    public record Recorded(MatrixDocument.Cell cell, CellJudge.Judgement judgement) {
    }

    /** Marks the run finished and writes the final matrix.json. */
    public synchronized MatrixDocument finish() throws IOException {
        return finish(document.run().offloadChanges());
    }

    /** Marks the run finished with the offload switches it made, and writes the final matrix.json. */
    public synchronized MatrixDocument finish(List<MatrixDocument.OffloadStateChange> offloadChanges) throws IOException {
        MatrixDocument.Run run = document.run();
        document = document.withRun(new MatrixDocument.Run(run.id(), run.started(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                run.quirklabVersion(), run.lab(), offloadChanges));
        document.write(matrixFile());
        return document;
    }

    public synchronized MatrixDocument document() {
        return document;
    }

    public synchronized Map<MatrixDocument.Key, CellJudge.Judgement> judgements() {
        return new LinkedHashMap<>(judgements);
    }

    /** Cells by outcome: how many passed, were known, failed, broke (harness errors); and regressions. */
    public synchronized RunTotals totals() {
        return RunTotals.of(judgements.values());
    }

    private String relative(Path p) {
        if (p == null) {
            return null;
        }
        Path abs = p.toAbsolutePath().normalize();
        Path base = runDir.toAbsolutePath().normalize();
        return abs.startsWith(base) ? base.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }
}
