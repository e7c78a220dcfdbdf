package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.testing.Matrices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatedCellTest {
    private static MatrixDocument.Cell attempt(Verdict v, String reason) {
        return Matrices.cell("smdc-tyan", "java-lan", OffloadState.ON, v, reason, Verdict.DELIVERED);
    }

    private static List<MatrixDocument.Cell> attempts(int delivered, int dropped) {
        List<MatrixDocument.Cell> out = new ArrayList<>();
        for (int i = 0; i < delivered + dropped; i++) {
            out.add(i % 2 == 0 && dropped > 0 || delivered == 0 ? attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM")
                    : attempt(Verdict.DELIVERED, null));
        }
        return out.subList(0, delivered + dropped);
    }

    @Test
    void attemptsThatDisagreeAreIntermittentWithTheirInterval() {
        List<MatrixDocument.Cell> a = List.of(attempt(Verdict.DELIVERED, null), attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM"),
                attempt(Verdict.DELIVERED, null), attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM"), attempt(Verdict.DELIVERED, null));
        MatrixDocument.Cell c = RepeatedCell.of(a);
        assertEquals(Verdict.INTERMITTENT, c.verdict());
        assertEquals(Reason.UDP_CSUM, c.reason());
        assertEquals(List.of(0.231, 0.882), c.interval()); // Wilson 3 of 5
        assertEquals(List.of(Verdict.DELIVERED, Verdict.DROPPED_IN_STACK, Verdict.DELIVERED, Verdict.DROPPED_IN_STACK,
                Verdict.DELIVERED), c.attemptVerdicts());
        assertEquals("3/5", c.repeatShare().map(s -> s.k() + "/" + s.n()).orElseThrow());
        assertTrue(c.explanation().startsWith("3 of 5 attempts delivered (95 % [0.23, 0.88]); attempt 4: "), c.explanation());
        assertTrue(c.finding());
    }

    @Test
    void attemptsThatAgreeKeepTheirVerdict() {
        MatrixDocument.Cell c = RepeatedCell.of(List.of(attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM"),
                attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM"), attempt(Verdict.LOST_BEFORE_DUT, null)));
        assertEquals(Verdict.DROPPED_IN_STACK, c.verdict());
        assertEquals(List.of(0.0, 0.561), c.interval());
        MatrixDocument.Cell once = attempt(Verdict.DELIVERED, null);
        assertEquals(once, RepeatedCell.of(List.of(once)));
        assertNull(once.interval());
        assertThrows(IllegalArgumentException.class, () -> RepeatedCell.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RepeatedCell.of(List.of(once,
                Matrices.cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED))));
    }

    @Test
    void compareCallsARegressionOnlyWhenTheIntervalsSeparate() {
        MatrixDocument.Cell allGood = RepeatedCell.of(attempts(10, 0));
        MatrixDocument.Cell mostlyGood = RepeatedCell.of(List.of(attempt(Verdict.DELIVERED, null), attempt(Verdict.DELIVERED, null),
                attempt(Verdict.DELIVERED, null), attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM"), attempt(Verdict.DELIVERED, null)));
        MatrixDocument.Cell allBad = RepeatedCell.of(attempts(0, 10));
        assertEquals(Verdict.INTERMITTENT, mostlyGood.verdict());
        assertEquals(Comparison.Kind.CHANGED, Comparison.kind(allGood, mostlyGood), "4/5 does not separate from 10/10");
        assertEquals(Comparison.Kind.REGRESSION, Comparison.kind(allGood, allBad));
        assertEquals(Comparison.Kind.FIX, Comparison.kind(allBad, allGood));
        // cells probed once keep the old rule
        assertEquals(Comparison.Kind.REGRESSION, Comparison.kind(attempt(Verdict.DELIVERED, null), attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM")));
    }

    @Test
    void documentsRoundTripAndOldOnesStillRead() throws Exception {
        MatrixDocument doc = Matrices.document("r1", Matrices.environment("1.0"), List.of(RepeatedCell.of(List.of(
                attempt(Verdict.DELIVERED, null), attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM")))));
        ObjectMapper json = new ObjectMapper();
        MatrixDocument back = MatrixDocument.parse(json.readTree(doc.toJson()), "test");
        assertEquals(doc.cells(), back.cells());
        assertTrue(doc.toJson().contains("\"attempt_verdicts\" : [ \"DELIVERED\", \"DROPPED_IN_STACK\" ]"), doc.toJson());
        MatrixDocument once = Matrices.document("r0", Matrices.environment("1.0"), List.of(attempt(Verdict.DELIVERED, null)));
        assertTrue(!once.toJson().contains("interval"), "a cell probed once has no interval");
        String old = once.toJson();
        assertEquals(once.cells(), MatrixDocument.parse(json.readTree(old), "old").cells());
    }

    @Test
    void heatmapShowsIntermittentWithKOfN() {
        MatrixDocument doc = Matrices.document("r1", Matrices.environment("1.0"), List.of(RepeatedCell.of(List.of(
                attempt(Verdict.DELIVERED, null), attempt(Verdict.DROPPED_IN_STACK, "UDP_CSUM"), attempt(Verdict.DELIVERED, null)))));
        String html = Heatmap.render(doc);
        assertTrue(html.contains("INTERMITTENT 2/3"), "heatmap shows k/N");
        assertTrue(html.contains("v-intermittent"));
        assertEquals("INTERMITTENT 2/3 delivered, 95 % [0.21, 0.94] (UDP_CSUM)",
                io.quirklab.report.VerdictCategories.verdictText(doc.cells().get(0)));
    }
}
