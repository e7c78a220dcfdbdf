package io.quirklab.client;

import io.quirklab.input.AddressText;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A connected UDP socket with bounded retransmission: every exchange sends at most {@code retries + 1} datagrams
 * and waits at most {@code timeout} after each, then gives up. Every send is recorded with its timing.
 */
final class LanTransport implements AutoCloseable {
    private final DatagramSocket socket;
    private final ClientOptions options;
    private final long startNanos = System.nanoTime();
    private final List<DatagramTiming> timings = new ArrayList<>();
    /** Why the harness ended the exchanges early (from another thread), or null. */
    private volatile String ended;

    LanTransport(ClientOptions options) throws IpmiCallException {
        this.options = options;
        try {
            InetAddress addr = AddressText.ip(options.host());
            socket = new DatagramSocket();
            // Connected: the kernel then drops replies from any other address, as ipmitool's socket does.
            socket.connect(new InetSocketAddress(addr, options.port()));
        } catch (IOException e) {
            throw new IpmiCallException(Failure.IO_ERROR, "cannot reach " + options.host() + ":" + options.port() + ": " + e.getMessage());
        }
    }

    List<DatagramTiming> timings() {
        return List.copyOf(timings);
    }

    long elapsedMicros() {
        return (System.nanoTime() - startNanos) / 1000;
    }

    /**
     * Sends a request until a reply is accepted.
     *
     * @param label   what the request is, for timings and messages
     * @param request the datagram to send for attempt n (1-based); session sequence numbers change per attempt
     * @param accept  turns a received datagram into a result, or null if it is not the awaited reply
     */
    <T> T exchange(String label, IntFunction<byte[]> request, Function<byte[], T> accept) throws IpmiCallException {
        byte[] buf = new byte[2048];
        int attempts = options.retries() + 1;
        long timeoutNanos = options.timeout().toNanos();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (ended != null) {
                throw endedEarly(label);
            }
            byte[] out = request.apply(attempt);
            long sent = System.nanoTime();
            int index = timings.size();
            timings.add(new DatagramTiming(label, attempt, (sent - startNanos) / 1000, -1, out.length));
            try {
                socket.send(new DatagramPacket(out, out.length));
            } catch (IOException e) {
                throw ended != null ? endedEarly(label) : new IpmiCallException(Failure.IO_ERROR, label + ": send failed: " + e.getMessage());
            }
            long deadline = sent + timeoutNanos;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    T result = accept.apply(Arrays.copyOf(p.getData(), p.getLength()));
                    if (result != null) {
                        timings.set(index, new DatagramTiming(label, attempt, (sent - startNanos) / 1000,
                                (System.nanoTime() - sent) / 1000, out.length));
                        return result;
                    }
                } catch (SocketTimeoutException e) {
                    break;
                } catch (PortUnreachableException e) {
                    // ICMP port unreachable: nothing listens there; waiting longer will not help this attempt.
                    sleepQuietly(left);
                    break;
                } catch (IOException e) {
                    throw ended != null ? endedEarly(label)
                            : new IpmiCallException(Failure.IO_ERROR, label + ": receive failed: " + e.getMessage());
                }
            }
        }
        throw new IpmiCallException(Failure.TIMEOUT, String.format("%s: no reply from %s:%d after %d attempt%s of %d ms",
                label, options.host(), options.port(), attempts, attempts == 1 ? "" : "s", options.timeout().toMillis()));
    }

    /**
     * Ends every exchange now, from another thread: the socket closes and the waiting exchange fails as the timeout it
     * was bound to reach, with {@code why} as its message.
     */
    void end(String why) {
        ended = why;
        socket.close();
    }

    private IpmiCallException endedEarly(String label) {
        return new IpmiCallException(Failure.TIMEOUT, label + ": " + ended);
    }

    private static void sleepQuietly(long nanos) {
        try {
            Thread.sleep(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
