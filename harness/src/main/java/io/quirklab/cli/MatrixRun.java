package io.quirklab.cli;

import io.quirklab.host.HostAdapter;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.MatrixPlan;
import io.quirklab.lab.MatrixRecorder;
import io.quirklab.lab.Probe;
import io.quirklab.lab.RunOutputs;
import io.quirklab.lab.LabSessions;
import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The main job on a lab: the matrix of the lab file (personas x clients x offload states), one probe per cell,
 * recorded under {@code reports/runs/<run-id>/} as it goes, printed as a table at the end.
 */
final class MatrixRun {
    /**
     * What to run.
     *
     * @param labFile  the lab file
     * @param personas persona names or "all" (empty: the lab file's)
     * @param clients  client ids (empty: the lab file's)
     * @param offload  offload states (empty: the lab file's)
     * @param fault    a fault model overriding the lab file's, or null
     * @param baseline a baseline run, or null
     * @param reports  the reports directory (runs/ goes under it)
     * @param stateDir the virtual lab's state directory
     * @param repeat   attempts per cell (the engine will own this loop)
     */
    record Options(LabFile labFile, List<String> personas, List<String> clients, List<String> offload, String fault, Path baseline,
                   Path reports, Path stateDir, int repeat) {
    }

    private final Options o;
    private final PrintStream out = System.out;

    MatrixRun(Options o) {
        this.o = o;
    }

    int call() throws Exception {
        FaultModel model = o.fault() != null ? FaultModel.of(o.fault()) : o.labFile().faultModel().orElse(FaultModel.of("df-clear"));
        Optional<MatrixDocument> baseline = o.baseline() == null ? Optional.empty() : Optional.of(MatrixDocument.read(o.baseline()));
        try (LabSession session = LabSessions.open(o.labFile(), model, LabCommand.launch(o.labFile().personas()), o.stateDir(),
                line -> out.println("lab: " + line))) {
            MatrixPlan plan = MatrixPlan.of(session.state(), o.labFile(), o.personas(), o.clients(), o.offload(), baseline);
            plan.missing().forEach(m -> out.println("note: " + m.hint() + "; the " + m.client().id() + " cells are left out"));
            List<String> na = plan.notApplicable(session.state());
            if (!na.isEmpty()) {
                out.println("note: " + na.size() + " persona x client pairs are left out: an RMCP+ (lanplus) client needs a persona "
                        + "that speaks IPMI 2.0 (" + String.join(", ", na.stream().limit(4).toList()) + (na.size() > 4 ? ", ..." : "") + ")");
            }
            return run(session, plan, model);
        }
    }

    private int run(LabSession session, MatrixPlan plan, FaultModel model) throws IOException {
        MatrixDocument.Environment env = HostAdapter.detect().fingerprint(session.state().dutInterface());
        MatrixRecorder recorder = MatrixRecorder.start(o.reports(), session, plan, env);
        String runId = recorder.runId();
        List<MatrixPlan.Planned> cells = plan.cells(session.state());
        out.printf("run %s: %d cells (%d personas x %d clients x offload %s) on %s; %s%n", runId, cells.size(), plan.personas().size(),
                plan.clients().size(), String.join("/", plan.offload()), env.label(), session.offloadDescription());
        long start = System.nanoTime();
        String current = null;
        boolean console = System.console() != null && !"true".equals(System.getenv("CI"));
        try (ProgressBar bar = console ? new ProgressBarBuilder().setTaskName("cells").setInitialMax(cells.size())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build() : null) {
            int done = 0;
            for (MatrixPlan.Planned p : cells) {
                if (!p.offload().equals(current)) {
                    session.offload(p.offload());
                    current = p.offload();
                }
                if (bar != null) {
                    bar.setExtraMessage(p.toString());
                }
                Probe probe = new Probe(session.state(), o.labFile().clientPaths());
                List<Probe.Result> attempts = new java.util.ArrayList<>();
                for (int i = 1; i <= o.repeat(); i++) {
                    attempts.add(probe.run(p.persona(), p.client(), o.repeat() == 1 ? recorder.cellDir(p.key()) : recorder.attemptDir(p.key(), i)));
                }
                MatrixRecorder.Recorded rec = recorder.record(p.offload(), attempts);
                done++;
                if (bar != null) {
                    bar.step();
                } else {
                    out.printf("[%d/%d] %s: %s%n", done, cells.size(), p, progressText(rec));
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        MatrixDocument doc = recorder.finish(session.offloadChanges());
        Optional<MatrixDocument.Analysis> analysis = io.quirklab.bisect.MatrixAnalysis.ofRun(doc,
                new io.quirklab.responder.SocketControl(Path.of(session.state().controlSocket())), recorder.runDir());
        if (analysis.isPresent()) {
            doc = doc.withAnalysis(analysis.get());
            doc.write(recorder.matrixFile());
        }
        RunOutputs.Written written = RunOutputs.write(recorder.runDir(), doc, RunOutputs.quirks(session.state()),
                new io.quirklab.report.AllureResults(recorder.runDir().resolve("allure-results")), true);
        printTable(doc, recorder.judgements(), session.offloadDescription());
        Map<String, Long> t = recorder.totals();
        out.printf("%n%d cells in %.1f s (%.2f cells/s): %d as expected, %d known deviations, %d findings, %d harness errors%s%n",
                doc.cells().size(), secs, doc.cells().size() / Math.max(secs, 0.001), t.get("passed"), t.get("known"), t.get("failed"),
                t.get("broken"), plan.baseline().isPresent() ? ", " + t.get("regressions") + " regressions against baseline "
                        + plan.baseline().get().run().id() : "");
        analysis.ifPresent(a -> {
            out.println();
            a.lines().forEach(out::println);
        });
        out.println("matrix.json: " + recorder.matrixFile().toAbsolutePath());
        written.paths().forEach((what, path) -> out.println(what + ": " + path.toAbsolutePath()));
        out.println("evidence per cell (pcaps, evidence.json, client output): " + recorder.runDir().resolve("cells").toAbsolutePath());
        boolean broken = t.get("broken") > 0;
        boolean regressed = t.get("regressions") > 0;
        if (regressed) {
            out.println("regressions against the baseline:");
            recorder.judgements().forEach((k, j) -> {
                if (j.regression()) {
                    out.println("  " + k + ": " + j.message());
                }
            });
        }
        return broken || regressed ? 1 : 0;
    }

    /** One table per offload state: personas down, clients across, a short verdict in each cell. */
    private void printTable(MatrixDocument doc, Map<MatrixDocument.Key, CellJudge.Judgement> judgements, String offloadMeaning) {
        out.printf("%ndelivery matrix on %s; %s%n", doc.environment().label(), offloadMeaning);
        out.println("(! a finding: not what a correct stack does; ~ a known deviation; - not applicable)");
        List<String> clients = doc.axes().clients();
        int w = Math.max(19, clients.stream().mapToInt(String::length).max().orElse(10) + 2);
        int pw = Math.max(18, doc.axes().personas().stream().mapToInt(String::length).max().orElse(10) + 1);
        for (String offload : doc.axes().offload()) {
            out.printf("%noffload=%s%n", offload);
            StringBuilder head = new StringBuilder(String.format("%-" + pw + "s", "PERSONA"));
            clients.forEach(c -> head.append(String.format("%-" + w + "s", c)));
            out.println(head.toString().stripTrailing() + "  EXPECTED");
            for (String persona : doc.axes().personas()) {
                StringBuilder row = new StringBuilder(String.format("%-" + pw + "s", persona));
                String expected = "";
                for (String client : clients) {
                    Optional<MatrixDocument.Cell> c = doc.cell(persona, client, offload);
                    String text = c.map(x -> shortText(x, judgements.get(x.key()))).orElse("-");
                    row.append(String.format("%-" + w + "s", text.length() >= w ? text.substring(0, w - 2) + "~" : text));
                    expected = c.map(MatrixDocument.Cell::expected).orElse(expected);
                }
                out.println(row.toString().stripTrailing() + "  " + expected);
            }
        }
        Map<String, String> findings = new LinkedHashMap<>();
        for (MatrixDocument.Cell c : doc.cells()) {
            CellJudge.Judgement j = judgements.get(c.key());
            if (j != null && (j.outcome() == CellJudge.Outcome.FAILED || j.outcome() == CellJudge.Outcome.BROKEN)) {
                findings.put(c.key().toString(), j.message());
            }
        }
        if (!findings.isEmpty()) {
            out.printf("%nfindings (%d):%n", findings.size());
            findings.forEach((k, v) -> out.println("  " + k + ": " + v));
        }
    }

    /** "DELIVERED", "DROPPED_IN_STACK (UDP_CSUM) - known: ...", "DELIVERED - FINDING, expected DROPPED_IN_STACK". */
    static String progressText(MatrixRecorder.Recorded rec) {
        MatrixDocument.Cell c = rec.cell();
        String v = c.verdict() + (c.reason() == null ? "" : " (" + c.reason() + ")");
        return switch (rec.judgement().outcome()) {
            case PASSED -> v;
            case KNOWN -> v + " - known: " + rec.judgement().known();
            case FAILED -> v + " - FINDING, expected " + c.expected() + (rec.judgement().regression() ? " (REGRESSION)" : "");
            case BROKEN -> v + " - HARNESS ERROR: " + c.explanation();
        };
    }

    static String shortText(MatrixDocument.Cell c, CellJudge.Judgement j) {
        String v = switch (c.verdict()) {
            case DELIVERED -> "ok";
            case DELIVERED_NIC_FLAGGED -> "ok+nic";
            case DROPPED_IN_STACK -> "drop";
            case LOST_BEFORE_DUT -> "lost";
            case NO_REQUEST -> "noreq";
            case CLIENT_REJECTED -> "rejected";
            case HARNESS_ERROR -> "ERROR";
            case INTERMITTENT -> "intermittent " + c.repeatShare().map(s -> s.k() + "/" + s.n()).orElse("");
        };
        String reason = c.reason() == null || c.verdict() == Verdict.DELIVERED ? "" : " " + c.reason();
        String mark = j == null ? "" : switch (j.outcome()) {
            case KNOWN -> "~";
            case FAILED, BROKEN -> "!";
            default -> "";
        };
        return mark + v + reason;
    }
}
