package io.quirklab.cli;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.ExchangeLog;
import io.quirklab.bmc.NetworkFuzz;
import io.quirklab.bmc.RateLimitedLog;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.IpmiCallException;
import io.quirklab.client.IpmiLanClient;
import io.quirklab.client.Lanplus;
import io.quirklab.input.AddressText;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab bench fuzz}: a seeded network fuzz of the simulated SMDC in socket mode on loopback. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Fuzz the simulated SMDC over UDP on loopback with seeded, mutated datagrams (IPMI 1.5 and RMCP+),",
                "paced so that every one reaches it, probing it every 10,000 datagrams; then a real session with the Java",
                "client. Prints the heap before and after and how many log lines the exchange log let through.",
                "Exit code 0 when the SMDC answered every probe and the client, 1 otherwise.",
                "Example: quirklab bench fuzz --count 1000000 --seed 16"})
final class BenchFuzzCommand implements Callable<Integer> {
    /** The heap may grow by this much over a run (class loading, JIT, the fuzzer's own corpus) and still be flat. */
    static final long HEAP_SLACK_BYTES = 32L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "1000000", description = "Datagrams per SMDC (default: ${DEFAULT-VALUE}; up to 100000000).")
    long count;

    @Option(names = "--seed", defaultValue = "16", description = "Seed of the mutations; the same seed replays the same run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ipmi", defaultValue = "both", paramLabel = "VERSION",
            description = "1.5 (the SMDC as it is), 2.0 (with RMCP+) or both (default: ${DEFAULT-VALUE}).")
    String ipmi;

    @Option(names = "--seconds", defaultValue = "1800", description = "Time limit per SMDC (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 100_000_000 || seconds < 1 || seconds > 86_400) {
            throw new IllegalArgumentException("--count must be 1..100000000 and --seconds 1..86400");
        }
        List<String> versions = switch (ipmi.trim()) {
            case "1.5" -> List.of("1.5");
            case "2.0", "2" -> List.of("2.0");
            case "both" -> List.of("1.5", "2.0");
            default -> throw new IllegalArgumentException("--ipmi must be 1.5, 2.0 or both, not '" + ipmi + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        boolean passed = true;
        for (String v : versions) {
            passed &= fuzz(out, v.equals("2.0"));
        }
        return passed ? 0 : 1;
    }

    private boolean fuzz(PrintWriter out, boolean ipmi20) throws Exception {
        BmcConfig config = ipmi20 ? BmcConfig.smdcDefaults().withIpmi20() : BmcConfig.smdcDefaults();
        AtomicLong lines = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(l -> lines.incrementAndGet(), 50, Clock.systemUTC());
        String host = ipmi20 ? "127.0.0.6" : "127.0.0.5";
        try (UdpBmcServer server = UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(AddressText.ipv4(host), 0),
                ExchangeLog.limited(log))) {
            String name = "SMDC " + (ipmi20 ? "2.0" : "1.5");
            out.printf("%s at %s:%d, seed %d: fuzzing with %,d datagrams from %s%n", name, host, server.localAddress().getPort(), seed,
                    count, NetworkFuzz.FUZZER_SOURCE);
            out.flush();
            NetworkFuzz.Result r = new NetworkFuzz(server, seed).run(count, Duration.ofSeconds(seconds));
            log.flush();
            out.printf("  %,d sent, %,d reached the SMDC, %,d answered in %.1f s (%.0f/s); dropped: %s%n", r.sent(), r.handled(),
                    r.answered(), r.seconds(), r.sent() / r.seconds(), r.drops().isEmpty() ? "none" : r.drops());
            out.printf("  probes answered: %d of %d; log: %,d lines for %,d exchanges (at most 50 a second)%n",
                    r.probes() - r.probesFailed(), r.probes(), lines.get(), r.handled() + r.probes());
            String client = realClient(server, ipmi20);
            long growth = r.heapAfterBytes() - r.heapBeforeBytes();
            boolean flat = growth < HEAP_SLACK_BYTES;
            out.printf("  heap in use after GC: before %.1f MB, after %.1f MB (%s%.1f MB: %s)%n", r.heapBeforeBytes() / 1e6,
                    r.heapAfterBytes() / 1e6, growth >= 0 ? "+" : "", growth / 1e6, flat ? "flat" : "GREW");
            out.printf("  real client afterwards: %s%n", client);
            out.flush();
            return r.passed() && flat && client.startsWith("ok");
        }
    }

    /** A full session with the Java client: IPMI 1.5 (MD5), or RMCP+ suite 3 on the 2.0 SMDC; Get Device ID inside. */
    private static String realClient(UdpBmcServer server, boolean ipmi20) {
        InetSocketAddress a = server.localAddress();
        ClientOptions o = ClientOptions.of(a.getAddress().getHostAddress(), a.getPort(), BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD)
                .withTimeout(Duration.ofSeconds(1), 2);
        if (ipmi20) {
            o = o.withLanplus(Lanplus.suite(CipherSuite.SUITE_3));
        }
        try (IpmiLanClient c = IpmiLanClient.open(o)) {
            c.openSession();
            IpmiResponse rs = c.call(NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, new byte[0]);
            return rs.completionCode() == 0 ? "ok (" + (ipmi20 ? "RMCP+ suite 3" : "IPMI 1.5") + " session, Get Device ID answered)"
                    : "FAILED: Get Device ID answered " + rs.completionCode();
        } catch (IpmiCallException e) {
            return "FAILED: " + e.getMessage();
        }
    }
}
