package io.quirklab.client;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;

/**
 * A lean load generator for benchmarks: sessionless Get Channel Auth Capabilities from one console or a fleet of
 * them (requests outstanding at once), encoded once up front, on one connected socket. Every reply
 * is decoded and checked (netFn, command, sequence, completion code 0). It costs the same for every BMC it is pointed
 * at, and far less than a full client, so the figures show the BMC's side of the round trip rather than the
 * client's. Bounded in count and time.
 */
public final class RoundTripLoad implements AutoCloseable {
    private static final int SEQUENCES = 64;

    /** What one run measured; {@code sortedNanos} are the answered round trips' times, sorted. */
    public record Result(int answered, int lost, int bad, double seconds, long[] sortedNanos) {
        public double perSecond() {
            return seconds > 0 ? answered / seconds : 0;
        }

        public double p50Micros() {
            return sortedNanos.length == 0 ? 0 : sortedNanos[sortedNanos.length / 2] / 1e3;
        }

        public double p99Micros() {
            return sortedNanos.length == 0 ? 0 : sortedNanos[Math.min(sortedNanos.length - 1, (int) (sortedNanos.length * 0.99))] / 1e3;
        }

        /** Two runs of the same target as one. */
        public Result plus(Result o) {
            long[] all = Arrays.copyOf(sortedNanos, sortedNanos.length + o.sortedNanos.length);
            System.arraycopy(o.sortedNanos, 0, all, sortedNanos.length, o.sortedNanos.length);
            Arrays.sort(all);
            return new Result(answered + o.answered, lost + o.lost, bad + o.bad, seconds + o.seconds, all);
        }

        public static Result empty() {
            return new Result(0, 0, 0, 0, new long[0]);
        }
    }

    private final DatagramChannel channel;
    private final Selector selector;
    private final byte[][] requests = new byte[SEQUENCES][];
    private final ByteBuffer in = ByteBuffer.allocateDirect(1024);
    private int next;

    private RoundTripLoad(DatagramChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
        for (int seq = 0; seq < SEQUENCES; seq++) {
            IpmiRequest rq = IpmiRequest.of(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, seq, new byte[] {0x0E, 0x04});
            requests[seq] = Session15Packet.of(AuthType.NONE, 0, 0, null, rq.encode()).toDatagram();
        }
    }

    public static RoundTripLoad open(InetSocketAddress target) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.connect(target);
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new RoundTripLoad(ch, sel);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Up to {@code count} round trips within {@code limit}, with {@code window} requests outstanding at a time (1: one
     * console; more: a fleet of consoles sharing one socket, each waiting for its own answer). A request not answered
     * within {@code replyTimeout} counts as lost and its slot sends the next one.
     */
    public Result run(int count, int window, Duration limit, Duration replyTimeout) throws IOException {
        if (window < 1 || window > SEQUENCES / 2) {
            throw new IllegalArgumentException("window must be 1.." + SEQUENCES / 2);
        }
        long[] took = new long[count];
        long[] sentAt = new long[SEQUENCES]; // 0: not outstanding
        int[] order = new int[SEQUENCES]; // outstanding sequences, oldest first (a ring)
        int head = 0;
        int tail = 0;
        int outstanding = 0;
        int sent = 0;
        int answered = 0;
        int lost = 0;
        int bad = 0;
        long timeout = replyTimeout.toNanos();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (true) {
            long now = System.nanoTime();
            boolean more = sent < count && now < deadline;
            while (more && outstanding < window && sentAt[next] == 0) {
                int seq = next;
                next = (next + 1) % SEQUENCES;
                sentAt[seq] = System.nanoTime();
                channel.write(ByteBuffer.wrap(requests[seq]));
                order[tail] = seq;
                tail = (tail + 1) % SEQUENCES;
                outstanding++;
                sent++;
                more = sent < count;
            }
            if (outstanding == 0) {
                break;
            }
            int seq = receive(sentAt[order[head]] + timeout);
            if (seq >= 0 && sentAt[seq] != 0) {
                took[answered++] = System.nanoTime() - sentAt[seq];
                sentAt[seq] = 0;
                outstanding--;
            } else if (seq == BAD) {
                bad++;
            } else if (seq == NOTHING && System.nanoTime() - sentAt[order[head]] > timeout) {
                sentAt[order[head]] = 0;
                outstanding--;
                lost++;
            }
            while (outstanding > 0 && sentAt[order[head]] == 0) {
                head = (head + 1) % SEQUENCES; // answered or lost: no longer the oldest outstanding
            }
            if (outstanding == 0) {
                head = tail;
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long[] done = Arrays.copyOf(took, answered);
        Arrays.sort(done);
        return new Result(answered, lost, bad, secs, done);
    }

    /** One console: {@link #run(int, int, Duration, Duration)} with one request outstanding. */
    public Result run(int count, Duration limit, Duration replyTimeout) throws IOException {
        return run(count, 1, limit, replyTimeout);
    }

    private static final int NOTHING = -1;
    private static final int BAD = -2;

    /** The sequence of a right answer, {@link #BAD} for a wrong one, {@link #NOTHING} when none came by the deadline. */
    private int receive(long deadline) throws IOException {
        while (true) {
            in.clear();
            int n;
            try {
                n = channel.read(in);
            } catch (java.net.PortUnreachableException e) {
                n = 0; // nobody listening (ICMP port unreachable): wait for the deadline
            }
            if (n <= 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return NOTHING;
                }
                // Sleep in the kernel rather than spin: on a busy machine a spinning client takes the CPU from the BMC.
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                continue;
            }
            in.flip();
            byte[] d = new byte[in.remaining()];
            in.get(d);
            try {
                IpmiResponse rs = IpmiResponse.decode(Session15Packet.decode(RmcpPacket.decode(d).body()).message());
                boolean right = rs.netFn() == NetFn.APP + 1 && rs.cmd() == NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES && rs.completionCode() == 0;
                return right ? rs.rqSeq() : BAD;
            } catch (MalformedPacketException e) {
                return BAD;
            }
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
