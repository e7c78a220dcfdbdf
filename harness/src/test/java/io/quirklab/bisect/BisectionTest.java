package io.quirklab.bisect;

import io.quirklab.matrix.Reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quirklab.matrix.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The search against fake oracles: a drop is a function of which dimensions a composed persona carries. */
class BisectionTest {
    private static final List<Dimension> TWENTY = IntStream.rangeClosed(1, 20)
            .mapToObj(i -> new Dimension("f" + i, "quirky", "clean")).toList();
    private static final Traits REFERENCE = new Traits(TWENTY.stream()
            .collect(Collectors.toMap(Dimension::field, Dimension::reference, (a, b) -> a, java.util.LinkedHashMap::new)));

    /** Drops with probability {@code dropRate} when the rule holds for the persona's fields, never otherwise. */
    record FakeOracle(Predicate<Set<String>> rule, double dropRate, Random random, List<String> asked) implements TriggerOracle {
        FakeOracle(Predicate<Set<String>> rule, double dropRate, long seed) {
            this(rule, dropRate, new Random(seed), new ArrayList<>());
        }

        @Override
        public Attempts probe(ComposedPersona p, int n) {
            Set<String> fields = p.dimensions().stream().map(Dimension::field).collect(Collectors.toSet());
            asked.add(p.name());
            List<Attempts.Attempt> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean drop = rule.test(fields) && random.nextDouble() < dropRate;
                out.add(new Attempts.Attempt(drop ? Verdict.DROPPED_IN_STACK : Verdict.DELIVERED, drop ? Reason.UDP_CSUM : null, "fake"));
            }
            return new Attempts(out);
        }
    }

    private static BisectReport bisect(TriggerOracle o, int repeat) throws Exception {
        return new Bisection(REFERENCE, TWENTY, o, new Bisection.Settings(repeat)).run("target", "clean");
    }

    private static List<String> calls(BisectReport r, BisectReport.Decision v) {
        return r.calls().stream().filter(c -> c.call() == v).map(c -> c.dimension().field()).toList();
    }

    @Test
    void singleDeterministicTriggerAmongTwentyTakesAFewDozenAttempts() throws Exception {
        BisectReport r = bisect(new FakeOracle(f -> f.contains("f7"), 1.0, 1), 10);
        assertEquals(BisectReport.Outcome.FOUND, r.outcome());
        assertEquals(List.of("f7"), r.trigger().stream().map(Dimension::field).toList());
        assertEquals(List.of("f7"), calls(r, BisectReport.Decision.TRIGGER));
        assertEquals(19, calls(r, BisectReport.Decision.NOT_NEEDED).size());
        assertTrue(r.attempts() <= 60, "a few dozen attempts, not hundreds: " + r.cost());
        System.out.println("single trigger among 20 dimensions, deterministic, --repeat 10: " + r.cost());
        assertTrue(r.text().startsWith("trigger: f7=quirky (dropped 10/10, 95 % [0.72, 1.00]); not needed: f1=quirky"), r.text());
        // every call names probes that exist
        r.calls().forEach(c -> c.probes().forEach(r::probe));
    }

    @Test
    void aDropThatNeedsTwoQuirksTogetherIsFoundAsAPair() throws Exception {
        BisectReport r = bisect(new FakeOracle(f -> f.contains("f3") && f.contains("f15"), 1.0, 2), 10);
        assertEquals(List.of("f3", "f15"), r.trigger().stream().map(Dimension::field).toList());
        assertEquals(List.of("f3", "f15"), calls(r, BisectReport.Decision.TRIGGER));
        assertTrue(r.text().startsWith("trigger (together): f3=quirky + f15=quirky"), r.text());
    }

    @Test
    void aQuirkThatHidesTheTriggerIsLeftOut() throws Exception {
        // f9 hides f2's drop unless f16 is there too (the target has all three, so it drops)
        BisectReport r = bisect(new FakeOracle(f -> f.contains("f2") && (!f.contains("f9") || f.contains("f16")), 1.0, 3), 10);
        assertEquals(List.of("f2"), r.trigger().stream().map(Dimension::field).toList());
        assertTrue(calls(r, BisectReport.Decision.NOT_NEEDED).contains("f9"));
        assertTrue(r.masking().stream().anyMatch(m -> m.contains("f9=quirky") && m.contains("hides the drop of [f2=quirky]")),
                r.masking().toString());
    }

    @Test
    void noisyDropsStillFindTheTrigger() throws Exception {
        int found = 0;
        for (long seed = 1; seed <= 10; seed++) {
            BisectReport r = bisect(new FakeOracle(f -> f.contains("f11"), 0.7, seed), 12);
            List<String> trigger = calls(r, BisectReport.Decision.TRIGGER);
            assertTrue(trigger.isEmpty() || trigger.equals(List.of("f11")), "seed " + seed + " blamed " + trigger);
            assertTrue(!calls(r, BisectReport.Decision.NOT_NEEDED).contains("f11"), "seed " + seed + " ruled out the trigger");
            found += trigger.equals(List.of("f11")) ? 1 : 0;
            r.probes().stream().filter(p -> p.answer() != BisectReport.Answer.INCONCLUSIVE)
                    .forEach(p -> assertTrue(p.n() <= 24));
        }
        assertTrue(found >= 8, "found the trigger in " + found + " of 10 noisy runs");
    }

    @Test
    void aTargetThatIsNotDroppedHasNothingToBisect() throws Exception {
        BisectReport r = bisect(new FakeOracle(f -> false, 1.0, 4), 6);
        assertEquals(BisectReport.Outcome.NOT_DROPPED, r.outcome());
        assertEquals(2, r.probes().size());
        assertTrue(r.text().startsWith("no trigger to find: target was not dropped more often than clean"), r.text());
    }

    @Test
    void probesAreNotRepeatedForTheSameComposition() throws Exception {
        FakeOracle o = new FakeOracle(f -> f.contains("f20"), 1.0, 5);
        BisectReport r = bisect(o, 8);
        Map<List<Dimension>, Long> byComposition = r.probes().stream().filter(p -> !p.role().equals("recheck"))
                .collect(Collectors.groupingBy(p -> p.persona().dimensions(), Collectors.counting()));
        byComposition.forEach((k, v) -> assertEquals(1L, v, "probed twice: " + k));
        assertEquals(List.of("f20"), calls(r, BisectReport.Decision.TRIGGER));
    }
}
