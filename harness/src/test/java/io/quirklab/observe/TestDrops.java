package io.quirklab.observe;

import java.time.Duration;

/**
 * A run-wide drop source fed by the test (the windowing is {@link RunWideDrops}'s own): every drop is of replies from
 * {@code src} port 623 to {@code dst}; it has always read up to any instant asked about.
 */
public final class TestDrops extends RunWideDrops {
    private final String src;
    private final String dst;

    public TestDrops(String src, String dst) {
        super(100);
        this.src = src;
        this.dst = dst;
    }

    /** A drop of a reply to {@code port} (0: a later fragment) at {@code monoNanos}, for {@code reason}. */
    public void drop(long monoNanos, String reason, int port) {
        add(new FlowDrops.Drop(monoNanos, reason, "kfree_skb reason " + reason, new OsReport.Flow(src, 623, dst, port), null));
    }

    @Override
    public String source() {
        return OsReport.KFREE_SKB;
    }

    @Override
    public String describe() {
        return "drops fed by the test";
    }

    @Override
    public boolean awaitUpTo(long monoNanos, Duration max) {
        return true;
    }

    @Override
    public void close() {
    }
}
