package io.quirklab.cli;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.client.CallOutcome;
import io.quirklab.client.ClientCommand;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.ToolClient;
import io.quirklab.host.CommandRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quirklab run}: the main job. Until the virtual lab lands, it serves the simulated SMDC on a loopback
 * address and drives every available client against it, printing one row per client and operation.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"The main job: start the simulated SMDC on a loopback address and run every client",
                "(the Java client, ipmitool, ipmiutil, FreeIPMI - those installed) against it.",
                "Exit code 0 when every available client succeeded, 1 otherwise."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.2", description = "Loopback address for the simulated SMDC (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", defaultValue = "623", description = "UDP port (default: ${DEFAULT-VALUE}; ipmiutil only speaks 623, which needs root).")
    int port;

    record Row(String client, String operation, CallOutcome<?> outcome, String skipped) {
    }

    @Override
    public Integer call() throws IOException {
        InetAddress addr = InetAddress.getByName(bind);
        AddressPolicy.requireTestAddress(addr);
        if (!addr.isLoopbackAddress()) {
            throw new IllegalArgumentException("until the virtual lab exists, run serves on loopback only");
        }
        BmcConfig config = BmcConfig.smdcDefaults();
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        try (UdpBmcServer server = UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(addr, port), line -> { })) {
            int p = server.localAddress().getPort();
            System.out.printf("simulated SMDC (%s, firmware %s) on udp %s:%d%n", config.identity().boardProduct(),
                    config.identity().firmwareText(), bind, p);
            ClientOptions opts = ClientOptions.of(bind, p, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD);
            Map<String, ClientCommand<?>> javaOps = new LinkedHashMap<>();
            javaOps.put("ping", ClientCommands::ping);
            javaOps.put("mc-info", ClientCommands::mcInfo);
            javaOps.put("chassis-status", ClientCommands::chassisStatus);
            javaOps.put("sdr-list", ClientCommands::sdrList);
            javaOps.put("sel-info", ClientCommands::selInfo);
            for (var e : javaOps.entrySet()) {
                rows.add(new Row("java", e.getKey(), IpmiCall.run(opts, !e.getKey().equals("ping"), e.getValue()), null));
                progress(rows);
            }
            CommandRunner runner = new CommandRunner();
            for (ToolClient tool : ToolClient.values()) {
                for (ToolClient.Operation op : ToolClient.Operation.values()) {
                    String opName = op.name().toLowerCase().replace('_', '-');
                    if (tool == ToolClient.IPMIUTIL && op == ToolClient.Operation.CHASSIS_STATUS) {
                        continue; // ipmiutil health already covers chassis status
                    }
                    if (!tool.available()) {
                        rows.add(new Row(tool.id(), opName, null, tool.installHint()));
                    } else if (!tool.supportsPort(p)) {
                        rows.add(new Row(tool.id(), opName, null, tool.id() + " only talks to UDP 623; run as root to bind it"));
                    } else {
                        rows.add(new Row(tool.id(), opName, tool.run(runner, op,
                                ToolClient.Target.of(bind, p, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD), Duration.ofSeconds(20)), null));
                    }
                    progress(rows);
                }
            }
        }
        System.out.println();
        System.out.printf("%-13s %-15s %-9s %9s  %s%n", "CLIENT", "OPERATION", "RESULT", "TIME", "DETAIL");
        int failed = 0;
        int passed = 0;
        for (Row r : rows) {
            if (r.skipped() != null) {
                System.out.printf("%-13s %-15s %-9s %9s  %s%n", r.client(), r.operation(), "SKIPPED", "-", r.skipped());
                continue;
            }
            boolean ok = r.outcome().ok();
            failed += ok ? 0 : 1;
            passed += ok ? 1 : 0;
            System.out.printf("%-13s %-15s %-9s %7d ms  %s%n", r.client(), r.operation(), ok ? "OK" : r.outcome().failure(),
                    r.outcome().elapsedMicros() / 1000, ok ? summary(r.outcome().value()) : r.outcome().message());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("%n%d passed, %d failed, %d skipped in %.1f s%n", passed, failed, rows.size() - passed - failed, secs);
        return failed == 0 ? 0 : 1;
    }

    private static void progress(List<Row> rows) {
        if (System.console() != null) {
            System.out.print("\r" + rows.size() + " exchanges done");
            System.out.flush();
        }
    }

    private static String summary(Object v) {
        String s = String.valueOf(v).replaceAll("\\s+", " ").trim();
        return s.length() > 70 ? s.substring(0, 67) + "..." : s;
    }
}
