package io.quirklab.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** Frames arriving on one interface, as raw bytes (so pcap4j can be replaced). Thread-confined to one reader. */
public interface FrameTap extends AutoCloseable {
    /**
     * One captured frame.
     *
     * @param timestampMicros capture time, microseconds since 1970
     * @param data            the whole Ethernet frame
     */
    record Captured(long timestampMicros, byte[] data) {
    }

    /** The next frame, or empty when {@code timeout} passed without one (or the tap was closed). */
    Optional<Captured> next(Duration timeout) throws IOException;

    @Override
    void close();
}
