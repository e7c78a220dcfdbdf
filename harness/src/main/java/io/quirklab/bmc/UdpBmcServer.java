package io.quirklab.bmc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Socket mode: serves one {@link SimulatedBmc} on a UDP socket bound to one exact address, replying from that
 * address (ipmitool uses a connected socket and ignores replies from anywhere else).
 */
public final class UdpBmcServer implements AutoCloseable {
    private final SimulatedBmc bmc;
    private final DatagramChannel channel;
    private final Thread thread;
    private final Consumer<String> log;
    private volatile boolean running = true;

    private UdpBmcServer(SimulatedBmc bmc, DatagramChannel channel, Consumer<String> log) {
        this.bmc = bmc;
        this.channel = channel;
        this.log = log;
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
        if (address.getAddress() == null || address.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("bind to one exact address, not the wildcard: replies must come from the address the client asked");
        }
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot bind UDP " + address.getAddress().getHostAddress() + ":" + address.getPort() + ": "
                    + e.getMessage() + (address.getPort() < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : ""), e);
        }
        UdpBmcServer s = new UdpBmcServer(bmc, ch, log);
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

    public SimulatedBmc bmc() {
        return bmc;
    }

    private void serve() {
        // One byte more than the BMC accepts, so oversized datagrams are seen as oversized rather than truncated.
        ByteBuffer buf = ByteBuffer.allocate(SimulatedBmc.MAX_DATAGRAM + 1);
        while (running) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (from == null) {
                    continue;
                }
                buf.flip();
                byte[] datagram = Arrays.copyOf(buf.array(), buf.limit());
                InetSocketAddress peer = (InetSocketAddress) from;
                Exchange e = bmc.handle(datagram, peer);
                if (e.answered()) {
                    channel.send(ByteBuffer.wrap(e.reply()), peer);
                }
                log.accept(peer.getAddress().getHostAddress() + ":" + peer.getPort() + " " + e.summary());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // A failed send to one peer must not stop the server for the others.
                log.accept("error: " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
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
    }
}
