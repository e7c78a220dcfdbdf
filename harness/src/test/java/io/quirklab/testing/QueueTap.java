package io.quirklab.testing;

import io.quirklab.wire.FrameTap;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A tap fed by the test: the frames put in {@link #queue} arrive, in order, stamped as they were put. */
public final class QueueTap implements FrameTap {
    public final BlockingQueue<Captured> queue = new LinkedBlockingQueue<>();

    /** A frame arriving now (stamped with the wall clock, as pcap stamps). */
    public void arrive(byte[] frame) {
        queue.add(new Captured(System.currentTimeMillis() * 1000, frame));
    }

    @Override
    public Optional<Captured> next(Duration timeout) {
        try {
            return Optional.ofNullable(queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
    }
}
