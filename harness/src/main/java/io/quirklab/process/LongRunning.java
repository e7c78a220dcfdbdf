package io.quirklab.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A process the harness starts and leaves running beyond one call: the responder, {@code ipmi_sim}, bpftrace. The
 * counterpart of {@link CommandRunner#run} for what does not end by itself: it is started with its input from
 * /dev/null or a pipe and its output appended to a log or read through a pipe, handed to {@code started} (which
 * journals it) the moment it exists, and ended through {@link ProcessOwner#end}: politely, then forcibly, and only
 * while it is still the process that was started.
 *
 * @param process the running process
 * @param owner   its PID and start time, as the restore journal records it
 */
public record LongRunning(Process process, ProcessOwner owner) implements AutoCloseable {
    /** How long {@link #close} gives the process to end after SIGTERM before it is killed. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    /** Where the process's output goes. */
    public enum Output {
        /** Appended to the log file, standard error with it. */
        LOG,
        /** Read by the caller through {@link Process#getInputStream} (standard error separately). */
        PIPE
    }

    /**
     * Starts {@code command}.
     *
     * @param log     with {@link Output#LOG}: the file its output is appended to; else ignored (may be null)
     * @param stdin   true: a pipe the caller writes to (or closes); false: /dev/null
     * @param started told the process as soon as it runs, before anything waits for it (to journal it)
     */
    public static LongRunning start(List<String> command, Output output, Path log, boolean stdin, Consumer<ProcessHandle> started)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (output == Output.LOG) {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        pb.redirectInput(stdin ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        started.accept(p.toHandle());
        return new LongRunning(p, ProcessOwner.of(p.toHandle()));
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Ends it (SIGTERM, then SIGKILL after {@code grace}); true when it is gone. */
    public boolean stop(Duration grace) {
        return owner.end(grace);
    }

    @Override
    public void close() {
        stop(GRACE);
    }
}
