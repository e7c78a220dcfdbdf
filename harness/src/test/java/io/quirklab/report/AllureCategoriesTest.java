package io.quirklab.report;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** categories.json as Allure reads it: a result is listed under every category whose statuses and regex match. */
class AllureCategoriesTest {
    @TempDir
    Path tmp;

    /** Allure's rule (CategoriesPlugin): status listed, regex matching the whole message with DOTALL. */
    static List<String> matching(JsonNode categories, String status, String message) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : categories) {
            boolean statusOk = false;
            for (JsonNode s : c.path("matchedStatuses")) {
                statusOk |= s.asText().equals(status);
            }
            if (statusOk && Pattern.compile(c.path("messageRegex").asText(), Pattern.DOTALL).matcher(message).matches()) {
                names.add(c.path("name").asText());
            }
        }
        return names;
    }

    JsonNode writtenCategories() throws IOException {
        Path results = tmp.resolve("results");
        new AllureResults(results).writeCategories();
        return MatrixSample.JSON.readTree(results.resolve("categories.json").toFile());
    }

    @Test
    void oneCategoryPerVerdictPlusKnownDeviations() throws IOException {
        JsonNode categories = writtenCategories();
        List<String> names = new ArrayList<>();
        categories.forEach(c -> names.add(c.path("name").asText()));
        List<String> expected = new ArrayList<>(Arrays.stream(Verdict.values()).map(Verdict::name).toList());
        expected.add(VerdictCategories.KNOWN_DEVIATIONS);
        assertThat(names).containsExactlyElementsOf(expected);
        categories.forEach(c -> assertThat(c.path("messageRegex").asText()).isNotBlank());
    }

    @Test
    void everyWrittenDeviationFallsInExactlyOneCategoryAndExpectedCellsInNone() throws IOException {
        JsonNode categories = writtenCategories();
        Path results = tmp.resolve("cells");
        var doc = MatrixSample.document("5.4.0-k");
        new AllureResults(results).writeCells(doc, MatrixSample.matrixDir(tmp.resolve("m"), doc), MatrixSample.QUIRKS);
        Map<String, JsonNode> r = MatrixSample.results(results);
        assertThat(categoriesOf(categories, r.get(AllureResultsTest.FINDING))).containsExactly("DROPPED_IN_STACK");
        assertThat(categoriesOf(categories, r.get(AllureResultsTest.CONTROL_DELIVERED))).containsExactly("DELIVERED");
        assertThat(categoriesOf(categories, r.get(AllureResultsTest.HARNESS))).containsExactly("HARNESS_ERROR");
        assertThat(categoriesOf(categories, r.get(AllureResultsTest.KNOWN))).containsExactly(VerdictCategories.KNOWN_DEVIATIONS);
        assertThat(categoriesOf(categories, r.get(AllureResultsTest.CLEAN))).isEmpty();
    }

    @Test
    void everyVerdictReasonAndKnownCombinationMatchesExactlyOneCategory() throws IOException {
        JsonNode categories = writtenCategories();
        for (Verdict v : Verdict.values()) {
            for (String reason : Arrays.asList(null, "UDP_CSUM", "IP_CSUM")) {
                for (String explanation : Arrays.asList(null, "line one\nDELIVERED_NIC_FLAGGED: line two (known: no)")) {
                    Verdict expected = v == Verdict.DELIVERED ? Verdict.DROPPED_IN_STACK : Verdict.DELIVERED;
                    Cell finding = cell(v, reason, expected, explanation, null);
                    CellReport f = report(finding);
                    assertThat(matching(categories, f.status().value(), f.message())).as(f.message()).containsExactly(v.name());

                    Cell known = cell(v, reason, expected, explanation, "baseline lab-07 (2026-11)");
                    CellReport k = report(known);
                    String want = v == Verdict.HARNESS_ERROR ? v.name() : VerdictCategories.KNOWN_DEVIATIONS;
                    assertThat(matching(categories, k.status().value(), k.message())).as(k.message()).containsExactly(want);

                    if (v != Verdict.HARNESS_ERROR) {
                        CellReport asExpected = report(cell(v, reason, v, explanation, null));
                        assertThat(matching(categories, asExpected.status().value(), asExpected.message())).as(asExpected.message()).isEmpty();
                    }
                }
            }
        }
    }

    @Test
    void theRecordsOwnMatcherAgreesWithAlluresRule() throws IOException {
        JsonNode categories = writtenCategories();
        String message = "DELIVERED_NIC_FLAGGED, expected DELIVERED: NIC counter rose";
        List<String> viaRecord = VerdictCategories.categories().stream().filter(c -> c.matches("failed", message))
                .map(VerdictCategories.Category::name).toList();
        assertThat(viaRecord).isEqualTo(matching(categories, "failed", message)).containsExactly("DELIVERED_NIC_FLAGGED");
    }

    static List<String> categoriesOf(JsonNode categories, JsonNode result) {
        return matching(categories, result.path("status").asText(), result.path("statusDetails").path("message").asText());
    }

    static Cell cell(Verdict v, String reason, Verdict expected, String explanation, String known) {
        return new Cell("p", "c", OffloadState.ON, v, Reason.of(reason), expected, 1, 0, 1, explanation, known, null);
    }

    static CellReport report(Cell cell) {
        return new CellReport(MatrixSample.environment("1"), cell, List.of(), Path.of("."));
    }
}
