package io.quirklab.responder;

import static io.quirklab.responder.ResponderTest.asfPing;
import static io.quirklab.responder.ResponderTest.persona;
import static io.quirklab.responder.ResponderTest.udpRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.wire.FrameTap;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed control API over a real Unix socket: probe tags, cursors, persona replacement, errors in words. */
class ResponderControlTest {
    @Test
    void aProbesFramesAreTaggedAndOnlyThoseAreReturned(@TempDir Path dir) throws Exception {
        ResponderTest.Collecting out = new ResponderTest.Collecting();
        Persona a = persona("clean", 1, QuirkProfile.CLEAN);
        Persona b = persona("other", 2, QuirkProfile.CLEAN);
        Responder r = new Responder(List.of(a, b), ResponderTest.NO_TAP, out, new ResponderJournal(1000, 1 << 20), s -> { });
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ControlChannel.serve(socket, r::control)) {
            ResponderControl control = new SocketControl(socket);
            r.handle(new FrameTap.Captured(1, udpRequest(a.address(), a.mac(), 1, true, asfPing(1)))); // before the probe
            control.beginProbe("clean", "p1");
            r.handle(new FrameTap.Captured(2, udpRequest(a.address(), a.mac(), 2, true, asfPing(2))));
            r.handle(new FrameTap.Captured(3, udpRequest(b.address(), b.mac(), 3, true, asfPing(3)))); // another persona, same time
            control.endProbe("clean", "p1");
            r.handle(new FrameTap.Captured(4, udpRequest(a.address(), a.mac(), 4, true, asfPing(4)))); // after it

            Path pcap = dir.resolve("p1.pcap");
            ControlReply.JournalPage page = control.journal(ControlRequest.Journal.ofProbe("p1", pcap.toString()));
            assertThat(page.requestsSeen()).isEqualTo(1);
            assertThat(page.repliesSent()).isEqualTo(1);
            assertThat(page.entries()).extracting(ControlReply.JournalLine::persona).containsOnly("clean");
            assertThat(page.entries()).extracting(ControlReply.JournalLine::peer).containsOnly("198.18.0.1:40000");
            assertThat(PcapFile.read(pcap)).hasSize(2);

            ControlReply.JournalPage all = control.journal(new ControlRequest.Journal(null, null, 0L, 3, null));
            assertThat(all.entries()).hasSize(3);
            assertThat(all.more()).isTrue();
            ControlReply.JournalPage rest = control.journal(new ControlRequest.Journal(null, null, all.next(), 100, null));
            assertThat(rest.entries()).hasSize(5);
            assertThat(rest.more()).isFalse();
            assertThat(rest.next()).isEqualTo(control.status().cursor());
            assertThat(control.journal(new ControlRequest.Journal(null, null, rest.next(), 100, null)).entries()).isEmpty();
        }
    }

    @Test
    void personasAreReplacedWholeOrNotAtAll(@TempDir Path dir) throws Exception {
        Persona a = persona("clean", 1, QuirkProfile.CLEAN);
        Responder r = new Responder(List.of(a), ResponderTest.NO_TAP, new ResponderTest.Collecting(), new ResponderJournal(10, 1 << 20),
                s -> { }, ResponderTest.ip("198.18.0.40"));
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ControlChannel.serve(socket, r::control)) {
            ResponderControl control = new SocketControl(socket);
            ControlReply.Status s = control.putPersonas("personas:\n  - name: composed\n    expected: DELIVERED\n"
                    + "    quirks: { dont-fragment: false }\n");
            assertThat(s.personas()).extracting(ControlReply.PersonaView::name).containsExactly("composed");
            assertThat(s.personas().get(0).address()).isEqualTo("198.18.0.40");
            assertThat(s.personas().get(0).quirks()).anyMatch(q -> q.contains("dont-fragment"));
            assertThatThrownBy(() -> control.putPersonas("personas:\n  - name: bad\n    quirks: { ttl: 999 }\n"))
                    .isInstanceOf(IOException.class).hasMessageContaining("ttl");
            assertThat(control.status().personas()).extracting(ControlReply.PersonaView::name).containsExactly("composed");
            assertThatThrownBy(() -> control.beginProbe("clean", "x")).hasMessageContaining("no persona 'clean'");
        }
    }

    @Test
    void unknownOpsAndMalformedRequestsAreAnsweredInWords(@TempDir Path dir) throws Exception {
        Responder r = new Responder(List.of(), ResponderTest.NO_TAP, new ResponderTest.Collecting(), new ResponderJournal(10, 1 << 20), s -> { });
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ControlChannel.serve(socket, r::control)) {
            assertThat(raw(socket, "{\"op\":\"reboot\"}")).contains("unknown op 'reboot'").contains("journal");
            assertThat(raw(socket, "{\"nop\":1}")).contains("needs an 'op'");
            assertThat(raw(socket, "{\"op\":")).contains("malformed control request");
        }
    }

    private static String raw(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            ch.shutdownOutput();
            InputStream in = Channels.newInputStream(ch);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
