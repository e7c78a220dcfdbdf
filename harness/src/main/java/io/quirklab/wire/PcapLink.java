package io.quirklab.wire;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.quirklab.input.InputFile;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;

/**
 * Live capture and injection through libpcap (pcap4j 1.8.2 over JNA), behind {@link FrameTap} and
 * {@link FrameInjector} so pcap4j can be replaced. Every pcap4j failure - its checked exceptions, the runtime
 * exceptions it throws on odd input, and the linkage errors of a missing libpcap - leaves here as an
 * {@link IOException} whose message says what to do.
 *
 * <p>Reads are non-blocking plus poll(2) on libpcap's selectable descriptor: with libpcap 1.10 on Linux a blocking
 * read never returns while no frame arrives, whatever its read timeout says (TPACKET_V3 does not retire empty
 * blocks, and immediate mode polls without end), so a timeout has to be kept here.
 */
public final class PcapLink {
    /** Which frames a tap sees. */
    public enum Direction {
        /** Only frames the interface received: a responder must not see the frames it injects itself. */
        IN,
        /** Received and sent frames, as Wireshark shows them. */
        BOTH
    }

    static final int SNAPLEN = 65535;
    /** libpcap's buffering timeout; immediate mode delivers every frame at once anyway. */
    static final int READ_TIMEOUT_MILLIS = 20;
    /** A waiting read looks at its close flag at least this often. */
    static final int WAIT_SLICE_MILLIS = 50;
    static final int TAP_BUFFER_BYTES = 4 << 20;
    static final int INJECTOR_BUFFER_BYTES = 64 << 10;
    /** Matches no frame (a frame is never 1 byte long): the injector's receive ring stays empty. */
    static final String MATCH_NOTHING = "less 1";
    static final String PRIVILEGE = "packet capture and injection need root or CAP_NET_RAW+CAP_NET_ADMIN";
    static final String INSTALL_LIBPCAP = "libpcap is not installed: apt-get install libpcap0.8";
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static final int PCAP_ERROR_PERM_DENIED = -8;

    private PcapLink() {
    }

    /** Why pcap cannot be used by this process, or empty when it can (libpcap loads and the privileges are there). */
    public static Optional<String> available() {
        try {
            Pcaps.libVersion();
        } catch (LinkageError e) {
            return Optional.of(linkageMessage(e));
        } catch (RuntimeException e) {
            return Optional.of("libpcap cannot be used: " + e);
        }
        return missingCapabilities(Path.of("/proc/self/status"));
    }

    /**
     * Opens a capture on {@code iface}: promiscuous, immediate delivery, snaplen 65535.
     *
     * @param bpfFilter a pcap filter expression ("host 198.18.0.10 or (vlan and host 198.18.0.10)"); null or blank for all
     */
    public static FrameTap openTap(String iface, String bpfFilter, Direction direction) throws IOException {
        PcapHandle handle = open(iface, "capture", PromiscuousMode.PROMISCUOUS, TAP_BUFFER_BYTES);
        String step = "bad capture filter '" + bpfFilter + "'";
        try {
            if (bpfFilter != null && !bpfFilter.isBlank()) {
                handle.setFilter(bpfFilter, BpfProgram.BpfCompileMode.OPTIMIZE);
            }
            step = "cannot restrict the capture to inbound frames";
            if (direction == Direction.IN) {
                handle.setDirection(PcapHandle.PcapDirection.IN);
            }
            step = "cannot make reads non-blocking";
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            handle.close();
            throw new IOException(iface + ": " + step + ": " + e.getMessage(), e);
        }
        return new Tap(iface, handle, Readiness.of(handle));
    }

    /** {@link #openTap(String, String, Direction)} with {@code inboundOnly} meaning {@link Direction#IN}. */
    public static FrameTap openTap(String iface, String bpfFilter, boolean inboundOnly) throws IOException {
        return openTap(iface, bpfFilter, inboundOnly ? Direction.IN : Direction.BOTH);
    }

    /** Opens {@code iface} for sending whole frames. */
    public static FrameInjector openInjector(String iface) throws IOException {
        PcapHandle handle = open(iface, "injection", PromiscuousMode.NONPROMISCUOUS, INJECTOR_BUFFER_BYTES);
        try {
            handle.setFilter(MATCH_NOTHING, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            // only costs buffer space: received frames pile up unread and the kernel drops them
        }
        return new Injector(iface, handle);
    }

    private static PcapHandle open(String iface, String purpose, PromiscuousMode mode, int bufferBytes) throws IOException {
        requireInterface(iface);
        try {
            return new PcapHandle.Builder(iface).snaplen(SNAPLEN).promiscuousMode(mode).timeoutMillis(READ_TIMEOUT_MILLIS)
                    .immediateMode(true).bufferSize(bufferBytes).build();
        } catch (PcapNativeException e) {
            throw openFailure(iface, purpose, e.getMessage(), e.getReturnCode(), e);
        } catch (LinkageError e) {
            throw new IOException(iface + ": cannot open for " + purpose + ": " + linkageMessage(e), e);
        } catch (RuntimeException e) {
            throw new IOException(iface + ": cannot open for " + purpose + ": " + e, e);
        }
    }

    /** An early, clear "no such interface" (libpcap says "socket: Operation not permitted" to an unprivileged caller). */
    static void requireInterface(String iface) throws IOException {
        if (iface == null || iface.isBlank() || iface.length() > 15 || iface.contains("/") || iface.contains(" ")) {
            throw new IOException("not an interface name: '" + iface + "'");
        }
        // thread-self: a thread that entered another network namespace (setns) sees that namespace's interfaces there
        Path threadSelf = Path.of("/proc/thread-self/net/dev");
        Optional<List<String>> names = interfaceNames(Files.isReadable(threadSelf) ? threadSelf : Path.of("/proc/net/dev"));
        if (names.isPresent() && !names.get().contains(iface)) {
            throw new IOException("no such interface: " + iface + " (this network namespace has " + String.join(", ", names.get()) + ")");
        }
    }

    /** Interfaces of the caller's network namespace from /proc/net/dev, empty when the file is not there (not Linux). */
    static Optional<List<String>> interfaceNames(Path procNetDev) {
        if (!Files.isReadable(procNetDev)) {
            return Optional.empty();
        }
        try {
            List<String> names = new ArrayList<>();
            for (String line : InputFile.lenient(procNetDev, InputFile.Kind.KERNEL).lines().toList()) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.contains("|")) {
                    names.add(line.substring(0, colon).trim());
                }
            }
            return Optional.of(names);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static IOException openFailure(String iface, String purpose, String message, Integer returnCode, Exception cause) {
        String m = message == null ? "" : message;
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("permission") || lower.contains("not permitted") || Integer.valueOf(PCAP_ERROR_PERM_DENIED).equals(returnCode)) {
            return new IOException(iface + ": cannot open for " + purpose + ": " + PRIVILEGE + " (libpcap: " + m + ")", cause);
        }
        if (lower.contains("no such device") || lower.contains("doesn't exist") || lower.contains("no such interface")) {
            return new IOException("no such interface: " + iface + " (libpcap: " + m + ")", cause);
        }
        return new IOException(iface + ": cannot open for " + purpose + ": " + m, cause);
    }

    static String linkageMessage(LinkageError e) {
        String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        if (!(e instanceof UnsatisfiedLinkError) && !m.contains("NativeMappings")) {
            // a class that is not there at all: the class path is incomplete, libpcap is not the problem
            if (m.startsWith("com/sun/jna") || m.startsWith("com.sun.jna")) {
                return "JNA is missing from the class path (" + m + ")";
            }
            if (m.startsWith("org/pcap4j") || m.startsWith("org.pcap4j")) {
                return "pcap4j is missing from the class path (" + m + ")";
            }
        }
        // JNA reports the first failure as UnsatisfiedLinkError, every later use as "Could not initialize class"
        return INSTALL_LIBPCAP + " (" + m + ")";
    }

    /** The privilege sentence when CapEff lacks CAP_NET_RAW or CAP_NET_ADMIN; empty when it has both or cannot be read. */
    static Optional<String> missingCapabilities(Path procStatus) {
        if (!Files.isReadable(procStatus)) {
            return Optional.empty();
        }
        try {
            for (String line : InputFile.lenient(procStatus, InputFile.Kind.KERNEL).lines().toList()) {
                if (line.startsWith("CapEff:")) {
                    long eff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    List<String> missing = new ArrayList<>();
                    if ((eff & 1L << CAP_NET_RAW) == 0) {
                        missing.add("CAP_NET_RAW");
                    }
                    if ((eff & 1L << CAP_NET_ADMIN) == 0) {
                        missing.add("CAP_NET_ADMIN");
                    }
                    return missing.isEmpty() ? Optional.empty()
                            : Optional.of(PRIVILEGE + "; this process lacks " + String.join(" and ", missing));
                }
            }
        } catch (IOException | RuntimeException e) {
            // cannot tell; let opening the device say it
        }
        return Optional.empty();
    }

    static long micros(Timestamp t) {
        return Math.floorDiv(t.getTime(), 1000L) * 1_000_000L + t.getNanos() / 1000;
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static final class Tap implements FrameTap {
        private final String iface;
        private final PcapHandle handle;
        private final Readiness readiness;
        private final AtomicBoolean closed = new AtomicBoolean();

        Tap(String iface, PcapHandle handle, Readiness readiness) {
            this.iface = iface;
            this.handle = handle;
            this.readiness = readiness;
        }

        @Override
        public Optional<Captured> next(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + saturatedNanos(timeout);
            while (!closed.get() && !Thread.currentThread().isInterrupted()) {
                try {
                    byte[] data = handle.getNextRawPacketEx();
                    // pcap4j keeps the timestamp per thread: read it on the thread that read the frame
                    return Optional.of(new Captured(micros(handle.getTimestamp()), data));
                } catch (TimeoutException e) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Optional.empty();
                    }
                    readiness.await((int) Math.min(WAIT_SLICE_MILLIS, Math.max(1, left / 1_000_000)), closed);
                } catch (EOFException | NotOpenException e) {
                    if (!closed.get()) {
                        throw new IOException("capture on " + iface + " ended unexpectedly", e);
                    }
                } catch (PcapNativeException | RuntimeException e) {
                    if (!closed.get()) {
                        throw new IOException("capture on " + iface + " failed: " + e.getMessage(), e);
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                handle.close(); // pcap4j waits for an in-flight (non-blocking) read; a waiting reader sees the flag
            }
        }

        @Override
        public String toString() {
            return "pcap tap on " + iface;
        }
    }

    private static final class Injector implements FrameInjector {
        private final String iface;
        private final PcapHandle handle;
        private final AtomicBoolean closed = new AtomicBoolean();

        Injector(String iface, PcapHandle handle) {
            this.iface = iface;
            this.handle = handle;
        }

        @Override
        public synchronized long send(byte[] frame) throws IOException {
            if (frame == null || frame.length < 14) {
                throw new IOException("not sending a " + (frame == null ? 0 : frame.length) + "-byte frame on " + iface
                        + ": an Ethernet frame has at least 14 bytes");
            }
            if (closed.get()) {
                throw new IOException("injector on " + iface + " is closed");
            }
            try {
                handle.sendPacket(frame);
            } catch (NotOpenException e) {
                throw new IOException("injector on " + iface + " is closed", e);
            } catch (PcapNativeException | RuntimeException e) {
                throw new IOException("cannot send a " + frame.length + "-byte frame on " + iface + ": " + e.getMessage(), e);
            }
            return nowMicros();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                handle.close();
            }
        }

        @Override
        public String toString() {
            return "pcap injector on " + iface;
        }
    }

    /**
     * Waits until libpcap's descriptor is readable: poll(2) through JNA where libpcap offers a selectable descriptor
     * (Linux, macOS, BSD), else a short sleep. pcap4j 1.8.2 does not expose its pcap_t, so it is read from its
     * private field once, right after opening.
     */
    static final class Readiness {
        private static final short POLLIN = 0x1;
        private static final int SLEEP_MILLIS = 2;
        private final int fd;
        private final Function poll;
        /** One pollfd for every wait: allocating native memory per wait kept JNA's cleaner thread busy. */
        private final Memory pollfd;

        private Readiness(int fd, Function poll) {
            this.fd = fd;
            this.poll = poll;
            this.pollfd = fd >= 0 ? new Memory(8) : null;
        }

        static Readiness of(PcapHandle handle) {
            try {
                Field f = PcapHandle.class.getDeclaredField("handle");
                f.setAccessible(true);
                Pointer pcap = (Pointer) f.get(handle);
                String lib = System.getProperty("org.pcap4j.core.pcapLibName", Platform.isWindows() ? "wpcap" : "pcap");
                int fd = NativeLibrary.getInstance(lib).getFunction("pcap_get_selectable_fd").invokeInt(new Object[] {pcap});
                if (fd >= 0) {
                    return new Readiness(fd, Function.getFunction(Platform.C_LIBRARY_NAME, "poll"));
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // no descriptor to poll (Npcap, or another pcap4j): sleep between reads instead
            }
            return new Readiness(-1, null);
        }

        boolean polls() {
            return fd >= 0;
        }

        synchronized void await(int millis, AtomicBoolean closed) {
            if (closed.get()) {
                return;
            }
            if (fd >= 0) {
                pollfd.setInt(0, fd);
                pollfd.setShort(4, POLLIN);
                pollfd.setShort(6, (short) 0);
                int ready = poll.invokeInt(new Object[] {pollfd, 1, millis});
                if (ready == 0 || ready > 0 && (pollfd.getShort(6) & POLLIN) != 0) {
                    return;
                }
                // an error or hang-up: the next read reports it; do not spin meanwhile
            }
            try {
                Thread.sleep(Math.min(millis, SLEEP_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
