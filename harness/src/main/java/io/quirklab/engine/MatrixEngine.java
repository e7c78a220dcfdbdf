package io.quirklab.engine;

import io.quirklab.bisect.MatrixAnalysis;
import io.quirklab.client.ClientKind;
import io.quirklab.client.IpmiClient;
import io.quirklab.host.HostAdapter;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabKind;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabSessions;
import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.RunTotals;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.DutObservers;
import io.quirklab.process.CommandRunner;
import io.quirklab.report.AllureResults;
import io.quirklab.responder.ResponderControl;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A delivery-matrix run, whichever front end asked for it: plan -> lab session -> per cell (client call, observers,
 * verdict) -> recorder -> outputs, with progress told to a {@link RunListener}. Cells of different personas run at
 * the same time when the run's observers attribute their evidence per flow ({@link DutObservers#perFlow}); a persona's
 * cells run at once on instances of it ({@link PersonaInstances}) where the lab serves them, else one after another. The
 * offload axis switches only between phases, when no cell runs; on a lab whose fault can act on some addresses only
 * ({@link LabSession#scopesFault}) offload=off and offload=on run as one phase, on instances apart.
 */
public final class MatrixEngine {
    /**
     * Most cells at once by default. Most of a cell is waiting (for a client's timeout, a late reply): on two cores the
     * built-in matrix took 18 s at 12, 14 s at 16, and no less at 24 or 32.
     */
    public static final int DEFAULT_PARALLEL = 16;
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
     * @param pace          at the evidence (the default), or the full wait of every client as before
     */
    public record Request(LabFile labFile, List<String> personas, List<String> clients, List<OffloadState> offload,
                          Optional<MatrixDocument> baseline, Path reports, Integer jobs, AllureResults allure, boolean allureCells,
                          Integer repeat, Pace pace) {
        public Request {
            personas = List.copyOf(personas);
            clients = List.copyOf(clients);
            offload = List.copyOf(offload);
            pace = pace == null ? Pace.EVIDENCE : pace;
            if (jobs != null && (jobs < 1 || jobs > MAX_JOBS)) {
                throw new IllegalArgumentException("--jobs must be 1.." + MAX_JOBS + " (" + jobs + ")");
            }
            if (repeat != null && (repeat < 1 || repeat > LabFile.MAX_REPEAT)) {
                throw new IllegalArgumentException("--repeat must be 1.." + LabFile.MAX_REPEAT + " (" + repeat + ")");
            }
        }

        /** At the evidence's pace. */
        public Request(LabFile labFile, List<String> personas, List<String> clients, List<OffloadState> offload,
                       Optional<MatrixDocument> baseline, Path reports, Integer jobs, AllureResults allure, boolean allureCells,
                       Integer repeat) {
            this(labFile, personas, clients, offload, baseline, reports, jobs, allure, allureCells, repeat, null);
        }

        /** One attempt per cell unless the lab file says otherwise. */
        public Request(LabFile labFile, List<String> personas, List<String> clients, List<OffloadState> offload,
                       Optional<MatrixDocument> baseline, Path reports, Integer jobs, AllureResults allure, boolean allureCells) {
            this(labFile, personas, clients, offload, baseline, reports, jobs, allure, allureCells, null, null);
        }

        /** The same request at another pace. */
        public Request withPace(Pace p) {
            return new Request(labFile, personas, clients, offload, baseline, reports, jobs, allure, allureCells, repeat, p);
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
     * How a run paces its cells.
     */
    public enum Pace {
        /**
         * A cell ends when the evidence decides it ({@link EarlyVerdict}), and the cells of one persona run at the same
         * time, each against an instance of it of its own ({@link PersonaInstances}) where the lab can serve them.
         */
        EVIDENCE,
        /** Every client runs to its own end and a persona's cells run one after another: the way before, for comparisons. */
        FULL_WAIT;

        /** "evidence" or "full-wait". */
        public String token() {
            return this == EVIDENCE ? "evidence" : "full-wait";
        }
    }

    /**
     * How soon dropped cells ended: for each cell with a packet of its flow dropped (seen per packet), the time from its
     * first drop to the cell's end.
     *
     * @param cells        cells with a drop seen per packet
     * @param ended        of those, cells whose client the harness ended at the evidence
     * @param medianMillis the median time from first drop to end (0 without cells)
     * @param maxMillis    the longest
     */
    public record DropTimes(int cells, int ended, long medianMillis, long maxMillis) {
        static DropTimes of(List<Probe.Result> results) {
            List<Long> t = results.stream().map(Probe.Result::afterFirstDropMillis).filter(Objects::nonNull).sorted().toList();
            int ended = (int) results.stream().filter(r -> r.afterFirstDropMillis() != null && r.ended() != null).count();
            return new DropTimes(t.size(), ended, t.isEmpty() ? 0 : t.get((t.size() - 1) / 2), t.isEmpty() ? 0 : t.get(t.size() - 1));
        }

        /** "56 dropped cells ended 0.04 s after their first dropped reply (median; at most 0.21 s); 56 ended by the harness". */
        public String describe() {
            if (cells == 0) {
                return "no cell had a drop seen per packet";
            }
            return String.format(Locale.ROOT, "%d cells with drops seen per packet ended %.2f s after their first drop (median; at most %.2f s), "
                    + "%d of them ended by the harness at the evidence", cells, medianMillis / 1000.0, maxMillis / 1000.0, ended);
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
     * @param pace               how cells are paced, in words (which cells end at the evidence, persona instances)
     */
    public record Started(String runId, MatrixPlan plan, List<MatrixPlan.Planned> cells, MatrixDocument.Environment environment,
                          String offloadDescription, int jobs, String observers, Path runDir, String pace) {
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
     * @param pace               the run's pace
     * @param dropTimes          how soon dropped cells ended
     */
    public record Finished(MatrixDocument document, Map<MatrixDocument.Key, CellJudge.Judgement> judgements, RunTotals totals,
                           Path matrixFile, Path runDir, Map<String, Path> outputs, double seconds, int jobs, String offloadDescription,
                           Pace pace, DropTimes dropTimes) {
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
        Pace pace = request.pace();
        List<Probe.Result> results = Collections.synchronizedList(new ArrayList<>());
        try (DutObservers observers = world.observers(session, line -> l.note("observers: " + line))) {
            jobs = jobs(request, observers, plan, cells, l);
            ResponderControl responder = world.responder(session);
            Map<String, Long> estimates = new ConcurrentHashMap<>();
            boolean together = statesTogether(session, request, plan, observers, jobs);
            try (PersonaInstances instances = instances(session, request, plan, responder, observers, cells, jobs, together, l)) {
                Optional<PersonaInstances.Split> split = together ? instances.split(plan.personas()) : Optional.empty();
                l.started(new Started(recorder.runId(), plan, cells, env, offloadDescription, jobs, observers.describe(),
                        recorder.runDir(), describePace(pace, observers, request, session, plan, instances, split.isPresent())));
                start = System.nanoTime();
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
                    if (split.isPresent()) {
                        // both offload states at once: the fault acts on the offload=on instances' replies only
                        PersonaInstances.Split two = split.get();
                        LabState state = session.faultOnlyFor(two.secondAddresses());
                        plan.phases().forEach(l::phase);
                        PhaseScheduler ph = new PhaseScheduler(state, c -> (c.offload().on() ? two.second() : two.first())
                                .getOrDefault(c.persona(), List.of()), probe, clients, recorder, l, done, running, cells.size(),
                                request.attempts(), estimates, results, c -> endsAtEvidence(c, phaseOf(plan, c), state, observers, request, session));
                        ph.run(pool, jobs, order(cells, state, estimates, pace));
                        MatrixPlan.Phase last = plan.phases().get(plan.phases().size() - 1);
                        session.offload(last.offload(), last.fault()); // the lab as phases one after another leave it
                    } else {
                        for (MatrixPlan.Phase p : plan.phases()) {
                            List<MatrixPlan.Planned> phase = cells.stream().filter(c -> c.in(p)).toList();
                            if (phase.isEmpty()) {
                                continue;
                            }
                            LabState state = session.offload(p.offload(), p.fault());
                            l.phase(p);
                            PhaseScheduler ph = new PhaseScheduler(state, c -> instances.of(c.persona()), probe, clients, recorder, l, done,
                                    running, cells.size(), request.attempts(), estimates, results,
                                    c -> endsAtEvidence(c, p, state, observers, request, session));
                            ph.run(pool, jobs, order(phase, state, estimates, pace));
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
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
                written.paths(), secs, jobs, offloadDescription, pace, DropTimes.of(results));
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

    /**
     * --jobs, else the lab file's jobs, else as many as the observers allow; 1 whenever evidence is host-wide; never more
     * than a phase has cells (at the full wait's pace: personas, whose cells run one after another).
     */
    private static int jobs(Request request, DutObservers observers, MatrixPlan plan, List<MatrixPlan.Planned> cells, RunListener l) {
        Integer asked = request.jobs() != null ? request.jobs() : request.labFile().jobs().orElse(null);
        if (!observers.perFlow()) {
            if (asked != null && asked > 1) {
                l.note("note: " + asked + " jobs asked, but the evidence is host-wide here (" + observers.describe()
                        + "): cells run one at a time so each drop is blamed on the right cell");
            }
            return 1;
        }
        // at the evidence's pace a phase's attempts can all run at once, each on an instance of its persona
        long widest = request.pace() == Pace.FULL_WAIT ? plan.personas().size()
                : plan.offload().stream().mapToLong(o -> cells.stream().filter(c -> c.offload() == o).count()).max().orElse(1)
                * request.attempts();
        return (int) Math.max(1, Math.min(asked != null ? asked : DEFAULT_PARALLEL, widest));
    }

    /** Whether a cell of {@code phase} ends when the evidence decides it ({@link EarlyVerdict}). */
    private static boolean endsAtEvidence(MatrixPlan.Planned c, MatrixPlan.Phase phase, LabState state, DutObservers observers,
                                          Request request, LabSession session) {
        return request.pace() == Pace.EVIDENCE && EarlyVerdict.mustWait(true, observers.perFlow(), request.attempts(),
                state.persona(c.persona()), c.offload(), fault(phase, session)).isEmpty();
    }

    private static MatrixPlan.Phase phaseOf(MatrixPlan plan, MatrixPlan.Planned c) {
        return plan.phases().stream().filter(c::in).findFirst().orElseThrow(() -> new IllegalStateException("no phase for " + c));
    }

    /**
     * Whether the run's offload=off and offload=on cells can run at once, each state on persona instances of its own: at
     * the evidence's pace with per-flow evidence and more than one job, on a lab that can put its fault model on for
     * some addresses only ({@link LabSession#scopesFault}), for a plan of exactly those two states under the lab's own
     * model, one that names no address, and IPv4 personas only (instances are IPv4).
     */
    static boolean statesTogether(LabSession session, Request request, MatrixPlan plan, DutObservers observers, int jobs) {
        List<MatrixPlan.Phase> phases = plan.phases();
        return request.pace() == Pace.EVIDENCE && observers.perFlow() && jobs >= 2 && session.scopesFault()
                && phases.size() == 2 && phases.stream().allMatch(p -> p.fault().isEmpty())
                && phases.stream().map(MatrixPlan.Phase::offload).distinct().count() == 2
                && session.faultModel().filter(f -> !namesAddresses(f)).isPresent()
                && plan.personas().stream().noneMatch(p -> session.state().persona(p).ipv6());
    }

    /**
     * The instances a run serves: at the evidence's pace, on a lab whose responder this host drives (virtual, second NIC)
     * with per-flow evidence and more than one job, each persona gets as many as its cells' attempts in a phase (at most
     * the jobs), slowest personas first while the segment has addresses; otherwise every persona is served once.
     */
    private static PersonaInstances instances(LabSession session, Request request, MatrixPlan plan, ResponderControl responder,
                                              DutObservers observers, List<MatrixPlan.Planned> cells, int jobs, boolean together,
                                              RunListener l) {
        Optional<String> why = request.pace() == Pace.FULL_WAIT ? Optional.of("the full wait's pace")
                : jobs < 2 ? Optional.of("one cell at a time")
                : !(session.kind() instanceof LabKind.Virtual || session.kind() instanceof LabKind.SecondNic)
                ? Optional.of("the " + session.kind().id() + " lab's responder is not this host's")
                : plan.phases().stream().flatMap(p -> fault(p, session).stream()).filter(MatrixEngine::namesAddresses).findFirst()
                .map(f -> "fault model " + f.name() + " names addresses, which instances do not share");
        if (why.isPresent()) {
            return PersonaInstances.none(session.state());
        }
        Map<String, Long> cellsPerPersona = new LinkedHashMap<>();
        for (OffloadState o : OffloadState.values()) {
            Map<String, Long> n = new LinkedHashMap<>();
            // a repeated cell's attempts run at once too, each on an instance of its own
            cells.stream().filter(c -> c.offload() == o).forEach(c -> n.merge(c.persona(), (long) request.attempts(), Long::sum));
            // states that run at once need instances apart: as many for each as it has attempts (at most the jobs)
            n.forEach((p, k) -> cellsPerPersona.merge(p, Math.min(k, jobs), together ? Long::sum : Math::max));
        }
        Map<String, Integer> wanted = new LinkedHashMap<>();
        cellsPerPersona.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Long> e) -> -personaWeight(session.state().persona(e.getKey())))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> wanted.put(e.getKey(), (int) Math.min(e.getValue(), jobs)));
        try {
            return PersonaInstances.serve(session.state(), responder, request.labFile().personas(), session.kind().segment(), wanted,
                    together ? 2 : 1);
        } catch (IOException | RuntimeException e) {
            l.note("note: no persona instances (" + e.getMessage() + "): a persona's cells run one after another");
            return PersonaInstances.none(session.state());
        }
    }

    /** The fault model a phase runs under: its own in a run of several, else the lab's (empty where offload=on is a real NIC's). */
    private static Optional<FaultModel> fault(MatrixPlan.Phase p, LabSession session) {
        return p.fault().isPresent() ? p.fault() : session.faultModel();
    }

    /** A custom fault expression that names an address matches a persona's own address only, not its instances'. */
    private static boolean namesAddresses(FaultModel f) {
        return f.expression() != null && (f.expression().matches("(?s).*\\b\\d{1,3}(\\.\\d{1,3}){3}\\b.*")
                || f.expression().contains("saddr") || f.expression().contains("daddr") || f.expression().contains("ether"));
    }

    /** The run's pace in words, for its header. */
    private static String describePace(Pace pace, DutObservers observers, Request request, LabSession session, MatrixPlan plan,
                                       PersonaInstances instances, boolean together) {
        if (pace == Pace.FULL_WAIT) {
            return "full wait: every client runs to its own end, a persona's cells one after another";
        }
        Map<String, List<String>> waiting = new LinkedHashMap<>();
        for (MatrixPlan.Phase p : plan.phases()) {
            for (String persona : plan.personas()) {
                EarlyVerdict.mustWait(true, observers.perFlow(), request.attempts(), session.state().persona(persona), p.offload(), fault(p, session))
                        .ifPresent(why -> waiting.computeIfAbsent(why, k -> new ArrayList<>()).add(persona + "/" + p));
            }
        }
        String early = waiting.isEmpty() ? "every cell ends when the evidence decides it"
                : "cells end when the evidence decides them, except " + waiting.entrySet().stream()
                .map(e -> (e.getValue().size() > 4 ? e.getValue().size() + " persona/offload pairs" : String.join(", ", e.getValue()))
                        + " (" + e.getKey() + ")").collect(Collectors.joining("; "));
        int copies = instances.copies();
        return early + "; " + (copies == 0 ? "a persona's cells run one after another"
                : "a persona's cells run at once, each on an instance of its own (" + instances.describe() + "; " + copies
                + " copies served besides the personas)") + (together ? "; offload off and on at once, on instances apart (the fault "
                + "acts on the offload=on instances' replies only)" : "");
    }

    /**
     * The cells of one phase, the longest first (the longest cell is the phase's critical path): by how long an attempt
     * of the same persona and client took in the phase before, else by a guess ({@link #guess}).
     */
    static List<MatrixPlan.Planned> order(List<MatrixPlan.Planned> phase, LabState state, Map<String, Long> estimates, Pace pace) {
        List<MatrixPlan.Planned> out = new ArrayList<>(phase);
        out.sort(Comparator.comparingLong((MatrixPlan.Planned c) -> -estimates.getOrDefault(estimateKey(c),
                guess(c, state.persona(c.persona()), pace))).thenComparing(MatrixPlan.Planned::persona));
        return out;
    }

    static String estimateKey(MatrixPlan.Planned c) {
        return c.persona() + "/" + c.client().id();
    }

    /** How long a persona's cells take, relatively: late replies and drops wait for the client, the rest is quick. */
    private static long personaWeight(LabState.PersonaInfo p) {
        int delay = p.profile().effective(QuirkField.DELAY_MILLIS);
        return delay > 0 ? 10L + delay / 30 : p.expected() != Verdict.DELIVERED || slowDelivery(p) ? 8 : 1;
    }

    /** Replies the stack holds or drops although the persona "should" be delivered: fragments, tags, other ports. */
    private static boolean slowDelivery(LabState.PersonaInfo p) {
        return p.profile().effective(QuirkField.FRAGMENT) != QuirkProfile.Fragment.NONE || p.profile().isSet(QuirkField.VLAN_ID);
    }

    /** A guess of a cell's milliseconds: the persona's weight times the client's (FreeIPMI and ipmiutil take longest). */
    static long guess(MatrixPlan.Planned c, LabState.PersonaInfo p, Pace pace) {
        long client = switch (c.client()) {
            case FREEIPMI, IPMIUTIL -> 3;
            case IPMITOOL_LAN, IPMITOOL_LANPLUS -> 2;
            default -> 1;
        };
        return 100 * client * personaWeight(p);
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
