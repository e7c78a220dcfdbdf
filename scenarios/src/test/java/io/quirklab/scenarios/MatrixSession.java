package io.quirklab.scenarios;

import io.quirklab.cli.QuirklabCommand;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabState;
import io.quirklab.lab.MatrixPlan;
import io.quirklab.lab.MatrixRecorder;
import io.quirklab.lab.Probe;
import io.quirklab.lab.RunOutputs;
import io.quirklab.lab.VirtualLab;
import io.quirklab.lab.LabSessions;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one lab object of a {@code mvn verify} run, shared by every suite through JUnit's launcher-session store: it
 * reads the lab file ({@code -Dquirklab.lab=FILE}, default {@code scenarios/labs/virtual.yaml}), brings the lab up,
 * plans the matrix, records cells into {@code reports/runs/<run-id>/} and, when the launcher session ends, writes the
 * run's views and takes the lab down again.
 */
final class MatrixSession implements AutoCloseable {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MatrixSession.class);

    final LabFile labFile;
    final LabSession lab;
    final MatrixPlan plan;
    final MatrixRecorder recorder;
    final MatrixDocument.Environment environment;
    private String offload;

    private MatrixSession(LabFile labFile, LabSession lab, MatrixPlan plan, MatrixRecorder recorder, MatrixDocument.Environment env) {
        this.labFile = labFile;
        this.lab = lab;
        this.plan = plan;
        this.recorder = recorder;
        this.environment = env;
    }

    /** The session of this launcher session, opened on first use. */
    static MatrixSession get(ExtensionContext context) {
        return context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION, NS)
                .getOrComputeIfAbsent(MatrixSession.class, k -> open(), MatrixSession.class);
    }

    private static MatrixSession open() {
        try {
            LabFile file = LabFile.read(labFilePath());
            FaultModel model = file.faultModel().orElse(FaultModel.of("df-clear"));
            Optional<MatrixDocument> baseline = Optional.ofNullable(System.getProperty("quirklab.baseline"))
                    .filter(s -> !s.isBlank()).map(MatrixSession::readBaseline);
            LabSession lab = LabSessions.open(file, model, launch(file.personas()), null, line -> System.out.println("lab: " + line));
            try {
                MatrixPlan plan = MatrixPlan.of(lab.state(), file, list("quirklab.personas"), list("quirklab.clients"),
                        list("quirklab.offload"), baseline);
                MatrixDocument.Environment env = HostAdapter.detect().fingerprint(lab.state().dutInterface());
                MatrixRecorder recorder = MatrixRecorder.start(reportsDir(), lab, plan, env);
                String runId = recorder.runId();
                System.out.println("matrix run " + runId + " on " + env.label() + ": " + plan.cells(lab.state()).size() + " cells; "
                        + lab.offloadDescription());
                return new MatrixSession(file, lab, plan, recorder, env);
            } catch (IOException | RuntimeException e) {
                lab.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        String p = System.getProperty("quirklab.lab");
        String node = System.getProperty("quirklab.node");
        if ((p == null || p.isBlank()) && node != null && !node.isBlank()) {
            try {
                return io.quirklab.lab.LabInventory.read(rootDir().resolve(io.quirklab.lab.LabInventory.DEFAULT)).node(node).lab();
            } catch (IOException e) {
                throw new UncheckedIOException("-Dquirklab.node: " + e.getMessage(), e);
            }
        }
        if (p == null || p.isBlank()) {
            return rootDir().resolve("scenarios/labs/virtual.yaml");
        }
        Path path = Path.of(p);
        return path.isAbsolute() ? path : rootDir().resolve(path);
    }

    private static List<String> list(String property) {
        String v = System.getProperty(property, "");
        return v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static VirtualLab.ResponderLaunch launch(Optional<Path> personas) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new VirtualLab.ResponderLaunch(List.of(java, "-cp", System.getProperty("java.class.path"), QuirklabCommand.class.getName()),
                personas);
    }

    LabState state() {
        return lab.state();
    }

    /** Switches the offload axis when the next cell needs another state. */
    synchronized void offload(String state) {
        if (!state.equals(offload)) {
            try {
                lab.offload(state);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            offload = state;
        }
    }

    /** Probes one cell (in the right offload state) and records it. */
    synchronized MatrixRecorder.Recorded run(MatrixPlan.Planned p) throws IOException {
        offload(p.offload());
        Probe.Result r = new Probe(lab.state(), labFile.clientPaths()).run(p.persona(), p.client(), recorder.cellDir(p.key()));
        return recorder.record(p.offload(), r);
    }

    /** Persona -> its quirks, for the report's parameters. */
    java.util.Map<String, List<String>> quirks() {
        return RunOutputs.quirks(lab.state());
    }

    @Override
    public void close() throws IOException {
        List<String> problems = new ArrayList<>();
        try {
            MatrixDocument doc = recorder.finish(lab.offloadChanges());
            RunOutputs.Written w = RunOutputs.write(recorder.runDir(), doc, quirks(), io.quirklab.report.AllureResults.configured(), false);
            System.out.println("matrix.json: " + recorder.matrixFile().toAbsolutePath());
            w.paths().forEach((what, path) -> System.out.println(what + ": " + path.toAbsolutePath()));
        } catch (IOException | RuntimeException e) {
            problems.add("writing the run's views: " + e);
        } finally {
            lab.close();
        }
        if (!problems.isEmpty()) {
            throw new IOException(String.join("; ", problems));
        }
    }
}
