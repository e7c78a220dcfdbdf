package io.quirklab.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.process.Await;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.LongRunning;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.RotatingLog;
import io.quirklab.responder.SocketControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded virtual lab on one Linux host (root): a veth pair whose DUT end ({@value #DUT_IF}, 198.18.0.1/24, and
 * 2001:2::1/64 when a persona is reached over IPv6) stays in this host's stack and whose responder end ({@value #RESP_IF},
 * no address, IPv6 off) lives in network namespace {@value #NETNS}, where the responder process owns the personas'
 * addresses in user space. The namespace keeps the host stack from forwarding or answering the personas' traffic
 * itself. Everything made is journaled first.
 */
public final class VirtualLab {
    public static final String NETNS = "qlab";
    public static final String DUT_IF = "qlab-dut";
    public static final String RESP_IF = "qlab-resp";
    public static final String DUT_ADDRESS = LabKind.Virtual.DUT_ADDRESS;
    public static final int PREFIX = 24;
    public static final String PERSONA_BASE = LabKind.Virtual.PERSONA_BASE;
    public static final String DUT_ADDRESS6 = LabKind.Virtual.DUT_ADDRESS6;
    public static final int PREFIX6 = 64;
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path stateDir;
    private final CommandRunner runner = new CommandRunner();
    private final RestoreJournal journal;
    private final Consumer<String> progress;

    public VirtualLab(Path stateDir, Consumer<String> progress) {
        this.stateDir = stateDir;
        this.journal = new RestoreJournal(stateDir.resolve("restore-journal.jsonl"), runner);
        this.progress = progress;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** The state directory: -Dquirklab.state, $QUIRKLAB_STATE, else /run/quirklab (tmpfs: gone after a reboot, like the links). */
    public static Path defaultStateDir() {
        String p = System.getProperty("quirklab.state", System.getenv().getOrDefault("QUIRKLAB_STATE", "/run/quirklab"));
        return Path.of(p);
    }

    public Path stateFile() {
        return stateDir.resolve("lab.json");
    }

    public Path controlSocket() {
        return stateDir.resolve("responder.sock");
    }

    public Path responderLog() {
        return stateDir.resolve("responder.log");
    }

    public RestoreJournal journal() {
        return journal;
    }

    /** What the responder process is started with. */
    /**
     * How the responder process starts and what it serves.
     *
     * @param javaCommand the Java command line up to the main class
     * @param personas    the personas, read and validated once (the lab file's); the responder gets them as a catalogue
     *                    written from these values, never the user's file again
     */
    public record ResponderLaunch(List<String> javaCommand, List<Persona> personas) {
        public ResponderLaunch {
            javaCommand = List.copyOf(javaCommand);
            personas = List.copyOf(personas);
        }
    }

    /** Where a lab writes the personas it hands its responder. */
    static Path writePersonas(Path stateDir, RestoreJournal journal, List<Persona> personas) throws IOException {
        Path file = stateDir.resolve("personas.yaml");
        journal.record(new JournalEntry.File(file));
        Files.createDirectories(stateDir);
        Files.writeString(file, PersonaYaml.personas(personas));
        return file;
    }

    /** Every persona usable on {@code segment}: refused in words before anything is made. */
    static void requireOn(PersonaCatalogue.Segment segment, List<Persona> personas)
            throws IOException {
        for (Persona p : personas) {
            Optional<String> no = segment.refusal(p.address());
            if (no.isPresent()) {
                throw new IOException("persona '" + p.name() + "' address " + p.address().getHostAddress() + " " + no.get());
            }
            Optional<String> no6 = p.address6() == null ? Optional.empty() : segment.refusal(p.address6());
            if (no6.isPresent()) {
                throw new IOException("persona '" + p.name() + "' address6 " + PersonaCatalogue.compact(p.address6()) + " " + no6.get());
            }
        }
    }

    /**
     * Brings the lab up, idempotently: a healthy lab is left as it is; leftovers of a killed run are removed first.
     */
    public LabState up(ResponderLaunch launch) throws IOException {
        // the personas and their addresses first: an address off the lab's segment creates nothing
        List<Persona> personas = launch.personas();
        requireOn(LabNetwork.VIRTUAL, personas);
        try (FileLock lock = lock()) {
            Optional<LabState> current = readState();
            if (current.isPresent() && healthy(current.get())) {
                progress.accept("lab already up (responder pid " + current.get().responderPid() + ")");
                return current.get();
            }
            if (!journal.isEmpty()) {
                progress.accept("removing leftovers of an earlier run");
                journal.undoAll().forEach(l -> progress.accept("  " + l));
            }
            Files.deleteIfExists(stateFile());
            Prerequisites.require(runner);
            new LabNetwork(runner).requireNoOtherRoute(personas, LabNetwork.VIRTUAL, DUT_IF);
            try {
                return create(launch);
            } catch (IOException | RuntimeException e) {
                progress.accept("lab up failed, removing what was made: " + e.getMessage());
                journal.undoAll().forEach(l -> progress.accept("  " + l));
                Files.deleteIfExists(stateFile());
                throw e;
            }
        }
    }

    /** Where the lab that made netns {@value #NETNS} writes its state directory, for the next lab that finds it up. */
    public static final Path OWNER = Path.of("/run/quirklab/owner-of-" + NETNS);

    /** Whose the namespace is, and how to take it down, as far as its owner said. */
    private String otherOwner() {
        try {
            String dir = InputFile.text(OWNER, InputFile.Kind.STATE).strip();
            // the harness wrote it; anything else in it (control characters, a relative path) is not repeated
            if (!dir.isEmpty() && dir.chars().allMatch(c -> c >= 0x20 && c != 0x7f) && dir.startsWith("/")) {
                return "the lab whose state is in " + dir + " made it (a run that ended or was killed): "
                        + "'quirklab lab down --state-dir " + dir + "' removes it";
            }
        } catch (InputFile.Unusable e) {
            // no owner said: made by a lab before owners were written, or by something else
        }
        return "another lab (a different --state-dir) or something else uses it; take that lab down first";
    }

    private LabState create(ResponderLaunch launch) throws IOException {
        // Never journal (and so never later remove) what someone else made: refuse before touching anything.
        for (Path p : List.of(Path.of("/run/netns", NETNS), Path.of("/sys/class/net", DUT_IF))) {
            if (Files.exists(p)) {
                throw new IOException(p + " already exists but is not in this lab's journal (" + journal.file() + "): "
                        + otherOwner());
            }
        }
        journal.record(new JournalEntry.Netns(NETNS));
        host("ip", "netns", "add", NETNS);
        // say whose namespace it is, so that a run that finds it knows which lab to take down
        journal.record(new JournalEntry.File(OWNER));
        Files.createDirectories(OWNER.getParent());
        Files.writeString(OWNER, stateDir.toAbsolutePath() + "\n");
        journal.record(new JournalEntry.Link(DUT_IF));
        host("ip", "link", "add", DUT_IF, "type", "veth", "peer", "name", RESP_IF, "netns", NETNS);
        // IPv6 off on both ends before they go up: no link-local addresses, no router solicitations in captures.
        sysctl(null, "net.ipv6.conf." + DUT_IF + ".disable_ipv6", 1);
        sysctl(NETNS, "net.ipv6.conf." + RESP_IF + ".disable_ipv6", 1);
        host("ip", "addr", "add", DUT_ADDRESS + "/" + PREFIX, "dev", DUT_IF);
        boolean ipv6 = launch.personas().stream().anyMatch(Persona::ipv6);
        if (ipv6) {
            ipv6OnDut();
        }
        // veth marks frames without a checksum state as verified unless rx offload is off; off, the stack checks every
        // UDP checksum in software, as a NIC that reports "not verified" makes it do. tx off keeps request checksums final.
        host("ethtool", "-K", DUT_IF, "rx", "off", "tx", "off");
        host("ip", "link", "set", DUT_IF, "up");
        host("ip", "netns", "exec", NETNS, "ip", "link", "set", RESP_IF, "up");
        progress.accept("created " + DUT_IF + " (" + DUT_ADDRESS + "/" + PREFIX + (ipv6 ? ", " + DUT_ADDRESS6 + "/" + PREFIX6 : "")
                + ") <-> " + RESP_IF + " in netns " + NETNS);
        // before any client sends: every persona address, IPv6 too, must be routed out of the lab's own interface
        new LabNetwork(runner).requireRoutedVia(launch.personas(), LabNetwork.VIRTUAL, DUT_IF);

        journal.record(new JournalEntry.File(stateFile()));
        RunningResponder r = startResponder(stateDir, journal, launch, Optional.of(NETNS), RESP_IF, PERSONA_BASE, progress);
        LabState state = new LabState("virtual", NETNS, DUT_IF, DUT_ADDRESS + "/" + PREFIX, RESP_IF, r.process().pid(),
                r.socket().toString(), null, r.personas(), Instant.now().toString());
        writeState(state);
        return state;
    }

    /**
     * A responder a lab started.
     *
     * @param process  its process
     * @param socket   its control socket
     * @param personas what it serves, as it reported on its first answer
     */
    record RunningResponder(Process process, Path socket, List<LabState.PersonaInfo> personas) {
    }

    /**
     * Starts a lab's responder on {@code iface} (inside {@code netns} when given) with the launch's personas, and waits
     * (bounded) until it answers: its socket, logs, persona file and process are journaled before they exist.
     *
     * @param stateDir where its socket, log and persona file go
     * @param base     the first persona's address, for personas without one
     */
    static RunningResponder startResponder(Path stateDir, RestoreJournal journal, ResponderLaunch launch, Optional<String> netns,
                                           String iface, String base, Consumer<String> progress) throws IOException {
        Path socket = stateDir.resolve("responder.sock");
        Path log = stateDir.resolve("responder.log");
        journal.record(new JournalEntry.File(socket));
        journal.record(new JournalEntry.File(log));
        journal.record(new JournalEntry.File(RotatingLog.rotated(log)));
        List<String> cmd = new ArrayList<>();
        netns.ifPresent(n -> cmd.addAll(List.of("ip", "netns", "exec", n)));
        cmd.addAll(launch.javaCommand());
        cmd.addAll(List.of("responder", "--iface", iface, "--control", socket.toString(), "--base", base, "--log", log.toString()));
        cmd.addAll(List.of("--personas", writePersonas(stateDir, journal, launch.personas()).toString()));
        Process p = LongRunning.start(cmd, LongRunning.Output.LOG, log, false,
                h -> journal.record(JournalEntry.Process.of("responder", h))).process();
        progress.accept("started the responder on " + iface + netns.map(n -> " in netns " + n).orElse("") + " (pid " + p.pid()
                + "), waiting for it to answer");
        return new RunningResponder(p, socket, LabState.PersonaInfo.of(awaitResponder(p, socket, log)));
    }

    /** Waits (bounded) until a just-started responder answers on its control socket; its log's tail explains a failure. */
    static ControlReply.Status awaitResponder(Process p, Path socket, Path log) throws IOException {
        try {
            return Await.until("the responder answering on " + socket, READY_TIMEOUT, Duration.ofMillis(100), () -> {
                if (!p.isAlive()) {
                    throw new IOException("the responder exited with code " + p.exitValue() + ": " + tail(log));
                }
                if (!Files.exists(socket)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(new SocketControl(socket).status());
                } catch (IOException e) {
                    throw new Await.NotYet(e.getMessage());
                }
            });
        } catch (IOException e) {
            throw e.getMessage().contains("did not happen") ? new IOException(e.getMessage() + "; log: " + tail(log), e) : e;
        }
    }

    static String tail(Path log) {
        // the last 64 KiB at most, decoded leniently: a log is evidence, not input to refuse
        if (!Files.exists(log)) {
            return "(no log)";
        }
        try {
            List<String> lines = InputFile.tail(log, InputFile.Kind.LOG, 64 << 10).lines().toList();
            return InputFile.printable(String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }

    /** Removes everything the lab made. */
    public List<String> down() throws IOException {
        List<String> report;
        try (FileLock lock = lock()) {
            report = journal.undoAll();
            Files.deleteIfExists(stateFile());
            if (journal.isEmpty()) {
                Files.deleteIfExists(stateDir.resolve("lab.lock"));
            }
        }
        try {
            Files.deleteIfExists(stateDir); // only when empty: leaves a user's other files alone
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // something else lives there
        }
        return report;
    }

    /** Switches the emulated offload fault; null turns it off. */
    public LabState fault(FaultModel model) throws IOException {
        return fault(model, null);
    }

    /** The same, the model acting on replies from {@code only} (null: from every address; {@link FaultModel#ruleset(String, String, java.util.Collection)}). */
    public LabState fault(FaultModel model, java.util.Collection<java.net.Inet4Address> only) throws IOException {
        try (FileLock lock = lock()) {
            LabState state = readState().orElseThrow(() -> new IOException("the lab is not up (run: quirklab lab up)"));
            if (runner.run(COMMAND_TIMEOUT, List.of("nft", "list", "table", FaultModel.FAMILY, FaultModel.TABLE)).ok()) {
                host("nft", "delete", "table", FaultModel.FAMILY, FaultModel.TABLE);
            }
            if (model != null) {
                String rules = model.ruleset(DUT_IF, FaultModel.TABLE, only);
                CommandRunner.Result check = runner.run(COMMAND_TIMEOUT, List.of("nft", "-c", "-f", "-"), rules.getBytes());
                if (!check.ok()) {
                    throw new IOException("nftables rejects fault model " + model.name()
                            + (model.expression() != null ? " '" + model.expression() + "'" : "") + ": " + check.firstLine());
                }
                JournalEntry table = new JournalEntry.NftTable(FaultModel.FAMILY, FaultModel.TABLE);
                if (journal.entries().stream().noneMatch(e -> e instanceof JournalEntry.NftTable)) {
                    journal.record(table);
                }
                CommandRunner.Result apply = runner.run(COMMAND_TIMEOUT, List.of("nft", "-f", "-"), rules.getBytes());
                if (!apply.ok()) {
                    throw new IOException("nft -f failed: " + apply.firstLine());
                }
            }
            LabState next = state.withFault(model);
            writeState(next);
            return next;
        }
    }

    /** Removes leftovers of a killed run; returns what was done. */
    public List<String> restore() throws IOException {
        return down();
    }

    /**
     * Undoes what a run that died holding the lab had journaled itself: its tracer and mounts, and the lab too if that
     * run made it. A lab someone else brought up (lab up) stays up, with its fault model, for the next run.
     */
    public List<String> restoreLeftoversOf(LabLock.Holder dead) throws IOException {
        try (FileLock lock = lock()) {
            List<String> report = journal.undoWhere(e -> e.writtenBy(dead.pid(), dead.startTicks()));
            if (journal.entries().stream().noneMatch(e -> e instanceof JournalEntry.Link || e instanceof JournalEntry.Netns)) {
                Files.deleteIfExists(stateFile());
            }
            return report;
        }
    }

    public Optional<LabState> readState() throws IOException {
        if (!Files.exists(stateFile())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(InputFile.text(stateFile(), InputFile.Kind.STATE), LabState.class));
        } catch (IOException e) {
            throw new IOException("the lab state " + stateFile() + " is unreadable (" + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? ParseProblem.of(j, "JSON").describe() : "cannot be read") + "); run: quirklab lab restore", e);
        }
    }

    /** True when the links exist and the responder answers. */
    public boolean healthy(LabState s) {
        if (!Files.exists(Path.of("/sys/class/net", s.dutInterface()))) {
            return false;
        }
        try {
            new SocketControl(Path.of(s.controlSocket())).status();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void writeState(LabState s) throws IOException {
        Files.createDirectories(stateDir);
        Path tmp = stateDir.resolve("lab.json.tmp");
        JSON.writeValue(tmp.toFile(), s);
        Files.move(tmp, stateFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private FileLock lock() throws IOException {
        Files.createDirectories(stateDir);
        Path lockFile = stateDir.resolve("lab.lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                l = ch.lock(); // another quirklab is changing the lab; wait for it
            }
            return l;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * IPv6 on the DUT end for the personas reached over it, with nothing of its own on the wire: no duplicate address
     * detection, no router solicitations, no router advertisements or autoconfiguration taken; 2001:2::1/64 added
     * without DAD. The responder end keeps IPv6 off: its namespace's stack must not answer NDP for the personas.
     */
    private void ipv6OnDut() throws IOException {
        if (!Files.exists(Path.of("/proc/sys/net/ipv6/conf", DUT_IF))) {
            throw new IOException("a persona is reached over IPv6, but this kernel has no IPv6 (no /proc/sys/net/ipv6)");
        }
        String conf = "net.ipv6.conf." + DUT_IF + ".";
        for (String key : List.of("accept_dad", "dad_transmits", "router_solicitations", "accept_ra", "autoconf")) {
            sysctl(null, conf + key, 0);
        }
        sysctl(null, conf + "disable_ipv6", 0);
        host("ip", "-6", "addr", "add", DUT_ADDRESS6 + "/" + PREFIX6, "dev", DUT_IF, "nodad");
    }

    private void sysctl(String netns, String key, int value) {
        Path f = Path.of("/proc/sys", key.replace('.', '/'));
        if (netns == null && !Files.exists(f)) {
            return; // kernel without IPv6
        }
        List<String> c = new ArrayList<>();
        if (netns != null) {
            c.addAll(List.of("ip", "netns", "exec", netns));
        }
        c.addAll(List.of("sysctl", "-qw", key + "=" + value));
        CommandRunner.Result r = runner.run(COMMAND_TIMEOUT, c);
        if (!r.ok() && !r.firstLine().contains("No such file")) {
            throw new UncheckedIOException(new IOException(r.commandLine() + ": " + r.firstLine()));
        }
    }

    private void host(String... command) throws IOException {
        CommandRunner.Result r = runner.run(COMMAND_TIMEOUT, List.of(command));
        if (!r.ok()) {
            throw new IOException(r.commandLine() + " failed: " + r.firstLine());
        }
    }
}
