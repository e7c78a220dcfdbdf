package io.quirklab.lab.vm;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** The one bounded wait of this package: polls a condition until it yields a value or the time is up (then says what did not happen). */
final class Await {
    static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** A check that may fail outright (QEMU exited): its IOException ends the wait at once. */
    @FunctionalInterface
    interface Check<T> {
        Optional<T> poll() throws IOException;
    }

    static <T> T until(String what, Duration timeout, Check<T> check) throws IOException {
        return until(what, timeout, POLL, check);
    }

    /** {@link #until} polling every {@code poll}. */
    static <T> T until(String what, Duration timeout, Duration poll, Check<T> check) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = check.poll();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() >= deadline) {
                throw new IOException(what + " did not happen within " + timeout.toSeconds() + " s");
            }
            LockSupport.parkNanos(poll.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while waiting until " + what);
            }
        }
    }
}
