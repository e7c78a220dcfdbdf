package io.quirklab.process;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Waiting for something outside this process with a deadline (a process answering, a link coming back): the one place
 * the harness polls, as Testcontainers' wait strategies do. What another thread of this process advances is awaited on
 * a monitor instead ({@link Watermark}); a fixed sleep is never a wait.
 */
public final class Await {
    private Await() {
    }

    /** One look at what is awaited; an IOException says it will never come (the process died). */
    @FunctionalInterface
    public interface Check<T> {
        T get() throws IOException;
    }

    /**
     * How a bounded wait ended.
     *
     * @param reached whether the condition held before the deadline
     * @param last    the last value looked at
     * @param waited  how long it took
     */
    public record Outcome<T>(boolean reached, T last, Duration waited) {
    }

    /**
     * Looks every {@code interval} until {@code done} accepts the value or {@code timeout} has passed (then the outcome
     * says so: the caller decides whether that is an error).
     */
    public static <T> Outcome<T> poll(String what, Duration timeout, Duration interval, Check<T> check, Predicate<T> done)
            throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            T v = check.get();
            long now = System.nanoTime();
            if (done.test(v)) {
                return new Outcome<>(true, v, Duration.ofNanos(now - start));
            }
            if (now >= deadline) {
                return new Outcome<>(false, v, Duration.ofNanos(now - start));
            }
            pause(what, Math.min(interval.toNanos(), deadline - now));
        }
    }

    /**
     * The value {@code check} finds once it finds one; an IOException naming {@code what} when {@code timeout} passes
     * first (with the last reason {@code check} gave, through {@link NotYet}).
     */
    public static <T> T until(String what, Duration timeout, Duration interval, Check<Optional<T>> check) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastReason = null;
        while (true) {
            try {
                Optional<T> v = check.get();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (NotYet e) {
                lastReason = e.getMessage();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException(what + " did not happen within " + seconds(timeout) + (lastReason == null ? "" : " (" + lastReason + ")"));
            }
            pause(what, Math.min(interval.toNanos(), left));
        }
    }

    /** A check that failed this time and may succeed the next: its message is kept for the timeout's error. */
    public static final class NotYet extends IOException {
        public NotYet(String message) {
            super(message);
        }
    }

    private static void pause(String what, long nanos) throws IOException {
        try {
            Thread.sleep(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
