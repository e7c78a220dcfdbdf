package io.quirklab.wire;

import java.io.IOException;

/** Sends whole Ethernet frames, exactly as given, out of one interface. Thread-safe. */
public interface FrameInjector extends AutoCloseable {
    /** Sends the frame; returns the time it was handed to the driver, microseconds since 1970. */
    long send(byte[] frame) throws IOException;

    @Override
    void close();
}
