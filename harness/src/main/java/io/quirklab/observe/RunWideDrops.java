package io.quirklab.observe;

import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import java.io.IOException;
import java.nio.file.Path;
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
    /** The kernel's drop reason when a datagram's fragments waited out the reassembly time. */
    static final String REASSEMBLY_TIMEOUT = "FRAG_REASM_TIMEOUT";
    /**
     * How long the stack holds fragments before it drops them as {@link #REASSEMBLY_TIMEOUT} (this host's
     * {@code net.ipv4.ipfrag_time}, 30 s by default), less a second for the clocks: such a drop within a window younger
     * than this is of fragments that arrived before the window (an earlier cell's or run's at the same address).
     */
    static final long REASSEMBLY_NANOS = reassemblySeconds(Path.of("/proc/sys/net/ipv4/ipfrag_time")) * 1_000_000_000L - 1_000_000_000L;

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

    /** (Read as a stream, as the gate reads kernel files: {@code Files.readString} of it gave "3" for "30" here.) */
    static long reassemblySeconds(Path ipfragTime) {
        try {
            return Math.max(2, Long.parseLong(InputFile.lenient(ipfragTime, InputFile.Kind.KERNEL).strip()));
        } catch (IOException | RuntimeException e) {
            return 30;
        }
    }

    /**
     * A later fragment (port 0) matches any port. Addresses compare as addresses: an IPv6 one in any of its spellings
     * ({@code 2001:2::10}, {@code 2001:2:0:0:0:0:0:10}). A reassembly timeout sooner after {@code fromNanos} than the
     * reassembly time is left out: it cannot be of the window's own fragments (a lone fragment's is not seen within a
     * cell's window; its flow has no ports, so an earlier run's at the same address would otherwise match).
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
                    && (dstPorts.isEmpty() || d.packet().dstPort() == 0 || dstPorts.contains(d.packet().dstPort()))
                    && !(REASSEMBLY_TIMEOUT.equals(d.reason()) && d.monoNanos() - REASSEMBLY_NANOS < fromNanos)) {
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
