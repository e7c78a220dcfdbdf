package io.quirklab.cli;

import io.quirklab.engine.MatrixEngine;
import io.quirklab.engine.RunListener;
import io.quirklab.lab.LabFile;
import io.quirklab.matrix.Comparison;
import io.quirklab.matrix.MatrixDocument;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code bench --lab --matrix}: the built-in lab file's whole matrix run twice in one go, at the evidence's pace and at
 * the full wait, on the same lab: the wall times side by side, how soon a dropped cell ended after its first dropped
 * reply, and whether the verdicts changed between the two runs (and against a baseline). Printed, never asserted.
 */
final class BenchMatrix {
    private final PrintWriter out;
    private final PrintWriter err;

    BenchMatrix(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** One pace's run, as the bench reports it. */
    private record Timed(MatrixEngine.Pace pace, MatrixEngine.Finished run) {
        String line() {
            MatrixDocument doc = run.document();
            return String.format(Locale.ROOT, "  %-9s: %d cells in %.1f s wall, %d at once; %s", pace.token(), doc.cells().size(),
                    run.seconds(), run.jobs(), run.dropTimes().describe());
        }
    }

    /**
     * Runs the matrix at both paces and prints the figures.
     *
     * @param reports  where the runs are recorded (DIR/runs/RUN_ID)
     * @param stateDir the lab's state directory, or null for the lab kind's
     * @param baseline a baseline both runs are compared with, or empty
     */
    void run(Path reports, Path stateDir, Optional<MatrixDocument> baseline) throws Exception {
        LabFile file = LabFile.embedded();
        out.println("matrix: the built-in lab file's matrix on its lab, at the evidence's pace and then at the full wait (run --full-wait)");
        out.flush();
        Timed evidence = run(file, reports, stateDir, baseline, MatrixEngine.Pace.EVIDENCE);
        Timed full = run(file, reports, stateDir, baseline, MatrixEngine.Pace.FULL_WAIT);
        out.println(evidence.line());
        out.println(full.line());
        out.printf(Locale.ROOT, "  the evidence's pace: %.1f s instead of %.1f s (%.1f times as fast)%n", evidence.run().seconds(),
                full.run().seconds(), full.run().seconds() / Math.max(evidence.run().seconds(), 0.001));
        out.println("  compare " + full.pace().token() + " -> " + evidence.pace().token() + ": "
                + changes(Comparison.of(full.run().document(), evidence.run().document())));
        baseline.ifPresent(b -> {
            out.println("  compare baseline -> " + evidence.pace().token() + ": " + changes(Comparison.of(b, evidence.run().document())));
            out.println("  compare baseline -> " + full.pace().token() + ": " + changes(Comparison.of(b, full.run().document())));
        });
        out.println("  matrix.json: " + evidence.run().matrixFile().toAbsolutePath() + ", " + full.run().matrixFile().toAbsolutePath());
        out.flush();
    }

    private Timed run(LabFile file, Path reports, Path stateDir, Optional<MatrixDocument> baseline, MatrixEngine.Pace pace)
            throws Exception {
        MatrixEngine engine = new MatrixEngine(MatrixEngine.live(file, LabCommand.launch(file.personas()), stateDir));
        MatrixEngine.Finished f = engine.run(new MatrixEngine.Request(file, List.of(), List.of(), List.of(), baseline, reports, null, null,
                true, null, pace), new RunListener() {
                    @Override
                    public void note(String line) {
                        err.println(pace.token() + ": " + Terminal.text(line));
                        err.flush();
                    }

                    @Override
                    public void started(MatrixEngine.Started s) {
                        err.println(pace.token() + ": " + s.cells().size() + " cells, " + s.jobs() + " at once; " + Terminal.text(s.pace()));
                        err.flush();
                    }
                });
        return new Timed(pace, f);
    }

    /** "no change (320 cells unchanged)", or the count of each kind of change and the first few cells. */
    static String changes(Comparison c) {
        List<Comparison.CellChange> moved = c.changes();
        if (moved.isEmpty()) {
            return "no change (" + c.count(Comparison.Kind.UNCHANGED) + " cells unchanged)";
        }
        String kinds = Arrays.stream(Comparison.Kind.values()).filter(k -> k != Comparison.Kind.UNCHANGED && c.count(k) > 0)
                .map(k -> c.count(k) + " " + k.plural()).collect(Collectors.joining(", "));
        return kinds + ": " + moved.stream().limit(5).map(ch -> Terminal.text(ch.key() + " " + ch.summary())).collect(Collectors.joining("; "))
                + (moved.size() > 5 ? "; ..." : "");
    }
}
