package io.quirklab.responder;

import static io.quirklab.wire.QuirkField.PAYLOAD_PARITY;
import static io.quirklab.wire.QuirkField.SOURCE_PORT;
import static io.quirklab.wire.QuirkField.UDP_CHECKSUM;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import io.quirklab.testing.FrameOracle;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.QuirkProfile.PayloadParity;
import io.quirklab.wire.QuirkProfile.UdpChecksum;
import io.quirklab.wire.ReplyFrameBuilder;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChecksumTunerTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(TestFrames.DUT, 45678);
    private final SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults());

    private byte[] pong(int tag) {
        return bmc.handle(RmcpPacket.asf(AsfMessage.ping(tag).encode()).encode(), PEER).reply();
    }

    private byte[] sessionless(int cmd, int rqSeq, byte[] data) {
        byte[] rq = Session15Packet.of(AuthType.NONE, 0, 0, null, IpmiRequest.of(NetFn.APP, cmd, rqSeq, data).encode()).toDatagram();
        return bmc.handle(rq, PEER).reply();
    }

    private byte[] authCaps(int rqSeq) {
        return sessionless(NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, rqSeq, new byte[] {0x0E, 0x04});
    }

    private static Inet4Address randomTestAddress(Random r) {
        return TestFrames.ip("198." + (18 + r.nextInt(2)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)));
    }

    /** The reply frame for {@code datagram} under {@code p}, the datagram prepared the way the responder does. */
    private static byte[] frame(TestFrames.Request rq, byte[] datagram, QuirkProfile p) {
        ParsedFrame request = ParsedFrame.parse(rq.frame()).orElseThrow();
        byte[] payload = ChecksumTuner.replyPayload(datagram, request, rq.dst(), p);
        return ReplyFrameBuilder.udpReply(request, rq.dst(), TestFrames.PERSONA_MAC, payload, p, () -> 0x2222);
    }

    private static byte[] udpPayload(byte[] frame) {
        return ParsedFrame.parse(frame).orElseThrow().udp().orElseThrow().payload();
    }

    @Test
    void negativeZeroPongGoesOutAs0xFFFFAndStillDecodes() {
        byte[] pong = pong(0x5c);
        TestFrames.Request rq = TestFrames.Request.to623(RmcpPacket.asf(AsfMessage.ping(0x5c).encode()).encode());
        byte[] f = frame(rq, pong, QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.NEGATIVE_ZERO).build());
        assertThat(FrameOracle.udpChecksumField(f)).isEqualTo(0xFFFF);
        assertThat(FrameOracle.udpSumIsZero(f)).isTrue();
        assertThat(FrameOracle.udpChecksumOk(f)).isTrue();
        AsfMessage before = AsfMessage.decode(RmcpPacket.decode(pong).body());
        AsfMessage after = AsfMessage.decode(RmcpPacket.decode(udpPayload(f)).body());
        assertThat(after.type()).isEqualTo(AsfMessage.TYPE_PONG);
        assertThat(after.tag()).isEqualTo(0x5c);
        assertThat(after.supportsIpmi()).isTrue();
        assertThat(Arrays.copyOfRange(after.data(), 0, 4)).isEqualTo(Arrays.copyOfRange(before.data(), 0, 4));
        assertThat(Arrays.copyOfRange(after.data(), 8, 16)).isEqualTo(Arrays.copyOfRange(before.data(), 8, 16));
    }

    @Test
    void zeroAsNoneGoesOutAs0x0000() {
        byte[] caps = authCaps(5);
        TestFrames.Request rq = TestFrames.Request.to623(new byte[23]);
        byte[] f = frame(rq, caps, QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.ZERO_AS_NONE).build());
        assertThat(FrameOracle.udpChecksumField(f)).isZero();
        assertThat(FrameOracle.udpSumIsZero(f)).isTrue();
        assertThat(ParsedFrame.parse(f).orElseThrow().udp().orElseThrow().checksumValid()).isTrue();
    }

    @Test
    void pongsAreTunedForEveryAddressAndPort() {
        Random r = new Random(1);
        for (int n = 0; n < 2000; n++) {
            byte[] pong = pong(r.nextInt(256));
            Inet4Address src = randomTestAddress(r);
            Inet4Address dst = randomTestAddress(r);
            int sport = 1 + r.nextInt(65535);
            int dport = 1 + r.nextInt(65535);
            ChecksumTuner.Tuning t = ChecksumTuner.tune(pong, src, dst, sport, dport).orElseThrow();
            assertThat(t.field()).isEqualTo(ChecksumTuner.Field.ASF_OEM_DEFINED);
            assertThat(io.quirklab.wire.InternetChecksum.udpChecksum(src, dst, sport, dport, t.datagram())).isZero();
        }
    }

    @Test
    void authCapabilitiesAreTunedForEveryCombinationAndMeanTheSame() {
        Random r = new Random(2);
        int viaOem = 0;
        int combinations = 3000;
        for (int n = 0; n < combinations; n++) {
            int rqSeq = r.nextInt(64);
            byte[] caps = authCaps(rqSeq);
            Inet4Address dut = randomTestAddress(r);
            Inet4Address persona = randomTestAddress(r);
            int clientPort = 1024 + r.nextInt(64512);
            QuirkProfile p = QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.NEGATIVE_ZERO).set(SOURCE_PORT, r.nextBoolean() ? 623 : 1 + r.nextInt(65535)).build();
            TestFrames.Request rq = new TestFrames.Request(dut, persona, clientPort, 623, r.nextInt(65536), 0b010, 64, 0,
                    new byte[0], new byte[23]);
            byte[] f = frame(rq, caps, p);
            assertThat(FrameOracle.udpChecksumField(f)).as("combination %d", n).isEqualTo(0xFFFF);
            assertThat(FrameOracle.udpSumIsZero(f)).isTrue();

            byte[] tuned = udpPayload(f);
            Session15Packet before = Session15Packet.decode(RmcpPacket.decode(caps).body());
            Session15Packet after = Session15Packet.decode(RmcpPacket.decode(tuned).body());
            IpmiResponse was = IpmiResponse.decode(before.message());
            IpmiResponse is = IpmiResponse.decode(after.message()); // both IPMI checksums verified here
            assertThat(after.authType()).isEqualTo(AuthType.NONE);
            assertThat(after.sessionId()).isZero();
            assertThat(is.answers(IpmiRequest.of(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, rqSeq, new byte[0]))).isTrue();
            assertThat(is.completionCode()).isEqualTo(was.completionCode());
            assertThat(Arrays.copyOfRange(is.data(), 0, 4)).as("channel, auth types, login status, extended").isEqualTo(
                    Arrays.copyOfRange(was.data(), 0, 4));
            ChecksumTuner.Tuning t = ChecksumTuner.tune(caps, persona, dut, p.effective(SOURCE_PORT), clientPort).orElseThrow();
            assertThat(t.datagram()).isEqualTo(tuned);
            if (t.field() == ChecksumTuner.Field.AUTH_CAPS_OEM) {
                viaOem++;
                assertThat(after.sequence()).isZero();
            } else {
                assertThat(t.field()).isEqualTo(ChecksumTuner.Field.SESSION_SEQUENCE);
                assertThat(is.data()).isEqualTo(was.data());
                assertThat(after.sequence() & 0xFF0000FF).as("only bytes 1..2 of the sequence number change").isZero();
            }
        }
        // The OEM bytes can only help for a few residues mod 255 (see ChecksumTuner): both paths are exercised.
        assertThat(viaOem).isPositive().isLessThan(combinations / 10);
    }

    @Test
    void oemBytesUnderChecksumTwoReachOnlyAFewResiduesMod255() {
        byte[] caps = authCaps(1);
        Set<Integer> residues = new HashSet<>();
        byte[] d = caps.clone();
        int oem = 14 + 7 + 4;
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                d[oem + 2] = (byte) a;
                d[oem + 3] = (byte) b;
                d[29] = 0;
                d[29] = (byte) io.quirklab.ipmi.Checksums.of(d, 17, 29);
                residues.add(FrameOracle.onesSum(d, 0, d.length) % 255);
            }
        }
        assertThat(residues).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void sessionChallengeIsTunedThroughTheSequenceNumber() {
        byte[] data = new byte[17];
        data[0] = (byte) AuthType.MD5.code();
        System.arraycopy("admin".getBytes(), 0, data, 1, 5);
        byte[] challenge = sessionless(NetFn.Cmd.GET_SESSION_CHALLENGE, 9, data);
        ChecksumTuner.Tuning t = ChecksumTuner.tune(challenge, TestFrames.PERSONA, TestFrames.DUT, 623, 40000).orElseThrow();
        assertThat(t.field()).isEqualTo(ChecksumTuner.Field.SESSION_SEQUENCE);
        Session15Packet before = Session15Packet.decode(RmcpPacket.decode(challenge).body());
        Session15Packet after = Session15Packet.decode(RmcpPacket.decode(t.datagram()).body());
        assertThat(after.message()).isEqualTo(before.message());
        assertThat(io.quirklab.wire.InternetChecksum.udpChecksum(TestFrames.PERSONA, TestFrames.DUT, 623, 40000, t.datagram())).isZero();
    }

    @Test
    void authenticatedAndForeignMessagesAreNotTuned() {
        byte[] pw = AuthCodes.pad16("secret");
        IpmiResponse rs = IpmiRequest.of(NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, 3, new byte[0]).respond(0, new byte[15]);
        byte[] signed = AuthCodes.sign(Session15Packet.of(AuthType.MD5, 7, 0x1234, new byte[16], rs.encode()), pw).toDatagram();
        byte[] unauthenticatedInSession = Session15Packet.of(AuthType.NONE, 7, 0x1234, null, rs.encode()).toDatagram();
        byte[] rmcpPlus = RmcpPacket.ipmi(new byte[] {6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).encode();
        byte[] ack = new RmcpPacket(RmcpPacket.VERSION_1_0, 0, 0x86, new byte[0]).encode();
        byte[] ping = RmcpPacket.asf(AsfMessage.ping(1).encode()).encode();
        for (byte[] d : new byte[][] {signed, unauthenticatedInSession, rmcpPlus, ack, ping, {1, 2, 3}, new byte[0]}) {
            assertThat(ChecksumTuner.tune(d, TestFrames.PERSONA, TestFrames.DUT, 623, 40000)).isEmpty();
        }
        TestFrames.Request rq = TestFrames.Request.to623(new byte[23]);
        byte[] f = frame(rq, signed, QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.NEGATIVE_ZERO).build());
        assertThat(udpPayload(f)).as("sent unchanged").isEqualTo(signed);
        assertThat(FrameOracle.udpChecksumOk(f)).as("with its correct checksum").isTrue();
        assertThat(FrameOracle.udpSumIsZero(f)).isFalse();
    }

    @Test
    void tuningHappensAfterParityShaping() {
        byte[] caps = authCaps(2);
        TestFrames.Request rq = TestFrames.Request.to623(new byte[23]);
        byte[] f = frame(rq, caps, QuirkProfile.builder().set(UDP_CHECKSUM, UdpChecksum.NEGATIVE_ZERO).set(PAYLOAD_PARITY, PayloadParity.ODD).build());
        assertThat(udpPayload(f)).hasSize(caps.length + 1);
        assertThat(FrameOracle.udpChecksumField(f)).isEqualTo(0xFFFF);
        assertThat(FrameOracle.udpSumIsZero(f)).isTrue();
        byte[] untouched = ChecksumTuner.replyPayload(caps, ParsedFrame.parse(rq.frame()).orElseThrow(), rq.dst(), QuirkProfile.CLEAN);
        assertThat(untouched).isEqualTo(caps);
    }
}
