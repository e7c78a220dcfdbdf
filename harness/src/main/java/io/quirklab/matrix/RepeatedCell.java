package io.quirklab.matrix;

import io.quirklab.stats.Proportion;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One cell from its repeated attempts, as a pure function: attempts that all delivered or all failed keep their
 * (most frequent) verdict; attempts that disagree make the cell {@link Verdict#INTERMITTENT}. The cell carries the
 * verdict of every attempt and the 95 % interval of the delivered share, and sums requests, answers and time.
 */
public final class RepeatedCell {
    private RepeatedCell() {
    }

    /** The cell of these attempts (one cell's key, in order; at least one). A single attempt is returned as it is. */
    public static MatrixDocument.Cell of(List<MatrixDocument.Cell> attempts) {
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("a cell needs at least one attempt");
        }
        MatrixDocument.Cell first = attempts.get(0);
        if (attempts.stream().anyMatch(c -> !c.key().equals(first.key()))) {
            throw new IllegalArgumentException("attempts of different cells: " + attempts.stream().map(c -> c.key().toString())
                    .distinct().collect(Collectors.joining(", ")));
        }
        if (attempts.size() == 1) {
            return first;
        }
        List<Verdict> verdicts = attempts.stream().map(MatrixDocument.Cell::verdict).toList();
        long delivered = verdicts.stream().filter(Verdict::delivered).count();
        Proportion share = Proportion.wilson((int) delivered, verdicts.size());
        boolean mixed = delivered > 0 && delivered < verdicts.size();
        Verdict verdict = mixed ? Verdict.INTERMITTENT : mostFrequent(verdicts, Function.identity());
        List<MatrixDocument.Cell> failed = attempts.stream().filter(c -> !c.verdict().delivered()).toList();
        Reason reason = mixed || !verdict.delivered() ? mostFrequent(failed.stream().map(MatrixDocument.Cell::reason)
                .filter(Objects::nonNull).toList(), Function.identity()) : first.reason();
        // the evidence worth opening: the last failed attempt's, when there is one
        int shownIndex = attempts.size() - 1;
        for (int i = attempts.size() - 1; i >= 0 && !failed.isEmpty(); i--) {
            if (!attempts.get(i).verdict().delivered()) {
                shownIndex = i;
                break;
            }
        }
        MatrixDocument.Cell shown = attempts.get(shownIndex);
        String explanation = delivered + " of " + verdicts.size() + " attempts delivered (95 % " + share.interval() + ")"
                + (shown.explanation() == null ? "" : "; attempt " + (shownIndex + 1) + ": " + shown.explanation());
        return new MatrixDocument.Cell(first.persona(), first.client(), first.offload(), verdict, reason, first.expected(),
                attempts.stream().mapToInt(MatrixDocument.Cell::attempts).sum(),
                attempts.stream().mapToLong(MatrixDocument.Cell::delivered).sum(),
                attempts.stream().mapToLong(MatrixDocument.Cell::durationMs).sum(), explanation, first.known(), shown.evidence(),
                List.of(round(share.low()), round(share.high())), verdicts, first.fault());
    }

    private static <T> T mostFrequent(List<T> values, Function<T, T> key) {
        if (values.isEmpty()) {
            return null;
        }
        Map<T, Long> counts = values.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().max(Comparator.comparingLong(Map.Entry::getValue)).orElseThrow().getKey();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
