package io.quirklab.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.Captures;
import io.quirklab.wire.UdpDatagram;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden tests: every datagram real clients and BMCs exchanged decodes, and re-encodes to the same bytes. */
class CaptureCodecTest {
    private static final byte[] SECRET = AuthCodes.pad16("secret");

    static Stream<Path> captures() {
        return Captures.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyRequestDecodesAndReencodesExactly(Path pcap) {
        List<UdpDatagram> requests = Captures.datagrams(pcap).stream().filter(d -> d.dstPort() == Captures.IPMI_PORT).toList();
        assertThat(requests).as("requests in %s", pcap.getFileName()).isNotEmpty();
        for (UdpDatagram d : requests) {
            RmcpPacket rmcp = RmcpPacket.decode(d.payload());
            assertThat(rmcp.encode()).isEqualTo(d.payload());
            if (rmcp.classId() == RmcpPacket.CLASS_ASF) {
                AsfMessage m = AsfMessage.decode(rmcp.body());
                assertThat(m.type()).isEqualTo(AsfMessage.TYPE_PING);
                assertThat(m.encode()).isEqualTo(rmcp.body());
            } else if (Session15Packet.isRmcpPlus(rmcp.body())) {
                assertThat(rmcp.classId()).isEqualTo(RmcpPacket.CLASS_IPMI); // RMCP+ payloads: the IPMI 2.0 work decodes them
            } else {
                Session15Packet s = Session15Packet.decode(rmcp.body());
                assertThat(s.encode()).isEqualTo(rmcp.body());
                IpmiRequest rq = IpmiRequest.decode(s.message());
                assertThat(rq.encode()).isEqualTo(s.message());
                assertThat(rq.rsAddr()).isEqualTo(IpmiRequest.BMC_ADDR);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyIpmi15ResponseDecodesAndReencodesExactly(Path pcap) {
        for (UdpDatagram d : Captures.datagrams(pcap)) {
            if (d.srcPort() != Captures.IPMI_PORT) {
                continue;
            }
            RmcpPacket rmcp = RmcpPacket.decode(d.payload());
            if (rmcp.classId() != RmcpPacket.CLASS_IPMI || Session15Packet.isRmcpPlus(rmcp.body())) {
                continue;
            }
            Session15Packet s = Session15Packet.decode(rmcp.body());
            assertThat(s.encode()).isEqualTo(rmcp.body());
            IpmiResponse rs = IpmiResponse.decode(s.message());
            assertThat(rs.encode()).isEqualTo(s.message());
            assertThat(rs.netFn() & 1).as("response netFn is odd").isEqualTo(1);
        }
    }

    /** Auth codes the real tools computed with password "secret": an independent check of AuthCodes. */
    @Test
    void md5AuthCodesOfRealClientsVerify() {
        int verified = 0;
        for (Path f : Captures.files()) {
            if (f.getFileName().toString().startsWith("z_fi")) {
                continue; // session-id-zero replies, checked below
            }
            for (UdpDatagram d : Captures.datagrams(f)) {
                RmcpPacket rmcp = RmcpPacket.decode(d.payload());
                if (rmcp.classId() != RmcpPacket.CLASS_IPMI || Session15Packet.isRmcpPlus(rmcp.body())) {
                    continue;
                }
                Session15Packet s = Session15Packet.decode(rmcp.body());
                if (s.authType() == AuthType.MD5) {
                    assertThat(AuthCodes.verify(s, SECRET)).as("%s %s", f.getFileName(), s).isTrue();
                    assertThat(AuthCodes.verify(s, AuthCodes.pad16("wrong"))).isFalse();
                    verified++;
                }
            }
        }
        assertThat(verified).isGreaterThan(100);
    }

    /** The quirky firmware signs its session-ID-0 replies over the ID it actually sent (0), which FreeIPMI -W idzero accepts. */
    @Test
    void sessionIdZeroRepliesAreSignedOverIdZero() {
        Path zfiw = Captures.require().resolve("z_fi_w.pcap");
        int zeroReplies = 0;
        for (UdpDatagram d : Captures.datagrams(zfiw)) {
            Session15Packet s = Session15Packet.decode(RmcpPacket.decode(d.payload()).body());
            if (d.srcPort() == Captures.IPMI_PORT && s.sessionId() == 0 && s.authType() == AuthType.MD5) {
                assertThat(AuthCodes.verify(s, SECRET)).isTrue();
                zeroReplies++;
            }
        }
        assertThat(zeroReplies).isGreaterThan(0);
    }

    /** ipmiutil pads datagrams of some sizes with a byte after the message: parse by the length field, keep the pad. */
    @Test
    void padByteAfterTheMessageIsParsedByLengthAndKeptAsTrailer() {
        byte[] msg = IpmiRequest.of(NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, 5, new byte[0]).encode();
        Session15Packet p = Session15Packet.of(AuthType.MD5, 0x1234, 0x1000, new byte[16], msg);
        byte[] body = p.encode();
        byte[] padded = java.util.Arrays.copyOf(body, body.length + 1);
        Session15Packet decoded = Session15Packet.decode(padded);
        assertThat(decoded.message()).isEqualTo(msg);
        assertThat(decoded.trailer()).containsExactly(0);
        assertThat(decoded.encode()).isEqualTo(padded);
    }

    @Test
    void checksumsOfCapturedRequestMatchTheirRecomputation() {
        // Get Channel Auth Capabilities as ipmitool sends it: 20 18 c8 81 04 38 0e 04 31
        byte[] msg = {0x20, 0x18, (byte) 0xc8, (byte) 0x81, 0x04, 0x38, 0x0e, 0x04, 0x31};
        IpmiRequest rq = IpmiRequest.decode(msg);
        assertThat(rq.netFn()).isEqualTo(NetFn.APP);
        assertThat(rq.cmd()).isEqualTo(NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES);
        assertThat(rq.rqSeq()).isEqualTo(1);
        assertThat(rq.encode()).isEqualTo(msg);
        msg[8] ^= 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpmiRequest.decode(msg))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("checksum");
    }
}
