package io.quirklab.cli;

import io.quirklab.engine.MatrixEngine;
import io.quirklab.engine.MatrixPlan;
import io.quirklab.engine.MatrixRecorder;
import io.quirklab.engine.RunListener;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.FaultHeatmap;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.RunTotals;
import io.quirklab.matrix.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The main job on a lab, rendered: the {@link MatrixEngine} runs the matrix of the lab file (personas x clients x
 * offload states) and this front end prints what its listener hears: a progress bar on a terminal (cells done,
 * running, left), one line per cell otherwise, and the matrix as a table at the end.
 */
final class MatrixRun implements RunListener {
    /**
     * What to run.
     *
     * @param labFile  the lab file
     * @param personas persona names or "all" (empty: the lab file's)
     * @param clients  client ids (empty: the lab file's)
     * @param offload  offload states (empty: the lab file's)
     * @param baseline a baseline run, or null
     * @param reports  the reports directory (runs/ goes under it)
     * @param stateDir the virtual lab's state directory
     * @param jobs     cells at once, or null for the default
     * @param repeat   attempts per cell, or null for the lab file's
     * @param pace     at the evidence, or the full wait of every client
     */
    record Options(LabFile labFile, List<String> personas, List<String> clients, List<OffloadState> offload, Path baseline,
                   Path reports, Path stateDir, Integer jobs, Integer repeat, MatrixEngine.Pace pace) {
    }

    private final Options o;
    private final PrintWriter out;
    private final boolean console;
    private ProgressBar bar;
    private int total;

    MatrixRun(Options o, PrintWriter out) {
        this.o = o;
        this.out = out;
        this.console = System.console() != null && !"true".equals(System.getenv("CI"));
    }

    int call() throws Exception {
        Optional<MatrixDocument> baseline = o.baseline() == null ? Optional.empty() : Optional.of(MatrixDocument.read(o.baseline()));
        MatrixEngine engine = new MatrixEngine(MatrixEngine.live(o.labFile(), LabCommand.launch(o.labFile().personas()), o.stateDir()));
        MatrixEngine.Finished f;
        try {
            f = engine.run(new MatrixEngine.Request(o.labFile(), o.personas(), o.clients(), o.offload(), baseline, o.reports(), o.jobs(),
                    null, true, o.repeat(), o.pace()), this);
        } finally {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
        return f.broken() || f.regressed() ? 1 : 0;
    }

    @Override
    public void note(String line) {
        out.println(Terminal.text(line));
        out.flush();
    }

    @Override
    public void started(MatrixEngine.Started s) {
        total = s.cells().size();
        MatrixPlan plan = s.plan();
        out.printf("run %s: %d cells (%d personas x %d clients x offload %s) on %s; %s%n", Terminal.text(s.runId()), total,
                plan.personas().size(), plan.clients().size(), String.join("/", plan.offload().stream().map(OffloadState::token).toList()),
                Terminal.text(s.environment().label()), s.offloadDescription());
        out.printf("evidence: %s; %d cell%s at once%n", s.observers(), s.jobs(), s.jobs() == 1 ? "" : "s");
        out.printf("pace: %s%n", s.pace());
        out.flush();
        if (console) {
            bar = new ProgressBarBuilder().setTaskName("cells").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).continuousUpdate().build();
        }
    }

    @Override
    public void cellStarted(MatrixPlan.Planned cell, MatrixEngine.Progress p) {
        if (bar != null) {
            bar.setExtraMessage(p.running() + " running, " + p.left() + " left");
        }
    }

    @Override
    public void cellFinished(MatrixPlan.Planned cell, MatrixRecorder.Recorded rec, MatrixEngine.Progress p) {
        if (bar != null) {
            bar.stepTo(p.done());
            bar.setExtraMessage(p.running() + " running, " + p.left() + " left");
        } else {
            out.printf("[%d/%d] %s: %s%n", p.done(), p.total(), Terminal.text(cell), Terminal.text(progressText(rec)));
            out.flush();
        }
    }

    @Override
    public void finished(MatrixEngine.Finished f) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        MatrixDocument doc = f.document();
        printTable(doc, f.judgements(), f.offloadDescription());
        RunTotals t = f.totals();
        out.printf("%n%d cells in %.1f s (%.2f cells/s, %d at once): %d as expected, %d known deviations, %d findings, %d harness errors%s%n",
                doc.cells().size(), f.seconds(), doc.cells().size() / Math.max(f.seconds(), 0.001), f.jobs(), t.passed(), t.known(),
                t.failed(), t.broken(), o.baseline() != null ? ", " + t.regressions() + " regressions against baseline " + o.baseline() : "");
        out.printf("%s pace: %s%n", f.pace().token(), f.dropTimes().describe());
        if (doc.analysis() != null) {
            out.println();
            doc.analysis().lines().forEach(l -> out.println(Terminal.text(l)));
        }
        out.println("matrix.json: " + f.matrixFile().toAbsolutePath());
        f.outputs().forEach((what, path) -> out.println(what + ": " + path.toAbsolutePath()));
        out.println("evidence per cell (pcaps, evidence.json, client output): " + f.runDir().resolve("cells").toAbsolutePath());
        if (f.regressed()) {
            out.println("regressions against the baseline:");
            f.judgements().forEach((k, j) -> {
                if (j.regression()) {
                    out.println("  " + Terminal.text(k) + ": " + Terminal.text(j.message()));
                }
            });
        }
        out.flush();
    }

    /** One table per offload state: personas down, clients across, a short verdict in each cell. */
    private void printTable(MatrixDocument doc, Map<MatrixDocument.Key, CellJudge.Judgement> judgements, String offloadMeaning) {
        out.printf("%ndelivery matrix on %s; %s%n", Terminal.text(doc.environment().label()), offloadMeaning);
        out.println("(! a finding: not what a correct stack does; ~ a known deviation; - not applicable)");
        List<String> clients = doc.axes().clients();
        // wide enough for a repeated cell's share ("!intermittent 7/16 IGNORED"); other long entries are cut with "~"
        int texts = doc.cells().stream().filter(c -> c.verdict() == Verdict.INTERMITTENT)
                .mapToInt(c -> shortText(c, judgements.get(c.key())).length()).max().orElse(0);
        int w = Math.min(40, Math.max(Math.max(19, texts + 2), clients.stream().mapToInt(String::length).max().orElse(10) + 2));
        int pw = Math.max(18, doc.axes().personas().stream().mapToInt(String::length).max().orElse(10) + 1);
        for (OffloadState offload : doc.axes().offload()) {
            if (offload.on() && !doc.axes().faults().isEmpty()) {
                printFaults(doc, judgements, pw);
                continue;
            }
            out.printf("%noffload=%s%n", offload);
            StringBuilder head = new StringBuilder(String.format("%-" + pw + "s", "PERSONA"));
            clients.forEach(c -> head.append(String.format("%-" + w + "s", Terminal.text(c))));
            out.println(head.toString().stripTrailing() + "  EXPECTED");
            for (String persona : doc.axes().personas()) {
                StringBuilder row = new StringBuilder(String.format("%-" + pw + "s", Terminal.text(persona)));
                Verdict expected = null;
                for (String client : clients) {
                    Optional<MatrixDocument.Cell> c = doc.cell(persona, client, offload);
                    String text = c.map(x -> shortText(x, judgements.get(x.key()))).orElse("-");
                    row.append(String.format("%-" + w + "s", text.length() >= w ? text.substring(0, w - 2) + "~" : text));
                    expected = c.map(MatrixDocument.Cell::expected).orElse(expected);
                }
                out.println(row.toString().stripTrailing() + "  " + (expected == null ? "" : expected));
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
            findings.forEach((k, v) -> out.println("  " + Terminal.text(k) + ": " + Terminal.text(v)));
        }
    }

    /**
     * A run with several fault models: personas down, the models across (faults.html draws the same), each entry the
     * short verdict the model caused where it changed one ("drop:java-lan,freeipmi"), else "=" (as without the fault).
     */
    private void printFaults(MatrixDocument doc, Map<MatrixDocument.Key, CellJudge.Judgement> judgements, int pw) {
        out.printf("%noffload=on, one run per fault model (= as without the fault; the verdict it caused and the clients it hit)%n");
        List<String> faults = doc.axes().faults();
        int w = Math.max(16, faults.stream().mapToInt(String::length).max().orElse(10) + 2);
        StringBuilder head = new StringBuilder(String.format("%-" + pw + "s", "PERSONA"));
        faults.forEach(f -> head.append(String.format("%-" + w + "s", f)));
        out.println(head.toString().stripTrailing());
        for (String persona : doc.axes().personas()) {
            StringBuilder row = new StringBuilder(String.format("%-" + pw + "s", persona));
            for (String f : faults) {
                String text = FaultHeatmap.summary(doc, persona, f).map(s -> s.hit()
                        ? shortText(s.shown(), judgements.get(s.shown().key())) + ":" + s.hitBy().size() : "=").orElse("-");
                row.append(String.format("%-" + w + "s", text.length() >= w ? text.substring(0, w - 2) + "~" : text));
            }
            out.println(row.toString().stripTrailing());
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
