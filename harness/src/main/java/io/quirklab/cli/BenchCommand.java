package io.quirklab.cli;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.IpmiCallException;
import io.quirklab.client.IpmiLanClient;
import io.quirklab.client.Lanplus;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.reference.IpmiSim;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.responder.SocketControl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quirklab bench}: throughput figures, printed, never asserted. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Print round trips per second of the Java client (benchmark).",
                "Sessionless Get Channel Auth Capabilities against the simulated SMDC and OpenIPMI's ipmi_sim,",
                "then full IPMI 2.0 / RMCP+ session set-ups per second (suites 3 and 17; ipmi_sim: 3),",
                "in one run; with --lab also the virtual lab's responder. Bounded in count and time."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--count", defaultValue = "20000", description = "Round trips per target at most (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seconds", defaultValue = "5", description = "Time limit per target (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "2000", description = "Untimed round trips first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--setups", defaultValue = "2000", description = "RMCP+ session set-ups per target and suite at most (default: ${DEFAULT-VALUE}).")
    int setups;

    @Option(names = "--lab", description = {"Also measure the virtual lab (Linux, root): reply latency of the responder (request",
            "captured to reply injected) and sustained exchanges/s with the clean persona. Uses the running lab, or brings one",
            "up and down around the run."})
    boolean lab;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 1_000_000 || seconds < 1 || seconds > 120 || setups < 1 || setups > 100_000) {
            throw new IllegalArgumentException("--count must be 1..1000000, --setups 1..100000 and --seconds 1..120");
        }
        System.out.printf("round trips: Get Channel Auth Capabilities outside a session, one client, one socket, %d at most in %d s%n",
                count, seconds);
        try (UdpBmcServer smdc = UdpBmcServer.start(new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20()),
                new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0), l -> { })) {
            measure("simulated SMDC", "127.0.0.3", smdc.localAddress().getPort());
            System.out.printf("lanplus session set-ups: Get Channel Auth Capabilities, Open Session, RAKP 1-4, Set Session Privilege,"
                    + " Close Session; %d at most in %d s%n", setups, seconds);
            for (CipherSuite suite : new CipherSuite[] {CipherSuite.SUITE_3, CipherSuite.SUITE_17}) {
                measureSetUps("simulated SMDC", suite, "127.0.0.3", smdc.localAddress().getPort());
            }
        }
        if (IpmiSim.binary().isEmpty()) {
            System.out.println("ipmi_sim        : skipped (not installed: apt-get install openipmi)");
        } else {
            try (IpmiSim sim = IpmiSim.start("127.0.0.78", 9623, Duration.ofSeconds(10))) {
                measure("ipmi_sim", sim.address(), sim.port());
                measureSetUps("ipmi_sim", CipherSuite.SUITE_3, sim.address(), sim.port());
            }
        }
        if (lab) {
            measureLab();
        }
        return 0;
    }

    /**
     * The same sessionless exchange against the clean persona on the virtual lab: client rate with losses counted
     * (zero expected), and the responder's own latency from its journal (capture timestamp to injection).
     */
    private void measureLab() throws Exception {
        VirtualLab vl = new VirtualLab(VirtualLab.defaultStateDir(), line -> System.err.println("lab: " + line));
        Optional<LabState> running = vl.readState().filter(vl::healthy);
        LabState state = running.isPresent() ? running.get() : vl.up(LabCommand.launch(Optional.empty()));
        try {
            String host = state.persona("clean").address();
            ClientOptions o = ClientOptions.of(host, 623, "admin", "secret").withTimeout(Duration.ofMillis(500), 0);
            int lost = 0;
            try (IpmiLanClient c = IpmiLanClient.open(o)) {
                for (int i = 0; i < warmup; i++) {
                    c.authCapabilities();
                }
            }
            long[] rtt = new long[count];
            int n = 0;
            ResponderControl control = new SocketControl(Path.of(state.controlSocket()));
            String probe = "bench-" + ProcessHandle.current().pid();
            control.beginProbe("clean", probe);
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(seconds).toNanos();
            try (IpmiLanClient c = IpmiLanClient.open(o)) {
                while (n + lost < count && System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        c.authCapabilities();
                        rtt[n++] = System.nanoTime() - t0;
                    } catch (IpmiCallException e) {
                        lost++;
                    }
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("virtual lab: the same exchange with persona clean at %s through %s and the responder%n", host, state.dutInterface());
            report("virtual lab", "exchanges", n, secs, Arrays.copyOf(rtt, n));
            System.out.printf("%-16s: %d lost of %d%n", "virtual lab", lost, n + lost);
            control.endProbe("clean", probe);
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
                System.out.println("responder       : no journal entries for the run (journal evicted?)");
            } else {
                long[] l = latency.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("%-16s: reply latency (request captured to reply injected) p50 %d us, p99 %d us over %d replies%n",
                        "responder", l[l.length / 2], l[Math.min(l.length - 1, (int) (l.length * 0.99))], l.length);
            }
        } finally {
            if (running.isEmpty()) {
                vl.down();
            }
        }
    }

    /** Full RMCP+ session set-ups and tear-downs, one after another on one client socket each, after a tenth of the warm-up. */
    private void measureSetUps(String name, CipherSuite suite, String host, int port) throws IpmiCallException {
        ClientOptions o = ClientOptions.of(host, port, "admin", "secret").withTimeout(Duration.ofMillis(500), 0)
                .withLanplus(Lanplus.suite(suite));
        for (int i = 0; i < warmup / 10; i++) {
            try (IpmiLanClient c = IpmiLanClient.open(o)) {
                c.openSession();
            }
        }
        long[] took = new long[setups];
        int n = 0;
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(seconds).toNanos();
        while (n < setups && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            try (IpmiLanClient c = IpmiLanClient.open(o)) {
                c.openSession();
            } // close() sends Close Session
            took[n++] = System.nanoTime() - t0;
        }
        report(String.format("%s, %s", name, suite), "set-ups", n, (System.nanoTime() - start) / 1e9, Arrays.copyOf(took, n));
    }

    private void measure(String name, String host, int port) throws IpmiCallException {
        ClientOptions o = ClientOptions.of(host, port, "admin", "secret").withTimeout(Duration.ofMillis(500), 0);
        try (IpmiLanClient c = IpmiLanClient.open(o)) {
            for (int i = 0; i < warmup; i++) {
                c.authCapabilities();
            }
        }
        long[] rtt = new long[count];
        int n = 0;
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(seconds).toNanos();
        try (IpmiLanClient c = IpmiLanClient.open(o)) {
            while (n < count && System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                c.authCapabilities();
                rtt[n++] = System.nanoTime() - t0;
            }
        }
        report(name, "round trips", n, (System.nanoTime() - start) / 1e9, Arrays.copyOf(rtt, n));
    }

    private static void report(String name, String what, int n, double secs, long[] done) {
        Arrays.sort(done);
        System.out.printf("%-16s: %8.0f %s/s  (%d in %.2f s; p50 %.0f us, p99 %.0f us)%n", name, n / secs, what, n, secs,
                done[n / 2] / 1e3, done[Math.min(n - 1, (int) (n * 0.99))] / 1e3);
    }
}
