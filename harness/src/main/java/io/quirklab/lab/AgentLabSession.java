package io.quirklab.lab;

import io.quirklab.agent.AgentApi;
import io.quirklab.agent.AgentControl;
import io.quirklab.agent.AgentTls;
import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import io.quirklab.input.InputFile;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.process.CommandRunner;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.ResponderControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A run against a remote responder agent: claims a lease, puts the run's personas (the agent probes their addresses
 * with ARP first), renews the lease in the background and releases it on close or JVM exit (a killed run's lease
 * expires by itself). The offload axis is the DUT NIC's real receive UDP checksum offload, or, when the lab file has a
 * fault model, that model emulated on the DUT interface (Linux). What it changes on this host is journaled in a
 * directory of its own run, so two machines under test sharing a file system never wait for or refuse each other.
 */
public final class AgentLabSession implements LabSession {
    static final int LEASE_TTL_SECONDS = 30;
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final LabKind.Agent lab;
    private final AgentControl control;
    private final FaultModel fault;
    private final Path runDir;
    private final RestoreJournal journal;
    private final IngressFault ingress;
    private final Consumer<String> progress;
    private final ScheduledExecutorService renewal;
    private final Teardown teardown;
    private OffloadJournal offloadJournal;
    private RealOffload real;
    private LabState state;
    private volatile boolean closed;
    private volatile String renewalProblem;
    /** The lease as claimed: run id, holder, host, and the persona set it serves (put back when the lease is claimed again). */
    private String leaseRun;
    private String leaseHolder;
    private AgentApi.PersonaSet personaSet;
    /** Counts the leases this run has had: a probe begun under one lease has no journal under the next. */
    private volatile int generation;
    private final java.util.Map<String, Integer> probeGeneration = new java.util.concurrent.ConcurrentHashMap<>();
    private final KeptLease kept = new KeptLease();

    private AgentLabSession(LabKind.Agent lab, AgentControl control, FaultModel fault, Path runDir, Consumer<String> progress) {
        this.lab = lab;
        this.control = control;
        this.fault = fault;
        this.runDir = runDir;
        CommandRunner runner = new CommandRunner();
        this.journal = new RestoreJournal(runDir.resolve("restore-journal.jsonl"), runner);
        this.ingress = fault == null ? null : new IngressFault(lab.dutInterface(), journal, runner);
        this.progress = progress;
        this.renewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-lease-renewal");
            t.setDaemon(true);
            return t;
        });
        // at exit too: the lease expires by itself, quirklab restore or the next run undoes the rest
        this.teardown = Teardown.atExit("quirklab-agent-session-shutdown", this::undo);
    }

    /**
     * @param file     the lab file (its personas, persona-names, fault model)
     * @param lab      the agent (the file's, or the one a container lab started)
     * @param stateDir where this host keeps the runs' journals (one directory per run under it)
     */
    public static AgentLabSession open(LabFile file, LabKind.Agent lab, Path stateDir, Consumer<String> progress) throws IOException {
        FaultModel fault = file.emulatedFault().orElse(null);
        String token = token(lab);
        if (fault != null && !Files.isDirectory(Path.of("/sys/class/net"))) {
            throw new IOException(file.file() + ", field 'fault-model': the emulated fault needs a Linux machine under test (nftables "
                    + "ingress on " + lab.dutInterface() + "); leave it out to switch the real offload");
        }
        checkDut(lab);
        Path runs = stateDir;
        sweep(runs, progress);
        String self = hostName() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path runDir = runs.resolve(self);
        Files.createDirectories(runDir);
        long pid = ProcessHandle.current().pid();
        Files.writeString(runDir.resolve("owner"), pid + " " + RestoreJournal.startTicks(pid) + " " + hostName() + "\n");
        AgentControl control = new AgentControl(lab.url(), token,
                lab.trust().isPresent() ? AgentTls.clientContext(lab.trust().get()) : null);
        AgentLabSession s = new AgentLabSession(lab, control, fault, runDir, progress);
        try {
            AgentApi.Health h = control.health();
            progress.accept("agent at " + lab.url() + " (quirklab " + h.version() + ", up " + h.uptimeSeconds() + " s)");
            s.leaseRun = self;
            s.leaseHolder = System.getProperty("user.name") + " (quirklab pid " + pid + ")";
            AgentApi.Lease lease = control.claim(s.leaseRun, s.leaseHolder, hostName(), LEASE_TTL_SECONDS);
            progress.accept("lease " + lease.id() + " on the agent, renewed every " + LEASE_TTL_SECONDS / 3 + " s");
            s.renewal.scheduleWithFixedDelay(s::renew, LEASE_TTL_SECONDS / 3, LEASE_TTL_SECONDS / 3, TimeUnit.SECONDS);
            // the personas the lab file gave, read and checked once here; the agent is handed them as written values
            String catalogue = PersonaYaml.personas(file.personas());
            String source = file.personaFile().map(p -> p.getFileName().toString()).orElse("the built-in catalogue");
            s.personaSet = new AgentApi.PersonaSet(catalogue, source, lab.personaBase().getHostAddress(),
                    file.personaNames().isEmpty() ? null : file.personaNames());
            // through the kept lease from here on: a lease lost already while the run starts is claimed again too
            AgentApi.Personas put = s.kept.call(() -> control.putPersonas(s.personaSet));
            progress.accept("the agent serves " + put.personas().size() + " personas for this run from " + lab.personaBase().getHostAddress()
                    + " (addresses probed with ARP first)");
            s.state = new LabState("agent", null, lab.dutInterface(), dutAddress(lab.dutInterface()), null, 0, lab.url().toString(), null,
                    LabState.PersonaInfo.of(s.kept.status()), Instant.now().toString());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static String token(LabKind.Agent lab) throws IOException {
        if (lab.tokenFile().isPresent()) {
            return InputFile.text(lab.tokenFile().get(), InputFile.Kind.TOKEN).strip();
        }
        String t = System.getenv(lab.tokenEnv());
        if (t == null || t.isBlank()) {
            throw new IOException("$" + lab.tokenEnv() + " is not set: the agent's token (printed by 'quirklab agent' at start, or in "
                    + "its --token-file) goes there, or name a token-file in the lab file");
        }
        return t.strip();
    }

    /** On Linux: the DUT interface exists and has an address in the personas' /24. */
    private static void checkDut(LabKind.Agent lab) throws IOException {
        if (!Files.isDirectory(Path.of("/sys/class/net"))) {
            return;
        }
        if (!Files.exists(Path.of("/sys/class/net", lab.dutInterface()))) {
            throw new IOException("no interface " + lab.dutInterface() + " on this machine (dut-interface of the lab file; ip -br link)");
        }
        String base = lab.personaBase().getHostAddress();
        String prefix = base.substring(0, base.lastIndexOf('.') + 1);
        String addr = dutAddress(lab.dutInterface());
        if (addr == null || !addr.startsWith(prefix)) {
            throw new IOException(lab.dutInterface() + " has no address in " + prefix + "0/24, where the personas live (from " + base
                    + "): give it one, e.g. ip addr add " + prefix + "1/24 dev " + lab.dutInterface());
        }
    }

    private static String dutAddress(String iface) {
        if (!Files.isDirectory(Path.of("/sys/class/net"))) {
            return null;
        }
        String[] f = new CommandRunner().run(COMMAND_TIMEOUT, List.of("ip", "-4", "-o", "addr", "show", "dev", iface)).stdout().strip()
                .split("\\s+");
        return f.length > 3 ? f[3] : null;
    }

    /** This host's name without a name lookup. */
    static String hostName() {
        try {
            Path p = Path.of("/proc/sys/kernel/hostname");
            if (Files.exists(p)) {
                return InputFile.lenient(p, InputFile.Kind.KERNEL).strip();
            }
        } catch (IOException ignored) {
            // fall through
        }
        return System.getenv().getOrDefault("COMPUTERNAME", "unknown-host");
    }

    /** This run's journal (fault table, tracefs mount, tracer): removed at the end, or by the sweep after a kill. */
    @Override
    public RestoreJournal journal() {
        return journal;
    }

    /** Where agent-lab runs of this host keep their journals (one directory per run): /run/quirklab/agent-runs. */
    public static Path defaultStateDir() {
        return VirtualLab.defaultStateDir().resolve("agent-runs");
    }

    /** Undoes what runs of this host that died left (their owner is gone); never touches a live run's directory. */
    public static void sweep(Path runs, Consumer<String> progress) throws IOException {
        if (!Files.isDirectory(runs)) {
            return;
        }
        String me = hostName();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(runs)) {
            dirs = s.filter(Files::isDirectory).toList();
        }
        for (Path d : dirs) {
            String[] owner;
            try {
                owner = InputFile.lenient(d.resolve("owner"), InputFile.Kind.STATE).strip().split("\\s+");
            } catch (IOException e) {
                continue;
            }
            if (owner.length < 3 || !owner[2].equals(me)) {
                continue; // another machine's run on a shared file system: its own to clean
            }
            boolean alive;
            try {
                alive = RestoreJournal.alive(Long.parseLong(owner[0]), Long.parseLong(owner[1]));
            } catch (NumberFormatException e) {
                alive = false; // not an owner line this code wrote: nobody's
            }
            if (!alive) {
                progress.accept("removing what a dead agent-lab run left in " + d);
                new RestoreJournal(d.resolve("restore-journal.jsonl"), new CommandRunner()).undoAll().forEach(l -> progress.accept("  " + l));
                Files.deleteIfExists(d.resolve("owner"));
                removeEmpty(d, 1);
            }
        }
        removeEmpty(runs, 2);
    }

    /**
     * Removes {@code dir} and then up to {@code levels - 1} of its parents, each only while it is empty
     * (run directory, agent-runs, /run/quirklab): what a run made goes, a directory with anyone's files in it stays.
     */
    static void removeEmpty(Path dir, int levels) throws IOException {
        Path d = dir;
        for (int i = 0; i < levels && d != null; i++, d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                return;
            }
        }
    }

    private void renew() {
        try {
            kept.call(() -> control.renew());
            if (renewalProblem != null) {
                progress.accept("lease renewed again");
                renewalProblem = null;
            }
        } catch (IOException e) {
            if (renewalProblem == null) {
                progress.accept("cannot renew the lease (" + e.getMessage() + "); cells may fail until it is back");
            }
            renewalProblem = e.getMessage();
        }
    }

    @Override
    public LabKind kind() {
        return lab;
    }

    @Override
    public synchronized LabState state() {
        return state;
    }

    @Override
    public ResponderControl control() {
        return kept;
    }

    /** A lease the agent no longer knows: it restarted, or this run could not renew it for longer than its TTL. */
    static boolean leaseLost(IOException e) {
        return e instanceof AgentControl.AgentRefusal r && r.status() == 404 && e.getMessage() != null && e.getMessage().contains("lease");
    }

    /**
     * Claims the lease again and puts the run's personas back (ARP probes first, as at the start), unless another
     * thread already did since {@code seen}.
     */
    private synchronized void reclaim(int seen, String why) throws IOException {
        if (generation != seen || closed) {
            return;
        }
        AgentApi.Lease lease = control.claim(leaseRun, leaseHolder, hostName(), LEASE_TTL_SECONDS);
        control.putPersonas(personaSet);
        generation++;
        progress.accept("the agent no longer knew this run's lease (" + why + "); claimed lease " + lease.id()
                + " and put the run's personas back; cells that were under way have no evidence and count as harness errors");
    }

    @FunctionalInterface
    private interface AgentCall<T> {
        T call() throws IOException;
    }

    /**
     * The run's responder control through the agent, with its lease kept: a call refused because the lease is gone
     * claims it again and is made once more; a probe begun under the lost lease gets an error instead of a verdict
     * drawn from a journal that no longer has its exchanges.
     */
    private final class KeptLease implements ResponderControl {
        <T> T call(AgentCall<T> c) throws IOException {
            int seen = generation;
            try {
                return c.call();
            } catch (IOException e) {
                if (!leaseLost(e)) {
                    throw e;
                }
                reclaim(seen, e.getMessage());
                return c.call();
            }
        }

        private void sameLease(String probe) throws IOException {
            Integer began = probe == null ? null : probeGeneration.get(probe);
            if (began != null && began != generation) {
                throw new IOException("the agent lost this run's lease during probe " + probe + " (claimed again since): the "
                        + "exchanges of this cell are not in the new lease's journal");
            }
        }

        @Override
        public ControlReply.Status status() throws IOException {
            return call(control::status);
        }

        @Override
        public void beginProbe(String persona, String probe) throws IOException {
            call(() -> {
                int g = generation;
                control.beginProbe(persona, probe);
                probeGeneration.put(probe, g);
                return null;
            });
        }

        @Override
        public void endProbe(String persona, String probe) throws IOException {
            try {
                sameLease(probe);
                call(() -> {
                    control.endProbe(persona, probe);
                    return null;
                });
            } finally {
                probeGeneration.remove(probe);
            }
        }

        @Override
        public ControlReply.JournalPage journal(ControlRequest.Journal query) throws IOException {
            sameLease(query.probe());
            ControlReply.JournalPage page = call(() -> control.journal(query));
            sameLease(query.probe());
            return page;
        }

        @Override
        public ControlReply.Status putPersonas(String catalogue) throws IOException {
            AgentApi.PersonaSet set = new AgentApi.PersonaSet(catalogue, null, null, null);
            ControlReply.Status s = call(() -> {
                control.putPersonas(set);
                return control.status();
            });
            synchronized (AgentLabSession.this) {
                personaSet = set;
            }
            return s;
        }

        @Override
        public void shutdown() throws IOException {
            control.shutdown();
        }
    }

    @Override
    public synchronized LabState offload(OffloadState offload) throws IOException {
        boolean on = offload.on();
        if (ingress != null) {
            ingress.apply(on ? fault : null);
            state = state.withFault(on ? fault : null);
            return state;
        }
        if (real == null) {
            HostAdapter host = HostAdapter.detect();
            offloadJournal = OffloadJournal.open(OffloadJournal.defaultDir(host.family()), host, progress);
            real = new RealOffload(host, offloadJournal, lab.dutInterface(), progress);
        }
        real.switchTo(offload);
        return state;
    }

    @Override
    public String offloadDescription() {
        return ingress != null
                ? "offload=on is the emulated faulty offload '" + fault.name() + "' on " + lab.dutInterface() + " (" + fault.describe()
                        + "); replies from the agent at " + lab.url()
                : "offload is the receive UDP/IPv4 checksum offload of " + lab.dutInterface() + "; replies from the agent at " + lab.url();
    }

    @Override
    public Optional<FaultModel> faultModel() {
        return Optional.ofNullable(fault);
    }

    @Override
    public synchronized List<MatrixDocument.OffloadStateChange> offloadChanges() {
        return real == null ? List.of() : real.changes();
    }

    /** The lease id (for reports and tests). */
    public String lease() {
        return control.lease();
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }

    private void undo() throws IOException {
        closed = true;
        renewal.shutdownNow();
        IOException first = null;
        try {
            if (offloadJournal != null) {
                offloadJournal.close();
            }
        } catch (RuntimeException e) {
            first = new IOException(e.getMessage(), e);
        }
        journal.undoAll().forEach(l -> progress.accept("  " + l));
        try {
            control.release();
        } catch (IOException e) {
            progress.accept("could not release the lease (" + e.getMessage() + "); it expires by itself in " + LEASE_TTL_SECONDS + " s");
        }
        Files.deleteIfExists(runDir.resolve("owner"));
        // another run's directory, or leftovers the journal could not remove (reported above), keep them
        removeEmpty(runDir, 3);
        if (first != null) {
            throw first;
        }
    }
}
