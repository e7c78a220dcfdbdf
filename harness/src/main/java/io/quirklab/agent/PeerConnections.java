package io.quirklab.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.SelectorManager;

/**
 * At most {@code max} open connections per peer address: a connection over the cap is closed as it is accepted, before
 * it costs a buffer or a thread, so one machine cannot take every connection the agent allows.
 */
final class PeerConnections implements SelectorManager.AcceptListener {
    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The peer of every counted channel (a closed channel no longer tells its peer). */
    private final Map<SelectableChannel, InetAddress> counted = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    PeerConnections(int max) {
        this.max = max;
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        InetAddress peer = peer(channel);
        if (peer == null) {
            return;
        }
        counted.put(channel, peer);
        if (open.merge(peer, 1, Integer::sum) > max) {
            refused.incrementAndGet();
            try {
                channel.close(); // the selector's registration then fails, and onAcceptFailed uncounts it
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        uncount(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        uncount(channel);
    }

    /** Open connections of one peer (for tests and status). */
    int open(InetAddress peer) {
        return open.getOrDefault(peer, 0);
    }

    long refused() {
        return refused.get();
    }

    private void uncount(SelectableChannel channel) {
        InetAddress peer = counted.remove(channel);
        if (peer != null) {
            open.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    private static InetAddress peer(SelectableChannel channel) {
        try {
            return channel instanceof SocketChannel s && s.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
