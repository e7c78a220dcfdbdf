package io.quirklab.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quirklab} command line. */
@Command(name = "quirklab", mixinStandardHelpOptions = true, versionProvider = QuirklabCommand.Version.class,
        description = {"Reproduce UDP delivery failures caused by packet quirks and NIC offloads",
                "with a simulated Tyan SMDC BMC and real IPMI clients.", ""},
        subcommands = {RunCommand.class, LabCommand.class, ProbeCommand.class, SmdcCommand.class, IpmiCommand.class,
                BenchCommand.class, ResponderCommand.class, CompareCommand.class, BaselineCommand.class, EnvCommand.class,
                RestoreCommand.class,
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
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("quirklab: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Version from the build. */
    public static String version() {
        try (InputStream in = QuirklabCommand.class.getResourceAsStream("/quirklab-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"quirklab " + version(), "Java " + System.getProperty("java.version")};
        }
    }
}
