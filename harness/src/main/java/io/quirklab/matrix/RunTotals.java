package io.quirklab.matrix;

import java.util.Collection;

/**
 * A run's cells by judgement.
 *
 * @param passed      cells that met their expectation
 * @param known       cells with a known deviation
 * @param failed      findings: not what a correct stack does
 * @param broken      harness errors
 * @param regressions cells that met their expectation in the baseline and do not now (counted among the failed)
 */
public record RunTotals(long passed, long known, long failed, long broken, long regressions) {
    public static RunTotals of(Collection<CellJudge.Judgement> judgements) {
        long[] n = new long[CellJudge.Outcome.values().length];
        judgements.forEach(j -> n[j.outcome().ordinal()]++);
        return new RunTotals(n[CellJudge.Outcome.PASSED.ordinal()], n[CellJudge.Outcome.KNOWN.ordinal()],
                n[CellJudge.Outcome.FAILED.ordinal()], n[CellJudge.Outcome.BROKEN.ordinal()],
                judgements.stream().filter(CellJudge.Judgement::regression).count());
    }

    public long cells() {
        return passed + known + failed + broken;
    }

    public boolean anyBroken() {
        return broken > 0;
    }

    public boolean anyRegressed() {
        return regressions > 0;
    }
}
