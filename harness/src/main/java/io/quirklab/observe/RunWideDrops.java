package io.quirklab.observe;

import io.quirklab.input.AddressText;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What every run-wide source of drops ({@link KfreeSkbTracer}, {@link PktmonDropStream}) keeps: the drops read so far
 * (the last {@code capacity} for the cells' windows), a count that only grows, and a wait for the next one. The
 * source's reader thread adds, the cells' threads ask.
 */
abstract class RunWideDrops implements FlowDrops {
    private final int capacity;
    private final Deque<Kept> kept = new ArrayDeque<>();
    private long read;
    private String ended;

    RunWideDrops(int capacity) {
        this.capacity = capacity;
    }

    final synchronized void add(FlowDrops.Drop drop) {
        kept.addLast(new Kept(drop, canonical(drop.packet().src()), canonical(drop.packet().dst())));
        while (kept.size() > capacity) {
            kept.removeFirst();
        }
        read++;
        notifyAll(); // wakes awaitMore()
    }

    /** The source ended (why, in words): waiters stop waiting. */
    final synchronized void end(String why) {
        if (ended == null) {
            ended = why;
        }
        notifyAll();
    }

    @Override
    public final synchronized String ended() {
        return ended;
    }

    @Override
    public final synchronized long count() {
        return read;
    }

    @Override
    public final synchronized long awaitMore(long seen, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (read <= seen && ended == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return read;
    }

    /**
     * A later fragment (port 0) matches any port. Addresses compare as addresses: an IPv6 one in any of its spellings
     * ({@code 2001:2::10}, {@code 2001:2:0:0:0:0:0:10}).
     */
    @Override
    public final synchronized List<FlowDrops.Drop> drops(String src, String dst, Set<Integer> dstPorts, long fromNanos, long toNanos) {
        String from = canonical(src);
        String to = dst == null ? null : canonical(dst);
        List<FlowDrops.Drop> out = new ArrayList<>();
        for (Kept k : kept) {
            FlowDrops.Drop d = k.drop();
            if (d.monoNanos() >= fromNanos && d.monoNanos() <= toNanos && from.equals(k.src())
                    && (to == null || to.equals(k.dst()))
                    && (dstPorts.isEmpty() || d.packet().dstPort() == 0 || dstPorts.contains(d.packet().dstPort()))) {
                out.add(d);
            }
        }
        return out;
    }

    /** A drop as read, with its addresses spelled once for matching (cells ask on every new drop). */
    private record Kept(FlowDrops.Drop drop, String src, String dst) {
    }

    /** One spelling per address: IPv6 literals as Java writes them (literals only: no name is ever looked up). */
    static String canonical(String address) {
        if (address == null || !address.contains(":")) {
            return address;
        }
        try {
            return AddressText.ip(address).getHostAddress();
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    /**
     * Waits on {@code monitor} (held by the caller, notified by the source's reader) until {@code done} holds, at most
     * {@code max}, waking at least every {@code sliceMillis}; false when {@code over} holds first or the time is up.
     */
    static boolean awaitOn(Object monitor, BooleanSupplier done, BooleanSupplier over, Duration max, long sliceMillis) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (over.getAsBoolean() || left <= 0) {
                return false;
            }
            try {
                monitor.wait(Math.max(1, Math.min(sliceMillis, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
