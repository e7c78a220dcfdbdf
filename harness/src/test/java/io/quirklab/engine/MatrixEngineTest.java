package io.quirklab.engine;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.ClientKind;
import io.quirklab.client.ClientOutcome;
import io.quirklab.client.Failure;
import io.quirklab.client.IpmiClient;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabKind;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabState;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.DutCapture;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.OsReport;
import io.quirklab.report.AllureResults;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.FrameTap;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine over a fake lab, fake clients, a fake responder and fake observers: no root, no pcap. A persona whose
 * name starts with "drop" has its replies dropped by the fake stack (UDP_CSUM) when the offload is on.
 */
class MatrixEngineTest {
    static final String DUT = "198.18.0.1";

    /** Shared bookkeeping of what the fakes saw. */
    static final class Traffic {
        final Map<String, AtomicInteger> perPersona = new ConcurrentHashMap<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final AtomicInteger maxPerPersona = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<String, List<ControlReply.JournalLine>> journal = new ConcurrentHashMap<>();
        final Map<String, String> probeOf = new ConcurrentHashMap<>();
        final AtomicInteger ports = new AtomicInteger(40000);
        volatile OffloadState offload = OffloadState.OFF;
    }

    static class FakeLab implements LabSession {
        final LabState state;
        final Traffic t;

        FakeLab(List<String> personas, Traffic t) {
            List<LabState.PersonaInfo> ps = new ArrayList<>();
            for (int i = 0; i < personas.size(); i++) {
                String n = personas.get(i);
                ps.add(new LabState.PersonaInfo(n, "198.18.0." + (10 + i), "02:00:00:00:01:" + (10 + i),
                        n.startsWith("neg") ? Verdict.DROPPED_IN_STACK : Verdict.DELIVERED, List.of(), "fake", "2.0"));
            }
            this.state = new LabState("virtual", null, "fake0", DUT + "/24", null, 0, "/nonexistent", null, ps, "now");
            this.t = t;
        }

        @Override
        public LabKind kind() {
            return new LabKind.Virtual();
        }

        @Override
        public LabState state() {
            return state;
        }

        @Override
        public LabState offload(OffloadState s) {
            t.events.add("switch " + s + " while " + t.running.get() + " running");
            t.offload = s;
            return state;
        }

        @Override
        public String offloadDescription() {
            return "fake offload";
        }

        @Override
        public Optional<FaultModel> faultModel() {
            return Optional.of(FaultModel.of("df-clear"));
        }

        @Override
        public ResponderControl control() {
            return new FakeResponder(t);
        }

        @Override
        public void close() {
            t.events.add("closed");
        }
    }

    record FakeResponder(Traffic t) implements ResponderControl {
        @Override
        public ControlReply.Status status() {
            return null;
        }

        @Override
        public void beginProbe(String persona, String probe) {
            t.probeOf.put(persona, probe);
        }

        @Override
        public void endProbe(String persona, String probe) {
            t.probeOf.remove(persona, probe);
        }

        @Override
        public ControlReply.JournalPage journal(ControlRequest.Journal q) {
            List<ControlReply.JournalLine> lines = t.journal.getOrDefault(q.probe(), List.of());
            long in = lines.stream().filter(l -> l.rmcp(ResponderJournal.Direction.IN)).count();
            long out = lines.stream().filter(l -> l.rmcp(ResponderJournal.Direction.OUT)).count();
            return new ControlReply.JournalPage(in, out, lines, 0, false, 0, null, null);
        }

        @Override
        public ControlReply.Status putPersonas(String catalogue) {
            return null;
        }

        @Override
        public void shutdown() {
        }
    }

    /** A client that "talks" to the fake responder: one request, one reply, dropped for drop* personas with offload on. */
    record FakeClient(ClientKind kind, Traffic t, Map<String, String> addresses, long millis) implements IpmiClient {
        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public ClientOutcome deviceId(String host, int port, String user, String password) {
            String persona = addresses.get(host);
            int now = t.running.incrementAndGet();
            t.maxRunning.accumulateAndGet(now, Math::max);
            int mine = t.perPersona.computeIfAbsent(persona, k -> new AtomicInteger()).incrementAndGet();
            t.maxPerPersona.accumulateAndGet(mine, Math::max);
            try {
                String probe = t.probeOf.get(persona);
                String peer = DUT + ":" + t.ports.incrementAndGet();
                t.journal.computeIfAbsent(probe, k -> Collections.synchronizedList(new ArrayList<>())).addAll(List.of(
                        new ControlReply.JournalLine(1, 0, persona, ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, peer, probe, 60, ""),
                        new ControlReply.JournalLine(2, 0, persona, ResponderJournal.Direction.OUT, ResponderJournal.Kind.RMCP, peer, probe, 60, "")));
                Thread.sleep(millis);
                boolean dropped = persona.startsWith("drop") && t.offload.on() || persona.startsWith("neg");
                return dropped ? new ClientOutcome(Failure.TIMEOUT, "no answer", null, 2, 0, true, "timeout", millis * 1000)
                        : new ClientOutcome(null, "ok", null, 1, 1, true, "device id", millis * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ClientOutcome.unavailable("interrupted");
            } finally {
                t.perPersona.get(persona).decrementAndGet();
                t.running.decrementAndGet();
            }
        }
    }

    /** One Get Device ID exchange of a test's own client. */
    @FunctionalInterface
    interface Exchange {
        ClientOutcome deviceId(String host, int port, String user, String password);
    }

    /** A client of {@code kind}, always available, whose exchange is {@code exchange}. */
    static IpmiClient client(ClientKind kind, Exchange exchange) {
        return new IpmiClient() {
            @Override
            public ClientKind kind() {
                return kind;
            }

            @Override
            public Optional<String> unavailable() {
                return Optional.empty();
            }

            @Override
            public ClientOutcome deviceId(String host, int port, String user, String password) {
                return exchange.deviceId(host, port, user, password);
            }
        };
    }

    /** Observers that see one valid reply per request on the wire, and a kfree_skb drop for each dropped one. */
    record FakeObservers(Traffic t, boolean perFlow, String dropAddress, String negAddress) implements DutObservers {
        @Override
        public String describe() {
            return perFlow ? "fake per-flow" : "fake host-wide";
        }

        @Override
        public Window open(Inet4Address persona, Path evidenceDir) {
            return ports -> {
                List<FrameTap.Captured> frames = new ArrayList<>();
                List<OsReport.Drop> drops = new ArrayList<>();
                for (int port : ports) {
                    frames.add(new FrameTap.Captured(System.currentTimeMillis() * 1000, new TestFrames.Request(persona, TestFrames.DUT, 623,
                            port, 1, 0b010, 64, 0, new byte[0], new byte[] {6, 0, (byte) 0xff, 6, 0, 0, 0x11, (byte) 0xbe, (byte) 0x80, 0, 0, 0}).frame()));
                }
                boolean dropping = t.offload.on() && persona.getHostAddress().equals(dropAddress)
                        || persona.getHostAddress().equals(negAddress);
                if (dropping) {
                    for (int port : ports) {
                        drops.add(new OsReport.Drop(OsReport.KFREE_SKB, "UDP_CSUM", "kfree_skb reason UDP_CSUM", null, 1,
                                new OsReport.Flow(persona.getHostAddress(), 623, DUT, port), null));
                    }
                }
                List<OsReport.Source> sources = new ArrayList<>(List.of(new OsReport.Source(OsReport.KFREE_SKB, true, "fake")));
                if (perFlow) {
                    sources.add(new OsReport.Source(OsReport.PER_FLOW, true, "fake"));
                }
                return new Observed(new DutCapture.Frames(persona, frames, 0, null), OsReport.withDrops(Map.of(), Map.of(), sources, drops));
            };
        }

        @Override
        public void close() {
            t.events.add("observers closed");
        }
    }

    static MatrixEngine.World world(FakeLab lab, Traffic t, boolean perFlow, long millis) {
        Map<String, String> addresses = new ConcurrentHashMap<>();
        lab.state().personas().forEach(p -> addresses.put(p.address(), p.name()));
        String drop = lab.state().personas().stream().filter(p -> p.name().startsWith("drop")).map(LabState.PersonaInfo::address)
                .findFirst().orElse("");
        String neg = lab.state().personas().stream().filter(p -> p.name().startsWith("neg")).map(LabState.PersonaInfo::address)
                .findFirst().orElse("");
        return new MatrixEngine.World() {
            @Override
            public LabSession openLab(Consumer<String> progress) {
                return lab;
            }

            @Override
            public MatrixDocument.Environment fingerprint(LabSession s) {
                return io.quirklab.testing.Matrices.environment("1.0");
            }

            @Override
            public DutObservers observers(LabSession session, Consumer<String> progress) {
                return new FakeObservers(t, perFlow, drop, neg);
            }

            @Override
            public IpmiClient client(LabSession lab, ClientKind kind) {
                return new FakeClient(kind, t, addresses, millis);
            }
        };
    }

    static MatrixEngine.Request request(Path dir, Integer jobs) {
        return new MatrixEngine.Request(LabFile.embedded(), List.of(),
                List.of("java-lan", "java-lanplus", "ipmitool-lan"), OffloadState.BOTH, Optional.empty(), dir, jobs,
                new AllureResults(dir.resolve("allure")), true);
    }

    /** Records what a front end would render. */
    static final class Heard implements RunListener {
        final List<String> notes = new ArrayList<>();
        final List<OffloadState> phases = new ArrayList<>();
        final List<MatrixEngine.Progress> progress = new ArrayList<>();
        MatrixEngine.Started started;
        MatrixEngine.Finished finished;

        @Override
        public void note(String line) {
            notes.add(line);
        }

        @Override
        public void started(MatrixEngine.Started run) {
            started = run;
        }

        @Override
        public void phase(OffloadState offload) {
            phases.add(offload);
        }

        @Override
        public void cellFinished(MatrixPlan.Planned cell, MatrixRecorder.Recorded recorded, MatrixEngine.Progress p) {
            progress.add(p);
        }

        @Override
        public void finished(MatrixEngine.Finished run) {
            finished = run;
        }
    }

    @Test
    void cellsOfDifferentPersonasOverlapWhileEachPersonasCellsAndTheOffloadSwitchDoNot(@TempDir Path dir) throws IOException {
        Traffic t = new Traffic();
        FakeLab lab = new FakeLab(List.of("clean", "drop-df", "a", "b", "c", "neg-csum"), t);
        Heard heard = new Heard();
        MatrixEngine.Finished f = new MatrixEngine(world(lab, t, true, 40)).run(request(dir, 4), heard);

        assertThat(f.jobs()).isEqualTo(4);
        assertThat(heard.started.jobs()).isEqualTo(4);
        assertThat(t.maxRunning.get()).as("cells at once").isBetween(2, 4);
        assertThat(t.maxPerPersona.get()).as("cells of one persona at once").isEqualTo(1);
        assertThat(t.events).contains("switch off while 0 running", "switch on while 0 running", "observers closed", "closed");
        assertThat(heard.phases).containsExactly(OffloadState.OFF, OffloadState.ON);
        assertThat(heard.progress).hasSize(36);
        assertThat(heard.progress.get(35).done()).isEqualTo(36);
        assertThat(heard.progress).allSatisfy(p -> assertThat(p.running()).isBetween(0, 4));

        MatrixDocument doc = MatrixDocument.read(f.matrixFile());
        assertThat(doc.cells()).hasSize(36);
        assertThat(doc.cell("drop-df", "ipmitool-lan", OffloadState.ON).orElseThrow().verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(doc.cell("drop-df", "ipmitool-lan", OffloadState.ON).orElseThrow().reason()).hasToString("UDP_CSUM");
        assertThat(doc.cell("drop-df", "ipmitool-lan", OffloadState.ON).orElseThrow().evidence().reasonSource()).hasToString("kfree_skb");
        assertThat(doc.cell("drop-df", "java-lan", OffloadState.OFF).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(doc.cell("neg-csum", "java-lan", OffloadState.OFF).orElseThrow().verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(doc.cells().stream().filter(c -> c.verdict() != Verdict.DELIVERED).map(c -> c.persona()).distinct())
                .containsExactlyInAnyOrder("drop-df", "neg-csum");
        assertThat(f.totals().failed()).as("drop-df dropped with the offload on: a finding per client").isEqualTo(3);
        assertThat(f.totals().broken()).isZero();
        assertThat(dir.resolve("runs").resolve(doc.run().id()).resolve("matrix.html")).isNotEmptyFile();
    }

    /** A fake lab whose fault, like the virtual lab's, can act on some addresses only. */
    static final class ScopingLab extends FakeLab {
        final List<List<Inet4Address>> scoped = new ArrayList<>();

        ScopingLab(List<String> personas, Traffic t) {
            super(personas, t);
        }

        @Override
        public boolean scopesFault() {
            return true;
        }

        @Override
        public LabState faultOnlyFor(java.util.Collection<Inet4Address> addresses) {
            scoped.add(List.copyOf(addresses));
            return state;
        }
    }

    /** Offload off and on run at once only where nothing but the instances' addresses tells the states apart. */
    @Test
    void offloadStatesRunTogetherOnlyOnALabThatScopesItsFaultAtTheEvidencesPaceWithPerFlowEvidence(@TempDir Path dir) {
        Traffic t = new Traffic();
        ScopingLab scoping = new ScopingLab(List.of("clean", "drop-df"), t);
        FakeLab plain = new FakeLab(List.of("clean", "drop-df"), t);
        MatrixEngine engine = new MatrixEngine(world(scoping, t, true, 1));
        MatrixEngine.Request rq = request(dir, 8);
        DutObservers perFlow = new FakeObservers(t, true, "", "");
        DutObservers hostWide = new FakeObservers(t, false, "", "");
        MatrixPlan plan = engine.plan(scoping, rq);
        assertThat(MatrixEngine.statesTogether(scoping, rq, plan, perFlow, 8)).isTrue();
        assertThat(MatrixEngine.statesTogether(plain, rq, plan, perFlow, 8)).as("a lab that cannot scope its fault").isFalse();
        assertThat(MatrixEngine.statesTogether(scoping, rq, plan, hostWide, 8)).as("host-wide evidence").isFalse();
        assertThat(MatrixEngine.statesTogether(scoping, rq, plan, perFlow, 1)).as("one job").isFalse();
        assertThat(MatrixEngine.statesTogether(scoping, rq.withPace(MatrixEngine.Pace.FULL_WAIT), plan, perFlow, 8)).as("full wait").isFalse();
        MatrixEngine.Request offOnly = new MatrixEngine.Request(LabFile.embedded(), List.of(), List.of("java-lan"), List.of(OffloadState.OFF),
                Optional.empty(), dir, 8, new AllureResults(dir.resolve("allure")), true);
        assertThat(MatrixEngine.statesTogether(scoping, offOnly, engine.plan(scoping, offOnly), perFlow, 8)).as("one state").isFalse();
    }

    @Test
    void hostWideEvidenceRunsOneCellAtATimeWhateverWasAsked(@TempDir Path dir) throws IOException {
        Traffic t = new Traffic();
        FakeLab lab = new FakeLab(List.of("clean", "drop-df", "a"), t);
        Heard heard = new Heard();
        MatrixEngine.Finished f = new MatrixEngine(world(lab, t, false, 5)).run(request(dir, 8), heard);
        assertThat(f.jobs()).isEqualTo(1);
        assertThat(t.maxRunning.get()).isEqualTo(1);
        assertThat(heard.notes).anyMatch(n -> n.contains("8 jobs asked") && n.contains("one at a time"));
        assertThat(MatrixDocument.read(f.matrixFile()).cells()).hasSize(18);
    }

    @Test
    void aCellThatCannotBeProbedIsAHarnessErrorAndTheRunGoesOn(@TempDir Path dir) throws IOException {
        Traffic t = new Traffic();
        FakeLab lab = new FakeLab(List.of("clean", "a"), t);
        MatrixEngine.World w = world(lab, t, true, 1);
        MatrixEngine.World failing = new MatrixEngine.World() {
            @Override
            public LabSession openLab(Consumer<String> progress) throws IOException {
                return w.openLab(progress);
            }

            @Override
            public MatrixDocument.Environment fingerprint(LabSession s) throws IOException {
                return w.fingerprint(s);
            }

            @Override
            public DutObservers observers(LabSession session, Consumer<String> progress) {
                return w.observers(session, progress);
            }

            @Override
            public IpmiClient client(LabSession lab, ClientKind kind) {
                return w.client(lab, kind);
            }

            @Override
            public ResponderControl responder(LabSession session) {
                ResponderControl real = session.control();
                return new ResponderControl() {
                    @Override
                    public ControlReply.Status status() throws IOException {
                        return real.status();
                    }

                    @Override
                    public void beginProbe(String persona, String probe) throws IOException {
                        if (persona.equals("a")) {
                            throw new IOException("cannot talk to the responder at /run/x: connection refused");
                        }
                        real.beginProbe(persona, probe);
                    }

                    @Override
                    public void endProbe(String persona, String probe) throws IOException {
                        real.endProbe(persona, probe);
                    }

                    @Override
                    public ControlReply.JournalPage journal(ControlRequest.Journal query) throws IOException {
                        return real.journal(query);
                    }

                    @Override
                    public ControlReply.Status putPersonas(String catalogue) throws IOException {
                        return real.putPersonas(catalogue);
                    }

                    @Override
                    public void shutdown() throws IOException {
                        real.shutdown();
                    }
                };
            }
        };
        MatrixEngine.Finished f = new MatrixEngine(failing).run(request(dir, 2), RunListener.NONE);
        MatrixDocument doc = MatrixDocument.read(f.matrixFile());
        assertThat(doc.cells()).hasSize(12);
        MatrixDocument.Cell broken = doc.cell("a", "java-lan", OffloadState.OFF).orElseThrow();
        assertThat(broken.verdict()).isEqualTo(Verdict.HARNESS_ERROR);
        assertThat(broken.explanation()).contains("connection refused");
        assertThat(doc.cell("clean", "java-lan", OffloadState.ON).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(f.broken()).isTrue();
    }

    @Test
    void cellsStartWithThePersonasExpectedToBeDroppedAndThenTheSlowestClients() {
        Traffic t = new Traffic();
        FakeLab lab = new FakeLab(List.of("clean", "a", "neg-csum"), t);
        List<MatrixPlan.Planned> phase = new ArrayList<>();
        for (String p : List.of("clean", "a", "neg-csum")) {
            phase.add(new MatrixPlan.Planned(p, ClientKind.JAVA_LAN, OffloadState.OFF));
            phase.add(new MatrixPlan.Planned(p, ClientKind.FREEIPMI, OffloadState.OFF));
        }
        List<MatrixPlan.Planned> order = MatrixEngine.order(phase, lab.state(), Map.of(), MatrixEngine.Pace.EVIDENCE);
        assertThat(order).extracting(c -> c.persona() + "/" + c.client().id()).startsWith("neg-csum/freeipmi", "neg-csum/java-lan")
                .endsWith("a/java-lan", "clean/java-lan");
        // measured times of the phase before win over the guess
        List<MatrixPlan.Planned> measured = MatrixEngine.order(phase, lab.state(), Map.of("clean/java-lan", 60_000L),
                MatrixEngine.Pace.EVIDENCE);
        assertThat(measured.get(0)).isEqualTo(new MatrixPlan.Planned("clean", ClientKind.JAVA_LAN, OffloadState.OFF));
    }

    /**
     * A repeated cell's attempts are handed out one by one: with instances of its persona they run at once, each on an
     * instance of its own (never two on one), and the cell is recorded once the last is done, its attempts in order
     * although they finished in another; with the persona alone they run one after another.
     */
    @Test
    void aRepeatedCellsAttemptsRunAtOnceOnInstancesApartAndAreRecordedInTheirOrder(@TempDir Path dir) throws Exception {
        for (int copies : new int[] {3, 1}) {
            Traffic t = new Traffic();
            FakeLab lab = new FakeLab(List.of("clean"), t);
            LabState.PersonaInfo clean = lab.state().personas().get(0);
            List<LabState.PersonaInfo> instances = new ArrayList<>(List.of(clean));
            Map<String, String> names = new ConcurrentHashMap<>(Map.of(clean.address(), clean.name()));
            for (int i = 2; i <= copies; i++) {
                LabState.PersonaInfo c = new LabState.PersonaInfo("clean--" + i, "198.18.0." + (250 + i), "02:00:00:00:02:0" + i,
                        clean.expected(), clean.quirks(), clean.description(), clean.ipmi());
                instances.add(c);
                names.put(c.address(), c.name());
            }
            // the first attempt (on the persona itself) is the slowest; the last instance's replies are dropped
            String last = instances.get(instances.size() - 1).address();
            java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(copies);
            IpmiClient client = client(ClientKind.JAVA_LAN, (host, port, user, password) -> {
                // attempts that run at once all get here before any goes on (one after another, each waits out 2 s)
                inside.countDown();
                try {
                    inside.await(2, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ClientOutcome o = new FakeClient(ClientKind.JAVA_LAN, t, names, host.equals(clean.address()) ? 400 : 100).deviceId(host,
                        port, user, password);
                return copies > 1 && host.equals(last) ? new ClientOutcome(Failure.TIMEOUT, "no answer", null, 2, 0, true, "timeout", 0) : o;
            });
            MatrixEngine.World world = world(lab, t, true, 40);
            MatrixEngine.Request rq = new MatrixEngine.Request(LabFile.embedded(), List.of("clean"), List.of("java-lan"),
                    List.of(OffloadState.OFF), Optional.empty(), dir.resolve("c" + copies), 4, new AllureResults(dir.resolve("allure")), false, 3);
            MatrixPlan plan = new MatrixEngine(world).plan(lab, rq);
            MatrixRecorder recorder = MatrixRecorder.start(rq.reports(), lab, plan, world.fingerprint(lab));
            Heard heard = new Heard();
            List<MatrixRecorder.Recorded> recorded = new CopyOnWriteArrayList<>();
            RunListener l = new RunListener() {
                @Override
                public void cellFinished(MatrixPlan.Planned cell, MatrixRecorder.Recorded r, MatrixEngine.Progress p) {
                    recorded.add(r);
                    heard.cellFinished(cell, r, p);
                }
            };
            List<Probe.Result> results = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                new PhaseScheduler(lab.state(), c -> instances, new Probe(new FakeObservers(t, true, "", copies > 1 ? last : ""),
                        new FakeResponder(t)), Map.of(ClientKind.JAVA_LAN, client), recorder, l, new AtomicInteger(), new AtomicInteger(), 1, 3,
                        new ConcurrentHashMap<>(), results, c -> false).run(pool, 4, plan.cells(lab.state()));
            } finally {
                pool.shutdownNow();
            }
            assertThat(t.maxPerPersona.get()).as(copies + " instances: attempts on one instance at once").isEqualTo(1);
            assertThat(t.maxRunning.get()).as(copies + " instances: attempts at once").isEqualTo(copies);
            assertThat(results).hasSize(3);
            assertThat(heard.progress).as("the cell is reported once").hasSize(1);
            MatrixDocument.Cell cell = recorded.get(0).cell();
            if (copies == 3) {
                assertThat(cell.attemptVerdicts()).containsExactly(Verdict.DELIVERED, Verdict.DELIVERED, Verdict.DROPPED_IN_STACK);
                assertThat(cell.verdict()).isEqualTo(Verdict.INTERMITTENT);
            } else {
                assertThat(cell.attemptVerdicts()).containsExactly(Verdict.DELIVERED, Verdict.DELIVERED, Verdict.DELIVERED);
            }
        }
    }
}
