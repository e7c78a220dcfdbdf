package io.quirklab.bmc;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-source token buckets for session activation messages (Get Session Challenge, Activate Session, Open Session,
 * RAKP 1 and 3): each costs a token, and a set-up that ends in an authenticated session gets its tokens back, so
 * clients that log in pay nothing while a flood of half-open or failed attempts from one address is held to
 * {@link #REFILL_PER_SECOND}. Bounded in sources; not thread-safe (the BMC serialises access).
 */
final class ActivationLimiter {
    /** Tokens a quiet source starts with: room for a burst of retries of a few clients behind one address. */
    static final int BURST = 32;
    /** Unrewarded attempts a source may make per second once its burst is spent. */
    static final int REFILL_PER_SECOND = 8;
    /** Sources remembered; the least recently seen is forgotten (a forgotten source starts afresh, with a burst). */
    static final int MAX_SOURCES = 1024;

    private static final class Bucket {
        double tokens = BURST;
        long refilledMillis;
    }

    private final Map<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

    /** Takes one token for an activation message from {@code source}; false when its bucket is empty. */
    boolean tryAcquire(InetAddress source, long now) {
        Bucket b = bucket(source, now);
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Gives back the tokens of a set-up that ended in an authenticated session. */
    void reward(InetAddress source, int tokens, long now) {
        Bucket b = bucket(source, now);
        b.tokens = Math.min(BURST, b.tokens + tokens);
    }

    int sources() {
        return buckets.size();
    }

    private Bucket bucket(InetAddress source, long now) {
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= MAX_SOURCES) {
                Iterator<InetAddress> eldest = buckets.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            b = new Bucket();
            b.refilledMillis = now;
            buckets.put(source, b);
            return b;
        }
        long elapsed = now - b.refilledMillis;
        if (elapsed > 0) {
            b.tokens = Math.min(BURST, b.tokens + elapsed * REFILL_PER_SECOND / 1000.0);
            b.refilledMillis = now;
        }
        return b;
    }
}
