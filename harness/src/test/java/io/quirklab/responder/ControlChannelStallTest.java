package io.quirklab.responder;

import static io.quirklab.responder.ResponderTest.persona;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.wire.QuirkProfile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that connect and send nothing hold up nobody, and are cut off after the client timeout. */
@org.junit.jupiter.api.Timeout(60)
class ControlChannelStallTest {
    @Test
    void stalledClientsDoNotBlockStatus(@TempDir Path dir) throws Exception {
        Responder r = new Responder(List.of(persona("clean", 1, QuirkProfile.CLEAN)), ResponderTest.NO_TAP,
                new ResponderTest.Collecting(), new ResponderJournal(100, 1 << 20), s -> { });
        Path socket = dir.resolve("control.sock");
        Duration clientTimeout = Duration.ofMillis(1500);
        try (ServerSocketChannel server = ControlChannel.serve(socket, r::control, clientTimeout)) {
            // more stalled clients than there are workers: the queue holds the rest, the timeout frees the workers
            List<SocketChannel> stalled = new ArrayList<>();
            for (int i = 0; i < ControlChannel.WORKERS + 2; i++) {
                stalled.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            }
            long t0 = System.nanoTime();
            ControlReply.Status status = new SocketControl(socket).status();
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(status.personas()).extracting(ControlReply.PersonaView::name).containsExactly("clean");
            // behind the stalled ones, it waits at most one client timeout (not forever, as with one serving thread)
            assertThat(waitedMs).as("status waited %d ms behind %d stalled clients", waitedMs, stalled.size())
                    .isLessThan(clientTimeout.toMillis() * 2 + 1000);

            // the stalled connections are closed by the responder: a read sees the end of the stream
            SocketChannel first = stalled.get(0);
            long t1 = System.nanoTime();
            int read = first.read(ByteBuffer.allocate(16));
            assertThat(read).isEqualTo(-1);
            assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(clientTimeout.toMillis() * 3);
            for (SocketChannel c : stalled) {
                c.close();
            }
            // and the channel still serves afterwards
            assertThat(new SocketControl(socket).status().personas()).hasSize(1);
        }
    }

    @Test
    void oneStalledClientDoesNotDelayAnother(@TempDir Path dir) throws Exception {
        Responder r = new Responder(List.of(persona("clean", 1, QuirkProfile.CLEAN)), ResponderTest.NO_TAP,
                new ResponderTest.Collecting(), new ResponderJournal(100, 1 << 20), s -> { });
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ControlChannel.serve(socket, r::control);
             SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            stalled.connect(UnixDomainSocketAddress.of(socket));
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                new SocketControl(socket).status();
            }
            // 20 answers while the stalled client holds its connection, each far below the 5 s client timeout
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(ControlChannel.CLIENT_TIMEOUT.toMillis());
        }
    }
}
