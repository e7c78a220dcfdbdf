package io.quirklab.observe;

import io.quirklab.wire.FrameTap;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "What Wireshark sees" on the DUT interface for a whole run: one capture of the lab's traffic, read by one thread and
 * handed out per flow ({@link #frames}): a persona's frames between two instants, its UDP frames only to the DUT ports
 * that the responder journal names for the probe. Replaces a capture opened and drained per cell, so cells of
 * different personas can run at the same time. Bounded: the oldest frames go first beyond {@code maxFrames}/
 * {@code maxBytes}.
 */
public final class RunCapture implements AutoCloseable {
    /**
     * The lab's traffic: 198.18.0.0/15 and 2001:2::/48, tagged (once or twice: QinQ) or not, and ARP. Neighbour discovery
     * of the personas' IPv6 addresses is inside 2001:2::/48 too (the DUT solicits from its own address there). The
     * second tag is nested inside the first: libpcap's {@code vlan} moves the offsets of everything after it, across
     * an {@code or} too.
     */
    public static final String FILTER = "net 198.18.0.0/15 or net 2001:2::/48 or arp or (vlan and (net 198.18.0.0/15 or net 2001:2::/48"
            + " or arp or (vlan and (net 198.18.0.0/15 or net 2001:2::/48))))";
    static final Duration POLL = Duration.ofMillis(2);
    public static final int DEFAULT_MAX_FRAMES = 400_000;
    /** Frames stamped this long before a window opened or after it closed still belong to it (clock granularity). */
    public static final long SLACK_MICROS = 2_000;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    /** A kept frame with what demultiplexing needs. */
    private record Kept(FrameTap.Captured frame, InetAddress a, InetAddress b, int portA, int portB, boolean udp) {
        boolean involves(InetAddress persona) {
            return persona.equals(a) || persona.equals(b);
        }

        /** The DUT-side port of a UDP frame of {@code persona}. */
        int dutPort(InetAddress persona) {
            return persona.equals(a) ? portB : portA;
        }
    }

    private final FrameTap tap;
    private final int maxFrames;
    private final long maxBytes;
    private final Deque<Kept> kept = new ArrayDeque<>();
    private final Thread reader;
    private long keptBytes;
    private long evicted;
    private volatile long drainedAtNanos;
    private volatile long newestMicros;
    private volatile boolean closed;
    private volatile String failure;

    private RunCapture(FrameTap tap, int maxFrames, long maxBytes) {
        this.tap = tap;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.reader = new Thread(this::run, "run-capture");
        this.reader.setDaemon(true);
    }

    /** Starts capturing the lab's traffic on the DUT interface through pcap. */
    public static RunCapture start(String dutInterface) throws IOException {
        return start(PcapLink.openTap(dutInterface, FILTER, PcapLink.Direction.BOTH), DEFAULT_MAX_FRAMES, DEFAULT_MAX_BYTES);
    }

    /** Starts reading {@code tap} in the background; the capture owns and closes the tap. */
    public static RunCapture start(FrameTap tap, int maxFrames, long maxBytes) {
        RunCapture c = new RunCapture(tap, maxFrames, maxBytes);
        c.reader.start();
        return c;
    }

    private void run() {
        try {
            while (!closed) {
                long before = System.nanoTime();
                Optional<FrameTap.Captured> c = tap.next(POLL);
                if (c.isPresent()) {
                    keep(c.get());
                } else {
                    synchronized (this) {
                        drainedAtNanos = before; // the capture buffer was empty at some point after `before`
                        notifyAll();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            }
        }
        synchronized (this) {
            notifyAll(); // the reader ended: waiters stop waiting
        }
    }

    private void keep(FrameTap.Captured c) {
        synchronized (this) {
            newestMicros = Math.max(newestMicros, c.timestampMicros());
            notifyAll();
        }
        Optional<ParsedFrame> p = ParsedFrame.parse(c.data());
        InetAddress a = null;
        InetAddress b = null;
        int pa = 0;
        int pb = 0;
        boolean udp = false;
        if (p.isPresent()) {
            if (p.get().ipSource().isPresent()) {
                a = p.get().ipSource().get();
                b = p.get().ipDestination().get();
                if (p.get().udp().isPresent()) {
                    udp = true;
                    pa = p.get().udp().get().srcPort();
                    pb = p.get().udp().get().dstPort();
                }
            } else if (p.get().arp().isPresent()) {
                a = p.get().arp().get().senderIp();
                b = p.get().arp().get().targetIp();
            }
            if (p.get().icmp6().map(ParsedFrame.Icmp6::target).isPresent()) {
                b = p.get().icmp6().get().target(); // a neighbour solicitation goes to a multicast address: file it under its target
            }
        }
        synchronized (kept) {
            kept.addLast(new Kept(c, a, b, pa, pb, udp));
            keptBytes += c.data().length;
            while (kept.size() > maxFrames || keptBytes > maxBytes) {
                keptBytes -= kept.removeFirst().frame().data().length;
                evicted++;
            }
        }
    }

    /**
     * Waits until every frame that reached the interface before {@code monoNanos} (wall time {@code wallMicros}) has
     * been read: the capture buffer ran empty after it, or a frame stamped after it was read. At most {@code max}.
     */
    public synchronized boolean awaitUpTo(long monoNanos, long wallMicros, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (drainedAtNanos < monoNanos && newestMicros < wallMicros) {
            long left = deadline - System.nanoTime();
            if (failure != null || closed || left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000)); // the reader notifies on every frame and every empty poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * The frames of one persona's flow, in arrival order.
     *
     * @param persona    the persona's address
     * @param fromMicros the window's start (wall clock, as pcap stamps frames)
     * @param toMicros   its end
     * @param dutPorts   the DUT-side UDP ports of the probe (from the responder journal); empty: every port. Frames
     *                   without UDP ports (ARP, fragments after the first) are kept by address and time
     */
    public DutCapture.Frames frames(InetAddress persona, long fromMicros, long toMicros, Set<Integer> dutPorts) {
        List<FrameTap.Captured> out = new ArrayList<>();
        synchronized (kept) {
            for (Kept k : kept) {
                long ts = k.frame().timestampMicros();
                if (ts < fromMicros || ts > toMicros || !k.involves(persona)) {
                    continue;
                }
                if (k.udp() && !dutPorts.isEmpty() && !dutPorts.contains(k.dutPort(persona))) {
                    continue;
                }
                out.add(k.frame());
            }
        }
        return new DutCapture.Frames(persona, out, 0, failure);
    }

    /** Frames evicted because the bounds were reached (their windows are then incomplete). */
    public long evicted() {
        synchronized (kept) {
            return evicted;
        }
    }

    /**
     * The persona's frames of one observation window that ended at {@code endNanos}/{@code endMicros}: the capture is
     * given {@code catchUp} to reach the end, and frames stamped {@link #SLACK_MICROS} around the window still belong to it
     * (clock granularity). A capture that failed before catching up says so in the frames.
     */
    public DutCapture.Frames window(InetAddress persona, long startMicros, long endNanos, long endMicros, Set<Integer> dutPorts,
                                    Duration catchUp) {
        boolean caughtUp = awaitUpTo(endNanos, endMicros, catchUp);
        DutCapture.Frames frames = frames(persona, startMicros - SLACK_MICROS, endMicros + SLACK_MICROS, dutPorts);
        return !caughtUp && failure() != null ? new DutCapture.Frames(persona, frames.frames(), 0, failure()) : frames;
    }

    /** Null while capturing; else why the capture ended. */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        tap.close();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
