package io.quirklab.bisect;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quirklab.stats.Proportion;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a bisection found ({@code bisect.json}): the dimensions between the target and the reference, the call on
 * each with the probes that decided it, the minimal trigger set and every probe with its attempts.
 *
 * @param target      the dropped persona
 * @param reference   the delivered persona
 * @param outcome     how far the bisection got
 * @param dimensions  every field in which the two differ
 * @param trigger     the minimal set of dimensions that still triggers the drop (empty unless FOUND)
 * @param calls       one per dimension
 * @param masking     dimensions seen to hide a drop ("udp-checksum=none hides the drop of dont-fragment=false")
 * @param probes      every probe, in order
 * @param attempts    exchanges used in all
 * @param repeat      the most attempts a probe may use
 */
public record BisectReport(String target, String reference, Outcome outcome, List<Dimension> dimensions, List<Dimension> trigger,
                           List<Call> calls, List<String> masking, List<Probe> probes, int attempts, int repeat) {
    public enum Outcome {
        /** A minimal trigger set, re-checked. */
        FOUND,
        /** The target was not dropped more often than the reference: nothing to bisect. */
        NOT_DROPPED,
        /** The search ended, but the re-check of its set did not drop. */
        INCONCLUSIVE
    }

    /** The call on one dimension. */
    public enum Decision { TRIGGER, NOT_NEEDED, INCONCLUSIVE }

    /**
     * @param dimension the dimension
     * @param call      trigger, not needed or inconclusive
     * @param probes    the ids of the probes that decided it
     * @param why       one line
     */
    public record Call(Dimension dimension, Decision call, @JsonProperty("decided_by") List<String> probes, String why) {
    }

    /** How a probe's attempts read against the anchors. */
    public enum Answer { DROPPED, DELIVERED, INCONCLUSIVE }

    /**
     * One probe: a composed persona, probed until its answer was clear (or the repeat count was used up).
     *
     * @param id         p1, p2, ...
     * @param role       reference, target, step, recheck or necessity
     * @param persona    the composed persona
     * @param dropped    attempts dropped
     * @param n          attempts
     * @param interval   95 % interval of the dropped share (Wilson)
     * @param answer     how it reads against the anchors
     * @param attempts   each attempt's verdict and evidence
     */
    public record Probe(String id, String role, ComposedPersona persona, int dropped, int n, List<Double> interval, Answer answer,
                        List<Attempts.Attempt> attempts) {
        public Proportion share() {
            return Proportion.wilson(dropped, n);
        }
    }

    public BisectReport {
        dimensions = List.copyOf(dimensions);
        trigger = List.copyOf(trigger);
        calls = List.copyOf(calls);
        masking = List.copyOf(masking);
        probes = List.copyOf(probes);
    }

    public Probe probe(String id) {
        return probes.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * The short answer: "trigger: dont-fragment=false (dropped 6/6, 95 % [0.61, 1.00]); not needed: ip-id=echo (delivered
     * 3/3 with it)".
     */
    public String text() {
        if (outcome == Outcome.NOT_DROPPED) {
            Probe t = probes.stream().filter(p -> p.role().equals("target")).findFirst().orElseThrow();
            return "no trigger to find: " + target + " was not dropped more often than " + reference + " (dropped "
                    + t.share().text() + ")";
        }
        List<String> parts = new ArrayList<>();
        List<Call> trig = calls.stream().filter(c -> c.call() == Decision.TRIGGER).toList();
        if (!trig.isEmpty()) {
            Probe recheck = probe(trig.get(0).probes().get(0));
            parts.add((trig.size() > 1 ? "trigger (together): " : "trigger: ")
                    + trig.stream().map(c -> c.dimension().toString()).collect(Collectors.joining(" + "))
                    + " (dropped " + recheck.share().text() + ")");
        }
        List<Call> not = calls.stream().filter(c -> c.call() == Decision.NOT_NEEDED).toList();
        if (!not.isEmpty()) {
            parts.add("not needed: " + not.stream().map(c -> c.dimension() + " (" + c.why() + ")").collect(Collectors.joining(", ")));
        }
        List<Call> inc = calls.stream().filter(c -> c.call() == Decision.INCONCLUSIVE).toList();
        if (!inc.isEmpty()) {
            parts.add("inconclusive: " + inc.stream().map(c -> c.dimension().toString()).collect(Collectors.joining(", ")));
        }
        if (!masking.isEmpty()) {
            parts.add("masking: " + String.join(", ", masking));
        }
        return String.join("; ", parts);
    }

    /** Probes and attempts used: "9 probes, 31 attempts". */
    public String cost() {
        return probes.size() + " probes, " + attempts + " attempts";
    }
}
