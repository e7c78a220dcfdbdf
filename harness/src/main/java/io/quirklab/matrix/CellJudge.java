package io.quirklab.matrix;

import java.util.Optional;

/**
 * Whether one cell meets its expectation: it passes when its verdict equals the persona's {@code expected}, is known
 * when a known-issues entry or the baseline already has the same deviation, is broken for {@code HARNESS_ERROR}, and
 * fails otherwise. Against a baseline, a failing cell whose baseline counterpart met its expectation is a
 * <em>regression</em> (MATRIX.md).
 *
 * @param known    the known issues of the lab
 * @param baseline a baseline run, or empty
 */
public record CellJudge(KnownIssues known, Optional<MatrixDocument> baseline) {
    /** Passed, known, failed or broken. */
    public enum Outcome { PASSED, KNOWN, FAILED, BROKEN }

    /**
     * The judgement of one cell.
     *
     * @param outcome    the outcome
     * @param message    one line for a test report (the verdict token first)
     * @param known      why the deviation is known, or null
     * @param regression the cell met its expectation in the baseline and does not now
     */
    public record Judgement(Outcome outcome, String message, String known, boolean regression) {
        public boolean ok() {
            return outcome == Outcome.PASSED || outcome == Outcome.KNOWN;
        }
    }

    public static final CellJudge NONE = new CellJudge(KnownIssues.NONE, Optional.empty());

    public CellJudge {
        known = known == null ? KnownIssues.NONE : known;
        baseline = baseline == null ? Optional.empty() : baseline;
    }

    public Judgement judge(MatrixDocument.Cell c) {
        String verdict = c.verdict() + (c.reason() == null ? "" : " (" + c.reason() + ")");
        String line = verdict + ", expected " + c.expected() + ": " + c.explanation();
        if (c.verdict() == Verdict.HARNESS_ERROR) {
            return new Judgement(Outcome.BROKEN, line, null, false);
        }
        if (!c.finding()) {
            return new Judgement(Outcome.PASSED, line, null, false);
        }
        Optional<MatrixDocument.Cell> before = baseline.flatMap(b -> b.cell(c.key()));
        Optional<KnownIssues.Entry> entry = known.covering(c);
        if (entry.isPresent()) {
            return new Judgement(Outcome.KNOWN, line + " [known: " + entry.get().why() + "]", entry.get().why(), false);
        }
        if (before.isPresent() && before.get().verdict() == c.verdict() && java.util.Objects.equals(before.get().reason(), c.reason())) {
            String why = "the same in baseline " + baseline.get().run().id();
            return new Judgement(Outcome.KNOWN, line + " [known: " + why + "]", why, false);
        }
        boolean regression = before.isPresent() && !before.get().finding();
        String against = before.map(b -> " [" + (regression ? "regression" : "changed") + " against baseline "
                + baseline.get().run().id() + ": was " + b.verdict() + (b.reason() == null ? "" : " (" + b.reason() + ")") + "]")
                .orElse("");
        return new Judgement(Outcome.FAILED, line + against, null, regression);
    }
}
