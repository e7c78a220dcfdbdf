package io.quirklab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the command line in-process with its standard output and error captured, as a lab engineer would see them:
 * the command line's own writers, so nothing global is swapped and tests may run side by side.
 */
final class Console implements AutoCloseable {
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    /** Runs {@code quirklab ARGS} and returns its exit code; output accumulates until {@link #reset}. */
    int run(String... args) {
        return QuirklabCommand.execute(QuirklabCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)), args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    void reset() {
        out = new StringWriter();
        err = new StringWriter();
    }

    @Override
    public void close() {
        // nothing to put back: no global stream was touched
    }
}
