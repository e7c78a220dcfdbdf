package io.quirklab.agent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A request must arrive whole within {@code deadline}: a connection that keeps sending bytes without completing a
 * request in that time (a request line or headers dribbled a byte at a time, which the idle timeout never sees) is
 * closed. A connection that sends nothing is the idle timeout's.
 */
final class RequestDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration deadline;
    private final AtomicLong closed = new AtomicLong();

    RequestDeadline(Scheduler scheduler, Duration deadline) {
        this.scheduler = scheduler;
        this.deadline = deadline;
    }

    @Override
    public void onOpened(Connection c) {
        if (c instanceof ConnectionMetaData) { // HTTP over the socket or inside TLS, not the TLS layer itself
            schedule(c, c.getMessagesIn(), c.getBytesIn());
        }
    }

    private void schedule(Connection c, long messages, long bytes) {
        scheduler.schedule(() -> check(c, messages, bytes), deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check(Connection c, long messages, long bytes) {
        if (!c.getEndPoint().isOpen()) {
            return;
        }
        long m = c.getMessagesIn();
        long b = c.getBytesIn();
        if (m == messages && b > bytes) {
            closed.incrementAndGet();
            c.getEndPoint().close();
            return;
        }
        schedule(c, m, b);
    }

    long closed() {
        return closed.get();
    }
}
