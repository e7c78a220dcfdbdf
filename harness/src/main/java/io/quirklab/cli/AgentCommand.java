package io.quirklab.cli;

import io.quirklab.agent.AgentHost;
import io.quirklab.agent.AgentTls;
import io.quirklab.agent.AgentToken;
import io.quirklab.agent.ArpGuard;
import io.quirklab.input.AddressText;
import io.quirklab.lab.VirtualLab;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.PcapLink;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab agent}: the remote responder agent on a Linux responder host. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the remote responder agent: the raw-frame responder on a real interface, shared by the machines",
                "under test of a lab, driven over an authenticated HTTP control API (openapi.yaml in io/quirklab/agent).",
                "Each run claims its personas' addresses under a lease; addresses are probed with ARP (RFC 5227) first."})
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iface", required = true, paramLabel = "IF",
            description = "The interface on the lab segment the machines under test are on (up; its own address is not used).")
    String iface;

    @Option(names = "--control", required = true, paramLabel = "ADDR:PORT",
            description = "The management address and port the control API listens on (one address, e.g. 198.18.7.2:8623).")
    String control;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = {"The bearer token (owner-only file). Missing: one is generated there. Not given: $"
                    + AgentToken.ENV + ", else one is generated into the state directory and printed once."})
    Path tokenFile;

    @Option(names = "--personas", paramLabel = "FILE",
            description = "The catalogue a run gets when it sends none (default: the built-in one).")
    Path personas;

    @Option(names = "--max-hours", defaultValue = "12", description = "Stop by itself after this many hours (default: ${DEFAULT-VALUE}).")
    int maxHours;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve HTTPS with this PKCS12 key store (password from $QUIRKLAB_AGENT_TLS_PASSWORD).")
    Path tlsKeystore;

    @Option(names = "--arp-timing", defaultValue = "rfc5227", paramLabel = "TIMING",
            description = "ARP probe timing: rfc5227 (3 probes 1.5 s apart, ~5 s per claim) or fast (for segments the harness "
                    + "built itself; default: ${DEFAULT-VALUE}).")
    String arpTiming;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where a generated token is kept (default: /run/quirklab/agent).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (maxHours < 1 || maxHours > 168) {
            throw new IllegalArgumentException("--max-hours must be 1..168");
        }
        InetSocketAddress bind = parseControl(control);
        ArpGuard.Timing timing = ArpGuard.Timing.parse(arpTiming);
        if (!Files.exists(Path.of("/sys/class/net", iface)) && Files.isDirectory(Path.of("/sys/class/net"))) {
            throw new IllegalArgumentException("--iface " + iface + ": no such interface here (ip -br link lists them)");
        }
        Path dir = stateDir != null ? stateDir : VirtualLab.defaultStateDir().resolve("agent");
        if (personas != null) {
            AgentHost.personas(personas); // a FIFO, /dev/zero or a broken file: one line now, before a token or an interface
        }
        AgentToken token = AgentToken.resolve(tokenFile, System.getenv(AgentToken.ENV), dir.resolve("agent.token"));
        SSLContext tls = tlsKeystore == null ? null : tls(tlsKeystore);
        // Requests only, inbound only: the responder must not see the frames it injects itself.
        try (FrameTap tap = PcapLink.openTap(iface, "arp or (ip and (icmp or udp dst port 623))", true);
             FrameTap arpTap = PcapLink.openTap(iface, "arp", true);
             FrameInjector injector = PcapLink.openInjector(iface)) {
            AgentHost host = AgentHost.start(new AgentHost.Config(bind, token.value(), personas, timing, tls, Duration.ofHours(maxHours),
                    AgentHost.JOURNAL_ENTRIES, AgentHost.JOURNAL_BYTES), tap, arpTap, injector, line -> {
                        out.println(Instant.now() + " " + Terminal.text(line)); // a peer's values: one line each
                        out.flush();
                    });
            Runtime.getRuntime().addShutdownHook(new Thread(host::close, "agent-shutdown-hook"));
            String scheme = tls == null ? "http" : "https";
            out.printf("%s agent on %s: control %s://%s:%d, ARP timing %s%n", Instant.now(), iface, scheme,
                    host.address().getAddress().getHostAddress(), host.address().getPort(), arpTiming);
            if (token.generated()) {
                out.println("token (shown once; stored owner-only in " + token.file() + "): " + token.value());
            } else {
                out.println("token from " + (token.file() != null ? token.file() : "$" + AgentToken.ENV));
            }
            out.flush();
            host.run();
        }
        return 0;
    }

    static InetSocketAddress parseControl(String s) {
        int i = s.lastIndexOf(':');
        if (i <= 0 || i == s.length() - 1) {
            throw new IllegalArgumentException("--control '" + s + "': expected ADDR:PORT, e.g. 198.18.7.2:8623");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(i + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--control '" + s + "': port '" + s.substring(i + 1) + "' is not 1..65535");
        }
        String host = s.substring(0, i).replaceAll("^\\[|]$", "");
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException("--control '" + s + "': give an IP address, not a name");
        }
        InetAddress a;
        try {
            a = AddressText.ip(host);
        } catch (AddressText.NotAnAddress e) {
            throw new IllegalArgumentException("--control " + e.getMessage());
        }
        if (a.isAnyLocalAddress()) {
            throw new IllegalArgumentException("--control '" + s + "': listen on the one management address, not the wildcard");
        }
        return new InetSocketAddress(a, port);
    }

    private static SSLContext tls(Path keystore) throws java.io.IOException {
        String pw = System.getenv(AgentTls.PASSWORD_ENV);
        return AgentTls.serverContext(keystore, pw == null ? new char[0] : pw.toCharArray());
    }
}
