package io.quirklab.process;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quirklab.input.InputFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A process that owns something on the host (a run that holds a lab or an offload change, a responder the harness
 * started): its PID and start time, so a recycled PID is never taken for the owner. The one test of "is the owner
 * still alive" that every journal and lock of the harness uses: the restore journal's processes and owners, the lab's
 * holder, the offload journal's owner.
 *
 * @param pid        its process id
 * @param started    its start time (ISO-8601), or null when the OS did not say
 * @param startTicks its start time in clock ticks since boot (Linux, /proc/PID/stat), exact; null elsewhere
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record ProcessOwner(long pid, @JsonProperty("started") String started, @JsonProperty("startTicks") Long startTicks) {
    public ProcessOwner(long pid, String started) {
        this(pid, started, null);
    }

    /** The process {@code pid} that started at clock tick {@code ticks} (as the restore journal and the lab lock write it). */
    public static ProcessOwner ofTicks(long pid, long ticks) {
        return new ProcessOwner(pid, null, ticks);
    }

    /** Start times read twice may differ by the clock's granularity; a recycled PID starts much later. */
    static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    /** This JVM. */
    public static ProcessOwner current() {
        return of(ProcessHandle.current());
    }

    public static ProcessOwner of(ProcessHandle h) {
        long ticks = startTicks(h.pid());
        return new ProcessOwner(h.pid(), h.info().startInstant().map(Instant::toString).orElse(null), ticks >= 0 ? ticks : null);
    }

    /** The process with this PID now, if there is one. */
    public static Optional<ProcessOwner> of(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessOwner::of);
    }

    /**
     * Still running, and the same process (not a recycled PID): the same start tick where both are known, else the
     * same start time within the clock's granularity; an unknown start time counts as the same. A zombie is dead.
     */
    public boolean alive() {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        String[] stat = stat(pid);
        if (stat != null && (stat[0].equals("Z") || stat[0].equals("X"))) {
            return false;
        }
        if (startTicks != null && stat != null) {
            return Long.parseLong(stat[19]) == startTicks;
        }
        Optional<Instant> now = h.get().info().startInstant();
        if (started == null || now.isEmpty()) {
            return true;
        }
        try {
            return Duration.between(Instant.parse(started), now.get()).abs().compareTo(START_TOLERANCE) <= 0;
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    /**
     * Dead but not yet reaped (state Z or X in /proc/PID/stat): its parent has not waited for it, e.g. under a PID 1
     * that does not reap. ProcessHandle still calls it alive; it holds nothing any more.
     */
    public static boolean zombie(long pid) {
        String[] stat = stat(pid);
        return stat != null && (stat[0].equals("Z") || stat[0].equals("X"));
    }

    /**
     * The fields of /proc/PID/stat after the command name (field 3, the state, first; the start ticks at index 19),
     * or null where there is none (not Linux, or the process is gone).
     */
    private static String[] stat(long pid) {
        try {
            String stat = InputFile.lenient(Path.of("/proc", Long.toString(pid), "stat"), InputFile.Kind.KERNEL);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            Long.parseLong(f[19]);
            return f;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The same process as {@code other} (PID and, where both know it, start time). */
    public boolean sameAs(ProcessOwner other) {
        if (other == null || pid != other.pid) {
            return false;
        }
        if (startTicks != null && other.startTicks != null) {
            return startTicks.equals(other.startTicks);
        }
        return started == null || other.started == null || started.equals(other.started);
    }

    /** Process start time in clock ticks since boot (field 22 of /proc/PID/stat), or -1 (gone, or not Linux). */
    public static long startTicks(long pid) {
        String[] stat = stat(pid);
        return stat == null ? -1 : Long.parseLong(stat[19]);
    }

    /** Ends the process if it is still this one: politely, then forcibly; true when it is gone. */
    public boolean end(Duration grace) {
        if (!alive()) {
            return true;
        }
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null) {
            return true;
        }
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception timeout) {
            h.destroyForcibly();
            try {
                h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception stillThere) {
                return false;
            }
        }
    }

    /** "pid 1234 (java -jar ..., since 2026-12-01T21:03:00Z)". */
    public String describe() {
        String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).map(c -> c.length() > 80 ? c.substring(0, 77) + "..." : c)
                .orElse(null);
        return "pid " + pid + (cmd == null && started == null ? "" : " (" + (cmd == null ? "" : cmd + ", ")
                + (started == null ? "" : "since " + started) + ")").replace(", )", ")");
    }
}
