package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.bisect.BisectDocument;
import io.quirklab.matrix.FleetMatrix;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.report.FleetAllure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 24: every JSON reader takes one document per file; a second one, or text, after it is refused in words. */
class OneDocumentTest {
    @TempDir
    Path dir;

    interface Reader {
        void read(Path file) throws IOException;
    }

    @Test
    void whatComesAfterTheDocumentIsRefused() throws IOException {
        Map<String, Reader> readers = new LinkedHashMap<>();
        readers.put("{\"schema\": \"quirklab.matrix/1\", \"cells\": []}", MatrixDocument::read);
        readers.put("{\"schema\": \"quirklab.fleet/1\"}", FleetMatrix::read);
        readers.put("{\"schema\": \"" + BisectDocument.SCHEMA + "\", \"answer\": \"none\"}", BisectDocument::read);
        readers.put("{\"uuid\": \"u1\", \"name\": \"x\", \"labels\": []}", f -> {
            Path results = Files.createDirectories(dir.resolve("results-" + System.nanoTime()));
            Files.copy(f, results.resolve(f.getFileName().toString().replace(".json", "-result.json")));
            FleetAllure.copy("node1", results, dir.resolve("merged"));
        });
        int n = 0;
        for (Map.Entry<String, Reader> r : readers.entrySet()) {
            for (String after : new String[] {" {}", "\n[1]", " \"x\"", "\n{\"schema\": \"again\"}"}) {
                Path f = Files.writeString(dir.resolve("doc-" + n++ + ".json"), r.getKey() + after + "\n");
                assertThatThrownBy(() -> r.getValue().read(f)).as(r.getKey() + after).isInstanceOf(IOException.class)
                        .hasMessageContaining(f.getFileName().toString().replace(".json", "")).hasMessageContaining("more after the end of the JSON document")
                        .hasMessageNotContaining("Trailing").hasMessageNotContaining("FAIL_ON");
            }
            Path alone = Files.writeString(dir.resolve("doc-" + n++ + ".json"), r.getKey() + "\n\n");
            try {
                r.getValue().read(alone);
            } catch (IOException e) {
                assertThat(e.getMessage()).as("the document alone is not refused for what follows it").doesNotContain("more after the end");
            }
        }
    }
}
