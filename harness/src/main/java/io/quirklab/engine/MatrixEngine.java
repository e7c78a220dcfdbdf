package io.quirklab.engine;

import io.quirklab.bisect.MatrixAnalysis;
import io.quirklab.client.ClientKind;
import io.quirklab.client.Failure;
import io.quirklab.client.IpmiClient;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabSessions;
import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.RunTotals;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.OsReport;
import io.quirklab.process.CommandRunner;
import io.quirklab.report.AllureResults;
import io.quirklab.responder.ResponderControl;
import io.quirklab.wire.QuirkField;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A delivery-matrix run, whichever front end asked for it: plan -> lab session -> per cell (client call, observers,
 * verdict) -> recorder -> outputs, with progress told to a {@link RunListener}. Cells of different personas run at
 * the same time when the run's observers attribute their evidence per flow ({@link DutObservers#perFlow}); the cells of
 * one persona run one after another, and the offload axis switches only between phases, when no cell runs.
 */
public final class MatrixEngine {
    /** Most cells at once by default: enough to keep the longest persona's lane the critical path on two cores. */
    public static final int DEFAULT_PARALLEL = 12;
    /** An upper bound for --jobs: each job is a client process or socket and a few threads. */
    public static final int MAX_JOBS = LabFile.MAX_JOBS;

    /** What a run touches of the outside world: {@link #live} for real labs, fakes in tests. */
    public interface World {
        /** Brings the lab up (or takes the one that is up) and owns its clean-up. */
        LabSession openLab(Consumer<String> progress) throws IOException;

        /** The environment of the machine under test (OS, NIC, driver, offloads, clients). */
        MatrixDocument.Environment fingerprint(LabSession lab) throws IOException;

        /** The run's DUT capture and OS evidence. */
        DutObservers observers(LabSession lab, Consumer<String> progress);

        /** The client, where the lab runs its clients. */
        IpmiClient client(LabSession lab, ClientKind kind);

        /** The responder's control API (the journal per probe). */
        default ResponderControl responder(LabSession lab) {
            return lab.control();
        }
    }

    /**
     * What to run.
     *
     * @param labFile       the lab file
     * @param personas      persona names or "all" (empty: the lab file's)
     * @param clients       client ids (empty: the lab file's)
     * @param offload       offload states (empty: the lab file's)
     * @param baseline      a baseline run, or empty
     * @param reports       the reports directory (runs/ goes under it)
     * @param jobs          cells at once, or null for the lab file's, else the default of the observers
     * @param allure        where the run's Allure results go, or null for {@code RUN_DIR/allure-results}
     * @param allureCells   whether to write one Allure result per cell (false when a test engine writes them)
     * @param repeat        attempts per cell, or null for the lab file's; attempts that disagree make a cell INTERMITTENT
     */
    public record Request(LabFile labFile, List<String> personas, List<String> clients, List<OffloadState> offload,
                          Optional<MatrixDocument> baseline, Path reports, Integer jobs, AllureResults allure, boolean allureCells,
                          Integer repeat) {
        public Request {
            personas = List.copyOf(personas);
            clients = List.copyOf(clients);
            offload = List.copyOf(offload);
            if (jobs != null && (jobs < 1 || jobs > MAX_JOBS)) {
                throw new IllegalArgumentException("--jobs must be 1.." + MAX_JOBS + " (" + jobs + ")");
            }
            if (repeat != null && (repeat < 1 || repeat > LabFile.MAX_REPEAT)) {
                throw new IllegalArgumentException("--repeat must be 1.." + LabFile.MAX_REPEAT + " (" + repeat + ")");
            }
        }

        /** One attempt per cell unless the lab file says otherwise. */
        public Request(LabFile labFile, List<String> personas, List<String> clients, List<OffloadState> offload,
                       Optional<MatrixDocument> baseline, Path reports, Integer jobs, AllureResults allure, boolean allureCells) {
            this(labFile, personas, clients, offload, baseline, reports, jobs, allure, allureCells, null);
        }

        /** Attempts per cell. */
        public int attempts() {
            return repeat != null ? repeat : labFile.repeat();
        }
    }

    /**
     * How far a run is.
     *
     * @param done    cells recorded
     * @param running cells being probed now
     * @param total   cells planned
     */
    public record Progress(int done, int running, int total) {
        public int left() {
            return total - done - running;
        }
    }

    /**
     * A run about to start.
     *
     * @param runId              its id
     * @param plan               what it covers
     * @param cells              the cells in run order
     * @param environment        where it runs
     * @param offloadDescription what offload=on means on this lab
     * @param jobs               cells at once
     * @param observers          the observers, in words
     * @param runDir             where it is recorded
     */
    public record Started(String runId, MatrixPlan plan, List<MatrixPlan.Planned> cells, MatrixDocument.Environment environment,
                          String offloadDescription, int jobs, String observers, Path runDir) {
    }

    /**
     * A finished run.
     *
     * @param document           the matrix document as written
     * @param judgements         each cell's judgement
     * @param totals             passed/known/failed/broken/regressions
     * @param matrixFile         matrix.json
     * @param runDir             the run's directory
     * @param outputs            the other views written (matrix.html, Allure results)
     * @param seconds            wall time of the cells
     * @param jobs               cells at once
     * @param offloadDescription what offload=on meant
     */
    public record Finished(MatrixDocument document, Map<MatrixDocument.Key, CellJudge.Judgement> judgements, RunTotals totals,
                           Path matrixFile, Path runDir, Map<String, Path> outputs, double seconds, int jobs, String offloadDescription) {
        public boolean broken() {
            return totals.anyBroken();
        }

        public boolean regressed() {
            return totals.anyRegressed();
        }
    }

    private final World world;

    public MatrixEngine(World world) {
        this.world = world;
    }

    /** The real world: the lab file's lab, this host's adapter, pcap and bpftrace, the installed clients. */
    public static World live(LabFile file, VirtualLab.ResponderLaunch launch, Path stateDir) {
        CommandRunner runner = new CommandRunner();
        HostAdapter host = HostAdapter.detect();
        return new World() {
            @Override
            public LabSession openLab(Consumer<String> progress) throws IOException {
                return LabSessions.open(file, launch, stateDir, progress);
            }

            @Override
            public MatrixDocument.Environment fingerprint(LabSession lab) throws IOException {
                Optional<MatrixDocument.Environment> own = lab.environment();
                return own.isPresent() ? own.get() : host.fingerprint(lab.state().dutInterface());
            }

            @Override
            public DutObservers observers(LabSession lab, Consumer<String> progress) {
                return lab.observers(progress).orElseGet(() -> LiveObservers.start(lab.state().dutInterface(), host, runner, lab.journal(),
                        progress));
            }

            @Override
            public IpmiClient client(LabSession lab, ClientKind kind) {
                return kind.client(file.clientPaths(), lab.clientRunner().orElse(runner));
            }
        };
    }

    /** Runs the whole matrix of {@code request}; the lab is brought up (or used) and put back. */
    public Finished run(Request request, RunListener listener) throws IOException {
        RunListener l = synchronised(listener);
        try (LabSession session = world.openLab(line -> l.note("lab: " + line))) {
            return run(session, request, l);
        }
    }

    /** Runs the matrix on a lab session the caller owns (and closes). */
    public Finished run(LabSession session, Request request, RunListener listener) throws IOException {
        RunListener l = synchronised(listener);
        MatrixPlan plan = plan(session, request);
        plan.missing().forEach(m -> l.note("note: " + m.hint() + "; the " + m.client().id() + " cells are left out"));
        plan.notApplicableByReason(session.state()).forEach((why, na) -> l.note("note: " + na.size() + " persona x client pairs are left "
                + "out: " + why + " (" + String.join(", ", na.stream().limit(4).toList()) + (na.size() > 4 ? ", ..." : "") + ")"));
        String offloadDescription = plan.faultsDescription().orElse(session.offloadDescription());
        MatrixDocument.Environment env = world.fingerprint(session);
        MatrixRecorder recorder = MatrixRecorder.start(request.reports(), session, plan, env);
        List<MatrixPlan.Planned> cells = plan.cells(session.state());
        long start;
        int jobs;
        try (DutObservers observers = world.observers(session, line -> l.note("observers: " + line))) {
            jobs = jobs(request, observers, plan, l);
            l.started(new Started(recorder.runId(), plan, cells, env, offloadDescription, jobs, observers.describe(),
                    recorder.runDir()));
            start = System.nanoTime();
            ResponderControl responder = world.responder(session);
            Probe probe = new Probe(observers, responder);
            Map<ClientKind, IpmiClient> clients = new LinkedHashMap<>();
            plan.clients().forEach(k -> clients.put(k, world.client(session, k)));
            AtomicInteger done = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
                Thread t = new Thread(r, "matrix-cell");
                t.setDaemon(true);
                return t;
            });
            try {
                Map<String, Long> laneMillis = new java.util.concurrent.ConcurrentHashMap<>();
                for (MatrixPlan.Phase p : plan.phases()) {
                    List<MatrixPlan.Planned> phase = cells.stream().filter(c -> c.in(p)).toList();
                    if (phase.isEmpty()) {
                        continue;
                    }
                    LabState state = session.offload(p.offload(), p.fault());
                    l.phase(p);
                    runPhase(pool, lanes(phase, state, laneMillis), state, probe, clients, recorder, l, done, running, cells.size(),
                            laneMillis, request.attempts());
                }
            } finally {
                pool.shutdownNow();
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        MatrixDocument doc = recorder.finish(session.offloadChanges());
        // the run answers the question as far as it can: which personas depend on the offload and which quirks they share
        Optional<MatrixDocument.Analysis> analysis = MatrixAnalysis.ofRun(doc, world.responder(session), recorder.runDir());
        if (analysis.isPresent()) {
            doc = doc.withAnalysis(analysis.get());
            doc.write(recorder.matrixFile());
        }
        AllureResults allure = request.allure() != null ? request.allure() : new AllureResults(recorder.runDir().resolve("allure-results"));
        RunOutputs.Written written = RunOutputs.write(recorder.runDir(), doc, RunOutputs.quirks(session.state()), allure,
                request.allureCells());
        Finished f = new Finished(doc, recorder.judgements(), recorder.totals(), recorder.matrixFile(), recorder.runDir(),
                written.paths(), secs, jobs, offloadDescription);
        l.finished(f);
        return f;
    }

    /** What {@code request} covers on this lab (an unknown persona or client is refused here, before any probe). */
    public MatrixPlan plan(LabSession session, Request request) {
        return MatrixPlan.of(session.state(), request.labFile(), request.personas(), request.clients(), request.offload(),
                request.baseline(), k -> world.client(session, k).unavailable().or(() -> session.unsupported(k)));
    }

    /**
     * One probe on a lab as it is (no offload switch, nothing recorded but the evidence in {@code evidenceDir}): the
     * run's observers are started for it and stopped again.
     */
    public Probe.Result probe(LabSession session, String persona, ClientKind client, Path evidenceDir, RunListener listener)
            throws IOException {
        RunListener l = synchronised(listener);
        LabState.PersonaInfo p = session.state().persona(persona);
        try (DutObservers observers = world.observers(session, line -> l.note("observers: " + line))) {
            return new Probe(observers, world.responder(session)).run(p, world.client(session, client), evidenceDir);
        }
    }

    /** --jobs, else the lab file's jobs, else as many as the observers allow; 1 whenever evidence is host-wide. */
    private static int jobs(Request request, DutObservers observers, MatrixPlan plan, RunListener l) {
        Integer asked = request.jobs() != null ? request.jobs() : request.labFile().jobs().orElse(null);
        int lanes = Math.max(1, plan.personas().size());
        if (!observers.perFlow()) {
            if (asked != null && asked > 1) {
                l.note("note: " + asked + " jobs asked, but the evidence is host-wide here (" + observers.describe()
                        + "): cells run one at a time so each drop is blamed on the right cell");
            }
            return 1;
        }
        return Math.max(1, Math.min(asked != null ? asked : DEFAULT_PARALLEL, lanes));
    }

    /**
     * The cells of one phase as lanes, one per persona, longest first (the longest lane is the phase's critical path):
     * by how long the persona's lane took in the phase before, else by a guess (a cell expected to be dropped waits
     * for its client's timeout, a late reply for its delay).
     */
    static List<List<MatrixPlan.Planned>> lanes(List<MatrixPlan.Planned> phase, LabState state, Map<String, Long> laneMillis) {
        Map<String, List<MatrixPlan.Planned>> byPersona = new LinkedHashMap<>();
        phase.forEach(c -> byPersona.computeIfAbsent(c.persona(), k -> new ArrayList<>()).add(c));
        List<List<MatrixPlan.Planned>> lanes = new ArrayList<>(byPersona.values());
        lanes.sort(Comparator.comparingLong((List<MatrixPlan.Planned> lane) -> laneMillis.getOrDefault(lane.get(0).persona(),
                guess(lane, state))).reversed());
        return lanes;
    }

    private static long guess(List<MatrixPlan.Planned> lane, LabState state) {
        LabState.PersonaInfo p = state.persona(lane.get(0).persona());
        boolean slow = p.expected() != Verdict.DELIVERED || p.profile().effective(QuirkField.DELAY_MILLIS) > 0;
        return lane.size() * (slow ? 3_000L : 300L);
    }

    private void runPhase(ExecutorService pool, List<List<MatrixPlan.Planned>> lanes, LabState state, Probe probe,
                          Map<ClientKind, IpmiClient> clients, MatrixRecorder recorder, RunListener l, AtomicInteger done,
                          AtomicInteger running, int total, Map<String, Long> laneMillis, int attempts) throws IOException {
        ConcurrentLinkedQueue<List<MatrixPlan.Planned>> queue = new ConcurrentLinkedQueue<>(lanes);
        List<Future<?>> workers = new ArrayList<>();
        int n = Math.min(lanes.size(), poolSize(pool));
        for (int i = 0; i < n; i++) {
            workers.add(pool.submit(() -> {
                List<MatrixPlan.Planned> lane;
                while ((lane = queue.poll()) != null && !Thread.currentThread().isInterrupted()) {
                    long laneStart = System.nanoTime();
                    for (MatrixPlan.Planned cell : lane) {
                        running.incrementAndGet();
                        l.cellStarted(cell, new Progress(done.get(), running.get(), total));
                        List<Probe.Result> tries = new ArrayList<>();
                        for (int a = 1; a <= attempts; a++) {
                            tries.add(probeCell(probe, state, cell, clients.get(cell.client()),
                                    attempts == 1 ? recorder.cellDir(cell.key()) : recorder.attemptDir(cell.key(), a)));
                        }
                        MatrixRecorder.Recorded rec;
                        try {
                            rec = recorder.record(cell, tries);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException("cannot record " + cell + ": " + e.getMessage(), e);
                        } finally {
                            running.decrementAndGet();
                        }
                        l.cellFinished(cell, rec, new Progress(done.incrementAndGet(), running.get(), total));
                    }
                    laneMillis.put(lane.get(0).persona(), (System.nanoTime() - laneStart) / 1_000_000);
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
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof java.io.UncheckedIOException u ? u.getCause() : new IOException(c.getMessage(), c);
            }
        }
    }

    private static int poolSize(ExecutorService pool) {
        return pool instanceof java.util.concurrent.ThreadPoolExecutor t ? t.getMaximumPoolSize() : 1;
    }

    /** One probe; a probe that cannot be run at all is recorded as the harness error it is, and the run goes on. */
    private static Probe.Result probeCell(Probe probe, LabState state, MatrixPlan.Planned cell, IpmiClient client, Path dir) {
        LabState.PersonaInfo p = state.persona(cell.persona());
        try {
            return probe.run(p, client, dir);
        } catch (IOException | RuntimeException e) {
            String why = "the harness could not probe this cell: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            Evidence ev = new Evidence(new Evidence.Client(Failure.IO_ERROR, why, null, 0, 0), 0, 0, null,
                    OsReport.none(), false, null);
            return new Probe.Result(p.name(), p.address(), cell.client().id(), p.expected(), Verdict.HARNESS_ERROR, Reason.HARNESS,
                    why, ev, why, 0, null, ReasonSource.HARNESS);
        }
    }

    /** Front ends need not be thread-safe: the engine tells them one thing at a time. */
    private static RunListener synchronised(RunListener l) {
        if (l instanceof Synchronised) {
            return l;
        }
        return new Synchronised(l);
    }

    private record Synchronised(RunListener l) implements RunListener {
        @Override
        public synchronized void note(String line) {
            l.note(line);
        }

        @Override
        public synchronized void started(Started run) {
            l.started(run);
        }

        @Override
        public synchronized void phase(OffloadState offload) {
            l.phase(offload);
        }

        @Override
        public synchronized void phase(MatrixPlan.Phase phase) {
            l.phase(phase);
        }

        @Override
        public synchronized void cellStarted(MatrixPlan.Planned cell, Progress progress) {
            l.cellStarted(cell, progress);
        }

        @Override
        public synchronized void cellFinished(MatrixPlan.Planned cell, MatrixRecorder.Recorded recorded, Progress progress) {
            l.cellFinished(cell, recorded, progress);
        }

        @Override
        public synchronized void finished(Finished run) {
            l.finished(run);
        }
    }
}
