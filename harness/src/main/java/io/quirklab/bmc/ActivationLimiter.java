package io.quirklab.bmc;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Budgets for unauthenticated work: session activation messages (Get Session Challenge, Activate Session, Open Session,
 * RAKP 1 and 3). Each costs a token of its source's bucket and one of a global bucket; a set-up that ends in an
 * authenticated session gets its tokens back, so clients that log in pay nothing while a flood of half-open or failed
 * attempts is held to {@link #REFILL_PER_SECOND} per source and {@link #GLOBAL_PER_SECOND} in all.
 *
 * <p>Legitimate logins first: the last {@link #GLOBAL_RESERVE} tokens of the global bucket go only to messages that
 * continue a set-up under way and to sources that have asked for little lately (a client starting its login), never to
 * a source that keeps asking (a flooder), so a flood from any number of sources cannot starve a login. Sources are
 * remembered exactly up to {@link #MAX_SOURCES}; beyond that, in a fixed-size sketch (several hashed buckets per
 * source, the fullest counts), so a flood from more sources than the table holds is still limited per source instead
 * of every forgotten source starting afresh. Bounded in memory; not thread-safe (the BMC serialises access).
 */
final class ActivationLimiter {
    /** Tokens a quiet source starts with: room for a burst of retries of a few clients behind one address. */
    static final int BURST = 32;
    /** Unrewarded attempts a source may make per second once its burst is spent. */
    static final int REFILL_PER_SECOND = 8;
    /** Sources remembered exactly; more are kept in the sketch. */
    static final int MAX_SOURCES = 1024;
    /** Unrewarded attempts per second over all sources, and the burst the global bucket holds. */
    static final int GLOBAL_PER_SECOND = 256;
    static final int GLOBAL_BURST = 512;
    /** The part of the global burst kept for logins under way and for sources that asked for little lately. */
    static final int GLOBAL_RESERVE = 128;
    /**
     * A source with at most this many unrewarded new set-ups outstanding, forgiven one per {@link #DEMAND_INTERVAL_MICROS},
     * asks for little: a client starting its login, or one that mistyped its password a few times.
     */
    static final int LIGHT = 4;
    static final long DEMAND_INTERVAL_MICROS = 1_000_000L;
    /** What a source's outstanding demand is counted up to: a long flood is remembered for a minute after it stops. */
    static final long DEMAND_MEMORY_MICROS = 60_000_000L;
    /** The sketch: slots (a power of two) and buckets per source; about 2 MiB, made only when the table overflows. */
    static final int SKETCH_SLOTS = 1 << 17;
    static final int SKETCH_HASHES = 4;

    private static final long INTERVAL = 1_000_000L / REFILL_PER_SECOND;
    private static final long GLOBAL_INTERVAL = 1_000_000L / GLOBAL_PER_SECOND;

    /** What an attempt is: the start of a set-up (it makes state), or a message that continues one. */
    enum Work {
        NEW_SET_UP,
        FOLLOW_UP
    }

    /** Why an attempt was refused, or that it was not. */
    enum Admission {
        ADMITTED,
        SOURCE_LIMIT,
        GLOBAL_LIMIT
    }

    /**
     * A source's two clocks (GCRA, in micros): {@code allowed} runs ahead by one interval per admitted attempt (it may
     * run at most a burst ahead of now), {@code demand} by one demand interval per new set-up, admitted or not.
     */
    private static final class Bucket {
        long allowed;
        long demand;

        boolean idle(long now) {
            return allowed <= now && demand <= now;
        }
    }

    private final Map<InetAddress, Bucket> table = new LinkedHashMap<>(64, 0.75f, true);
    private final long key = new SecureRandom().nextLong();
    private long[] sketchAllowed;
    private long[] sketchDemand;
    private long global;
    private long refusedGlobal;

    /** Charges one activation message from {@code source}; its admission or why it was refused. */
    Admission tryAcquire(InetAddress source, Work work, long nowMillis) {
        long now = nowMillis * 1000;
        Bucket exact = exact(source, now);
        int[] slots = exact == null ? slots(source) : null;
        long allowed = exact != null ? backlog(exact.allowed, now) : sketch(sketchAllowed, slots, now);
        long demand = exact != null ? backlog(exact.demand, now) : sketch(sketchDemand, slots, now);
        // new set-ups are what a flood is made of; a message continuing one is bounded by the set-ups admitted
        long demanded = work == Work.NEW_SET_UP ? Math.min(demand + DEMAND_INTERVAL_MICROS, DEMAND_MEMORY_MICROS) : demand;
        boolean light = demanded <= LIGHT * DEMAND_INTERVAL_MICROS;
        if (exact != null) {
            exact.demand = now + demanded;
        } else {
            raise(sketchDemand, slots, now + demanded);
        }
        if (allowed + INTERVAL > BURST * INTERVAL) {
            return Admission.SOURCE_LIMIT;
        }
        long g = backlog(global, now);
        int room = work == Work.FOLLOW_UP || light ? GLOBAL_BURST : GLOBAL_BURST - GLOBAL_RESERVE;
        if (g + GLOBAL_INTERVAL > room * GLOBAL_INTERVAL) {
            refusedGlobal++;
            return Admission.GLOBAL_LIMIT;
        }
        global = now + g + GLOBAL_INTERVAL;
        if (exact != null) {
            exact.allowed = now + allowed + INTERVAL;
        } else {
            raise(sketchAllowed, slots, now + allowed + INTERVAL);
        }
        return Admission.ADMITTED;
    }

    /**
     * Gives back the tokens of a set-up that ended in an authenticated session, to its source and to the global bucket.
     * The source has shown it is no flooder: the set-ups it left unanswered (a client's retransmitted challenges when an
     * answer came late or was lost under a flood) stop counting as its demand, in its exact place and in the sketch alike,
     * so it is a light source again wherever it is counted next (its exact place may go to another source once idle).
     * Lowering the sketch's slots lowers them for the few sources that share one (a flooder sharing all of its slots
     * with a source that authenticates is about as likely as a hash collision), and only until they ask again.
     */
    void reward(InetAddress source, int tokens, long nowMillis) {
        long now = nowMillis * 1000;
        long back = tokens * INTERVAL;
        global = Math.max(now, global - tokens * GLOBAL_INTERVAL);
        Bucket b = exact(source, now);
        if (b != null) {
            b.allowed = Math.max(now, b.allowed - back);
            b.demand = now;
        }
        if (sketchAllowed == null) {
            return;
        }
        for (int s : slots(source)) {
            if (b == null) {
                sketchAllowed[s] = Math.max(now, sketchAllowed[s] - back);
            }
            sketchDemand[s] = Math.min(sketchDemand[s], now);
        }
    }

    /** Whether {@code source} has asked for more than a client starting its login would (without counting this as asking). */
    boolean asksMuch(InetAddress source, long nowMillis) {
        long now = nowMillis * 1000;
        Bucket b = table.get(source);
        long demand = b != null ? backlog(b.demand, now) : sketchDemand == null ? 0 : sketch(sketchDemand, slots(source), now);
        return demand > LIGHT * DEMAND_INTERVAL_MICROS;
    }

    /** Sources in the exact table. */
    int sources() {
        return table.size();
    }

    /** Attempts refused because the global budget was spent (for tests and benchmarks). */
    long refusedGlobal() {
        return refusedGlobal;
    }

    /**
     * The source's bucket in the exact table, made when there is room: a free slot, or the least recently seen source
     * when it is idle (forgetting an idle source loses nothing). Null when the table is full of active sources: the
     * source is counted in the sketch. A source the sketch knows enters the table with what the sketch knew of it.
     */
    private Bucket exact(InetAddress source, long now) {
        Bucket b = table.get(source);
        if (b != null) {
            return b;
        }
        if (table.size() >= MAX_SOURCES) {
            Iterator<Map.Entry<InetAddress, Bucket>> eldest = table.entrySet().iterator();
            if (!eldest.next().getValue().idle(now)) {
                return null;
            }
            eldest.remove();
        }
        b = new Bucket();
        if (sketchAllowed != null) {
            int[] slots = slots(source);
            b.allowed = now + sketch(sketchAllowed, slots, now);
            b.demand = now + sketch(sketchDemand, slots, now);
        }
        table.put(source, b);
        return b;
    }

    private int[] slots(InetAddress source) {
        if (sketchAllowed == null) {
            sketchAllowed = new long[SKETCH_SLOTS];
            sketchDemand = new long[SKETCH_SLOTS];
        }
        long h = key;
        for (byte x : source.getAddress()) {
            h = (h ^ (x & 0xFF)) * 0x100000001B3L;
        }
        long h1 = mix(h);
        long h2 = mix(h1 ^ 0x9E3779B97F4A7C15L) | 1;
        int[] slots = new int[SKETCH_HASHES];
        for (int i = 0; i < SKETCH_HASHES; i++) {
            slots[i] = (int) ((h1 + i * h2) & (SKETCH_SLOTS - 1));
        }
        return slots;
    }

    /** The source's backlog as the sketch tells it: the least of its slots (a slot shared with a flooder only overstates). */
    private static long sketch(long[] clocks, int[] slots, long now) {
        long least = Long.MAX_VALUE;
        for (int s : slots) {
            least = Math.min(least, backlog(clocks[s], now));
        }
        return least;
    }

    /** Conservative update: no slot is raised past what this source needs, so other sources in a slot pay less. */
    private static void raise(long[] clocks, int[] slots, long to) {
        for (int s : slots) {
            clocks[s] = Math.max(clocks[s], to);
        }
    }

    private static long backlog(long clock, long now) {
        return Math.max(0, clock - now);
    }

    /** SplitMix64's finaliser: every bit of the input moves every bit of the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
