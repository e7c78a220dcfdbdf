package io.quirklab.bmc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * Socket mode: serves one {@link SimulatedBmc} on a UDP socket bound to one exact address, replying from that
 * address (ipmitool uses a connected socket and ignores replies from anywhere else).
 *
 * <p>The socket is non-blocking: after a wake-up the server answers every datagram already queued before it sleeps in
 * the selector again, so under load one wake-up serves many requests (two system calls a datagram, receive and
 * send, where {@code ipmi_sim} makes five: epoll_pwait, recvfrom, sendmsg, epoll_ctl, rt_sigprocmask). The blocking
 * receive before cost a poll and a second receive per datagram on top of its wake-up.
 */
public final class UdpBmcServer implements AutoCloseable {
    private final SimulatedBmc bmc;
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final ExchangeLog log;
    private volatile boolean running = true;

    private UdpBmcServer(SimulatedBmc bmc, DatagramChannel channel, Selector selector, ExchangeLog log) {
        this.bmc = bmc;
        this.channel = channel;
        this.selector = selector;
        this.log = log;
        // One thread: a second one on the same socket measured slower (both wake for each datagram, then contend).
        this.thread = new Thread(this::serve, "smdc-" + localAddress());
        this.thread.setDaemon(true);
    }

    /**
     * Binds and starts serving.
     *
     * @param address the exact address and port (port 0 picks a free one)
     * @param log     receives one line per exchange
     */
    public static UdpBmcServer start(SimulatedBmc bmc, InetSocketAddress address, Consumer<String> log) throws IOException {
        return start(bmc, address, ExchangeLog.lines(log));
    }

    /** Binds and starts serving, reporting each exchange to {@code log} ({@link ExchangeLog#NONE}: nowhere). */
    public static UdpBmcServer start(SimulatedBmc bmc, InetSocketAddress address, ExchangeLog log) throws IOException {
        if (address.getAddress() == null || address.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("bind to one exact address, not the wildcard: replies must come from the address the client asked");
        }
        // An IPv4 socket for an IPv4 address: the default dual-stack IPv6 socket sends and receives every datagram
        // through the IPv6 layer's mapped-address path (udpv6_recvmsg, then udp_sendmsg) at some cost per datagram.
        DatagramChannel ch = DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        Selector sel = null;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address);
            ch.configureBlocking(false);
            sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
        } catch (IOException e) {
            if (sel != null) {
                sel.close();
            }
            ch.close();
            throw new IOException("cannot bind UDP " + address.getAddress().getHostAddress() + ":" + address.getPort() + ": "
                    + e.getMessage() + (address.getPort() < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : ""), e);
        }
        UdpBmcServer s = new UdpBmcServer(bmc, ch, sel, log);
        if (bmc.model().station() == null && s.localAddress().getAddress() instanceof java.net.Inet4Address a) {
            bmc.model().station(LanStation.socket(a, s.localAddress().getPort())); // LAN config reports the bound address
        }
        s.thread.start();
        return s;
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CPU time the serving thread has used so far, in nanoseconds (-1 where the JVM cannot tell). */
    public long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
    }

    public SimulatedBmc bmc() {
        return bmc;
    }

    private void serve() {
        // One byte more than the BMC accepts, so oversized datagrams are seen as oversized rather than truncated.
        ByteBuffer buf = ByteBuffer.allocateDirect(SimulatedBmc.MAX_DATAGRAM + 1);
        ByteBuffer reply = ByteBuffer.allocateDirect(4096); // direct, so the JDK sends it without a copy to a temporary buffer
        while (running) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (from == null) {
                    selector.select(); // the queue is drained: sleep until the next datagram
                    selector.selectedKeys().clear();
                    continue;
                }
                buf.flip();
                byte[] datagram = new byte[buf.remaining()];
                buf.get(datagram);
                InetSocketAddress peer = (InetSocketAddress) from;
                Exchange e = bmc.handle(datagram, peer);
                if (e.answered()) {
                    reply.clear();
                    reply.put(e.reply()).flip();
                    channel.send(reply, peer); // a full send buffer drops it, as on a real BMC
                }
                log.exchange(peer, e);
            } catch (ClosedChannelException | ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // A failed send to one peer must not stop the server for the others.
                log.problem(e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
