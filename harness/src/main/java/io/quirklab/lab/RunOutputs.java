package io.quirklab.lab;

import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    public static Written write(Path runDir, MatrixDocument doc, Map<MatrixDocument.Key, CellJudge.Judgement> judgements)
            throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        return new Written(out);
    }
}
