package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.Comparison;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Verdict;
import io.quirklab.testing.Matrices;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's comparison of the two paces' runs, in one line. */
class BenchMatrixTest {
    private static MatrixDocument doc(String id, Verdict checksumCell) {
        return Matrices.document(id, Matrices.environment("1.0"), List.of(
                Matrices.cell("clean", "ipmitool-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                Matrices.cell("bad-udp-checksum", "ipmitool-lan", OffloadState.ON, checksumCell, "UDP_CSUM", Verdict.DROPPED_IN_STACK)));
    }

    @Test
    void theSameVerdictsAreNoChange() {
        assertThat(BenchMatrix.changes(Comparison.of(doc("full", Verdict.DROPPED_IN_STACK), doc("evidence", Verdict.DROPPED_IN_STACK))))
                .isEqualTo("no change (2 cells unchanged)");
    }

    @Test
    void aVerdictThatMovedIsNamed() {
        String line = BenchMatrix.changes(Comparison.of(doc("full", Verdict.DROPPED_IN_STACK), doc("evidence", Verdict.DELIVERED)));
        assertThat(line).startsWith("1 regressions: ").contains("bad-udp-checksum").doesNotContain("no change");
    }
}
