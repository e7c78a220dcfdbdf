package io.quirklab.bisect;

import io.quirklab.stats.Proportion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds a minimal set of a dropped persona's dimensions (against a delivered reference) that still triggers the drop.
 *
 * <p>The two anchors (the reference with none of the dimensions, the target with all) are probed the full repeat
 * count; every other composition is probed adaptively until its dropped share separates from one anchor's (Wilson
 * 95 % intervals), or the repeat count is used up (inconclusive, read as "not dropped" by the search). The search is
 * QuickXplain's divide and conquer: a half that drops on its own is searched alone; when only both halves together
 * drop (an interaction), each half's needed part is found with the other half present. It does not assume that adding
 * a dimension can only add drops: before a part found with the other half present is extended, it is probed alone,
 * so a dimension that hides another's drop (masking) is left out. The set found is probed once more afresh at the end,
 * and each of its members is shown needed by a probe without it.
 */
public final class Bisection {
    /**
     * @param repeat the most attempts of one probe (the anchors and the final re-check use all of them)
     */
    public record Settings(int repeat) {
        public Settings {
            if (repeat < 2 || repeat > 200) {
                throw new IllegalArgumentException("--repeat " + repeat + " is outside 2..200");
            }
        }
    }

    private final Traits reference;
    private final List<Dimension> dimensions;
    private final TriggerOracle oracle;
    private final Settings settings;
    private final List<BisectReport.Probe> log = new ArrayList<>();
    private final Map<Set<Dimension>, BisectReport.Probe> answers = new HashMap<>();
    private Proportion referenceShare;
    private Proportion targetShare;
    private int composed;

    public Bisection(Traits reference, List<Dimension> dimensions, TriggerOracle oracle, Settings settings) {
        this.reference = reference;
        this.dimensions = List.copyOf(dimensions);
        this.oracle = oracle;
        this.settings = settings;
    }

    /** Runs the whole bisection. */
    public BisectReport run(String targetName, String referenceName) throws IOException {
        ComposedPersona refPersona = new ComposedPersona(referenceName, List.of(), reference);
        ComposedPersona targetPersona = new ComposedPersona(targetName, dimensions, reference.with(dimensions));
        Attempts refAttempts = oracle.probe(refPersona, settings.repeat());
        Attempts targetAttempts = oracle.probe(targetPersona, settings.repeat());
        referenceShare = refAttempts.dropShare();
        targetShare = targetAttempts.dropShare();
        boolean separate = targetShare.above(referenceShare);
        BisectReport.Probe ref = record("reference", refPersona, refAttempts,
                separate ? BisectReport.Answer.DELIVERED : BisectReport.Answer.INCONCLUSIVE);
        BisectReport.Probe tgt = record("target", targetPersona, targetAttempts,
                separate ? BisectReport.Answer.DROPPED : BisectReport.Answer.INCONCLUSIVE);
        if (!separate) {
            List<BisectReport.Call> calls = dimensions.stream().map(d -> new BisectReport.Call(d, BisectReport.Decision.INCONCLUSIVE,
                    List.of(ref.id(), tgt.id()), "the target did not drop more often than the reference")).toList();
            return report(targetName, referenceName, BisectReport.Outcome.NOT_DROPPED, List.of(), calls);
        }
        answers.put(Set.of(), ref);
        answers.put(Set.copyOf(dimensions), tgt);
        List<Dimension> found = dimensions.isEmpty() ? List.of() : search(List.of(), dimensions);
        BisectReport.Probe recheck = probe(found, "recheck", true);
        if (recheck.answer() == BisectReport.Answer.INCONCLUSIVE) {
            recheck = more(recheck, "recheck"); // the whole answer rests on it: one more full round
        }
        List<BisectReport.Call> calls = new ArrayList<>();
        if (recheck.answer() != BisectReport.Answer.DROPPED) {
            for (Dimension d : dimensions) {
                calls.add(new BisectReport.Call(d, BisectReport.Decision.INCONCLUSIVE, List.of(recheck.id()),
                        "the set found (" + found + ") did not drop again when re-checked"));
            }
            return report(targetName, referenceName, BisectReport.Outcome.INCONCLUSIVE, found, calls);
        }
        for (Dimension d : dimensions) {
            if (found.contains(d)) {
                List<Dimension> without = new ArrayList<>(found);
                without.remove(d);
                BisectReport.Probe w = ask(without, "necessity");
                if (w.answer() == BisectReport.Answer.INCONCLUSIVE) {
                    w = more(w, "necessity"); // the call rests on this one: give it another full round
                }
                BisectReport.Decision v = switch (w.answer()) {
                    case DELIVERED -> BisectReport.Decision.TRIGGER;
                    case DROPPED -> BisectReport.Decision.NOT_NEEDED;
                    case INCONCLUSIVE -> BisectReport.Decision.INCONCLUSIVE;
                };
                calls.add(new BisectReport.Call(d, v, List.of(recheck.id(), w.id()), "with it dropped " + recheck.share().text()
                        + "; without it (" + (without.isEmpty() ? "the reference" : without) + ") dropped " + w.share().text()));
            } else {
                List<String> by = new ArrayList<>(List.of(recheck.id()));
                BisectReport.Probe delivered = smallestDeliveredWith(d);
                String why = "the trigger dropped " + recheck.share().k() + "/" + recheck.share().n() + " without it";
                if (delivered != null) {
                    by.add(delivered.id());
                    why = "delivered " + (delivered.n() - delivered.dropped()) + "/" + delivered.n() + " with it";
                }
                calls.add(new BisectReport.Call(d, BisectReport.Decision.NOT_NEEDED, by, why));
            }
        }
        return report(targetName, referenceName, BisectReport.Outcome.FOUND, found, calls);
    }

    /**
     * QuickXplain over {@code candidates}, given that {@code background} plus all candidates drops and the background
     * alone does not: a smallest part of the candidates that, with the background, still drops.
     */
    private List<Dimension> search(List<Dimension> background, List<Dimension> candidates) throws IOException {
        if (candidates.size() == 1) {
            return candidates;
        }
        int half = (candidates.size() + 1) / 2;
        List<Dimension> first = candidates.subList(0, half);
        List<Dimension> second = candidates.subList(half, candidates.size());
        if (drops(union(background, first))) {
            return search(background, first);
        }
        if (drops(union(background, second))) {
            return search(background, second);
        }
        // neither half drops alone: the drop needs something from each (an interaction)
        List<Dimension> needFirst = search(union(background, second), first);
        if (drops(union(background, needFirst))) {
            return needFirst; // the second half was masking it
        }
        List<Dimension> needSecond = search(union(background, needFirst), second);
        return union(needFirst, needSecond);
    }

    private boolean drops(List<Dimension> dims) throws IOException {
        return ask(dims, "step").answer() == BisectReport.Answer.DROPPED;
    }

    /** A composition's answer, probing it only when it has not been asked before. */
    private BisectReport.Probe ask(List<Dimension> dims, String role) throws IOException {
        BisectReport.Probe known = answers.get(Set.copyOf(dims));
        return known != null ? known : probe(dims, role, false);
    }

    /** Probes a composition adaptively: the smallest batch that could be clear, then one attempt at a time. */
    private BisectReport.Probe probe(List<Dimension> dims, String role, boolean full) throws IOException {
        List<Dimension> ordered = dimensions.stream().filter(dims::contains).toList();
        ComposedPersona p = new ComposedPersona("bisect-" + (++composed), ordered, reference.with(ordered));
        int limit = settings.repeat();
        Attempts a = oracle.probe(p, full ? limit : Math.min(limit, firstBatch()));
        BisectReport.Answer answer = classify(a.dropShare());
        while (answer == BisectReport.Answer.INCONCLUSIVE && a.size() < limit) {
            a = a.plus(oracle.probe(p, 1));
            answer = classify(a.dropShare());
        }
        BisectReport.Probe r = record(role, p, a, answer);
        answers.put(Set.copyOf(ordered), r);
        return r;
    }

    /** The same composition probed another full round, its attempts added to the earlier ones. */
    private BisectReport.Probe more(BisectReport.Probe earlier, String role) throws IOException {
        ComposedPersona p = earlier.persona();
        Attempts a = new Attempts(earlier.attempts()).plus(oracle.probe(p, settings.repeat()));
        BisectReport.Probe r = record(role, p, a, classify(a.dropShare()));
        answers.put(Set.copyOf(p.dimensions()), r);
        return r;
    }

    /** The fewest attempts that, all alike, would separate from an anchor. */
    private int firstBatch() {
        for (int n = 1; n < settings.repeat(); n++) {
            if (Proportion.wilson(n, n).above(referenceShare) || targetShare.above(Proportion.wilson(0, n))) {
                return n;
            }
        }
        return settings.repeat();
    }

    private BisectReport.Answer classify(Proportion share) {
        if (share.above(referenceShare)) {
            return BisectReport.Answer.DROPPED;
        }
        if (targetShare.above(share)) {
            return BisectReport.Answer.DELIVERED;
        }
        return BisectReport.Answer.INCONCLUSIVE;
    }

    private BisectReport.Probe record(String role, ComposedPersona p, Attempts a, BisectReport.Answer answer) {
        Proportion s = a.dropShare();
        BisectReport.Probe r = new BisectReport.Probe("p" + (log.size() + 1), role, p, s.k(), s.n(), List.of(round(s.low()),
                round(s.high())), answer, a.attempts());
        log.add(r);
        return r;
    }

    private BisectReport.Probe smallestDeliveredWith(Dimension d) {
        return log.stream().filter(p -> p.answer() == BisectReport.Answer.DELIVERED && p.persona().dimensions().contains(d))
                .min(java.util.Comparator.comparingInt(p -> p.persona().dimensions().size())).orElse(null);
    }

    /**
     * Dimensions seen to hide a drop: a composition that drops, and a larger one that holds it and does not. For each
     * dropping composition, the smallest such extra part is named (one dimension when the probes pin it down).
     */
    private List<String> masking() {
        Set<String> out = new LinkedHashSet<>();
        for (BisectReport.Probe a : log) {
            if (a.answer() != BisectReport.Answer.DROPPED) {
                continue;
            }
            log.stream().filter(b -> b.answer() == BisectReport.Answer.DELIVERED
                            && b.persona().dimensions().size() > a.persona().dimensions().size()
                            && b.persona().dimensions().containsAll(a.persona().dimensions()))
                    .min(java.util.Comparator.comparingInt(b -> b.persona().dimensions().size()))
                    .ifPresent(b -> {
                        List<Dimension> extra = new ArrayList<>(b.persona().dimensions());
                        extra.removeAll(a.persona().dimensions());
                        out.add((extra.size() == 1 ? extra.get(0).toString() : "one of " + extra) + " hides the drop of "
                                + a.persona().dimensions() + " (" + a.id() + " dropped, " + b.id() + " delivered)");
                    });
        }
        return List.copyOf(out);
    }

    private BisectReport report(String target, String ref, BisectReport.Outcome outcome, List<Dimension> found,
                                List<BisectReport.Call> calls) {
        int attempts = log.stream().mapToInt(BisectReport.Probe::n).sum();
        return new BisectReport(target, ref, outcome, dimensions, outcome == BisectReport.Outcome.FOUND ? found : List.of(), calls,
                masking(), log, attempts, settings.repeat());
    }

    private static List<Dimension> union(List<Dimension> a, List<Dimension> b) {
        List<Dimension> out = new ArrayList<>(a);
        b.stream().filter(d -> !out.contains(d)).forEach(out::add);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
