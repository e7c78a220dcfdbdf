package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.TestFrames;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.ReplyFrameBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which replies the stack holds for a reassembly that cannot happen, read from frames as the DUT capture has them. */
class HeldFragmentsTest {
    final AtomicInteger ids = new AtomicInteger(0x2000);

    /** The replies a persona with {@code q} sends to one request, stamped {@code at} microseconds. */
    List<FrameTap.Captured> replies(QuirkProfile q, long at) {
        ParsedFrame request = ParsedFrame.parse(TestFrames.Request.to623(new byte[40]).frame()).orElseThrow();
        List<FrameTap.Captured> out = new ArrayList<>();
        for (byte[] f : ReplyFrameBuilder.udpReplies(request, TestFrames.PERSONA, TestFrames.PERSONA_MAC, new byte[60], q, ids::getAndIncrement)) {
            out.add(new FrameTap.Captured(at, f));
        }
        return out;
    }

    @Test
    void loneFirstPiecesAndLoneLaterPiecesAreHeldOnceSettled() {
        for (QuirkProfile.Fragment kind : List.of(QuirkProfile.Fragment.MORE_FRAGMENTS, QuirkProfile.Fragment.OFFSET)) {
            QuirkProfile q = QuirkProfile.builder().set(QuirkField.FRAGMENT, kind).build();
            List<FrameTap.Captured> frames = new ArrayList<>(replies(q, 1_000));
            frames.addAll(replies(q, 2_000)); // a retransmission's answer: another datagram, as lone
            HeldFragments.Seen s = HeldFragments.of(frames, TestFrames.PERSONA, 10_000);
            assertThat(s.replies()).as(kind.name()).isEqualTo(2);
            assertThat(s.held()).as(kind.name()).isEqualTo(2);
            assertThat(s.allHeld()).isTrue();
            assertThat(s.oldestMicros()).isEqualTo(1_000);
            // the newest datagram's pieces may still be on their way: it is not counted yet
            assertThat(HeldFragments.of(frames, TestFrames.PERSONA, 1_500).held()).isEqualTo(1);
            assertThat(HeldFragments.of(frames, TestFrames.PERSONA, 1_500).allHeld()).isFalse();
        }
    }

    @Test
    void aReplySentInPiecesThatCompleteEachOtherIsNotHeldButOneWithAPieceMissingIs() {
        QuirkProfile split = QuirkProfile.builder().set(QuirkField.SPLIT, QuirkProfile.Split.HALVES).build();
        List<FrameTap.Captured> both = replies(split, 1_000);
        assertThat(both).hasSize(2);
        HeldFragments.Seen whole = HeldFragments.of(both, TestFrames.PERSONA, 10_000);
        assertThat(whole.replies()).isEqualTo(2);
        assertThat(whole.held()).isZero();
        // in either order
        assertThat(HeldFragments.of(List.of(both.get(1), both.get(0)), TestFrames.PERSONA, 10_000).held()).isZero();
        // the second half lost: the first is held; the first lost: the second is
        assertThat(HeldFragments.of(List.of(both.get(0)), TestFrames.PERSONA, 10_000).allHeld()).isTrue();
        assertThat(HeldFragments.of(List.of(both.get(1)), TestFrames.PERSONA, 10_000).allHeld()).isTrue();
    }

    @Test
    void wholeDatagramsAndOtherSendersAreNeverHeld() {
        List<FrameTap.Captured> clean = replies(QuirkProfile.CLEAN, 1_000);
        HeldFragments.Seen s = HeldFragments.of(clean, TestFrames.PERSONA, 10_000);
        assertThat(s.replies()).isEqualTo(1);
        assertThat(s.held()).isZero();
        assertThat(s.allHeld()).isFalse();
        QuirkProfile mf = QuirkProfile.builder().set(QuirkField.FRAGMENT, QuirkProfile.Fragment.MORE_FRAGMENTS).build();
        HeldFragments.Seen other = HeldFragments.of(replies(mf, 1_000), TestFrames.ip("198.18.0.99"), 10_000);
        assertThat(other.replies()).isZero();
        assertThat(other.allHeld()).as("nothing from that address: nothing decided").isFalse();
    }
}
