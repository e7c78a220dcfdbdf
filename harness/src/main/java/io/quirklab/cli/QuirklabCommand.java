package io.quirklab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quirklab} command line. */
@Command(name = "quirklab", mixinStandardHelpOptions = true, versionProvider = QuirklabCommand.Version.class,
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
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new QuirklabCommand());
        cl.registerConverter(io.quirklab.matrix.OffloadState.class, io.quirklab.matrix.OffloadState::of);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("quirklab: " + ErrorLine.of(ex));
            if ("1".equals(System.getenv("QUIRKLAB_DEBUG"))) {
                ex.printStackTrace(new java.io.PrintWriter(cmd.getErr(), true));
            }
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the build. */
    public static String version() {
        return io.quirklab.Version.get();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"quirklab " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
