package io.quirklab.lab.vm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The host's end of the guest's command channel: QEMU's Unix socket for the virtio-serial port. One request at a time;
 * every wait is bounded. A request the guest does not answer in time leaves the channel out of step, so the channel
 * refuses further requests (the guest must be restarted) instead of pairing a late reply with the next request.
 */
final class CommandChannel implements AutoCloseable {
    /** What the host adds to the guest-side timeout before it gives up: the reply's own transfer and the agent's turn. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final SocketChannel socket;
    private final Selector selector;
    private final SelectionKey key;
    private final ChannelFrames.ReplyDecoder decoder = new ChannelFrames.ReplyDecoder();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    private long nextId = 1;
    private String broken;

    private CommandChannel(SocketChannel socket) throws IOException {
        this.socket = socket;
        socket.configureBlocking(false);
        this.selector = Selector.open();
        this.key = socket.register(selector, SelectionKey.OP_READ);
    }

    /** Connects to QEMU's socket; empty while QEMU has not created it yet. */
    static Optional<CommandChannel> connect(Path socketFile) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socketFile));
            return Optional.of(new CommandChannel(ch));
        } catch (java.net.ConnectException | java.nio.file.NoSuchFileException e) {
            ch.close();
            return Optional.empty();
        } catch (IOException e) {
            ch.close();
            if (e.getMessage() != null && (e.getMessage().contains("No such file") || e.getMessage().contains("Connection refused"))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Runs {@code script} in the guest.
     *
     * @param guestTimeout how long the guest lets it run (rounded up to whole seconds)
     * @param hostTimeout  how long to wait for the reply in all (at least the guest timeout plus {@link #GRACE})
     */
    synchronized ChannelFrames.Reply call(String script, Duration guestTimeout, Duration hostTimeout) throws IOException {
        if (broken != null) {
            throw new IOException("the guest's command channel is out of step (" + broken + "); restart the guest");
        }
        long id = nextId++;
        int seconds = (int) Math.max(1, (guestTimeout.toMillis() + 999) / 1000);
        ByteBuffer out = ByteBuffer.wrap(ChannelFrames.request(id, seconds, script));
        long deadline = System.nanoTime() + hostTimeout.toNanos();
        try {
            while (out.hasRemaining()) {
                if (socket.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline, id); // the guest reads slowly; let it drain
                }
            }
            while (true) {
                Optional<ChannelFrames.Reply> r = decoder.next();
                if (r.isPresent()) {
                    if (r.get().id() == id) {
                        return r.get();
                    }
                    continue; // a reply to a request this channel gave up on before it broke: not ours
                }
                await(SelectionKey.OP_READ, deadline, id);
                buffer.clear();
                int n = socket.read(buffer);
                if (n < 0) {
                    broken = "the guest closed it";
                    throw new IOException("the guest closed its command channel (QEMU exited?)");
                }
                decoder.feed(buffer.array(), 0, n);
            }
        } catch (IOException e) {
            if (broken == null) {
                broken = e.getMessage();
            }
            throw e;
        }
    }

    /** Waits until the socket is ready for {@code op} (a spurious wake-up just returns early; callers loop). */
    private void await(int op, long deadline, long id) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("the guest did not answer request " + id + " in time");
        }
        key.interestOps(op);
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    @Override
    public synchronized void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
