package io.quirklab.scenarios;

import io.quirklab.matrix.OffloadState;
import io.quirklab.cli.QuirklabCommand;
import io.quirklab.engine.MatrixEngine;
import io.quirklab.engine.MatrixPlan;
import io.quirklab.engine.MatrixRecorder;
import io.quirklab.engine.RunListener;
import io.quirklab.engine.RunOutputs;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one matrix run of a {@code mvn verify}, shared by every suite through JUnit's launcher-session store: it reads
 * the lab file ({@code -Dquirklab.lab=FILE}, default {@code scenarios/labs/virtual.yaml}), brings the lab up and
 * starts the {@link MatrixEngine} on it in the background (cells in parallel where the evidence allows); each cell's
 * test waits for its cell ({@link #await}). When the launcher session ends, the run's views are written (by the
 * engine) and the lab is taken down again. Its settings ({@code quirklab.lab}, {@code .baseline}, {@code .personas},
 * {@code .clients}, {@code .offload}, {@code .jobs}, {@code .reports}, {@code .allure-results}, {@code .node}) are
 * JUnit configuration parameters, so {@code -D} sets them for {@code mvn verify} and a launcher of its own (the
 * agent suite runs this very suite through an agent) can set them for its session.
 */
final class MatrixSession implements AutoCloseable, RunListener {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MatrixSession.class);
    /** A cell waits at most this long for the engine (the whole built-in matrix takes well under a minute). */
    static final Duration CELL_WAIT = Duration.ofMinutes(15);

    final LabFile labFile;
    final LabSession lab;
    final MatrixPlan plan;
    private final Optional<MatrixDocument> baseline;
    private final Map<MatrixDocument.Key, CompletableFuture<MatrixRecorder.Recorded>> cells = new ConcurrentHashMap<>();
    private final CompletableFuture<MatrixEngine.Started> started = new CompletableFuture<>();
    private final CompletableFuture<MatrixEngine.Finished> finished = new CompletableFuture<>();
    private final Thread runner;

    private MatrixSession(LabFile labFile, LabSession lab, MatrixEngine engine, MatrixEngine.Request request) {
        this.labFile = labFile;
        this.lab = lab;
        this.baseline = request.baseline();
        this.plan = engine.plan(lab, request);
        plan.cells(lab.state()).forEach(c -> cells.put(c.key(), new CompletableFuture<>()));
        this.runner = new Thread(() -> {
            try {
                finished.complete(engine.run(lab, request, this));
            } catch (Throwable t) {
                finished.completeExceptionally(t);
                started.completeExceptionally(t);
                cells.values().forEach(f -> f.completeExceptionally(t));
            }
        }, "matrix-engine");
        runner.setDaemon(true);
        runner.start();
    }

    /** The session of this launcher session, opened on first use. */
    static MatrixSession get(ExtensionContext context) {
        return context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION, NS)
                .getOrComputeIfAbsent(MatrixSession.class, k -> open(context), MatrixSession.class);
    }

    /** A setting of this launcher session (a configuration parameter, else the system property); blank is unset. */
    private static Optional<String> setting(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static MatrixSession open(ExtensionContext context) {
        try {
            LabFile file = LabFile.read(labFilePath(setting(context, "quirklab.lab"), setting(context, "quirklab.node")));
            Optional<MatrixDocument> baseline = setting(context, "quirklab.baseline").map(MatrixSession::readBaseline);
            MatrixEngine.World world = MatrixEngine.live(file, launch(file.personas()), null);
            MatrixEngine engine = new MatrixEngine(world);
            Optional<String> jobs = setting(context, "quirklab.jobs");
            io.quirklab.report.AllureResults allure = setting(context, "quirklab.allure-results")
                    .map(d -> new io.quirklab.report.AllureResults(Path.of(d))).orElseGet(io.quirklab.report.AllureResults::configured);
            MatrixEngine.Request request = new MatrixEngine.Request(file, list(context, "quirklab.personas"), list(context, "quirklab.clients"),
                    list(context, "quirklab.offload").stream().map(OffloadState::of).toList(), baseline, setting(context, "quirklab.reports").map(Path::of).orElseGet(MatrixSession::reportsDir),
                    jobs.map(j -> Integer.valueOf(j)).orElse(null), allure, false);
            LabSession lab = world.openLab(line -> System.out.println("lab: " + line));
            try {
                return new MatrixSession(file, lab, engine, request);
            } catch (RuntimeException e) {
                lab.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void note(String line) {
        System.out.println(line);
    }

    @Override
    public void started(MatrixEngine.Started s) {
        System.out.println("matrix run " + s.runId() + " on " + s.environment().label() + ": " + s.cells().size() + " cells, "
                + s.jobs() + " at once; " + s.offloadDescription() + "; evidence: " + s.observers() + "; pace: " + s.pace());
        started.complete(s);
    }

    @Override
    public void cellFinished(MatrixPlan.Planned cell, MatrixRecorder.Recorded recorded, MatrixEngine.Progress progress) {
        cells.computeIfAbsent(cell.key(), k -> new CompletableFuture<>()).complete(recorded);
    }

    @Override
    public void finished(MatrixEngine.Finished f) {
        System.out.printf("matrix run: %d cells in %.1f s, %d at once; %s pace: %s%n", f.document().cells().size(), f.seconds(), f.jobs(),
                f.pace().token(), f.dropTimes().describe());
        System.out.println("matrix.json: " + f.matrixFile().toAbsolutePath());
        f.outputs().forEach((what, path) -> System.out.println(what + ": " + path.toAbsolutePath()));
    }

    /** The cell as the engine recorded it, once it is. */
    MatrixRecorder.Recorded await(MatrixPlan.Planned cell) throws Exception {
        CompletableFuture<MatrixRecorder.Recorded> f = cells.get(cell.key());
        if (f == null) {
            throw new IllegalStateException(cell + " is not in the plan");
        }
        try {
            return f.get(CELL_WAIT.toMinutes(), TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** The run once the engine is done with it. */
    MatrixEngine.Finished finished() throws Exception {
        try {
            return finished.get(CELL_WAIT.toMinutes(), TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /** The baseline of -Dquirklab.baseline, if one was given. */
    Optional<MatrixDocument> baseline() {
        return baseline;
    }

    /** The run as started (environment, run directory). */
    MatrixEngine.Started run() throws Exception {
        return started.get(CELL_WAIT.toMinutes(), TimeUnit.MINUTES);
    }

    private static MatrixDocument readBaseline(String path) {
        try {
            return MatrixDocument.read(Path.of(path).isAbsolute() ? Path.of(path) : rootDir().resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException("-Dquirklab.baseline: " + e.getMessage(), e);
        }
    }

    static Path rootDir() {
        String root = System.getProperty("quirklab.root");
        return root != null && !root.isBlank() ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }

    static Path reportsDir() {
        return rootDir().resolve("reports");
    }

    /** {@code -Dquirklab.lab=FILE}; else the lab file of {@code -Dquirklab.node=LABEL} in the lab inventory (Jenkins); else virtual.yaml. */
    static Path labFilePath() {
        return labFilePath(Optional.ofNullable(System.getProperty("quirklab.lab")).filter(s -> !s.isBlank()),
                Optional.ofNullable(System.getProperty("quirklab.node")).filter(s -> !s.isBlank()));
    }

    private static Path labFilePath(Optional<String> lab, Optional<String> node) {
        if (lab.isEmpty() && node.isPresent()) {
            try {
                return io.quirklab.lab.LabInventory.read(rootDir().resolve(io.quirklab.lab.LabInventory.DEFAULT)).node(node.get()).lab();
            } catch (IOException e) {
                throw new UncheckedIOException("-Dquirklab.node: " + e.getMessage(), e);
            }
        }
        if (lab.isEmpty()) {
            return rootDir().resolve("scenarios/labs/virtual.yaml");
        }
        Path path = Path.of(lab.get());
        return path.isAbsolute() ? path : rootDir().resolve(path);
    }

    private static List<String> list(ExtensionContext context, String key) {
        return setting(context, key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** The responder as a run of this JVM starts it: the same Java and class path, the given personas. */
    static VirtualLab.ResponderLaunch launch(List<io.quirklab.responder.Persona> personas) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new VirtualLab.ResponderLaunch(List.of(java, io.quirklab.cli.LabCommand.RESPONDER_JIT, "-cp", System.getProperty("java.class.path"),
                QuirklabCommand.class.getName()),
                personas);
    }

    LabState state() {
        return lab.state();
    }

    /** Persona -> its quirks, for the report's parameters. */
    java.util.Map<String, List<String>> quirks() {
        return RunOutputs.quirks(lab.state());
    }

    @Override
    public void close() throws IOException {
        try {
            runner.join(CELL_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lab.close();
        }
        if (finished.isCompletedExceptionally()) {
            try {
                finished.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw new IOException("the matrix run failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
