package io.quirklab.observe;

import io.quirklab.wire.FrameTap;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * "What Wireshark sees" on the DUT interface: every frame to or from one persona, both directions, VLAN-tagged ones
 * included, captured by a background thread from {@link #start} until {@link #stop}. Bounded: frames beyond
 * {@code maxFrames} or {@code maxBytes} are counted, not kept. {@link #stop} keeps reading until the wire has been
 * quiet for {@link #QUIET}, so the last replies are not lost in the capture buffer.
 */
public final class DutCapture implements AutoCloseable {
    public static final int DEFAULT_MAX_FRAMES = 10_000;
    public static final long DEFAULT_MAX_BYTES = 32L << 20;
    /** stop() returns once no frame arrived for this long... */
    public static final Duration QUIET = Duration.ofMillis(200);
    /** ...or after this long, if frames keep coming. */
    public static final Duration MAX_DRAIN = Duration.ofSeconds(2);
    static final Duration POLL = Duration.ofMillis(50);

    private final FrameTap tap;
    private final Inet4Address persona;
    private final int maxFrames;
    private final long maxBytes;
    private final List<FrameTap.Captured> kept = new ArrayList<>();
    private final Thread reader;
    private long keptBytes;
    private long dropped;
    private volatile long stopRequestedNanos;
    private volatile boolean stopping;
    private volatile String failure;
    private Frames result;

    /**
     * Everything one capture kept.
     *
     * @param persona the persona address the capture was filtered on
     * @param frames  the frames, in arrival order
     * @param dropped frames seen but not kept because a bound was reached
     * @param failure why the capture ended early, or null when it ran until stop()
     */
    public record Frames(InetAddress persona, List<FrameTap.Captured> frames, long dropped, String failure) {
        public Frames {
            frames = List.copyOf(frames);
        }

        /** Every IPv4/UDP and IPv6/UDP frame from the persona, checked as received. */
        public List<WireReply> replies() {
            List<WireReply> out = new ArrayList<>();
            for (FrameTap.Captured c : frames) {
                WireReply.of(c, persona).ifPresent(out::add);
            }
            return out;
        }

        /** The counts the verdict rules need. */
        public DutWire summary() {
            return DutWire.of(replies(), dropped);
        }

        /** How many UDP replies from the persona reached the DUT interface. */
        public int udpReplies() {
            return replies().size();
        }

        /** True when every captured reply's UDP checksum was valid as received (0x0000 counts as valid). */
        public boolean udpChecksumsValid() {
            return summary().udpChecksumsValid();
        }

        /** True when every captured reply's IP header checksum was valid as received. */
        public boolean ipChecksumsValid() {
            return summary().ipChecksumsValid();
        }

        /** Writes every kept frame as a classic pcap file (Ethernet, microseconds) that Wireshark opens. */
        public void writePcap(Path file) throws IOException {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            List<PcapFile.Record> records = new ArrayList<>(frames.size());
            for (FrameTap.Captured c : frames) {
                records.add(new PcapFile.Record(c.timestampMicros(), c.data().length, c.data()));
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                PcapFile.write(out, records);
            }
        }
    }

    private DutCapture(FrameTap tap, Inet4Address persona, int maxFrames, long maxBytes) {
        this.tap = tap;
        this.persona = persona;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.reader = new Thread(this::run, "dut-capture-" + persona.getHostAddress());
        this.reader.setDaemon(true);
    }

    /** The capture filter for one persona: its frames in both directions, with or without an 802.1Q tag. */
    public static String filterFor(Inet4Address persona) {
        String a = persona.getHostAddress();
        return "host " + a + " or (vlan and host " + a + ")";
    }

    /** Starts capturing the persona's frames on the DUT interface {@code iface} through pcap. */
    public static DutCapture start(String iface, Inet4Address persona) throws IOException {
        return start(PcapLink.openTap(iface, filterFor(persona), PcapLink.Direction.BOTH), persona, DEFAULT_MAX_FRAMES,
                DEFAULT_MAX_BYTES);
    }

    /** Starts reading {@code tap} (already filtered) in the background; the capture owns and closes the tap. */
    public static DutCapture start(FrameTap tap, Inet4Address persona, int maxFrames, long maxBytes) {
        if (maxFrames < 1 || maxBytes < 1) {
            tap.close();
            throw new IllegalArgumentException("capture bounds must be positive: " + maxFrames + " frames, " + maxBytes + " bytes");
        }
        DutCapture c = new DutCapture(tap, persona, maxFrames, maxBytes);
        c.reader.start();
        return c;
    }

    private void run() {
        long lastFrameNanos = System.nanoTime();
        try {
            while (true) {
                Optional<FrameTap.Captured> c = tap.next(POLL);
                long now = System.nanoTime();
                if (c.isPresent()) {
                    keep(c.get());
                    lastFrameNanos = now;
                }
                if (stopping) {
                    long quietSince = Math.max(lastFrameNanos, stopRequestedNanos);
                    if (now - quietSince >= QUIET.toNanos() || now - stopRequestedNanos >= MAX_DRAIN.toNanos()) {
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    private synchronized void keep(FrameTap.Captured c) {
        if (kept.size() >= maxFrames || keptBytes + c.data().length > maxBytes) {
            dropped++;
            return;
        }
        kept.add(c);
        keptBytes += c.data().length;
    }

    /**
     * Reads on until the wire has been quiet for {@link #QUIET} (at most {@link #MAX_DRAIN}), closes the tap and
     * returns what was kept. Calling it again returns the same frames.
     */
    public Frames stop() {
        synchronized (this) {
            if (result != null) {
                return result;
            }
        }
        stopRequestedNanos = System.nanoTime();
        stopping = true;
        try {
            reader.join(MAX_DRAIN.plus(POLL).plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tap.close();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (result == null) {
                result = new Frames(persona, kept, dropped, failure);
            }
            return result;
        }
    }

    /** Stops the capture (draining as {@link #stop} does) and drops the result if nobody asked for it. */
    @Override
    public void close() {
        stop();
    }
}
