package io.quirklab.observe;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A run-wide source of the OS's drops, one per dropped packet with its flow, read as they happen: the kernel's
 * (bpftrace on kfree_skb, {@link KfreeSkbTracer}) or Windows' (a real-time PktMon stream, {@link PktmonDropStream}).
 * Because each drop names its flow, cells of different personas can run at the same time and each is told only its
 * own drops. Times are on the clock of {@link System#nanoTime} (or the clock the source was given).
 */
public interface FlowDrops extends AutoCloseable {
    /**
     * One dropped packet.
     *
     * @param monoNanos when it was dropped (or read), on the source's clock
     * @param reason    the OS's reason (kfree_skb's UDP_CSUM, NO_SOCKET...; our token for PktMon's words)
     * @param detail    the OS's own words for it ("kfree_skb reason UDP_CSUM", "INET: checksum is invalid")
     * @param packet    its flow (ports are 0 where the packet had none)
     * @param component where it was dropped (PktMon's component), or null
     */
    record Drop(long monoNanos, String reason, String detail, OsReport.Flow packet, String component) {
    }

    /** The source's name as {@link OsReport} spells it ({@link OsReport#KFREE_SKB}, {@link OsReport#PKTMON}). */
    String source();

    /** One line for the run's header: what it is. */
    String describe();

    /**
     * Waits until every drop up to {@code monoNanos} has been read, at most {@code max}.
     *
     * @return false when the source fell behind or ended: an empty answer is then not to be trusted
     */
    boolean awaitUpTo(long monoNanos, Duration max);

    /** The drops of packets from {@code src} (to {@code dst}, or any) between two instants, optionally only to some ports. */
    List<Drop> drops(String src, String dst, Set<Integer> dstPorts, long fromNanos, long toNanos);

    /** Drops read so far, whatever their flow (a count that only grows). */
    long count();

    /**
     * Waits until more than {@code seen} drops have been read, at most {@code max}.
     *
     * @return the count then
     * @throws InterruptedException when the waiting thread is interrupted
     */
    long awaitMore(long seen, Duration max) throws InterruptedException;

    /** Null while the source runs; else why it ended. */
    String ended();

    @Override
    void close();
}
