package io.quirklab.cli;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.ExchangeLog;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.bmc.RateLimitedLog;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.RakpMessages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab smdc}: the simulated SMDC on a UDP socket. */
@Command(name = "smdc", mixinStandardHelpOptions = true,
        description = {"Serve the simulated Tyan SMDC on a UDP socket.",
                "IPMI 1.5 over LAN (and IPMI 2.0 / RMCP+ with --ipmi 2.0), until interrupted, logging one line per exchange.",
                "Examples:",
                "  quirklab smdc --bind 127.0.0.2 --user admin:secret --quirk session-id-zero",
                "  quirklab smdc --bind 127.0.0.2 --ipmi 2.0 --cipher-suites 3,17"})
public final class SmdcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bind", required = true, paramLabel = "ADDRESS",
            description = "Exact address to serve on (a 127.x loopback address or one in 198.18.0.0/15); never the wildcard.")
    String bind;

    @Option(names = "--port", defaultValue = "623", description = "UDP port (default: ${DEFAULT-VALUE}; below 1024 needs root).")
    int port;

    @Option(names = "--user", paramLabel = "NAME:PASS[:PRIV]",
            description = "A user; repeatable. PRIV is CALLBACK, USER, OPERATOR or ADMINISTRATOR (default). Default user: admin:secret.")
    List<String> users = new ArrayList<>();

    @Option(names = "--quirk", paramLabel = "NAME",
            description = {"Firmware quirk; repeatable: session-id-zero, reused-sequence, oem-auth-required,",
                    "auth-none-accepted (auth type NONE enabled: any password logs in), cipher-zero (RMCP+ suite 0 offered: likewise)."})
    List<String> quirks = new ArrayList<>();

    @Option(names = "--auth", split = ",", paramLabel = "TYPE",
            description = "Enabled auth types, comma-separated (default: md2,md5,password; add oem if needed; none needs --quirk auth-none-accepted).")
    List<String> auth = new ArrayList<>();

    @Option(names = "--ipmi", defaultValue = "1.5", paramLabel = "VERSION",
            description = "1.5: IPMI 1.5 only, RMCP+ datagrams dropped, like the Tyan SMDC (default); "
                    + "2.0: IPMI 1.5 and 2.0 / RMCP+ (cipher suites 1, 2, 3 and 17 unless --cipher-suites says otherwise; 0 only with --quirk cipher-zero).")
    String ipmi;

    @Option(names = "--cipher-suites", paramLabel = "LIST",
            description = "With --ipmi 2.0: the RMCP+ cipher suites offered, comma-separated, from 1, 2, 3, 17 (default: all; 0 needs --quirk cipher-zero).")
    String cipherSuites;

    @Option(names = "--kg", paramLabel = "KEY",
            description = "With --ipmi 2.0: the BMC key Kg RMCP+ session keys derive from (text, at most 20 bytes; default: none).")
    String kg;

    @Option(names = "--max-sessions", defaultValue = "4", description = "Session table size (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--idle-timeout", defaultValue = "60", description = "Seconds before an idle session is closed (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--quiet", description = "Do not log each exchange.")
    boolean quiet;

    @Option(names = "--log-rate", defaultValue = "50", paramLabel = "LINES",
            description = "At most this many exchange lines a second; the rest are counted in one summary line (default: ${DEFAULT-VALUE}).")
    int logRate;

    @Override
    public Integer call() throws Exception {
        BmcConfig config = config();
        InetAddress addr = AddressPolicy.option("--bind", bind);
        AddressPolicy.requireTestAddress(addr);
        SimulatedBmc bmc = new SimulatedBmc(config);
        DateTimeFormatter t = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        PrintWriter out = spec.commandLine().getOut();
        RateLimitedLog log = new RateLimitedLog(line -> out.println(LocalTime.now().format(t) + " " + Terminal.text(line)), logRate, Clock.systemUTC());
        try (UdpBmcServer server = UdpBmcServer.start(bmc, new InetSocketAddress(addr, port),
                quiet ? ExchangeLog.NONE : ExchangeLog.limited(log))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(); // let the server close and the log's last summary out before the JVM ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            out.printf("simulated SMDC (%s, firmware %s, IANA %d, %s) on udp %s:%d; users: %s; quirks: %s; Ctrl-C stops%n",
                    config.identity().boardProduct(), config.identity().firmwareText(), config.identity().manufacturerId(),
                    protocols(config), addr.getHostAddress(), server.localAddress().getPort(),
                    String.join(", ", config.users().stream().map(u -> u.name() + " (" + u.maxPrivilege() + ")").toList()),
                    config.quirks().isEmpty() ? "none" : String.join(", ", config.quirks().stream().map(FirmwareQuirk::cliName).toList()));
            out.flush();
            stop.await();
        } finally {
            log.flush();
            out.flush();
            stopped.countDown();
        }
        return 0;
    }

    BmcConfig config() {
        BmcConfig c = BmcConfig.smdcDefaults().withMaxSessions(maxSessions).withIdleTimeout(Duration.ofSeconds(idleSeconds));
        if (!users.isEmpty()) {
            c = c.withUsers(BmcConfig.parseUsers(users));
        }
        Set<FirmwareQuirk> q = EnumSet.noneOf(FirmwareQuirk.class);
        quirks.forEach(n -> q.add(FirmwareQuirk.parse(n)));
        c = c.withQuirks(q);
        if (!auth.isEmpty()) {
            Set<AuthType> a = EnumSet.noneOf(AuthType.class);
            auth.forEach(n -> a.add(AuthType.fromCliName(n)));
            if (a.contains(AuthType.NONE) && !q.contains(FirmwareQuirk.AUTH_NONE_ACCEPTED)) {
                throw new IllegalArgumentException("--auth none lets any password in: add --quirk auth-none-accepted to mean it");
            }
            c = c.withAuthTypes(a);
        }
        if (logRate < 1) {
            throw new IllegalArgumentException("--log-rate must be at least 1, not " + logRate);
        }
        switch (ipmi.trim()) {
            case "1.5" -> {
                if (cipherSuites != null || kg != null) {
                    throw new IllegalArgumentException("--cipher-suites and --kg need --ipmi 2.0");
                }
            }
            case "2.0", "2" -> {
                Set<CipherSuite> offered = cipherSuites == null ? EnumSet.allOf(CipherSuite.class) : CipherSuite.parseList(cipherSuites);
                if (cipherSuites != null && offered.contains(CipherSuite.SUITE_0) && !q.contains(FirmwareQuirk.CIPHER_ZERO)) {
                    throw new IllegalArgumentException("cipher suite 0 lets any password in: add --quirk cipher-zero to mean it");
                }
                c = c.withCipherSuites(offered);
                c = c.withKg(kg == null ? null : RakpMessages.key20(kg));
            }
            default -> throw new IllegalArgumentException("--ipmi must be 1.5 or 2.0, not '" + ipmi + "'");
        }
        return c;
    }

    static String protocols(BmcConfig c) {
        return c.ipmi20() ? "IPMI 1.5 and 2.0, cipher suites " + String.join(",", c.cipherSuites().stream()
                .map(s -> Integer.toString(s.id())).toList()) + (c.kg() != null ? ", Kg set" : "") : "IPMI 1.5 only";
    }
}
