package io.quirklab.engine;

import io.quirklab.client.ClientKind;
import io.quirklab.client.Failure;
import io.quirklab.client.IpmiClient;
import io.quirklab.lab.LabState;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.OsReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One phase of a run (an offload state, or a fault model; or both offload states at once, on instances apart) on the
 * workers: its cells, longest first, handed out as instances of their personas come free ({@link PersonaInstances}),
 * each probed, recorded and reported. A repeated cell's attempts are handed out one by one, so they run at once where its
 * persona has instances enough (each attempt on an instance of its own, never two on one), and one after another where
 * it has one; the cell is recorded, its attempts in order, once the last is done.
 */
final class PhaseScheduler {
    private final LabState state;
    private final Function<MatrixPlan.Planned, List<LabState.PersonaInfo>> instancesOf;
    private final Probe probe;
    private final Map<ClientKind, IpmiClient> clients;
    private final MatrixRecorder recorder;
    private final RunListener l;
    private final AtomicInteger done;
    private final AtomicInteger running;
    private final int total;
    private final int attempts;
    private final Map<String, Long> estimates;
    private final List<Probe.Result> results;
    private final Predicate<MatrixPlan.Planned> endAtEvidence;
    /** Attempts not yet taken, the longest cells' first; free instances per persona; cells with attempts under way. */
    private final List<Attempt> waiting = new ArrayList<>();
    private final Map<String, Deque<LabState.PersonaInfo>> free = new LinkedHashMap<>();
    private final Map<MatrixPlan.Planned, CellRun> started = new HashMap<>();

    /**
     * @param instancesOf where a cell may be probed: its persona and the instances of it for the cell's offload state
     *                    (empty: the persona as {@code state} has it)
     */
    PhaseScheduler(LabState state, Function<MatrixPlan.Planned, List<LabState.PersonaInfo>> instancesOf, Probe probe, Map<ClientKind, IpmiClient> clients, MatrixRecorder recorder,
                   RunListener l, AtomicInteger done, AtomicInteger running, int total, int attempts, Map<String, Long> estimates,
                   List<Probe.Result> results, Predicate<MatrixPlan.Planned> endAtEvidence) {
        this.state = state;
        this.instancesOf = instancesOf;
        this.probe = probe;
        this.clients = clients;
        this.recorder = recorder;
        this.l = l;
        this.done = done;
        this.running = running;
        this.total = total;
        this.attempts = attempts;
        this.estimates = estimates;
        this.results = results;
        this.endAtEvidence = endAtEvidence;
    }

    /** An attempt to probe now and the instance it takes; null when none are left; waits while every left one's persona is busy. */
    private synchronized Taken take() throws InterruptedException {
        while (!waiting.isEmpty()) {
            for (int i = 0; i < waiting.size(); i++) {
                Attempt a = waiting.get(i);
                Deque<LabState.PersonaInfo> f = free.get(pool(a.cell()));
                if (!f.isEmpty()) {
                    waiting.remove(i);
                    CellRun run = started.get(a.cell());
                    boolean first = run == null;
                    if (first) {
                        run = new CellRun(endAtEvidence.test(a.cell()));
                        started.put(a.cell(), run);
                    }
                    return new Taken(a, f.pop(), run, first);
                }
            }
            wait();
        }
        return null;
    }

    private synchronized void giveBack(MatrixPlan.Planned c, LabState.PersonaInfo instance) {
        free.get(pool(c)).push(instance);
        notifyAll();
    }

    /** The instances a cell takes from: its persona's, per offload state (the states can run at once, on instances apart). */
    private static String pool(MatrixPlan.Planned c) {
        return c.persona() + "/" + c.offload();
    }

    /** Attempt {@code n} (1-based) of a cell. */
    private record Attempt(MatrixPlan.Planned cell, int n) {
    }

    /** @param first whether this is the cell's first attempt to be taken (the cell starts with it) */
    private record Taken(Attempt attempt, LabState.PersonaInfo instance, CellRun run, boolean first) {
    }

    /** A cell whose attempts are under way: their results in order, and whether it may end at the evidence. */
    private final class CellRun {
        private final Probe.Result[] tries = new Probe.Result[attempts];
        private final boolean early;
        private int left = attempts;

        CellRun(boolean early) {
            this.early = early;
        }

        /** Records attempt {@code n}'s result; true when it was the last one left. */
        synchronized boolean done(int n, Probe.Result r) {
            tries[n - 1] = r;
            return --left == 0;
        }
    }

    void run(ExecutorService pool, int jobs, List<MatrixPlan.Planned> cells) throws IOException {
        for (MatrixPlan.Planned c : cells) {
            for (int a = 1; a <= attempts; a++) {
                waiting.add(new Attempt(c, a));
            }
        }
        for (MatrixPlan.Planned c : cells) {
            free.computeIfAbsent(pool(c), k -> {
                Deque<LabState.PersonaInfo> d = new ArrayDeque<>(instancesOf.apply(c));
                if (d.isEmpty()) {
                    d.add(state.persona(c.persona()));
                }
                return d;
            });
        }
        List<Future<?>> workers = new ArrayList<>();
        int n = Math.min(jobs, cells.size() * attempts); // not waiting.size(): the workers take from it as they start
        for (int i = 0; i < n; i++) {
            workers.add(pool.submit(() -> {
                Taken t;
                while (!Thread.currentThread().isInterrupted() && (t = take()) != null) {
                    try {
                        attempt(t);
                    } finally {
                        giveBack(t.attempt().cell(), t.instance());
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            try {
                w.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof UncheckedIOException u ? u.getCause() : new IOException(c.getMessage(), c);
            }
        }
    }

    private void attempt(Taken t) {
        MatrixPlan.Planned cell = t.attempt().cell();
        int n = t.attempt().n();
        if (t.first()) {
            running.incrementAndGet();
            l.cellStarted(cell, new MatrixEngine.Progress(done.get(), running.get(), total));
        }
        long attemptStart = System.nanoTime();
        Probe.Result r = probeCell(probe, state, cell, t.instance(), clients.get(cell.client()),
                attempts == 1 ? recorder.cellDir(cell.key()) : recorder.attemptDir(cell.key(), n), t.run().early);
        // what an attempt of this persona and client takes: the order of the next phase's cells
        estimates.put(MatrixEngine.estimateKey(cell), (System.nanoTime() - attemptStart) / 1_000_000);
        if (!t.run().done(n, r)) {
            return;
        }
        List<Probe.Result> tries = List.of(t.run().tries);
        results.addAll(tries);
        MatrixRecorder.Recorded rec;
        try {
            rec = recorder.record(cell, tries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + cell + ": " + e.getMessage(), e);
        } finally {
            running.decrementAndGet();
        }
        l.cellFinished(cell, rec, new MatrixEngine.Progress(done.incrementAndGet(), running.get(), total));
    }

    /** One probe; a probe that cannot be run at all is recorded as the harness error it is, and the run goes on. */
    private static Probe.Result probeCell(Probe probe, LabState state, MatrixPlan.Planned cell, LabState.PersonaInfo instance,
                                          IpmiClient client, Path dir, boolean endAtEvidence) {
        LabState.PersonaInfo p = state.persona(cell.persona());
        try {
            return probe.run(p, instance, client, dir, endAtEvidence);
        } catch (IOException | RuntimeException e) {
            String why = "the harness could not probe this cell: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            Evidence ev = new Evidence(new Evidence.Client(Failure.IO_ERROR, why, null, 0, 0), 0, 0, null,
                    OsReport.none(), false, null);
            return new Probe.Result(p.name(), p.address(), cell.client().id(), p.expected(), Verdict.HARNESS_ERROR, Reason.HARNESS,
                    why, ev, why, 0, null, ReasonSource.HARNESS);
        }
    }
}
