package io.quirklab.wire;

import static io.quirklab.testing.FrameOracle.u16;
import static io.quirklab.wire.QuirkField.DESTINATION;
import static io.quirklab.wire.QuirkField.DONT_FRAGMENT;
import static io.quirklab.wire.QuirkField.ETH_PADDING;
import static io.quirklab.wire.QuirkField.EVIL_BIT;
import static io.quirklab.wire.QuirkField.FRAGMENT;
import static io.quirklab.wire.QuirkField.IP_CHECKSUM;
import static io.quirklab.wire.QuirkField.IP_ID;
import static io.quirklab.wire.QuirkField.IP_ID_VALUE;
import static io.quirklab.wire.QuirkField.IP_OPTIONS;
import static io.quirklab.wire.QuirkField.PAYLOAD_PARITY;
import static io.quirklab.wire.QuirkField.SOURCE_PORT;
import static io.quirklab.wire.QuirkField.TEMPLATE;
import static io.quirklab.wire.QuirkField.TOS;
import static io.quirklab.wire.QuirkField.TRAILING_BYTES;
import static io.quirklab.wire.QuirkField.TTL;
import static io.quirklab.wire.QuirkField.UDP_CHECKSUM;
import static io.quirklab.wire.QuirkField.VLAN_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.testing.FrameOracle;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.QuirkProfile.Destination;
import io.quirklab.wire.QuirkProfile.EthPadding;
import io.quirklab.wire.QuirkProfile.Fragment;
import io.quirklab.wire.QuirkProfile.IpChecksum;
import io.quirklab.wire.QuirkProfile.IpId;
import io.quirklab.wire.QuirkProfile.IpOptions;
import io.quirklab.wire.QuirkProfile.PayloadParity;
import io.quirklab.wire.QuirkProfile.Template;
import io.quirklab.wire.QuirkProfile.UdpChecksum;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * Every quirk dimension, checked twice: parsed back with {@link ParsedFrame}, and against hand-written offsets with
 * the checksums recomputed by {@link FrameOracle}. Offsets below assume an untagged frame with a 20-byte IP header:
 * IP at 14, UDP at 34, payload at 42.
 */
class ReplyFrameBuilderTest {
    /** A 30-byte Get Channel Auth Capabilities response, the usual first reply. */
    private static final byte[] PAYLOAD = HexFormat.of().parseHex("0600ff0700000000000000000010811c6320043800011782000000000000");
    private static final TestFrames.Request REQUEST = TestFrames.Request.to623(new byte[23]);

    private final AtomicInteger ids = new AtomicInteger(0x1000);
    private final IntSupplier fresh = ids::getAndIncrement;

    private byte[] reply(QuirkProfile p) {
        return reply(REQUEST, PAYLOAD, p);
    }

    private byte[] reply(TestFrames.Request rq, byte[] payload, QuirkProfile p) {
        byte[] f = ReplyFrameBuilder.udpReply(ParsedFrame.parse(rq.frame()).orElseThrow(), TestFrames.PERSONA,
                TestFrames.PERSONA_MAC, payload, p, fresh);
        // Whatever the quirks, the frame must parse back to the same datagram as far as it is a datagram.
        ParsedFrame back = ParsedFrame.parse(f).orElseThrow();
        ParsedFrame.Ipv4 ip = back.ipv4().orElseThrow();
        assertThat(ip.src()).isEqualTo(TestFrames.PERSONA);
        assertThat(ip.dst()).isEqualTo(rq.src());
        assertThat(ip.headerChecksumValid()).isEqualTo(FrameOracle.ipHeaderChecksumOk(f));
        back.udp().ifPresent(u -> {
            assertThat(u.checksumValid()).isEqualTo(FrameOracle.udpChecksumOk(f));
            assertThat(u.dstPort()).isEqualTo(rq.sport());
        });
        return f;
    }

    @Test
    void cleanDefaults() {
        byte[] f = reply(QuirkProfile.CLEAN);
        assertThat(f).hasSize(14 + 20 + 8 + PAYLOAD.length);
        assertThat(Arrays.copyOfRange(f, 0, 6)).isEqualTo(TestFrames.DUT_MAC.bytes());
        assertThat(Arrays.copyOfRange(f, 6, 12)).isEqualTo(TestFrames.PERSONA_MAC.bytes());
        assertThat(u16(f, 12)).isEqualTo(0x0800);
        assertThat(f[14]).isEqualTo((byte) 0x45);
        assertThat(f[15]).isZero();
        assertThat(u16(f, 16)).isEqualTo(20 + 8 + PAYLOAD.length);
        assertThat(u16(f, 18)).isEqualTo(0x1000);
        assertThat(ids.get()).isEqualTo(0x1001);
        assertThat(u16(f, 20)).isEqualTo(0x4000);
        assertThat(f[22]).isEqualTo((byte) 64);
        assertThat(f[23]).isEqualTo((byte) 17);
        assertThat(Arrays.copyOfRange(f, 26, 30)).isEqualTo(TestFrames.PERSONA.getAddress());
        assertThat(Arrays.copyOfRange(f, 30, 34)).isEqualTo(TestFrames.DUT.getAddress());
        assertThat(u16(f, 34)).isEqualTo(623);
        assertThat(u16(f, 36)).isEqualTo(45678);
        assertThat(u16(f, 38)).isEqualTo(8 + PAYLOAD.length);
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
        assertThat(FrameOracle.udpChecksumField(f)).isNotZero();
        assertThat(FrameOracle.udpSum(f)).isEqualTo(0xFFFF);
        assertThat(Arrays.copyOfRange(f, 42, f.length)).isEqualTo(PAYLOAD);
    }

    @Test
    void ipIdentification() {
        assertThat(u16(reply(QuirkProfile.builder().set(IP_ID, IpId.ECHO).build()), 18)).isEqualTo(0x4d2e);
        assertThat(u16(reply(QuirkProfile.builder().set(IP_ID, IpId.ZERO).build()), 18)).isZero();
        assertThat(u16(reply(QuirkProfile.builder().set(IP_ID, IpId.FIXED).set(IP_ID_VALUE, 0x1234).build()), 18)).isEqualTo(0x1234);
        assertThat(ids.get()).as("no fresh ID taken for echo, zero or fixed").isEqualTo(0x1000);
        assertThat(u16(reply(QuirkProfile.builder().set(IP_ID, IpId.FRESH).build()), 18)).isEqualTo(0x1000);
        assertThat(u16(reply(QuirkProfile.CLEAN), 18)).isEqualTo(0x1001);
    }

    @Test
    void flagsAndFragments() {
        assertThat(u16(reply(QuirkProfile.builder().set(DONT_FRAGMENT, false).build()), 20)).isEqualTo(0x0000);
        assertThat(u16(reply(QuirkProfile.builder().set(EVIL_BIT, true).build()), 20)).isEqualTo(0x8000 | 0x4000);
        assertThat(u16(reply(QuirkProfile.builder().set(FRAGMENT, Fragment.MORE_FRAGMENTS).build()), 20)).isEqualTo(0x4000 | 0x2000);
        byte[] offset = reply(QuirkProfile.builder().set(FRAGMENT, Fragment.OFFSET).build());
        assertThat(u16(offset, 20)).isEqualTo(0x4000 | 185);
        ParsedFrame.Ipv4 ip = ParsedFrame.parse(offset).orElseThrow().ipv4().orElseThrow();
        assertThat(ip.fragmentOffset() * 8).isEqualTo(1480);
        assertThat(ip.isFragment()).isTrue();
        assertThat(ParsedFrame.parse(offset).orElseThrow().udp()).as("a fragment is not parsed as UDP").isEmpty();
        assertThat(u16(reply(QuirkProfile.builder().set(FRAGMENT, Fragment.NONE).build()), 20)).isEqualTo(0x4000);
    }

    @Test
    void ttlAndTos() {
        byte[] f = reply(QuirkProfile.builder().set(TTL, 1).set(TOS, 0xB8).build());
        assertThat(f[22]).isEqualTo((byte) 1);
        assertThat(f[15]).isEqualTo((byte) 0xB8);
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
    }

    @Test
    void nopOptions() {
        byte[] f = reply(QuirkProfile.builder().set(IP_OPTIONS, IpOptions.NOP).build());
        assertThat(f[14]).isEqualTo((byte) 0x46);
        assertThat(Arrays.copyOfRange(f, 34, 38)).containsExactly(1, 1, 1, 1);
        assertThat(u16(f, 16)).isEqualTo(24 + 8 + PAYLOAD.length);
        assertThat(u16(f, 38)).isEqualTo(623);
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
        assertThat(ParsedFrame.parse(f).orElseThrow().udp().orElseThrow().payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void recordRouteOption() {
        byte[] f = reply(QuirkProfile.builder().set(IP_OPTIONS, IpOptions.RECORD_ROUTE).build());
        assertThat(f[14]).isEqualTo((byte) 0x48);
        // type 7, length 11, pointer 4, two zeroed slots, then EOL to the 4-byte boundary
        assertThat(Arrays.copyOfRange(f, 34, 46)).containsExactly(7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(u16(f, 16)).isEqualTo(32 + 8 + PAYLOAD.length);
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
    }

    @Test
    void wrongIpChecksumIsWrongAndOnlyThat() {
        byte[] good = reply(QuirkProfile.builder().set(IP_ID, IpId.ZERO).build());
        byte[] bad = reply(QuirkProfile.builder().set(IP_ID, IpId.ZERO).set(IP_CHECKSUM, IpChecksum.WRONG).build());
        assertThat(FrameOracle.ipHeaderChecksumOk(bad)).isFalse();
        assertThat(u16(bad, 24)).isEqualTo(u16(good, 24) ^ 0x5555);
        assertThat(FrameOracle.udpChecksumOk(bad)).isTrue();
        assertThat(ParsedFrame.parse(bad).orElseThrow().ipv4().orElseThrow().headerChecksumValid()).isFalse();
    }

    @Test
    void trailingBytesCountInIpButNotInUdp() {
        byte[] f = reply(QuirkProfile.builder().set(TRAILING_BYTES, 10).build());
        assertThat(u16(f, 16)).isEqualTo(20 + 8 + PAYLOAD.length + 10);
        assertThat(u16(f, 38)).isEqualTo(8 + PAYLOAD.length);
        assertThat(f).hasSize(14 + 20 + 8 + PAYLOAD.length + 10);
        byte[] tail = Arrays.copyOfRange(f, f.length - 10, f.length);
        assertThat(tail).isEqualTo(ReplyFrameBuilder.junk(10));
        assertThat(tail[0]).isEqualTo((byte) 0xA5);
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
        assertThat(FrameOracle.udpChecksumField(f)).isEqualTo(FrameOracle.udpChecksumField(reply(QuirkProfile.builder().set(IP_ID, IpId.FRESH).build())));
        ParsedFrame p = ParsedFrame.parse(f).orElseThrow();
        assertThat(p.ipv4().orElseThrow().payloadLength()).isEqualTo(8 + PAYLOAD.length + 10);
        assertThat(p.udp().orElseThrow().payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void junkNeverSumsToZero() {
        for (int n = 1; n <= 64; n++) {
            byte[] j = ReplyFrameBuilder.junk(n);
            byte[] shifted = new byte[n + 1];
            System.arraycopy(j, 0, shifted, 1, n);
            assertThat(FrameOracle.onesSum(j, 0, n)).as("%d junk bytes", n).isNotEqualTo(0xFFFF);
            assertThat(FrameOracle.onesSum(shifted, 0, n + 1)).as("%d junk bytes at an odd offset", n).isNotEqualTo(0xFFFF);
        }
    }

    @Test
    void udpChecksumNoneAndWrong() {
        byte[] none = reply(QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.NONE).build());
        assertThat(FrameOracle.udpChecksumField(none)).isZero();
        assertThat(ParsedFrame.parse(none).orElseThrow().udp().orElseThrow().checksumPresent()).isFalse();
        byte[] wrong = reply(QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.WRONG).build());
        assertThat(FrameOracle.udpChecksumOk(wrong)).isFalse();
        assertThat(FrameOracle.udpChecksumField(wrong)).isNotIn(0, 0xFFFF);
        assertThat(FrameOracle.ipHeaderChecksumOk(wrong)).isTrue();
    }

    @Test
    void wrongChecksumsAreNeverAccidentallyRight() {
        for (int correct = 0; correct <= 0xFFFF; correct++) {
            int w = ReplyFrameBuilder.wrong(correct);
            if (w == correct || w == 0 || w == 0xFFFF) {
                throw new AssertionError(String.format("wrong(0x%04x) = 0x%04x", correct, w));
            }
        }
    }

    @Test
    void zeroSumModesWithoutATunedPayloadSendTheCorrectChecksum() {
        int correct = FrameOracle.udpChecksumField(reply(QuirkProfile.CLEAN));
        assertThat(correct).isNotEqualTo(0xFFFF);
        for (UdpChecksum mode : new UdpChecksum[] {UdpChecksum.NEGATIVE_ZERO, UdpChecksum.ZERO_AS_NONE}) {
            byte[] f = reply(QuirkProfile.builder().set(UDP_CHECKSUM, mode).build());
            assertThat(FrameOracle.udpChecksumField(f)).as("%s", mode).isEqualTo(correct);
            assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
        }
    }

    @Test
    void zeroSumModesWithAPayloadThatSumsToZero() {
        byte[] tuned = zeroSumPayload();
        byte[] negativeZero = reply(REQUEST, tuned, QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.NEGATIVE_ZERO).build());
        assertThat(FrameOracle.udpSumIsZero(negativeZero)).isTrue();
        assertThat(FrameOracle.udpChecksumField(negativeZero)).isEqualTo(0xFFFF);
        assertThat(FrameOracle.udpChecksumOk(negativeZero)).isTrue();
        byte[] asNone = reply(REQUEST, tuned, QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.ZERO_AS_NONE).build());
        assertThat(FrameOracle.udpChecksumField(asNone)).isZero();
        byte[] clean = reply(REQUEST, tuned, QuirkProfile.CLEAN);
        assertThat(FrameOracle.udpChecksumField(clean)).as("RFC 768 sends a zero sum as 0xFFFF anyway").isEqualTo(0xFFFF);
    }

    /** PAYLOAD with its last word chosen so the reply's UDP checksum computes to zero (the tuner's job, done by hand). */
    private byte[] zeroSumPayload() {
        byte[] p = PAYLOAD.clone();
        p[28] = 0;
        p[29] = 0;
        int c = InternetChecksum.udpChecksum(TestFrames.PERSONA, TestFrames.DUT, 623, 45678, p);
        p[28] = (byte) (c >> 8);
        p[29] = (byte) c;
        return p;
    }

    @Test
    void sourcePort() {
        byte[] f = reply(QuirkProfile.builder().set(SOURCE_PORT, 6230).build());
        assertThat(u16(f, 34)).isEqualTo(6230);
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
    }

    @Test
    void payloadParity() {
        byte[] odd = reply(QuirkProfile.builder().set(PAYLOAD_PARITY, PayloadParity.ODD).build());
        assertThat(u16(odd, 38)).isEqualTo(8 + PAYLOAD.length + 1);
        assertThat(odd[odd.length - 1]).isZero();
        assertThat(FrameOracle.udpChecksumOk(odd)).isTrue();
        assertThat(reply(QuirkProfile.builder().set(IP_ID, IpId.ZERO).set(PAYLOAD_PARITY, PayloadParity.EVEN).build()))
                .as("an even payload stays as it is").isEqualTo(reply(QuirkProfile.builder().set(IP_ID, IpId.ZERO).build()));
        byte[] oddPayload = Arrays.copyOf(PAYLOAD, 31);
        byte[] even = reply(REQUEST, oddPayload, QuirkProfile.builder().set(PAYLOAD_PARITY, PayloadParity.EVEN).build());
        assertThat(u16(even, 38)).isEqualTo(8 + 32);
        byte[] shaped = ReplyFrameBuilder.payloadFor(PAYLOAD, QuirkProfile.builder().set(PAYLOAD_PARITY, PayloadParity.ODD).build());
        assertThat(ReplyFrameBuilder.payloadFor(shaped, QuirkProfile.builder().set(PAYLOAD_PARITY, PayloadParity.ODD).build()))
                .as("shaping twice changes nothing").isEqualTo(shaped);
    }

    @Test
    void shortFramesArePaddedWithZerosOrJunk() {
        byte[] tiny = {6, 0, -1, 6};
        byte[] zeros = reply(REQUEST, tiny, QuirkProfile.CLEAN);
        assertThat(zeros).hasSize(60);
        assertThat(Arrays.copyOfRange(zeros, 46, 60)).containsOnly(0);
        byte[] junk = reply(REQUEST, tiny, QuirkProfile.builder().set(ETH_PADDING, EthPadding.JUNK).build());
        assertThat(junk).hasSize(60);
        assertThat(Arrays.copyOfRange(junk, 46, 60)).isEqualTo(ReplyFrameBuilder.junk(14));
        assertThat(u16(junk, 16)).isEqualTo(20 + 8 + 4);
        assertThat(FrameOracle.udpChecksumField(junk)).isEqualTo(FrameOracle.udpChecksumField(zeros));
        assertThat(ParsedFrame.parse(junk).orElseThrow().udp().orElseThrow().payload()).isEqualTo(tiny);
        assertThat(reply(QuirkProfile.builder().set(ETH_PADDING, EthPadding.JUNK).build())).as("IPMI-size replies need no padding")
                .hasSize(14 + 20 + 8 + PAYLOAD.length);
    }

    @Test
    void vlanTag() {
        byte[] f = reply(QuirkProfile.builder().set(VLAN_ID, 100).build());
        assertThat(u16(f, 12)).isEqualTo(0x8100);
        assertThat(u16(f, 14)).isEqualTo(100);
        assertThat(u16(f, 16)).isEqualTo(0x0800);
        assertThat(f[18]).isEqualTo((byte) 0x45);
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
        ParsedFrame p = ParsedFrame.parse(f).orElseThrow();
        assertThat(p.vlanId()).hasValue(100);
        assertThat(p.udp().orElseThrow().payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void broadcastDestination() {
        byte[] f = reply(QuirkProfile.builder().set(DESTINATION, Destination.BROADCAST).build());
        assertThat(MacAddress.of(f, 0).isBroadcast()).isTrue();
        assertThat(Arrays.copyOfRange(f, 30, 34)).as("IP stays unicast").isEqualTo(TestFrames.DUT.getAddress());
        assertThat(MacAddress.of(reply(QuirkProfile.builder().set(DESTINATION, Destination.UNICAST).build()), 0)).isEqualTo(TestFrames.DUT_MAC);
    }

    @Test
    void templateCopiesTheRequestHeader() {
        byte[] nop = {1, 1, 1, 1};
        TestFrames.Request rq = REQUEST.withId(0xBEEF).withFlags(0b100).withTtlTos(128, 0x10).withOptions(nop);
        byte[] f = reply(rq, PAYLOAD, QuirkProfile.builder().set(TEMPLATE, Template.REQUEST).build());
        assertThat(u16(f, 18)).isEqualTo(0xBEEF);
        assertThat(u16(f, 20)).as("evil bit copied, DF clear as in the request").isEqualTo(0x8000);
        assertThat(f[22]).isEqualTo((byte) 128);
        assertThat(f[15]).isEqualTo((byte) 0x10);
        assertThat(f[14]).isEqualTo((byte) 0x46);
        assertThat(Arrays.copyOfRange(f, 34, 38)).isEqualTo(nop);
        assertThat(ids.get()).as("no fresh ID taken").isEqualTo(0x1000);
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
    }

    @Test
    void explicitFieldsOverrideTheTemplate() {
        TestFrames.Request rq = REQUEST.withId(0xBEEF).withFlags(0b010).withTtlTos(128, 0x10);
        byte[] f = reply(rq, PAYLOAD, QuirkProfile.builder().set(TEMPLATE, Template.REQUEST).set(DONT_FRAGMENT, false).set(TTL, 5).set(IP_OPTIONS, IpOptions.NONE).build());
        assertThat(u16(f, 18)).isEqualTo(0xBEEF);
        assertThat(u16(f, 20)).isZero();
        assertThat(f[22]).isEqualTo((byte) 5);
        assertThat(f[15]).isEqualTo((byte) 0x10);
        byte[] fresh = reply(rq, PAYLOAD, QuirkProfile.builder().set(TEMPLATE, Template.REQUEST).set(IP_ID, IpId.FRESH).build());
        assertThat(u16(fresh, 18)).isEqualTo(0x1000);
        assertThat(u16(fresh, 20)).isEqualTo(0x4000);
    }

    @Test
    void requestMustBeUdp() {
        ParsedFrame arp = ParsedFrame.parse(TestFrames.arpRequest(TestFrames.PERSONA)).orElseThrow();
        assertThatThrownBy(() -> ReplyFrameBuilder.udpReply(arp, TestFrames.PERSONA, TestFrames.PERSONA_MAC, PAYLOAD,
                QuirkProfile.CLEAN, fresh)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not UDP");
    }

    @Test
    void arpReplyAnswersOnlyRequestsForItsAddress() {
        ParsedFrame rq = ParsedFrame.parse(TestFrames.arpRequest(TestFrames.PERSONA)).orElseThrow();
        byte[] f = ReplyFrameBuilder.arpReply(rq, TestFrames.PERSONA, TestFrames.PERSONA_MAC).orElseThrow();
        assertThat(f).hasSize(60);
        assertThat(MacAddress.of(f, 0)).isEqualTo(TestFrames.DUT_MAC);
        assertThat(MacAddress.of(f, 6)).isEqualTo(TestFrames.PERSONA_MAC);
        assertThat(u16(f, 12)).isEqualTo(0x0806);
        assertThat(u16(f, 20)).isEqualTo(2);
        assertThat(Arrays.copyOfRange(f, 42, 60)).containsOnly(0);
        ParsedFrame.Arp a = ParsedFrame.parse(f).orElseThrow().arp().orElseThrow();
        assertThat(a.senderMac()).isEqualTo(TestFrames.PERSONA_MAC);
        assertThat(a.senderIp()).isEqualTo(TestFrames.PERSONA);
        assertThat(a.targetMac()).isEqualTo(TestFrames.DUT_MAC);
        assertThat(a.targetIp()).isEqualTo(TestFrames.DUT);
        assertThat(ReplyFrameBuilder.arpReply(rq, TestFrames.ip("198.18.0.11"), TestFrames.PERSONA_MAC)).isEmpty();
        ParsedFrame reply = ParsedFrame.parse(f).orElseThrow();
        assertThat(ReplyFrameBuilder.arpReply(reply, TestFrames.DUT, TestFrames.PERSONA_MAC)).as("replies are not answered").isEmpty();
        ParsedFrame udp = ParsedFrame.parse(REQUEST.frame()).orElseThrow();
        assertThat(ReplyFrameBuilder.arpReply(udp, TestFrames.PERSONA, TestFrames.PERSONA_MAC)).isEmpty();
    }

    @Test
    void icmpEchoReply() {
        byte[] data = "quirklab-ping-data".getBytes();
        ParsedFrame rq = ParsedFrame.parse(TestFrames.echoRequest(0x0abc, 7, data)).orElseThrow();
        byte[] f = ReplyFrameBuilder.icmpEchoReply(rq, TestFrames.PERSONA_MAC).orElseThrow();
        assertThat(MacAddress.of(f, 0)).isEqualTo(TestFrames.DUT_MAC);
        assertThat(Arrays.copyOfRange(f, 26, 30)).isEqualTo(TestFrames.PERSONA.getAddress());
        assertThat(Arrays.copyOfRange(f, 30, 34)).isEqualTo(TestFrames.DUT.getAddress());
        assertThat(FrameOracle.ipHeaderChecksumOk(f)).isTrue();
        assertThat(f[34]).isZero();
        assertThat(FrameOracle.onesSum(f, 34, 8 + data.length)).isEqualTo(0xFFFF);
        ParsedFrame.IcmpEcho e = ParsedFrame.parse(f).orElseThrow().icmpEcho().orElseThrow();
        assertThat(e.type()).isEqualTo(ParsedFrame.IcmpEcho.REPLY);
        assertThat(e.id()).isEqualTo(0x0abc);
        assertThat(e.sequence()).isEqualTo(7);
        assertThat(e.data()).isEqualTo(data);
        byte[] corrupt = TestFrames.echoRequest(1, 1, data);
        corrupt[40] ^= 1;
        assertThat(ReplyFrameBuilder.icmpEchoReply(ParsedFrame.parse(corrupt).orElseThrow(), TestFrames.PERSONA_MAC)).isEmpty();
        assertThat(ReplyFrameBuilder.icmpEchoReply(ParsedFrame.parse(f).orElseThrow(), TestFrames.PERSONA_MAC))
                .as("echo replies are not answered").isEmpty();
    }
}
