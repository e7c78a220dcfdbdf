package io.quirklab.cli;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.client.CallOutcome;
import io.quirklab.client.ClientCommand;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.ChassisStatus;
import io.quirklab.client.DeviceId;
import io.quirklab.client.SelInfo;
import io.quirklab.client.SensorReading;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.ToolClient;
import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Optional;
import java.util.function.Function;
import io.quirklab.engine.MatrixEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quirklab run}: the main job. Until the virtual lab lands, it serves the simulated SMDC on a loopback
 * address and drives every available client against it, printing one row per client and operation.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Main job: the delivery matrix of a lab (or the SMDC on a socket).",
                "As root on Linux: brings the virtual lab up (unless it is), probes every persona x installed client x",
                "offload state of the lab file, records reports/runs/<run-id>/ (matrix.json, matrix.html, Allure results,",
                "evidence per cell), prints the matrix and takes down what it brought up. Exit 1 only for harness errors",
                "or regressions against --baseline. Elsewhere (or --socket): the SMDC on a loopback socket and every",
                "installed client against it; exit 1 when one fails."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.2", description = "Loopback address for the simulated SMDC (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", defaultValue = "623", description = "UDP port (default: ${DEFAULT-VALUE}; ipmiutil only speaks 623, which needs root).")
    int port;

    record Row(String client, String operation, CallOutcome<?> outcome, String skipped, Function<Object, String> summary) {
        static Row tool(String client, String operation, CallOutcome<?> outcome, String skipped) {
            return new Row(client, operation, outcome, skipped, v -> firstLines(String.valueOf(v)));
        }
    }

    /** What the Java client does in the main job, and how each result reads in one line. */
    enum JavaOperation {
        PING("ping", false, ClientCommands::ping, v -> "pong: IPMI supported"),
        MC_INFO("mc-info", true, ClientCommands::mcInfo, v -> {
            DeviceId d = (DeviceId) v;
            return String.format("IANA %d, product 0x%04x, firmware %s, IPMI %s", d.manufacturerId(), d.productId(), d.firmware(), d.ipmiVersion());
        }),
        CHASSIS_STATUS("chassis-status", true, ClientCommands::chassisStatus, v -> "power " + (((ChassisStatus) v).powerOn() ? "on" : "off")),
        SDR_LIST("sdr-list", true, ClientCommands::sdrList, v -> {
            List<?> l = (List<?>) v;
            return l.size() + " sensors: " + String.join(", ", l.stream().map(r -> ((SensorReading) r).name() + " " + ((SensorReading) r).valueText()).toList());
        }),
        SEL_INFO("sel-info", true, ClientCommands::selInfo, v -> ((SelInfo) v).entries() + " SEL entries");

        final String label;
        final boolean session;
        final ClientCommand<?> command;
        final Function<Object, String> summary;

        JavaOperation(String label, boolean session, ClientCommand<?> command, Function<Object, String> summary) {
            this.label = label;
            this.session = session;
            this.command = command;
            this.summary = summary;
        }
    }

    @Option(names = "--socket", description = "Socket mode: the SMDC on a loopback UDP socket instead of the virtual lab.")
    boolean socket;

    @Mixin
    LabOptions.LabFileOption lab;

    @Option(names = "--personas", split = ",", paramLabel = "NAME",
            description = "Personas to probe (default: the lab file's, else all; e.g. clean,smdc-tyan for a one-minute check).")
    List<String> personas = new ArrayList<>();

    @Option(names = "--clients", split = ",", paramLabel = "CLIENT",
            description = "Clients: java-lan, java-lanplus, ipmitool-lan, ipmitool-lanplus, ipmiutil, freeipmi "
                    + "(default: the lab file's, else all installed).")
    List<String> clients = new ArrayList<>();

    @Option(names = "--offload", split = ",", paramLabel = "STATE",
            description = "Offload states in run order: off, on (default: the lab file's, else off,on).")
    List<String> offload = new ArrayList<>();

    @Mixin
    LabOptions.FaultOption fault;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Probe every cell N times (default: the lab file's repeat, else 1); attempts that disagree make a cell INTERMITTENT.")
    Integer repeat;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "A baseline matrix.json (e.g. reports/baselines/NAME.json): exit 1 on regressions against it.")
    java.nio.file.Path baseline;

    @Mixin
    LabOptions.ReportsOption reports;

    @Mixin
    LabOptions.StateDirOption stateDir;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Cells at once (default: the lab file's jobs, else as many as the evidence can tell apart per flow: "
                    + MatrixEngine.DEFAULT_PARALLEL + " with kfree_skb per packet on Linux, 1 where it is host-wide).")
    Integer jobs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        io.quirklab.lab.LabFile given = !socket ? lab.given().orElse(null) : null;
        // an agent lab (a Windows DUT, too) needs packet capture here, not the virtual lab's Linux tools
        Optional<String> why = socket ? Optional.of("--socket given")
                : given != null && given.kind().equals("agent") ? io.quirklab.wire.PcapLink.available() : virtualLabUnavailable();
        if (why.isEmpty()) {
            io.quirklab.lab.LabFile file = given != null ? given : lab.orEmbedded();
            int n = repeat != null ? repeat : file.repeat();
            if (n < 1 || n > io.quirklab.lab.LabFile.MAX_REPEAT) {
                throw new IllegalArgumentException("--repeat " + n + " is outside 1.." + io.quirklab.lab.LabFile.MAX_REPEAT);
            }
            return new MatrixRun(new MatrixRun.Options(file, personas, clients, offload, fault.resolve(file), baseline, reports.dir,
                    stateDir.dir, jobs, n), spec.commandLine().getOut()).call();
        }
        if (lab.file != null) {
            throw new IllegalArgumentException("the lab " + lab.file + " cannot run here: " + why.get());
        }
        if (!socket) {
            spec.commandLine().getOut().println("note: socket mode, because the virtual lab cannot run here: " + why.get());
        }
        return socketMode();
    }

    /** Why the virtual lab cannot run on this machine, or empty when it can. */
    static Optional<String> virtualLabUnavailable() {
        try {
            io.quirklab.lab.Prerequisites.require(new io.quirklab.process.CommandRunner());
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
        return io.quirklab.wire.PcapLink.available();
    }

    private int socketMode() throws IOException {
        InetAddress addr = InetAddress.getByName(bind);
        AddressPolicy.requireTestAddress(addr);
        if (!addr.isLoopbackAddress()) {
            throw new IllegalArgumentException("until the virtual lab exists, run serves on loopback only");
        }
        BmcConfig config = BmcConfig.smdcDefaults();
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        try (UdpBmcServer server = startServer(config, addr)) {
            int p = server.localAddress().getPort();
            out.printf("simulated SMDC (%s, firmware %s) on udp %s:%d%n", config.identity().boardProduct(),
                    config.identity().firmwareText(), bind, p);
            ClientOptions opts = ClientOptions.of(bind, p, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD);
            for (JavaOperation op : JavaOperation.values()) {
                rows.add(new Row("java", op.label, IpmiCall.run(opts, op.session, op.command), null, op.summary));
                progress(out, rows);
            }
            CommandRunner runner = new CommandRunner();
            for (ToolClient tool : ToolClient.values()) {
                for (ToolClient.Operation op : ToolClient.Operation.values()) {
                    String opName = op.name().toLowerCase().replace('_', '-');
                    if (!tool.available()) {
                        rows.add(Row.tool(tool.id(), opName, null, tool.installHint()));
                    } else if (!tool.supportsPort(p)) {
                        rows.add(Row.tool(tool.id(), opName, null, tool.id() + " only talks to UDP 623; run as root to bind it"));
                    } else {
                        rows.add(Row.tool(tool.id(), opName, tool.run(runner, op,
                                ToolClient.Target.of(bind, p, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD), Duration.ofSeconds(20)), null));
                    }
                    progress(out, rows);
                }
            }
        }
        out.println();
        out.printf("%-13s %-15s %-9s %9s  %s%n", "CLIENT", "OPERATION", "RESULT", "TIME", "DETAIL");
        int failed = 0;
        int passed = 0;
        for (Row r : rows) {
            if (r.skipped() != null) {
                out.printf("%-13s %-15s %-9s %9s  %s%n", r.client(), r.operation(), "SKIPPED", "-", r.skipped());
                continue;
            }
            boolean ok = r.outcome().ok();
            failed += ok ? 0 : 1;
            passed += ok ? 1 : 0;
            out.printf("%-13s %-15s %-9s %7d ms  %s%n", r.client(), r.operation(), ok ? "OK" : r.outcome().failure(),
                    r.outcome().elapsedMicros() / 1000, ok ? clip(r.summary().apply(r.outcome().value())) : r.outcome().message());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        out.printf("%n%d passed, %d failed, %d skipped in %.1f s%n", passed, failed, rows.size() - passed - failed, secs);
        return failed == 0 ? 0 : 1;
    }

    /** Binds the SMDC; without root, port 623 falls back to a free port (ipmiutil is then skipped). */
    private UdpBmcServer startServer(BmcConfig config, InetAddress addr) throws IOException {
        try {
            return UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(addr, port), line -> { });
        } catch (IOException e) {
            if (port >= 1024 || !String.valueOf(e.getMessage()).contains("ermission")) {
                throw e;
            }
            spec.commandLine().getOut().println("note: cannot bind UDP port " + port + " without root; using a free port instead");
            return UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(addr, 0), line -> { });
        }
    }

    private static void progress(PrintWriter out, List<Row> rows) {
        if (System.console() != null) {
            out.print("\r" + rows.size() + " exchanges done");
            out.flush();
        }
    }

    /** The lines of a tool's output that show what the BMC said about itself, squeezed into one. */
    static String firstLines(String out) {
        List<String> lines = out.lines().map(l -> l.replaceAll("\\s+", " ").trim()).filter(l -> !l.isEmpty()).toList();
        List<String> telling = lines.stream().filter(l -> l.matches("(?i)(manufacturer|firmware|bmc version|system power|chassis_power).*")).toList();
        return String.join("; ", (telling.isEmpty() ? lines : telling).stream().limit(3).toList());
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }
}
