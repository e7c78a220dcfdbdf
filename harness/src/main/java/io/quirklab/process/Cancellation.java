package io.quirklab.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request to end something early, given once with its reason, that whatever runs can react to: the runner kills a
 * program, a client closes its socket. A run that was never cancelled is ended by itself, as before.
 */
public final class Cancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private String reason;

    /** A cancellation that is never given: for calls nothing ends early. */
    public static Cancellation never() {
        return new Cancellation();
    }

    /** Cancels with {@code why}; the first reason counts, later calls do nothing. */
    public void cancel(String why) {
        List<Runnable> run;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null ? "cancelled" : why;
            run = List.copyOf(actions);
            actions.clear();
        }
        run.forEach(Runnable::run);
    }

    public synchronized boolean cancelled() {
        return reason != null;
    }

    /** Why it was cancelled, or empty. */
    public synchronized Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** Runs {@code action} on cancellation (at once when already cancelled). */
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (reason == null) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }
}
