package io.quirklab.bmc;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One line per exchange, but at most {@code linesPerSecond} of them each second: the rest are counted and summarised
 * in one line when the next second's first line comes (or on {@link #flush}). A flood then adds a couple of lines
 * a second to the log instead of one per datagram (about 38 MB per 500,000 datagrams before). Thread-safe.
 */
public final class RateLimitedLog implements Consumer<String> {
    private final Consumer<String> out;
    private final int linesPerSecond;
    private final Clock clock;
    private long windowStart;
    private int shownInWindow;
    private long suppressed;
    private long suppressedSince;

    public RateLimitedLog(Consumer<String> out, int linesPerSecond, Clock clock) {
        if (linesPerSecond < 1) {
            throw new IllegalArgumentException("linesPerSecond must be at least 1");
        }
        this.out = out;
        this.linesPerSecond = linesPerSecond;
        this.clock = clock;
        this.windowStart = clock.millis();
    }

    @Override
    public void accept(String line) {
        accept(() -> line);
    }

    /** As {@link #accept(String)}, building the line only when it is within the rate. */
    public synchronized void accept(Supplier<String> line) {
        long now = clock.millis();
        if (now - windowStart >= 1000) {
            flush();
            windowStart = now;
            shownInWindow = 0;
        }
        if (shownInWindow < linesPerSecond) {
            shownInWindow++;
            out.accept(line.get());
            return;
        }
        if (suppressed == 0) {
            suppressedSince = now;
        }
        suppressed++;
    }

    /** Writes the summary of lines held back so far, if any. */
    public synchronized void flush() {
        if (suppressed > 0) {
            out.accept(String.format("... %,d more exchanges in %.1f s not logged (at most %d lines a second)", suppressed,
                    Math.max(1, clock.millis() - suppressedSince) / 1000.0, linesPerSecond));
            suppressed = 0;
        }
    }

    /** Lines held back and not yet summarised. */
    public synchronized long suppressed() {
        return suppressed;
    }
}
