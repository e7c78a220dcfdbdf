package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChannelFramesTest {
    @Test
    void aRequestIsItsIdAndTimeoutOnOneLineThenTheScriptEndedByOneNul() {
        byte[] r = ChannelFrames.request(7, 5, "echo a\necho b");
        assertThat(new String(r, StandardCharsets.UTF_8)).isEqualTo("7 5\necho a\necho b\0");
    }

    @Test
    void aScriptWithANulByteIsRefusedBecauseTheGuestWouldCutItThere() {
        assertThatThrownBy(() -> ChannelFrames.request(1, 5, "echo a\0rm"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> ChannelFrames.request(1, 0, "true")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void repliesAreReadWhateverPiecesTheStreamArrivesIn() throws IOException {
        byte[] binary = {0, (byte) 0xFF, '\n', 'Q', 'V', 'M', ' ', 0};
        byte[] stream = concat(reply(3, 0, binary, "warn\n".getBytes()), reply(4, 137, new byte[0], new byte[0]),
                reply(5, 2, "x".getBytes(), new byte[0]));
        for (int piece = 1; piece <= stream.length; piece++) {
            ChannelFrames.ReplyDecoder d = new ChannelFrames.ReplyDecoder();
            List<ChannelFrames.Reply> got = new ArrayList<>();
            for (int i = 0; i < stream.length; i += piece) {
                d.feed(stream, i, Math.min(piece, stream.length - i));
                for (Optional<ChannelFrames.Reply> r = d.next(); r.isPresent(); r = d.next()) {
                    got.add(r.get());
                }
            }
            assertThat(got).extracting(ChannelFrames.Reply::id).containsExactly(3L, 4L, 5L);
            assertThat(got.get(0).stdout()).isEqualTo(binary);
            assertThat(got.get(0).stderr()).isEqualTo("warn\n".getBytes());
            assertThat(got.get(1).exitCode()).isEqualTo(137);
            assertThat(got.get(1).stdout()).isEmpty();
            assertThat(got.get(2).exitCode()).isEqualTo(2);
        }
    }

    @Test
    void aStreamThatIsNotRepliesPutsTheChannelOutOfStep() {
        ChannelFrames.ReplyDecoder d = new ChannelFrames.ReplyDecoder();
        byte[] noise = "Kernel panic - not syncing\n".getBytes();
        assertThatThrownBy(() -> d.feed(noise, 0, noise.length)).isInstanceOf(IOException.class).hasMessageContaining("not a reply header");
        byte[] endless = new byte[ChannelFrames.MAX_HEADER + 1];
        assertThatThrownBy(() -> new ChannelFrames.ReplyDecoder().feed(endless, 0, endless.length)).isInstanceOf(IOException.class);
    }

    @Test
    void aReplyClaimingMoreThanTheBoundIsRefusedBeforeAnythingIsAllocated() {
        byte[] huge = ("QVM 1 0 " + (ChannelFrames.MAX_OUTPUT + 1) + " 0\n").getBytes();
        assertThatThrownBy(() -> new ChannelFrames.ReplyDecoder().feed(huge, 0, huge.length)).isInstanceOf(IOException.class)
                .hasMessageContaining("more than");
    }

    static byte[] reply(long id, int exit, byte[] out, byte[] err) {
        return concat(("QVM " + id + " " + exit + " " + out.length + " " + err.length + "\n").getBytes(), out, err);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
