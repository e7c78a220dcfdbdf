package io.quirklab.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.TestFrames;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** RFC 5227 frames, checked field by field against the RFC's layout (not against the parser alone). */
class ArpFramesTest {
    static final MacAddress SELF = MacAddress.local(0x12070a);
    static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:99");
    static final Inet4Address A = TestFrames.ip("198.18.7.10");

    @Test
    void aProbeComesFromZeroAndAsksForTheAddress() {
        byte[] f = ArpFrames.probe(SELF, A);
        ByteBuffer b = ByteBuffer.wrap(f);
        assertThat(f).hasSize(60);
        assertThat(MacAddress.of(f, 0)).isEqualTo(MacAddress.BROADCAST);
        assertThat(MacAddress.of(f, 6)).isEqualTo(SELF);
        assertThat(b.getShort(12) & 0xFFFF).isEqualTo(0x0806);
        assertThat(b.getShort(14)).isEqualTo((short) 1);        // htype Ethernet
        assertThat(b.getShort(16) & 0xFFFF).isEqualTo(0x0800);  // ptype IPv4
        assertThat(b.getShort(20)).isEqualTo((short) 1);        // request
        assertThat(MacAddress.of(f, 22)).isEqualTo(SELF);        // sender MAC
        assertThat(b.getInt(28)).isZero();                       // sender IP 0.0.0.0
        assertThat(MacAddress.of(f, 32)).isEqualTo(MacAddress.of(new byte[6])); // target MAC zero
        assertThat(ParsedFrame.parse(f).orElseThrow().arp().orElseThrow().targetIp()).isEqualTo(A);
    }

    @Test
    void anAnnouncementNamesTheAddressAsSenderAndTarget() {
        ParsedFrame.Arp a = ParsedFrame.parse(ArpFrames.announcement(SELF, A)).orElseThrow().arp().orElseThrow();
        assertThat(a.op()).isEqualTo(ParsedFrame.Arp.REQUEST);
        assertThat(a.senderIp()).isEqualTo(A);
        assertThat(a.targetIp()).isEqualTo(A);
        assertThat(a.senderMac()).isEqualTo(SELF);
    }

    @Test
    void conflictsAreOtherHostsUsingOrProbingTheAddressNeverOurOwnFrames() {
        ParsedFrame otherAnnounces = ParsedFrame.parse(ArpFrames.announcement(OTHER, A)).orElseThrow();
        assertThat(ArpFrames.conflict(otherAnnounces, A, SELF::equals)).contains(OTHER);
        ParsedFrame otherProbes = ParsedFrame.parse(ArpFrames.probe(OTHER, A)).orElseThrow();
        assertThat(ArpFrames.conflict(otherProbes, A, SELF::equals)).contains(OTHER);
        ParsedFrame ours = ParsedFrame.parse(ArpFrames.probe(SELF, A)).orElseThrow();
        assertThat(ArpFrames.conflict(ours, A, SELF::equals)).isEmpty();
        // a DUT asking who has the address is no conflict
        ParsedFrame asks = ParsedFrame.parse(TestFrames.arpRequest(A)).orElseThrow();
        assertThat(ArpFrames.conflict(asks, A, SELF::equals)).isEmpty();
        assertThat(ArpFrames.conflict(otherAnnounces, TestFrames.ip("198.18.7.11"), SELF::equals)).isEmpty();
    }
}
