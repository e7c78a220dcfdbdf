package io.quirklab.cli;

import io.quirklab.Version;
import io.quirklab.matrix.OffloadState;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code quirklab} command line, and its entry point: the one place that touches {@code System.out} and
 * {@code System.err}. Every command writes through picocli's writers ({@code spec.commandLine().getOut()/getErr()}),
 * which are set here once for the whole tree and flushed before the process exits.
 */
@Command(name = "quirklab", mixinStandardHelpOptions = true, versionProvider = QuirklabCommand.VersionText.class,
        description = {"Reproduce UDP delivery failures caused by packet quirks and NIC offloads",
                "with a simulated Tyan SMDC BMC and real IPMI clients.", ""},
        subcommands = {RunCommand.class, LabCommand.class, ProbeCommand.class, SmdcCommand.class, IpmiCommand.class,
                BenchCommand.class, ResponderCommand.class, AgentCommand.class, AgentBenchCommand.class, CompareCommand.class, BaselineCommand.class, EnvCommand.class, ExplainCommand.class,
                RestoreCommand.class, FleetCommand.class, BisectCommand.class, PersonaCommand.class,
                CommandLine.HelpCommand.class})
public final class QuirklabCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line writing to this process's standard output and error. One writer each for the whole tree (a
     * subcommand would otherwise make its own, which nobody flushes); println and printf flush, print does not.
     */
    public static CommandLine commandLine() {
        return commandLine(writer(System.out, "stdout.encoding", "sun.stdout.encoding"),
                writer(System.err, "stderr.encoding", "sun.stderr.encoding"));
    }

    /**
     * The command line writing to {@code out} and {@code err} (tests, or another front end), through {@link Terminal}'s
     * net: no control character but a line end or a tab reaches them raw.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new QuirklabCommand());
        cl.registerConverter(OffloadState.class, OffloadState::of);
        // no colours in help: the writers escape ESC, as they do for any control character a file or a peer slips in
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setOut(Terminal.writer(out));
        cl.setErr(Terminal.writer(err));
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("quirklab: " + ErrorLine.of(ex));
            if ("1".equals(System.getenv("QUIRKLAB_DEBUG"))) {
                ex.printStackTrace(cmd.getErr());
            }
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(execute(commandLine(), args));
    }

    /** Runs the command and flushes what it wrote, whatever it printed last (a YAML document ends without println). */
    static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands errors on: the one line still, not java's stack trace (the failed allocation is free again)
            cl.getErr().println("quirklab: " + ErrorLine.of(e));
            if ("1".equals(System.getenv("QUIRKLAB_DEBUG"))) {
                e.printStackTrace(cl.getErr());
            }
            return 2;
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** A writer in the stream's encoding as the JDK (and picocli) pick it: a Windows console's code page, else the default. */
    private static PrintWriter writer(PrintStream stream, String... encodingProperties) {
        Charset charset = Charset.defaultCharset();
        for (String p : encodingProperties) {
            String name = System.getProperty(p);
            try {
                if (name != null) {
                    charset = Charset.forName(name);
                    break;
                }
            } catch (IllegalArgumentException e) {
                // an unknown name: the default, as the JDK falls back
            }
        }
        return new PrintWriter(new OutputStreamWriter(stream, charset), true);
    }

    /** Version from the build. */
    public static String version() {
        return Version.get();
    }

    static final class VersionText implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"quirklab " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
