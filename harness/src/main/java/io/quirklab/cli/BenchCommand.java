package io.quirklab.cli;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.ExchangeLog;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.IpmiCallException;
import io.quirklab.client.IpmiLanClient;
import io.quirklab.client.Lanplus;
import io.quirklab.client.RoundTripLoad;
import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.process.CommandRunner;
import io.quirklab.reference.IpmiSim;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.responder.SocketControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab bench}: throughput figures, printed, never asserted. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = BenchFuzzCommand.class,
        description = {"Print round trips per second against the simulated SMDC and OpenIPMI's ipmi_sim, side by side (benchmark).",
                "Sessionless Get Channel Auth Capabilities from a lean load generator and from the Java client, then full",
                "IPMI 2.0 / RMCP+ session set-ups per second (suites 3 and 17), each in rounds that alternate between the two",
                "servers so that a busy machine slows both alike; prints the ratios (ours / ipmi_sim). With --lab also the",
                "virtual lab's responder. Bounded in count and time. 'bench fuzz' fuzzes the SMDC over UDP."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "20000", description = "Round trips per target at most (default: ${DEFAULT-VALUE}; with --lab up to 10000000).")
    int count;

    @Option(names = "--seconds", defaultValue = "5", description = "Time limit per target and figure (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "20000", description = "Untimed round trips first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--setups", defaultValue = "2000", description = "RMCP+ session set-ups per target and suite at most (default: ${DEFAULT-VALUE}).")
    int setups;

    @Option(names = "--fleet", defaultValue = "8", description = "Consoles of the load generator's fleet: requests outstanding at once (default: ${DEFAULT-VALUE}).")
    int fleet;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds each figure is split into, alternating the targets (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--lab-only", description = "With --lab: only the virtual lab's figures.")
    boolean labOnly;

    @Option(names = "--lab", description = {"Also measure the virtual lab (Linux, root): reply latency of the responder (request",
            "captured to reply injected), sustained exchanges/s with the clean persona and the responder's memory. Uses the",
            "running lab, or brings one up and down around the run. Then the built-in matrix twice, at the evidence's pace and",
            "at the full wait: wall times, how soon dropped cells end, and the comparison of the two (--no-matrix: not)."})
    boolean lab;

    @Option(names = "--matrix", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --lab: also the matrix at both paces (default: ${DEFAULT-VALUE}).")
    boolean matrix;

    @Option(names = "--baseline", paramLabel = "FILE", description = "With --lab: a baseline matrix.json both matrix runs are compared with.")
    Path baseline;

    @Mixin
    LabOptions.ReportsOption reports;

    @Mixin
    LabOptions.StateDirOption stateDir;

    private PrintWriter out;

    /** One server to measure; {@code cpuNanos} its CPU time so far (-1: unknown). */
    private record Target(String name, String host, int port, LongSupplier cpuNanos) {
        InetSocketAddress address() {
            return new InetSocketAddress(AddressText.ip(host), port);
        }
    }

    /** CPU time of a process so far (the kernel's accounting, in clock ticks), -1 when unknown. */
    private static long processCpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** One measurement of one target: up to n round trips (or set-ups) within the time limit. */
    @FunctionalInterface
    private interface Measurement {
        RoundTripLoad.Result run(Target t, int n, Duration limit) throws IOException, IpmiCallException;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > (lab ? 10_000_000 : 1_000_000) || seconds < 1 || seconds > 600 || setups < 1 || setups > 100_000
                || rounds < 1 || rounds > 100 || warmup < 0 || warmup > 1_000_000 || fleet < 1 || fleet > 32) {
            throw new IllegalArgumentException("--count must be 1..1000000 (1..10000000 with --lab), --setups 1..100000, --seconds 1..600, "
                    + "--rounds 1..100, --fleet 1..32 and --warmup 0..1000000");
        }
        out = spec.commandLine().getOut();
        if (lab && labOnly) {
            measureLab();
            benchMatrix();
            return 0;
        }
        try (UdpBmcServer smdc = UdpBmcServer.start(new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20()),
                new InetSocketAddress(AddressText.ipv4("127.0.0.3"), 0), ExchangeLog.NONE);
             IpmiSim sim = IpmiSim.binary().isPresent() ? IpmiSim.start("127.0.0.78", 9623, Duration.ofSeconds(10)) : null) {
            List<Target> targets = new ArrayList<>(List.of(new Target("simulated SMDC", "127.0.0.3", smdc.localAddress().getPort(), smdc::cpuNanos)));
            if (sim == null) {
                out.println("ipmi_sim        : not installed (apt-get install openipmi): no ratios");
            } else {
                targets.add(new Target("ipmi_sim", sim.address(), sim.port(), () -> processCpuNanos(sim.pid())));
            }
            out.printf("sessionless round trips: Get Channel Auth Capabilities, %d at most in %d s per target, in %d alternating rounds%n",
                    count, seconds, rounds);
            for (Target t : targets) {
                generator(t, warmup, fleet, Duration.ofSeconds(seconds));
            }
            out.printf("load generator, a fleet of %d consoles (requests outstanding at once on one socket, encoded once, every reply checked):%n", fleet);
            compare(targets, "round trips", count, (t, n, limit) -> generator(t, n, fleet, limit), 2.0);
            out.println("load generator, one console (one request outstanding):");
            compare(targets, "round trips", count, (t, n, limit) -> generator(t, n, 1, limit), 0);
            out.println("Java client (IpmiLanClient, one socket):");
            for (Target t : targets) {
                javaClient(t, warmup, Duration.ofSeconds(seconds));
            }
            compare(targets, "round trips", count, this::javaClient, 0);
            out.printf("lanplus session set-ups (Java client): Get Channel Auth Capabilities, Open Session, RAKP 1-4, Set Session"
                    + " Privilege, Close Session; %d at most in %d s per target%n", setups, seconds);
            for (CipherSuite suite : new CipherSuite[] {CipherSuite.SUITE_3, CipherSuite.SUITE_17}) {
                List<Target> offering = new ArrayList<>();
                for (Target t : targets) {
                    try {
                        setUps(suite, t, Math.max(1, warmup / 10), Duration.ofSeconds(seconds));
                        offering.add(t);
                    } catch (IpmiCallException e) {
                        out.printf("%-16s: %s not offered (%s)%n", t.name(), suite, e.getMessage());
                    }
                }
                out.println(suite + ":");
                compare(offering, "set-ups", setups, (t, n, limit) -> setUps(suite, t, n, limit), 1.0);
            }
        }
        if (lab) {
            measureLab();
            benchMatrix();
        }
        return 0;
    }

    private void benchMatrix() throws Exception {
        if (matrix) {
            Optional<MatrixDocument> base = baseline == null ? Optional.empty() : Optional.of(MatrixDocument.read(baseline));
            new BenchMatrix(out, spec.commandLine().getErr()).run(reports.dir, stateDir.dir, base);
        }
    }

    /**
     * Runs {@code m} against every target in {@code rounds} alternating slices, prints each target's total and the
     * ratio of the first (ours) to the second (the reference), with the range of the per-round ratios.
     */
    private void compare(List<Target> targets, String what, int n, Measurement m, double goal) throws IOException, IpmiCallException {
        RoundTripLoad.Result[] total = new RoundTripLoad.Result[targets.size()];
        Arrays.fill(total, RoundTripLoad.Result.empty());
        long[] serverCpu = new long[targets.size()];
        long[] clientCpu = new long[targets.size()];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] ratios = new double[rounds];
        Duration slice = Duration.ofMillis(Math.max(1, seconds * 1000L / rounds));
        int per = Math.max(1, n / rounds);
        for (int r = 0; r < rounds; r++) {
            double[] rate = new double[targets.size()];
            for (int i = 0; i < targets.size(); i++) {
                long server0 = targets.get(i).cpuNanos().getAsLong();
                long client0 = threads.getCurrentThreadCpuTime();
                RoundTripLoad.Result res = m.run(targets.get(i), per, slice);
                long server1 = targets.get(i).cpuNanos().getAsLong();
                serverCpu[i] = server0 < 0 || server1 < 0 || serverCpu[i] < 0 ? -1 : serverCpu[i] + server1 - server0;
                clientCpu[i] += threads.getCurrentThreadCpuTime() - client0;
                rate[i] = res.perSecond();
                total[i] = total[i].plus(res);
            }
            ratios[r] = targets.size() > 1 && rate[1] > 0 ? rate[0] / rate[1] : 0;
        }
        for (int i = 0; i < targets.size(); i++) {
            RoundTripLoad.Result t = total[i];
            out.printf("%-16s: %8.0f %s/s  (%d in %.2f s; p50 %.0f us, p99 %.0f us; %d lost, %d bad; CPU per %s: server %s, client %.1f us)%n",
                    targets.get(i).name(), t.perSecond(), what, t.answered(), t.seconds(), t.p50Micros(), t.p99Micros(), t.lost(), t.bad(),
                    what.endsWith("s") ? what.substring(0, what.length() - 1) : what,
                    serverCpu[i] < 0 || t.answered() == 0 ? "?" : String.format("%.1f us", serverCpu[i] / 1e3 / t.answered()),
                    t.answered() == 0 ? 0 : clientCpu[i] / 1e3 / t.answered());
        }
        if (targets.size() > 1 && total[1].perSecond() > 0) {
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            out.printf("%-16s: %.2f (rounds %.2f..%.2f, median %.2f)%s%n", "ratio ours/sim", total[0].perSecond() / total[1].perSecond(),
                    sorted[0], sorted[sorted.length - 1], sorted[sorted.length / 2], goal > 0 ? String.format("; goal >= %.1f", goal) : "");
        }
        out.flush();
    }

    private RoundTripLoad.Result generator(Target t, int n, int window, Duration limit) throws IOException {
        if (n == 0) {
            return RoundTripLoad.Result.empty();
        }
        try (RoundTripLoad load = RoundTripLoad.open(t.address())) {
            return load.run(n, window, limit, Duration.ofMillis(500));
        }
    }

    private RoundTripLoad.Result javaClient(Target t, int n, Duration limit) throws IpmiCallException {
        ClientOptions o = ClientOptions.of(t.host(), t.port(), "admin", "secret").withTimeout(Duration.ofMillis(500), 0);
        long[] rtt = new long[n];
        int done = 0;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        try (IpmiLanClient c = IpmiLanClient.open(o)) {
            while (done < n && System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                c.authCapabilities();
                rtt[done++] = System.nanoTime() - t0;
            }
        }
        return result(rtt, done, start);
    }

    /** Full RMCP+ session set-ups and tear-downs, one after another, each on its own client socket. */
    private RoundTripLoad.Result setUps(CipherSuite suite, Target t, int n, Duration limit) throws IpmiCallException {
        ClientOptions o = ClientOptions.of(t.host(), t.port(), "admin", "secret").withTimeout(Duration.ofMillis(500), 0)
                .withLanplus(Lanplus.suite(suite));
        long[] took = new long[n];
        int done = 0;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (done < n && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            try (IpmiLanClient c = IpmiLanClient.open(o)) {
                c.openSession();
            } // close() sends Close Session
            took[done++] = System.nanoTime() - t0;
        }
        return result(took, done, start);
    }

    private static RoundTripLoad.Result result(long[] times, int n, long startNanos) {
        long[] done = Arrays.copyOf(times, n);
        Arrays.sort(done);
        return new RoundTripLoad.Result(n, 0, 0, (System.nanoTime() - startNanos) / 1e9, done);
    }

    /**
     * The virtual lab: the load generator against the clean persona through veth and the responder. A fleet run for
     * exchanges/s and losses (zero expected) over --count exchanges, with the responder's memory before and after; then
     * a short one-console run whose reply latency (capture timestamp to injection) comes from the responder's journal.
     */
    private void measureLab() throws Exception {
        VirtualLab vl = new VirtualLab(VirtualLab.defaultStateDir(), line -> spec.commandLine().getErr().println("lab: " + Terminal.text(line)));
        Optional<LabState> running = vl.readState().filter(vl::healthy);
        LabState state = running.isPresent() ? running.get() : vl.up(LabCommand.launch(LabFile.embedded().personas()));
        try {
            String host = state.persona("clean").address();
            Target clean = new Target("virtual lab", host, 623, () -> -1L);
            out.printf("virtual lab: persona clean at %s through %s and the responder (pid %d)%n", host, state.dutInterface(), state.responderPid());
            generator(clean, warmup, fleet, Duration.ofSeconds(seconds));
            long heapBefore = heapAfterGcKb(state.responderPid());
            long rssBefore = rssKb(state.responderPid());
            ResponderControl control = new SocketControl(Path.of(state.controlSocket()));
            ControlReply.Status before = control.status();
            RoundTripLoad.Result r = generator(clean, count, fleet, Duration.ofSeconds(seconds));
            long rssAfter = rssKb(state.responderPid());
            long heapAfter = heapAfterGcKb(state.responderPid());
            ControlReply.Status after = control.status();
            out.printf("%-16s: %8.0f exchanges/s, a fleet of %d  (%d in %.2f s; p50 %.0f us, p99 %.0f us; %d lost, %d bad)%n", "virtual lab",
                    r.perSecond(), fleet, r.answered(), r.seconds(), r.p50Micros(), r.p99Micros(), r.lost(), r.bad());
            out.printf("%-16s: heap in use after a full GC %d kB before, %d kB after %d exchanges (%+d kB; jcmd GC.run + GC.heap_info);"
                    + " resident %d kB before, %d kB after (the JVM grows its heap lazily up to its maximum); journal %d entries"
                    + " (bounded; %d evicted)%n", "responder", heapBefore, heapAfter, r.answered(), heapAfter - heapBefore, rssBefore, rssAfter,
                    after.journalEntries(), after.journalEvicted() - before.journalEvicted());
            String probe = "bench-" + ProcessHandle.current().pid();
            control.beginProbe("clean", probe);
            RoundTripLoad.Result one = generator(clean, Math.min(count, 20_000), 1, Duration.ofSeconds(seconds));
            control.endProbe("clean", probe);
            out.printf("%-16s: %8.0f exchanges/s, one console  (%d in %.2f s; p50 %.0f us, p99 %.0f us; %d lost)%n", "virtual lab",
                    one.perSecond(), one.answered(), one.seconds(), one.p50Micros(), one.p99Micros(), one.lost());
            List<Long> latency = new ArrayList<>();
            long seen = -1;
            for (ControlReply.JournalLine e : control.journal(ControlRequest.Journal.ofProbe(probe, null)).entries()) {
                if (e.kind() != ResponderJournal.Kind.RMCP) {
                    continue;
                }
                if (e.dir() == ResponderJournal.Direction.IN) {
                    seen = e.ts();
                } else if (seen >= 0) {
                    latency.add(e.ts() - seen);
                    seen = -1;
                }
            }
            if (latency.isEmpty()) {
                out.println("responder       : no journal entries for the run (journal evicted?)");
            } else {
                long[] l = latency.stream().mapToLong(Long::longValue).sorted().toArray();
                out.printf("%-16s: reply latency (request captured to reply injected) p50 %d us, p99 %d us over %d replies%n",
                        "responder", l[l.length / 2], l[Math.min(l.length - 1, (int) (l.length * 0.99))], l.length);
            }
            out.flush();
        } finally {
            if (running.isEmpty()) {
                vl.down();
            }
        }
    }

    /** Heap in use of a JVM after a full collection, in kB, through jcmd (which ships with the JDK); -1 when unknown. */
    private static long heapAfterGcKb(long pid) {
        CommandRunner runner = new CommandRunner();
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        if (!runner.run(Duration.ofSeconds(30), List.of(jcmd, Long.toString(pid), "GC.run")).ok()) {
            return -1;
        }
        CommandRunner.Result info = runner.run(Duration.ofSeconds(30), List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info.stdout());
        return info.ok() && m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Resident memory of a process in kB (Linux /proc), or -1. */
    private static long rssKb(long pid) {
        try {
            for (String line : InputFile.lenient(Path.of("/proc", Long.toString(pid), "status"), InputFile.Kind.KERNEL).lines().toList()) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

}
