package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link CommandRunner.Executor} that answers from recorded-format fixtures (src/test/resources/io/quirklab/host)
 * instead of running anything: the Windows and macOS adapters run against it here. A rule matches when the command
 * line as the report shows it contains a given text; the first matching rule answers. A command without a rule
 * behaves like a program that is not installed. Every command line is logged in order.
 */
final class RecordedCommands implements CommandRunner.Executor {
    /** One answer. */
    record Reply(int exit, byte[] stdout, byte[] stderr) {
    }

    private record Rule(String contains, Function<CommandRunner.Invocation, Reply> answer) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    /** Answers commands containing {@code contains} with {@code reply}. */
    RecordedCommands on(String contains, Reply reply) {
        return on(contains, inv -> reply);
    }

    /** Answers commands containing {@code contains} with whatever {@code answer} says (state, side effects). */
    RecordedCommands on(String contains, Function<CommandRunner.Invocation, Reply> answer) {
        rules.add(new Rule(contains, answer));
        return this;
    }

    @Override
    public synchronized CommandRunner.Raw execute(CommandRunner.Invocation inv) throws IOException {
        log.add(inv.shown());
        for (Rule r : rules) {
            if (inv.shown().contains(r.contains())) {
                Reply reply = r.answer().apply(inv);
                return new CommandRunner.Raw(reply.exit(), reply.stdout(), reply.stderr(), false);
            }
        }
        throw new IOException("Cannot run program \"" + inv.command().get(0) + "\": not recorded (" + inv.shown() + ")");
    }

    /** The command lines run so far, in order. */
    synchronized List<String> log() {
        return List.copyOf(log);
    }

    /** Command lines that contain {@code text}. */
    synchronized List<String> ran(String text) {
        return log.stream().filter(l -> l.contains(text)).toList();
    }

    CommandRunner runner() {
        return new CommandRunner(StandardCharsets.UTF_8, this);
    }

    // --- replies

    static Reply ok(String stdout) {
        return new Reply(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    static Reply ok() {
        return new Reply(0, new byte[0], new byte[0]);
    }

    static Reply fails(int exit, String stderr) {
        return new Reply(exit, new byte[0], stderr.getBytes(StandardCharsets.UTF_8));
    }

    /** Exit 0 with a fixture as standard output, bytes as they are. */
    static Reply fixture(String path) {
        return new Reply(0, bytes(path), new byte[0]);
    }

    /** A failure with a fixture as standard error. */
    static Reply failsWith(int exit, String path) {
        return new Reply(exit, new byte[0], bytes(path));
    }

    /** The bytes of a fixture under src/test/resources/io/quirklab/host. */
    static byte[] bytes(String path) {
        try (InputStream in = RecordedCommands.class.getResourceAsStream("/io/quirklab/host/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    /** Writes a fixture to the path that follows {@code flag} in the command (pktmon etl2txt --out FILE), then answers {@code reply}. */
    static Function<CommandRunner.Invocation, Reply> writesFileAfter(String flag, String fixture, Reply reply) {
        return inv -> {
            int i = inv.command().indexOf(flag);
            try {
                Files.write(Path.of(inv.command().get(i + 1)), bytes(fixture));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return reply;
        };
    }
}
