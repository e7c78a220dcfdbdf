package io.quirklab.report;

import io.quirklab.matrix.OffloadState;
import static io.quirklab.report.MatrixSample.labels;
import static io.quirklab.report.MatrixSample.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.ResultsUtils;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JUnit path: a test case opened the way allure-jupiter opens one (its own suite label, tags, parameters), then
 * decorated from a cell through Allure's global lifecycle. The end-to-end proof with allure-jupiter itself is a
 * scenarios IT (see the README's Reports section).
 */
class AllureJunitDecorationTest {
    @TempDir
    Path tmp;

    AllureLifecycle previous;
    AllureLifecycle lifecycle;
    Path results;

    @BeforeEach
    void ownLifecycle() {
        previous = Allure.getLifecycle();
        results = tmp.resolve("results");
        lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        Allure.setLifecycle(lifecycle);
    }

    @AfterEach
    void restoreLifecycle() {
        Allure.setLifecycle(previous);
    }

    /** What allure-jupiter schedules for a parameterized test method. */
    String startJunitLikeTest() {
        String uuid = UUID.randomUUID().toString();
        TestResult r = new TestResult().setUuid(uuid).setName("[3] smdc-tyan, ipmitool-lan, on").setHistoryId("junit-unique-id-hash")
                .setFullName("io.quirklab.scenarios.MatrixIT.cell");
        r.getLabels().add(ResultsUtils.createSuiteLabel("io.quirklab.scenarios.MatrixIT"));
        r.getLabels().add(ResultsUtils.createTagLabel("lab"));
        r.getLabels().add(ResultsUtils.createTestClassLabel("io.quirklab.scenarios.MatrixIT"));
        r.getParameters().add(new Parameter().setName("cell").setValue("Cell[persona=smdc-tyan, ...]"));
        r.getParameters().add(new Parameter().setName("UniqueId").setValue("[engine:junit-jupiter]...").setMode(Parameter.Mode.HIDDEN));
        lifecycle.scheduleTestCase(r);
        lifecycle.startTestCase(uuid);
        return uuid;
    }

    @Test
    void decoratesTheCurrentTestCaseReplacingSuiteLabelsAndKeepingTheRest() throws IOException {
        MatrixDocument doc = MatrixSample.document("5.4.0-k");
        Path matrixDir = MatrixSample.matrixDir(tmp.resolve("m"), doc);
        MatrixDocument.Cell cell = doc.cell("smdc-tyan", "ipmitool-lan", OffloadState.ON).orElseThrow();
        CellReport report = CellReport.of(doc, cell, MatrixSample.QUIRKS, matrixDir);

        String uuid = startJunitLikeTest();
        report.decorateCurrentTest();
        // allure-jupiter stops the test with the outcome of assertVerdict(): failed, its message
        lifecycle.updateTestCase(uuid, r -> r.setStatus(Status.FAILED));
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);

        JsonNode r = MatrixSample.results(results).get("smdc-tyan x ipmitool-lan x offload=on");
        assertThat(r).isNotNull();
        assertThat(labels(r, "parentSuite")).containsExactly("Debian GNU/Linux 12 / Intel I211 / igb 5.4.0-k");
        assertThat(labels(r, "suite")).containsExactly("smdc-tyan");
        assertThat(labels(r, "subSuite")).containsExactly("ipmitool-lan");
        assertThat(labels(r, "tag")).containsExactly("lab");
        assertThat(labels(r, "testClass")).containsExactly("io.quirklab.scenarios.MatrixIT");
        assertThat(r.path("historyId").asText()).isEqualTo(report.historyId()).isEqualTo(
                CellReport.historyId(MatrixSample.environment("5.4.0-k"), cell.key()));
        Map<String, String> params = parameters(r);
        assertThat(params).containsOnlyKeys("UniqueId", "persona", "client", "offload", "quirks");
        assertThat(r.path("attachments").size()).isEqualTo(2);
        assertThat(r.path("statusDetails").path("message").asText()).startsWith("DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED: ");
    }

    @Test
    void withoutARunningTestItSaysHowToUseIt() {
        MatrixDocument doc = MatrixSample.document("5.4.0-k");
        CellReport report = CellReport.of(doc, doc.cells().get(0), Map.of(), tmp);
        assertThatThrownBy(report::decorateCurrentTest).isInstanceOf(IllegalStateException.class).hasMessageContaining("allure-jupiter");
    }

    @Test
    void assertVerdictEndsTheTestWithTheSameStatusAsTheStandaloneReport() {
        MatrixDocument doc = MatrixSample.document("5.4.0-k");
        List<CellReport> reports = doc.cells().stream().map(c -> CellReport.of(doc, c, Map.of(), tmp)).toList();
        // clean, finding, known, harness error, delivered negative control
        reports.get(0).assertVerdict();
        assertThatThrownBy(reports.get(1)::assertVerdict).isExactlyInstanceOf(AssertionError.class)
                .hasMessage(reports.get(1).message());
        reports.get(2).assertVerdict();
        assertThatThrownBy(reports.get(3)::assertVerdict).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("HARNESS_ERROR");
        assertThatThrownBy(reports.get(4)::assertVerdict).isExactlyInstanceOf(AssertionError.class)
                .hasMessageStartingWith("DELIVERED, expected DROPPED_IN_STACK");
    }
}
