package io.quirklab.cli;

import io.quirklab.responder.ControlChannel;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.Responder;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.responder.RotatingLog;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.PcapLink;
import java.net.Inet4Address;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab responder}: the raw-frame responder process that {@code lab up} starts in the lab's namespace. */
@Command(name = "responder", mixinStandardHelpOptions = true,
        description = {"Run the raw-frame responder on one interface (started by 'lab up'; runs until stopped).",
                "Answers ARP and ping for every persona and RMCP on UDP 623 with each persona's quirky frames."})
public final class ResponderCommand implements Callable<Integer> {
    /** Frames and bytes the journal keeps at most. */
    static final int JOURNAL_ENTRIES = 200_000;
    static final long JOURNAL_BYTES = 64L << 20;

    @Option(names = "--iface", required = true, paramLabel = "IF", description = "Interface to own (the responder end of the lab).")
    String iface;

    @Option(names = "--control", required = true, paramLabel = "SOCKET", description = "Unix socket for the control API.")
    Path control;

    @Option(names = "--personas", paramLabel = "FILE", description = "Persona catalogue (YAML); default: the built-in one.")
    Path personas;

    @Option(names = "--base", defaultValue = "198.18.0.10", paramLabel = "ADDRESS",
            description = "First persona address when the catalogue gives none (default: ${DEFAULT-VALUE}).")
    String base;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Write the log to FILE, capped (FILE and FILE.1, 4 MiB each); default: standard output.")
    Path log;

    @Option(names = "--max-hours", defaultValue = "12", description = "Stop by itself after this many hours (default: ${DEFAULT-VALUE}).")
    int maxHours;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxHours < 1 || maxHours > 168) {
            throw new IllegalArgumentException("--max-hours must be 1..168");
        }
        Inet4Address baseAddress = AddressPolicy.optionV4("--base", base);
        List<Persona> list = (personas == null ? PersonaCatalogue.builtIn(baseAddress) : PersonaCatalogue.load(personas, baseAddress)).personas();
        // one line per malformed frame can be a flood: a file log is capped, standard output is the caller's to bound
        java.util.function.Consumer<String> logLine = log != null ? new RotatingLog(log,
                RotatingLog.DEFAULT_CAP) : line -> spec.commandLine().getOut().println(Instant.now() + " " + Terminal.text(line));
        // Requests only, inbound only: the responder must not see the frames it injects itself.
        try (FrameTap tap = PcapLink.openTap(iface, "arp or (ip and (icmp or udp dst port 623)) or (ip6 and (icmp6 or udp dst port 623))",
                true);
             FrameInjector injector = PcapLink.openInjector(iface)) {
            Responder responder = new Responder(list, tap, injector, new ResponderJournal(JOURNAL_ENTRIES, JOURNAL_BYTES),
                    logLine, baseAddress);
            ServerSocketChannel server = ControlChannel.serve(control, responder::control);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                responder.close();
                try {
                    server.close();
                    Files.deleteIfExists(control);
                } catch (java.io.IOException ignored) {
                    // the lab's restore journal removes it too
                }
            }));
            logLine.accept(String.format("responder on %s: %d personas, control %s", iface, list.size(), control));
            responder.run(Duration.ofHours(maxHours));
            server.close();
            Files.deleteIfExists(control);
        }
        return 0;
    }
}
