package io.quirklab.lab;

import java.io.IOException;

/**
 * How a lab session undoes what it did: exactly once, on close or at JVM exit, whichever comes first (a kill -9 is
 * left to the journal and the next run or {@code lab restore}). Every lab session owns one.
 */
final class Teardown implements AutoCloseable {
    /** The session's undo steps. */
    @FunctionalInterface
    interface Steps {
        void run() throws IOException;
    }

    private final Steps steps;
    private final Thread hook;
    private boolean done;

    private Teardown(Steps steps, String name) {
        this.steps = steps;
        this.hook = new Thread(() -> {
            try {
                run();
            } catch (IOException | RuntimeException ignored) {
                // best effort at exit: the journal and the next run (or lab restore) finish the job
            }
        }, name);
    }

    /** Undoes {@code steps} on {@link #close} or at JVM exit. */
    static Teardown atExit(String name, Steps steps) {
        Teardown t = new Teardown(steps, name);
        Runtime.getRuntime().addShutdownHook(t.hook);
        return t;
    }

    /** Runs the steps if they have not run; later calls do nothing. */
    synchronized void run() throws IOException {
        if (done) {
            return;
        }
        done = true;
        steps.run();
    }

    synchronized boolean done() {
        return done;
    }

    @Override
    public void close() throws IOException {
        try {
            run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: run() is idempotent
            }
        }
    }
}
