package io.quirklab.bisect;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.Verdict;
import io.quirklab.stats.Proportion;
import java.util.ArrayList;
import java.util.List;

/**
 * The attempts of one probe of a composed persona, each with its verdict and where its evidence is.
 *
 * @param attempts oldest first
 */
public record Attempts(List<Attempt> attempts) {
    /**
     * One exchange.
     *
     * @param verdict  from the evidence
     * @param reason   reason token or null
     * @param evidence where the evidence is (a directory relative to the bisection's), or a note
     */
    public record Attempt(Verdict verdict, Reason reason, String evidence) {
        public boolean dropped() {
            return !verdict.delivered();
        }
    }

    public Attempts {
        attempts = List.copyOf(attempts);
    }

    public Attempts plus(Attempts more) {
        List<Attempt> all = new ArrayList<>(attempts);
        all.addAll(more.attempts);
        return new Attempts(all);
    }

    public int dropped() {
        return (int) attempts.stream().filter(Attempt::dropped).count();
    }

    public int size() {
        return attempts.size();
    }

    /** The dropped share with its 95 % interval. */
    public Proportion dropShare() {
        return Proportion.wilson(dropped(), size());
    }
}
