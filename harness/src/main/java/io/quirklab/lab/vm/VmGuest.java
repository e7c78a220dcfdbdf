package io.quirklab.lab.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import io.quirklab.process.Await;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.LongRunning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU guest as the machine under test: a Debian kernel driving an emulated NIC with its real driver, the NIC's
 * other end a tap in a network namespace of the guest's own, the host's tools and JDK shared read-only over 9p, and a
 * command channel to run things in it. {@link #start} makes everything (journaled first), {@link #close} removes it;
 * a run killed before close is undone by a restore of the journal.
 *
 * <p>Evidence from inside: {@link #counters} (stack and driver counters in one round trip), {@link #startRxTrace} /
 * {@link #drainRxTrace} (each packet's receive checksum state and drop reason), {@link #capture} (tcpdump in the
 * guest), {@link #fingerprint}. {@link #rxChecksum} switches the offload axis so that no frame of one state is
 * counted in the next.
 */
public final class VmGuest implements AutoCloseable {
    /** A KVM test boot that is not ready by then has failed: a working KVM guest is ready in a few seconds. */
    static final Duration KVM_TEST_BOUND = Duration.ofSeconds(30);
    static final Duration HOST_COMMAND = Duration.ofSeconds(20);
    static final Duration GUEST_COMMAND = Duration.ofSeconds(30);
    static final Duration SETTLE = Duration.ofSeconds(3);
    /** How often a wait looks again: a guest under software emulation answers in milliseconds. */
    static final Duration POLL = Duration.ofMillis(50);
    static final int PING_TRIES = 10;
    private static final String STDIN_END = "QVM_STDIN_END";
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RX_LINE = Pattern.compile("(?m)^rx-checksumming:\\s*(on|off)");

    private final VmConfig config;
    private final VmJournal journal;
    private final CommandRunner host = new CommandRunner();
    private final Consumer<String> progress;
    private final CachedKernel kernel;
    private final Path qemuBinary;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<String> undoProblems = new ArrayList<>();
    private final Set<Path> workFiles = new HashSet<>();
    private LongRunning qemu;
    private VmJournal.Recorded qemuRecord;
    private CommandChannel channel;
    private Boot boot;
    private String iface;
    private long hostTxBase;
    private long guestRxBase;
    private boolean rxOn;
    private int captures;
    private boolean closed;

    /**
     * How the guest came up.
     *
     * @param accelerator     what runs its CPU, and why
     * @param kernel          the cached kernel it runs
     * @param modules         the modules its initramfs loads, in order
     * @param bootTime        from starting QEMU until the guest answered its first command
     * @param guestUptime     the guest's own uptime then (kernel start to ready)
     * @param iface           the NIC's name in the guest
     * @param qemuPid         QEMU's PID
     * @param milestones      the guest's uptime at each step of its init ("init", "modules", "ready"), from the console
     */
    public record Boot(AcceleratorChoice accelerator, CachedKernel kernel, List<String> modules, Duration bootTime, Duration guestUptime,
                       String iface, long qemuPid, Map<String, Duration> milestones) {
        public Boot {
            milestones = Collections.unmodifiableMap(new LinkedHashMap<>(milestones));
        }

        /** "init 1.9 s, modules 2.6 s, ready 2.9 s". */
        public String describeMilestones() {
            return milestones.entrySet().stream().map(e -> String.format("%s %.1f s", e.getKey(), e.getValue().toMillis() / 1000.0))
                    .collect(Collectors.joining(", "));
        }
    }

    /** "qvm: modules at 2.61": a step of the guest's init, with its uptime. */
    private static final Pattern MILESTONE = Pattern.compile("qvm: (\\w+).* at (\\d+(?:\\.\\d+)?)\\s*$");

    /** The milestones the guest's init wrote to its console. */
    static Map<String, Duration> milestones(List<String> console) {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (String line : console) {
            Matcher m = MILESTONE.matcher(line.strip());
            if (m.find()) {
                out.putIfAbsent(m.group(1), Duration.ofMillis(Math.round(Double.parseDouble(m.group(2)) * 1000)));
            }
        }
        return out;
    }

    private VmGuest(VmConfig config, VmJournal journal, Consumer<String> progress, CachedKernel kernel, Path qemuBinary) {
        this.config = config;
        this.journal = journal;
        this.progress = progress;
        this.kernel = kernel;
        this.qemuBinary = qemuBinary;
    }

    /**
     * Makes and boots the guest: the kernel from the cache (fetched the first time), the initramfs, the namespace,
     * QEMU; returns once the guest answers commands. On failure everything made so far is removed again.
     *
     * @param progress one line per step, for the user
     */
    public static VmGuest start(VmConfig config, VmJournal journal, Consumer<String> progress) throws IOException {
        Path qemu = config.qemu() != null ? config.qemu() : CommandRunner.which("qemu-system-x86_64")
                .orElseThrow(() -> new IOException("qemu-system-x86_64 is not installed: apt-get install qemu-system-x86"));
        if (!Files.isExecutable(qemu)) {
            throw new IOException("QEMU " + qemu + " is not an executable file");
        }
        byte[] busybox = staticBusybox();
        if (Netns.exists(config.netns())) {
            throw new IOException("network namespace " + config.netns() + " already exists, but this guest did not make it: "
                    + "restore the run that made it, or remove it (ip netns del " + config.netns() + ")");
        }
        CachedKernel kernel = new KernelCache(config.cacheDir(), new CommandRunner(), journal, progress).ensure(config.kernel());
        if (config.faults() && !kernel.lacking().isEmpty()) {
            throw new IOException("an emulated fault model needs nftables in the guest, and the cached kernel " + kernel.release()
                    + " lacks " + String.join(", ", kernel.lacking()) + " (kept by an older quirklab, and apt cannot fetch it again now)");
        }
        VmGuest g = new VmGuest(config, journal, progress, kernel, qemu);
        try {
            List<String> modules = kernel.loadOrder(config.nic(), config.faults());
            Path initramfs = g.prepare(new GuestInit(modules, config.guestCidr(), QemuCommand.ROOT_TAG, QemuCommand.PORT_NAME), busybox);
            g.bootWithChosenAccelerator(initramfs, modules);
            return g;
        } catch (IOException | RuntimeException e) {
            try {
                g.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** /bin/busybox from busybox-static: the initramfs has no libraries for a dynamic one. */
    public static byte[] staticBusybox() throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IOException("busybox is not installed: apt-get install busybox-static");
        }
        byte[] b = InputFile.bytes(BUSYBOX, InputFile.Kind.GUEST_IMAGE);
        String head = new String(b, 0, Math.min(b.length, 4096), StandardCharsets.ISO_8859_1);
        if (head.contains("ld-linux")) {
            throw new IOException(BUSYBOX + " is linked dynamically; the guest needs the static one: apt-get install busybox-static");
        }
        return b;
    }

    /** The work directory, the initramfs and the namespace. */
    private Path prepare(GuestInit init, byte[] busybox) throws IOException {
        // every directory made for the work files is journaled too: a restore removes them once empty (files go first)
        List<Path> missing = new ArrayList<>();
        for (Path d = config.workDir().toAbsolutePath(); d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(0, d);
        }
        for (Path d : missing) {
            VmJournal.Recorded r = journal.file(d);
            Files.createDirectory(d);
            undo.push(() -> {
                if (deleteIfEmpty(d)) {
                    r.forget();
                }
            });
        }
        Map<String, byte[]> ko = new LinkedHashMap<>();
        for (String m : init.modules()) {
            ko.put(m, InputFile.bytes(kernel.module(m), InputFile.Kind.GUEST_IMAGE));
        }
        Path initramfs = workFile("initramfs.cpio");
        Files.write(initramfs, init.initramfs(busybox, ko));
        VmJournal.Recorded ns = journal.netns(config.netns());
        undo.push(() -> {
            if (Netns.exists(config.netns()) && !host.run(HOST_COMMAND, List.of("ip", "netns", "del", config.netns())).ok()) {
                undoProblems.add("network namespace " + config.netns());
                return;
            }
            ns.forget();
        });
        hostCommand("ip", "netns", "add", config.netns());
        // no IPv6 on the tap: neither router solicitations nor MLD reports in the guest's captures
        if (Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            hostCommand("ip", "netns", "exec", config.netns(), "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        }
        hostCommand("ip", "-n", config.netns(), "link", "set", "lo", "up");
        VmJournal.Recorded tap = journal.link(config.tap());
        undo.push(tap::forget); // goes with QEMU, or with the namespace
        return initramfs;
    }

    private void bootWithChosenAccelerator(Path initramfs, List<String> modules) throws IOException {
        String qemuVersion = host.run(HOST_COMMAND, List.of(qemuBinary.toString(), "--version")).stdout().lines().findFirst().orElse("unknown");
        String hostKernel = readTrimmed(Path.of("/proc/sys/kernel/osrelease"));
        Path remembered = config.cacheDir().resolve("accelerator.json");
        AcceleratorChoice.Plan plan = AcceleratorChoice.plan(config.accelerator(), kvmUsable(), AcceleratorChoice.remembered(remembered),
                qemuVersion, hostKernel);
        if (plan instanceof AcceleratorChoice.Plan.Use use) {
            boot(use.choice(), initramfs, modules, config.bootTimeout());
            return;
        }
        progress.accept("test boot with KVM (at most " + KVM_TEST_BOUND.toSeconds() + " s): /dev/kvm alone does not show it works");
        try {
            AcceleratorChoice kvm = new AcceleratorChoice(Accelerator.KVM, "a test boot with KVM was ready", qemuVersion, hostKernel);
            boot(kvm, initramfs, modules, KVM_TEST_BOUND.compareTo(config.bootTimeout()) < 0 ? KVM_TEST_BOUND : config.bootTimeout());
            kvm.remember(remembered);
        } catch (IOException e) {
            stopQemu();
            AcceleratorChoice tcg = new AcceleratorChoice(Accelerator.TCG, "a test boot with KVM failed: " + e.getMessage(), qemuVersion,
                    hostKernel);
            tcg.remember(remembered);
            progress.accept("KVM does not work here (" + e.getMessage() + "); booting with TCG");
            boot(tcg, initramfs, modules, config.bootTimeout());
        }
    }

    private static boolean kvmUsable() {
        Path kvm = Path.of("/dev/kvm");
        return Files.exists(kvm) && Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    /** Starts QEMU and waits (bounded) until the guest answers. */
    private void boot(AcceleratorChoice accel, Path initramfs, List<String> modules, Duration bound) throws IOException {
        Path console = workFile("console.log");
        Path qemuLog = workFile("qemu.log");
        Path socket = workFile("cmd.sock");
        Files.deleteIfExists(socket);
        Files.write(console, new byte[0]);
        QemuCommand cmd = new QemuCommand(qemuBinary, config, accel.accelerator(), kernel.bootImage(), initramfs, console, socket);
        progress.accept("booting " + config.nic().device() + " on kernel " + kernel.release() + " with " + accel.accelerator()
                + " (" + accel.reason() + ")");
        long t0 = System.nanoTime();
        qemu = LongRunning.start(cmd.argv(), LongRunning.Output.LOG, qemuLog, false, h -> qemuRecord = journal.process("qemu", h));
        Await.until("QEMU creating tap " + config.tap() + " in " + config.netns(), bound, POLL, () -> {
            requireQemu(console, qemuLog);
            return host.run(HOST_COMMAND, List.of("ip", "-n", config.netns(), "link", "show", config.tap())).ok()
                    ? Optional.of(true) : Optional.empty();
        });
        hostCommand("ip", "-n", config.netns(), "addr", "add", config.hostCidr(), "dev", config.tap());
        hostCommand("ip", "-n", config.netns(), "link", "set", config.tap(), "up");
        channel = Await.until("QEMU opening the command socket", bound, POLL, () -> {
            requireQemu(console, qemuLog);
            return CommandChannel.connect(socket);
        });
        Duration left = bound.minus(Duration.ofNanos(System.nanoTime() - t0));
        ChannelFrames.Reply ready;
        try {
            ready = channel.call("cat " + GuestInit.IFACE_FILE + " /proc/uptime", Duration.ofSeconds(10), left.isNegative() ? Duration.ZERO : left);
        } catch (IOException e) {
            throw new IOException("the guest did not come up: " + why(console, qemuLog, e.getMessage()), e);
        }
        Duration bootTime = Duration.ofNanos(System.nanoTime() - t0);
        String[] lines = new String(ready.stdout(), StandardCharsets.UTF_8).split("\n");
        iface = lines[0].strip();
        double uptime = lines.length > 1 ? Double.parseDouble(lines[1].split(" ")[0]) : -1;
        boot = new Boot(accel, kernel, modules, bootTime, Duration.ofMillis((long) (uptime * 1000)), iface, qemu.pid(), milestones(tail(console)));
        progress.accept(String.format("guest ready in %.1f s (guest uptime: %s), NIC %s, QEMU pid %d", bootTime.toMillis() / 1000.0,
                boot.describeMilestones(), iface, qemu.pid()));
        rxOn = Boolean.TRUE.equals(fingerprint().rxChecksumming());
        rebase();
    }

    private void requireQemu(Path console, Path qemuLog) throws IOException {
        if (!qemu.alive()) {
            throw new IOException("QEMU exited: " + why(console, qemuLog, "exit " + qemu.process().exitValue()));
        }
    }

    /** The guest's own failure line, else QEMU's last words, else {@code fallback}. */
    private static String why(Path console, Path qemuLog, String fallback) {
        List<String> lines = tail(console);
        for (String l : lines) {
            if (l.contains(GuestInit.FAILED)) {
                return l.substring(l.indexOf(GuestInit.FAILED)).strip();
            }
        }
        List<String> q = tail(qemuLog);
        if (!q.isEmpty()) {
            return fallback + "; QEMU: " + q.get(q.size() - 1);
        }
        return lines.isEmpty() ? fallback : fallback + "; console: " + lines.get(lines.size() - 1);
    }

    private static List<String> tail(Path f) {
        try {
            List<String> all = InputFile.lenient(f, InputFile.Kind.LOG).lines().filter(l -> !l.isBlank()).toList();
            return all.subList(Math.max(0, all.size() - 20), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A file in the work directory, journaled (once) before it is made and removed on close. */
    private Path workFile(String name) {
        Path p = config.workDir().resolve(name);
        if (!workFiles.add(p)) {
            return p;
        }
        VmJournal.Recorded r = journal.file(p);
        undo.push(() -> {
            try {
                Files.deleteIfExists(p);
                r.forget();
            } catch (IOException e) {
                undoProblems.add(p + " (" + e.getMessage() + ")");
            }
        });
        return p;
    }

    public VmConfig config() {
        return config;
    }

    public Boot boot() {
        return boot;
    }

    /** The NIC's interface name in the guest. */
    public String iface() {
        return iface;
    }

    /** Whether rx checksumming is on now. */
    public boolean rxOn() {
        return rxOn;
    }

    /** QEMU's resident memory now, in bytes (VmRSS), or -1. */
    public long qemuResidentBytes() {
        for (String line : readTrimmed(Path.of("/proc", Long.toString(qemu.pid()), "status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

    /**
     * Runs a script in the guest (busybox sh; host tools from PATH), with the guest killing it at {@code timeout}.
     * Output is decoded as UTF-8; use {@link #execBytes} for binary output.
     */
    public CommandRunner.Result exec(Duration timeout, String script) throws IOException {
        long t0 = System.nanoTime();
        ChannelFrames.Reply r = execBytes(timeout, script);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new CommandRunner.Result("guest: " + shortened(script), r.exitCode(), new String(r.stdout(), StandardCharsets.UTF_8),
                new String(r.stderr(), StandardCharsets.UTF_8), timedOut(r, took, timeout), took);
    }

    /** {@link #exec} with the raw output. */
    public ChannelFrames.Reply execBytes(Duration timeout, String script) throws IOException {
        if (closed || channel == null) {
            throw new IOException("the guest is not running");
        }
        return channel.call(script, timeout, timeout.plus(CommandChannel.GRACE));
    }

    /** The guest's {@code timeout -s KILL} ends a command with 128 + 9. */
    private static boolean timedOut(ChannelFrames.Reply r, Duration took, Duration timeout) {
        return r.exitCode() == 137 && took.compareTo(timeout) >= 0;
    }

    /**
     * A runner whose programs run in the guest: anything written against {@link CommandRunner} (ethtool parsers, the
     * tool clients, nft with a ruleset on standard input) runs there unchanged.
     */
    public CommandRunner runner() {
        return new CommandRunner(StandardCharsets.UTF_8, inv -> {
            long t0 = System.nanoTime();
            ChannelFrames.Reply r = execBytes(inv.timeout(), withStdin(CommandRunner.quote(inv.command()), inv.stdin()));
            boolean late = timedOut(r, Duration.ofNanos(System.nanoTime() - t0), inv.timeout());
            return new CommandRunner.Raw(r.exitCode(), r.stdout(), r.stderr(), late);
        });
    }

    /** The command with {@code stdin} fed to it through a here-document (base64: any bytes, no quoting). */
    static String withStdin(String command, byte[] stdin) {
        if (stdin == null) {
            return command;
        }
        return "base64 -d <<'" + STDIN_END + "' | " + command + "\n" + Base64.getMimeEncoder().encodeToString(stdin).replace("\r", "")
                + "\n" + STDIN_END;
    }

    private String require(String what, String script) throws IOException {
        CommandRunner.Result r = exec(GUEST_COMMAND, script);
        if (!r.ok()) {
            throw new IOException(what + " in the guest failed: " + r.firstLine() + " (exit " + r.exitCode() + ")");
        }
        return r.stdout();
    }

    /** Driver, versions, firmware, PCI ids and every offload setting, as the guest reports them. */
    public GuestFingerprint fingerprint() throws IOException {
        return GuestFingerprint.parse(require("the fingerprint", GuestFingerprint.script()));
    }

    /** The stack's and the driver's counters now. */
    public GuestCounters counters() throws IOException {
        return GuestCounters.parse(require("reading counters", GuestCounters.script()));
    }

    /** Starts tracing each received packet's checksum state and drop reason (idempotent). */
    public void startRxTrace() throws IOException {
        require("starting the receive trace", RxTrace.startScript());
    }

    /** The packets received since the last drain (or start). */
    public List<RxTrace.Packet> drainRxTrace() throws IOException {
        return RxTrace.parse(require("reading the receive trace", RxTrace.drainScript()));
    }

    /**
     * Starts tcpdump on the guest's NIC.
     *
     * @param filter a pcap filter ("udp port 623"), or blank for everything
     */
    public GuestCapture capture(String filter) throws IOException {
        return GuestCapture.start(this, ++captures, filter);
    }

    /**
     * What {@link #settle} found.
     *
     * @param frames    frames the host sent in the span, all counted by the NIC
     * @param uncounted frames the host sent in the span that the NIC did not count within the bound (filtered, or dropped
     *                  by QEMU); they are not waited for again
     */
    public record Settled(long frames, long uncounted) {
    }

    /**
     * Waits (bounded by {@link #SETTLE}) until the NIC has counted every frame the host sent since the last settle (or
     * switch), then starts the next span: what happened so far is all in the guest's counters.
     */
    public synchronized Settled settle() throws IOException {
        long tx = tapTxPackets();
        long sent = tx - hostTxBase;
        long[] counted = {0};
        try {
            Await.until("the NIC counting the host's frames", SETTLE, POLL, () -> {
                counted[0] = guestRxPackets() - guestRxBase;
                return counted[0] >= sent ? Optional.of(true) : Optional.empty();
            });
        } catch (IOException e) {
            if (!qemu.alive()) {
                throw e;
            }
            // frames the NIC filtered or QEMU dropped: reported, not fatal, and not waited for again
        }
        hostTxBase = tx;
        guestRxBase += Math.min(counted[0], sent);
        return new Settled(Math.min(sent, counted[0]), Math.max(0, sent - counted[0]));
    }

    /** Starts a new counting span: what the host sent and the NIC counted so far is the base. */
    private void rebase() throws IOException {
        hostTxBase = tapTxPackets();
        guestRxBase = guestRxPackets();
    }

    private long tapTxPackets() throws IOException {
        CommandRunner.Result r = host.run(HOST_COMMAND, List.of("ip", "-n", config.netns(), "-j", "-s", "link", "show", "dev", config.tap()));
        if (!r.ok()) {
            throw new IOException(r.describeFailure());
        }
        JsonNode n = JSON.readTree(r.stdout()).path(0).path("stats64").path("tx").path("packets");
        if (!n.canConvertToLong()) {
            throw new IOException("ip -j -s link show " + config.tap() + " printed no tx packet count");
        }
        return n.asLong();
    }

    private long guestRxPackets() throws IOException {
        return Long.parseLong(require("reading rx_packets", "cat /sys/class/net/" + iface + "/statistics/rx_packets").strip());
    }

    /**
     * Switches the NIC's receive checksum offload. Frames of the state left are all counted first ({@link #settle});
     * then {@code ethtool -K IF rx on|off}, a wait for the carrier (the e1000e resets its link for about 1.5 s), a check
     * of the address and echo requests to the host address until one is answered; counting in the new state starts
     * only then. A driver that refuses (a fixed feature) is reported in the result, not thrown.
     */
    public OffloadSwitch rxChecksum(boolean on) throws IOException {
        Settled settled = settle();
        String want = on ? "on" : "off";
        String script = String.join("\n",
                "IF=" + iface,
                Sections.start("before"), "ethtool -k $IF | grep '^rx-checksumming:'",
                "case \"$(ethtool -k $IF | grep '^rx-checksumming:')\" in *': " + want + "'*) " + Sections.start("unchanged") + "; exit 0;; esac",
                "read t0 x < /proc/uptime",
                Sections.start("set"), "ethtool -K $IF rx " + want + " 2>&1; echo \"exit $?\"",
                "n=0; c=0; while [ $n -lt 500 ]; do read c < /sys/class/net/$IF/carrier 2>/dev/null; [ \"$c\" = 1 ] && break;",
                "  usleep 20000; n=$((n+1)); done",
                "read t1 x < /proc/uptime",
                Sections.start("link"), "echo \"$c $t0 $t1 $n\"",
                Sections.start("after"), "ethtool -k $IF | grep '^rx-checksumming:'",
                Sections.start("address"), "ip -4 addr show dev $IF",
                Sections.start("ping"),
                "n=0; until ping -c 1 -W 1 " + config.hostAddress().getHostAddress() + " >/dev/null 2>&1; do n=$((n+1)); [ $n -ge "
                        + PING_TRIES + " ] && break; done; echo $n");
        Map<String, String> s = Sections.parse(require("switching rx checksumming", script));
        String before = s.getOrDefault("before", "").strip();
        if (s.containsKey("unchanged")) {
            rxOn = on;
            rebase();
            return new OffloadSwitch(on, false, null, before, before, Duration.ZERO, true, true, 0, settled.frames(), settled.uncounted());
        }
        String set = s.getOrDefault("set", "");
        String after = s.getOrDefault("after", "").strip();
        Matcher rx = RX_LINE.matcher(after);
        String refused = set.contains("exit 0") && rx.find() && rx.group(1).equals(want) ? null
                : set.lines().filter(l -> !l.startsWith("exit") && !l.isBlank()).findFirst().orElse("rx-checksumming stayed " + after);
        String[] link = s.getOrDefault("link", "0 0 0 0").strip().split("\\s+");
        boolean linkBack = link[0].equals("1");
        Duration down = Duration.ofMillis(Math.round((Double.parseDouble(link[2]) - Double.parseDouble(link[1])) * 1000));
        boolean address = s.getOrDefault("address", "").contains(config.guestCidr());
        int tries = Integer.parseInt(s.getOrDefault("ping", Integer.toString(PING_TRIES)).strip());
        rxOn = refused == null ? on : rxOn;
        rebase();
        return new OffloadSwitch(on, refused == null, refused, before, after, down, linkBack, address, tries, settled.frames(),
                settled.uncounted());
    }

    /** Stops QEMU (politely, then by force) and forgets it. */
    private void stopQemu() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (qemu != null) {
            if (qemu.stop(LongRunning.GRACE)) {
                if (qemuRecord != null) {
                    qemuRecord.forget();
                }
            } else {
                undoProblems.add("QEMU pid " + qemu.pid());
            }
            qemu = null;
        }
    }

    /** Removes everything the guest made, newest first; what could not be removed stays journaled and is named. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null && qemu != null && qemu.alive()) {
            try {
                channel.call(RxTrace.stopScript(), Duration.ofSeconds(2), Duration.ofSeconds(4));
            } catch (IOException e) {
                // the guest goes anyway
            }
        }
        stopQemu();
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
        if (!undoProblems.isEmpty()) {
            throw new IOException("could not remove " + String.join(", ", undoProblems) + " (still journaled: a restore retries)");
        }
    }

    private void hostCommand(String... command) throws IOException {
        CommandRunner.Result r = host.run(HOST_COMMAND, List.of(command));
        if (!r.ok()) {
            throw new IOException(r.describeFailure());
        }
    }

    /** True when the directory is gone; one that holds someone else's files stays (and stays journaled). */
    private static boolean deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readTrimmed(Path p) {
        try {
            return InputFile.lenient(p, InputFile.Kind.KERNEL).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String shortened(String script) {
        String oneLine = script.replace('\n', ';');
        return oneLine.length() > 120 ? oneLine.substring(0, 117) + "..." : oneLine;
    }
}
