package io.quirklab.scenarios;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A simulated SMDC on its own loopback address and UDP 623, as the real tools need, with its exchange log. */
final class SmdcFixture implements AutoCloseable {
    static final String USER = BmcConfig.DEFAULT_USER;
    static final String PASSWORD = BmcConfig.DEFAULT_PASSWORD;
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

    final String host;
    final UdpBmcServer server;
    final List<String> log;
    final CommandRunner runner = new CommandRunner();

    private SmdcFixture(String host, UdpBmcServer server, List<String> log) {
        this.host = host;
        this.server = server;
        this.log = log;
    }

    static SmdcFixture start(String host, FirmwareQuirk... quirks) {
        EnumSet<FirmwareQuirk> q = EnumSet.noneOf(FirmwareQuirk.class);
        q.addAll(List.of(quirks));
        return start(host, BmcConfig.smdcDefaults().withQuirks(q));
    }

    static SmdcFixture start(String host, BmcConfig config) {
        Require.root("the real tools (ipmiutil, ipmiping, rmcpping) only talk to UDP 623, a privileged port");
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            UdpBmcServer s = UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(InetAddress.getByName(host), 623), log::add);
            return new SmdcFixture(host, s, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SimulatedBmc bmc() {
        return server.bmc();
    }

    /** Runs a real tool; the result's stdout/stderr and command line go into assertion messages. */
    CommandRunner.Result run(String... command) {
        return runner.run(TOOL_TIMEOUT, List.of(command));
    }

    List<String> ipmitool(String... args) {
        return tool(List.of("ipmitool", "-I", "lan", "-H", host, "-U", USER, "-P", PASSWORD), args);
    }

    /** ipmitool -I lanplus; put {@code -C N} first in {@code args} to pin a cipher suite. */
    List<String> ipmitoolLanplus(String... args) {
        return tool(List.of("ipmitool", "-I", "lanplus", "-H", host, "-U", USER, "-P", PASSWORD), args);
    }

    private static List<String> tool(List<String> base, String... args) {
        List<String> c = new ArrayList<>(base);
        c.addAll(List.of(args));
        return c;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
