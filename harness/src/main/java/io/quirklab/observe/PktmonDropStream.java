package io.quirklab.observe;

import io.quirklab.process.CommandRunner;
import io.quirklab.process.LongRunning;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Windows' drops for a whole run from one real-time PktMon session ({@code pktmon start ... --log-mode real-time}),
 * each with the dropped packet's flow, so cells of different personas run at the same time and each is told only its
 * own drops, as {@link KfreeSkbTracer} does on Linux. The console's lines are read by {@link PktmonStream} (the
 * parser of every PktMon text); a drop whose flow PktMon did not print belongs to no cell and is only counted.
 *
 * <p>PktMon prints the local time of day; a drop's time on the run's monotonic clock is "now" less how long ago that
 * printed time was, read on the {@link Clock} the stream was given (a fake one in tests). PktMon prints no heartbeat,
 * so everything up to an instant has been read once a later event arrived or {@link #DELIVERY} has passed since it
 * (ETW hands a real-time session's buffers over at least once a second).
 */
public final class PktmonDropStream extends RunWideDrops {
    /** How late an event may reach the console after it happened. */
    public static final Duration DELIVERY = Duration.ofSeconds(1);
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_KEPT = 200_000;
    private static final long DAY = Duration.ofDays(1).toNanos();
    /** The filter of the per-cell session too: the IPMI port's UDP. */
    public static final List<String> FILTER = List.of("pktmon", "filter", "add", "quirklab", "-t", "UDP", "-p", "623");
    /** Drops only, as they happen: today's syntax, then the one of the builds that still spell it --etw. */
    static final List<List<String>> STARTS = List.of(
            List.of("pktmon", "start", "--capture", "--type", "drop", "--pkt-size", "0", "--log-mode", "real-time"),
            List.of("pktmon", "start", "--etw", "--log-mode", "real-time"));

    /** The two clocks a drop's time is read on: the run's monotonic one and the local time of day PktMon prints. */
    public interface Clock {
        /** On {@link System#nanoTime}'s scale. */
        long monoNanos();

        /** The local time of day, in nanoseconds since midnight. */
        long nanosOfDay();

        static Clock system() {
            return new Clock() {
                @Override
                public long monoNanos() {
                    return System.nanoTime();
                }

                @Override
                public long nanosOfDay() {
                    return LocalTime.now().toNanoOfDay();
                }
            };
        }
    }

    private final PktmonStream parser = new PktmonStream();
    private final Clock clock;
    private final String command;
    private final LongRunning process;
    private final CommandRunner runner;
    /** The monotonic time of the latest event read that printed its time: everything before it has been read. */
    private long readUpTo = Long.MIN_VALUE;
    private long withoutFlow;
    private long lines;
    private String firstLine;
    private volatile boolean closed;

    private PktmonDropStream(Clock clock, String command, LongRunning process, CommandRunner runner) {
        super(MAX_KEPT);
        this.clock = clock;
        this.command = command;
        this.process = process;
        this.runner = runner;
    }

    /** A stream whose lines the caller feeds ({@link #accept}): a recorded console, or a test. */
    public static PktmonDropStream reading(Clock clock) {
        return new PktmonDropStream(clock, "a recorded PktMon console", null, null);
    }

    /**
     * Sets PktMon's filter to the lab's IPMI traffic and starts one real-time session for the run, read on a thread.
     *
     * @param started told the pktmon process as soon as it runs (to journal it)
     * @throws IOException in words when no syntax of {@link #STARTS} keeps a session running
     */
    public static PktmonDropStream start(CommandRunner runner, Consumer<ProcessHandle> started) throws IOException {
        for (List<String> step : List.of(List.of("pktmon", "filter", "remove"), FILTER)) {
            CommandRunner.Result r = runner.run(START_TIMEOUT, step);
            if (!r.ok()) {
                runner.run(START_TIMEOUT, List.of("pktmon", "filter", "remove"));
                throw new IOException(problem(r));
            }
        }
        String why = null;
        for (List<String> command : STARTS) {
            LongRunning p = LongRunning.start(command, LongRunning.Output.PIPE, null, false, started);
            PktmonDropStream s = new PktmonDropStream(Clock.system(), CommandRunner.quote(command), p, runner);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.process().getInputStream(), runner.charset()));
            Thread reader = new Thread(() -> s.read(out), "pktmon-real-time");
            reader.setDaemon(true);
            reader.start();
            String first = s.awaitFirstLine();
            try {
                // a pktmon that refuses the syntax prints its complaint and ends: one that still runs a second later streams
                if (first != null && !p.process().waitFor(1, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "pktmon-stop"));
                    return s;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.stop(Duration.ofSeconds(3));
            why = CommandRunner.quote(command) + (first == null ? " printed nothing within " + START_TIMEOUT.toSeconds() + " s"
                    : " ended: " + first);
        }
        runner.run(START_TIMEOUT, List.of("pktmon", "filter", "remove"));
        throw new IOException(why);
    }

    /** The console's first line ("Active measurement started." in English), or null when it ended or stayed silent. */
    private synchronized String awaitFirstLine() {
        awaitOn(this, () -> firstLine != null, () -> ended() != null, START_TIMEOUT, Long.MAX_VALUE);
        return firstLine;
    }

    private void read(BufferedReader out) {
        try (out) {
            String line;
            while ((line = out.readLine()) != null) {
                accept(line);
            }
            finish();
            end(command + " ended");
        } catch (IOException e) {
            end(command + " could not be read: " + e.getMessage());
        }
    }

    /** Why a pktmon step failed, in a sentence. */
    public static String problem(CommandRunner.Result r) {
        if (!r.started()) {
            return "pktmon is not available (" + r.firstLine() + "): it comes with Windows 10 1809 and later";
        }
        if (r.exitCode() == 87) { // ERROR_INVALID_PARAMETER, pktmon's answer to a flag it does not know, without a word
            return r.commandLine() + " exited 87 (invalid parameter) without a word: this Windows build's pktmon has another syntax "
                    + "(1809 differs); PktMon drop reasons unavailable";
        }
        String first = r.firstLine();
        return r.describeFailure() + (first.toLowerCase(Locale.ROOT).contains("access") ? " (pktmon needs Administrator)" : "");
    }

    /** Takes one line of the console. */
    public synchronized void accept(String line) {
        lines++;
        if (firstLine == null && !line.isBlank()) {
            firstLine = line.strip();
            notifyAll(); // wakes start()
        }
        take(parser.accept(line));
    }

    /** The console ended: the event still waiting for its packet line is taken. */
    public synchronized void finish() {
        take(parser.finish());
    }

    private void take(List<PktmonStream.Event> events) {
        for (PktmonStream.Event e : events) {
            long at = monoOf(e.nanosOfDay());
            if (e.nanosOfDay() >= 0) {
                readUpTo = Math.max(readUpTo, at);
                notifyAll(); // wakes awaitUpTo()
            }
            if (e instanceof PktmonStream.Drop d) {
                if (d.packet() == null) {
                    withoutFlow++;
                } else {
                    add(new Drop(at, d.reason(), d.detail(), d.packet(), d.component()));
                }
            }
        }
    }

    /** A printed time of day on the monotonic clock: now less how long ago it was (now when it was not printed). */
    private long monoOf(long printedNanosOfDay) {
        long now = clock.monoNanos();
        if (printedNanosOfDay < 0) {
            return now;
        }
        long ago = Math.floorMod(clock.nanosOfDay() - printedNanosOfDay, DAY);
        if (ago > DAY / 2) {
            return now; // printed a moment ahead of our clock: not in the past
        }
        return now - ago;
    }

    @Override
    public String source() {
        return OsReport.PKTMON;
    }

    @Override
    public String describe() {
        return "Windows drop reasons per packet (one real-time PktMon session for the run: " + command + ")";
    }

    /** Drops whose packet line PktMon did not print: counted, but no cell's. */
    public synchronized long withoutFlow() {
        return withoutFlow;
    }

    /** The console's lines read so far. */
    public synchronized long lines() {
        return lines;
    }

    @Override
    public synchronized boolean awaitUpTo(long monoNanos, Duration max) {
        // the clock moves on without a line to wake the wait: look every 10 ms
        return awaitOn(this, () -> readUpTo >= monoNanos || clock.monoNanos() >= monoNanos + DELIVERY.toNanos(),
                () -> ended() != null, max, 10);
    }

    /** Ends the console and the session, and removes the filter. */
    @Override
    public void close() {
        if (closed) {
            return; // by the run, and again by the shutdown hook
        }
        closed = true;
        if (process == null) {
            end("closed");
            return;
        }
        process.stop(Duration.ofSeconds(3));
        List<String> problems = new ArrayList<>();
        for (List<String> step : List.of(List.of("pktmon", "stop"), List.of("pktmon", "filter", "remove"))) {
            CommandRunner.Result r = runner.run(START_TIMEOUT, step);
            if (!r.ok()) {
                problems.add(problem(r));
            }
        }
        end(problems.isEmpty() ? "closed" : "closed; " + String.join("; ", problems));
    }
}
