package io.quirklab.engine;

import io.quirklab.lab.LabState;
import io.quirklab.matrix.FaultHeatmap;
import io.quirklab.matrix.Heatmap;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.report.AllureResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The views of a finished run written next to its matrix.json: the heatmap and the Allure results. */
public final class RunOutputs {
    private RunOutputs() {
    }

    /**
     * What was written.
     *
     * @param paths what -> where ("matrix.html" -> file)
     */
    public record Written(Map<String, Path> paths) {
    }

    /**
     * Writes matrix.html and the run's Allure results.
     *
     * @param runDir the run directory (matrix.json is there)
     * @param doc    the finished document
     * @param quirks persona -> its quirks (report parameters)
     * @param allure where Allure results go: the run's own {@code allure-results/} for the command line; the suites'
     *               results directory under Maven, where the cells are already written by the test engine (then only
     *               the summary, environment and categories are added)
     * @param cells  whether to write one Allure result per cell (false when the test engine wrote them)
     */
    public static Written write(Path runDir, MatrixDocument doc, Map<String, List<String>> quirks, AllureResults allure, boolean cells)
            throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        Path html = runDir.resolve("matrix.html");
        Heatmap.write(doc, html);
        out.put("matrix.html", html);
        if (!doc.axes().faults().isEmpty()) {
            Path faults = runDir.resolve("faults.html");
            FaultHeatmap.write(doc, faults);
            out.put("faults.html", faults);
        }
        if (cells) {
            allure.writeMatrix(doc, runDir, quirks);
        } else {
            allure.writeSummary(doc, runDir);
            allure.writeEnvironment(doc);
            allure.writeCategories();
        }
        out.put("Allure results", allure.directory());
        return new Written(out);
    }

    /** Persona -> quirks as the lab reports them. */
    public static Map<String, List<String>> quirks(LabState lab) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        lab.personas().forEach(p -> m.put(p.name(), p.quirks() == null ? List.of() : p.quirks()));
        return m;
    }
}
