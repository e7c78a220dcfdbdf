package io.quirklab.testing;

import io.quirklab.cli.QuirklabCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * {@code quirklab ARGS} run in-process from any test package, with what it wrote to standard output and error.
 *
 * @param exit its exit code
 * @param out  standard output
 * @param err  standard error
 */
public record CommandLineRun(int exit, String out, String err) {
    public static CommandLineRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = QuirklabCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        int rc = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return new CommandLineRun(rc, out.toString(), err.toString());
    }
}
