package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CellJudgeTest {
    static MatrixDocument.Cell cell(String persona, String client, OffloadState offload, Verdict v, String reason, Verdict expected) {
        MatrixDocument.CellEvidence e = new MatrixDocument.CellEvidence(2, 2, 2, true, Map.of(), Map.of(), Map.of(), null, 1, "x",
                null, null, null, null);
        return new MatrixDocument.Cell(persona, client, offload, v, Reason.of(reason), expected, 2, 0, 1000, "because", null, e);
    }

    static MatrixDocument doc(String id, MatrixDocument.Cell... cells) {
        return new MatrixDocument(MatrixDocument.SCHEMA, new MatrixDocument.Run(id, "2026-11-22T00:00:00Z", null, "0", null), null,
                new MatrixDocument.Axes(List.of(), List.of(), List.of()), List.of(cells));
    }

    private static final KnownIssues SEED = new KnownIssues(List.of(new KnownIssues.Entry("smdc-tyan", null, java.util.Optional.of(OffloadState.ON),
            Verdict.DROPPED_IN_STACK, Reason.UDP_CSUM, "the seed")));

    @Test
    void expectedVerdictsPassHarnessErrorsBreakOthersFail() {
        CellJudge j = CellJudge.NONE;
        assertThat(j.judge(cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED)).outcome())
                .isEqualTo(CellJudge.Outcome.PASSED);
        assertThat(j.judge(cell("clean", "java-lan", OffloadState.ON, Verdict.HARNESS_ERROR, "MISSING_TOOL", Verdict.DELIVERED)).outcome())
                .isEqualTo(CellJudge.Outcome.BROKEN);
        CellJudge.Judgement f = j.judge(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED));
        assertThat(f.outcome()).isEqualTo(CellJudge.Outcome.FAILED);
        assertThat(f.message()).startsWith("DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED: because");
    }

    @Test
    void aKnownIssueCoversOnlyItsExactDeviation() {
        CellJudge j = new CellJudge(SEED, Optional.empty());
        assertThat(j.judge(cell("smdc-tyan", "ipmiutil", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)).known())
                .isEqualTo("the seed");
        // another reason, another offload state or another verdict is not the known issue
        assertThat(j.judge(cell("smdc-tyan", "ipmiutil", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UNKNOWN", Verdict.DELIVERED)).outcome())
                .isEqualTo(CellJudge.Outcome.FAILED);
        assertThat(j.judge(cell("smdc-tyan", "ipmiutil", OffloadState.OFF, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)).outcome())
                .isEqualTo(CellJudge.Outcome.FAILED);
        assertThat(j.judge(cell("smdc-tyan", "ipmiutil", OffloadState.ON, Verdict.LOST_BEFORE_DUT, null, Verdict.DELIVERED)).outcome())
                .isEqualTo(CellJudge.Outcome.FAILED);
    }

    @Test
    void againstABaselineTheSameDeviationIsKnownAndLeavingTheExpectationIsARegression() {
        MatrixDocument base = doc("week-47", cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                cell("id-echo", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED));
        CellJudge j = new CellJudge(KnownIssues.NONE, Optional.of(base));
        CellJudge.Judgement same = j.judge(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED));
        assertThat(same.outcome()).isEqualTo(CellJudge.Outcome.KNOWN);
        assertThat(same.known()).contains("week-47");
        CellJudge.Judgement regression = j.judge(cell("clean", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED));
        assertThat(regression.outcome()).isEqualTo(CellJudge.Outcome.FAILED);
        assertThat(regression.regression()).isTrue();
        assertThat(regression.message()).contains("regression against baseline week-47: was DELIVERED");
        CellJudge.Judgement changed = j.judge(cell("id-echo", "java-lan", OffloadState.ON, Verdict.LOST_BEFORE_DUT, null, Verdict.DELIVERED));
        assertThat(changed.regression()).isFalse();
        assertThat(changed.message()).contains("changed against baseline");
        CellJudge.Judgement added = j.judge(cell("new", "java-lan", OffloadState.ON, Verdict.LOST_BEFORE_DUT, null, Verdict.DELIVERED));
        assertThat(added.outcome()).isEqualTo(CellJudge.Outcome.FAILED);
        assertThat(added.regression()).isFalse();
    }
}
