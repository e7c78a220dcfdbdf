package io.quirklab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.quirklab.testing.Captures;
import io.quirklab.testing.TestFrames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParsedFrameTest {
    private static final byte[] PAYLOAD = HexFormat.of().parseHex("0600ff07000000000000000000092081ac");

    @Test
    void parsesEveryLayerOfAUdpRequest() {
        byte[] options = {1, 1, 1, 1};
        byte[] f = TestFrames.Request.to623(PAYLOAD).withId(0xBEEF).withFlags(0b110).withTtlTos(17, 0x2e)
                .withOptions(options).frame();
        ParsedFrame p = ParsedFrame.parse(f).orElseThrow();
        assertThat(p.dst()).isEqualTo(TestFrames.PERSONA_MAC);
        assertThat(p.src()).isEqualTo(TestFrames.DUT_MAC);
        assertThat(p.vlanId()).isEmpty();
        assertThat(p.etherType()).isEqualTo(0x0800);
        ParsedFrame.Ipv4 ip = p.ipv4().orElseThrow();
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.ihl()).isEqualTo(6);
        assertThat(ip.tos()).isEqualTo(0x2e);
        assertThat(ip.totalLength()).isEqualTo(24 + 8 + PAYLOAD.length);
        assertThat(ip.id()).isEqualTo(0xBEEF);
        assertThat(ip.evil()).isTrue();
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.ttl()).isEqualTo(17);
        assertThat(ip.protocol()).isEqualTo(17);
        assertThat(ip.headerChecksumValid()).isTrue();
        assertThat(ip.src()).isEqualTo(TestFrames.DUT);
        assertThat(ip.dst()).isEqualTo(TestFrames.PERSONA);
        assertThat(ip.options()).isEqualTo(options);
        assertThat(ip.payloadOffset()).isEqualTo(14 + 24);
        assertThat(ip.payloadLength()).isEqualTo(8 + PAYLOAD.length);
        ParsedFrame.Udp udp = p.udp().orElseThrow();
        assertThat(udp.srcPort()).isEqualTo(45678);
        assertThat(udp.dstPort()).isEqualTo(623);
        assertThat(udp.length()).isEqualTo(8 + PAYLOAD.length);
        assertThat(udp.checksumPresent()).isTrue();
        assertThat(udp.checksumValid()).isTrue();
        assertThat(udp.payload()).isEqualTo(PAYLOAD);
        assertThat(p.arp()).isEmpty();
        assertThat(p.icmpEcho()).isEmpty();
    }

    @Test
    void reportsBadChecksumsWithoutRejecting() {
        byte[] f = TestFrames.Request.to623(PAYLOAD).frame();
        f[24] ^= 0x01; // IP header checksum
        f[40] ^= 0x10; // UDP checksum
        ParsedFrame p = ParsedFrame.parse(f).orElseThrow();
        assertThat(p.ipv4().orElseThrow().headerChecksumValid()).isFalse();
        assertThat(p.udp().orElseThrow().checksumValid()).isFalse();
    }

    @Test
    void udpChecksumZeroMeansNone() {
        byte[] f = TestFrames.Request.to623(PAYLOAD).frame();
        f[40] = 0;
        f[41] = 0;
        ParsedFrame.Udp udp = ParsedFrame.parse(f).orElseThrow().udp().orElseThrow();
        assertThat(udp.checksumPresent()).isFalse();
        assertThat(udp.checksumValid()).isTrue();
    }

    @Test
    void vlanTagIsRead() {
        byte[] plain = TestFrames.Request.to623(PAYLOAD).frame();
        byte[] f = new byte[plain.length + 4];
        System.arraycopy(plain, 0, f, 0, 12);
        f[12] = (byte) 0x81;
        f[14] = 0x20; // PCP 1
        f[15] = 100;
        System.arraycopy(plain, 12, f, 16, plain.length - 12);
        ParsedFrame p = ParsedFrame.parse(f).orElseThrow();
        assertThat(p.vlanId()).hasValue(100);
        assertThat(p.etherType()).isEqualTo(0x0800);
        assertThat(p.udp().orElseThrow().payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void fragmentsCarryNoUdp() {
        byte[] mf = TestFrames.Request.to623(PAYLOAD).withFlags(0b001).frame();
        ParsedFrame p = ParsedFrame.parse(mf).orElseThrow();
        assertThat(p.ipv4().orElseThrow().isFragment()).isTrue();
        assertThat(p.ipv4().orElseThrow().headerChecksumValid()).isTrue();
        assertThat(p.udp()).isEmpty();
    }

    @Test
    void ipPayloadLongerThanTheUdpLengthKeepsTheUdpLength() {
        byte[] f = TestFrames.Request.to623(PAYLOAD).frame();
        byte[] longer = Arrays.copyOf(f, f.length + 6);
        int total = ((f[16] & 0xFF) << 8 | (f[17] & 0xFF)) + 6;
        longer[16] = (byte) (total >> 8);
        longer[17] = (byte) total;
        ParsedFrame p = ParsedFrame.parse(longer).orElseThrow();
        assertThat(p.ipv4().orElseThrow().payloadLength()).isEqualTo(8 + PAYLOAD.length + 6);
        assertThat(p.udp().orElseThrow().payload()).isEqualTo(PAYLOAD);
        assertThat(p.udp().orElseThrow().checksumValid()).isTrue();
    }

    @Test
    void parsesArpRequests() {
        ParsedFrame p = ParsedFrame.parse(TestFrames.arpRequest(TestFrames.PERSONA)).orElseThrow();
        ParsedFrame.Arp a = p.arp().orElseThrow();
        assertThat(a.op()).isEqualTo(ParsedFrame.Arp.REQUEST);
        assertThat(a.senderMac()).isEqualTo(TestFrames.DUT_MAC);
        assertThat(a.senderIp()).isEqualTo(TestFrames.DUT);
        assertThat(a.targetIp()).isEqualTo(TestFrames.PERSONA);
        assertThat(p.dst().isBroadcast()).isTrue();
        assertThat(p.ipv4()).isEmpty();
    }

    @Test
    void parsesIcmpEcho() {
        ParsedFrame p = ParsedFrame.parse(TestFrames.echoRequest(0x77, 3, new byte[] {9, 8, 7})).orElseThrow();
        ParsedFrame.IcmpEcho e = p.icmpEcho().orElseThrow();
        assertThat(e.type()).isEqualTo(8);
        assertThat(e.code()).isZero();
        assertThat(e.id()).isEqualTo(0x77);
        assertThat(e.sequence()).isEqualTo(3);
        assertThat(e.data()).containsExactly(9, 8, 7);
        assertThat(e.checksumValid()).isTrue();
        assertThat(p.udp()).isEmpty();
    }

    @Test
    void shortOrNullInputIsNotAFrame() {
        assertThat(ParsedFrame.parse(null)).isEmpty();
        assertThat(ParsedFrame.parse(new byte[13])).isEmpty();
        ParsedFrame p = ParsedFrame.parse(new byte[14]).orElseThrow();
        assertThat(p.ipv4()).isEmpty();
        assertThat(p.arp()).isEmpty();
    }

    @Test
    void neverThrowsOnTruncatedOrCorruptFrames() {
        List<byte[]> seeds = List.of(TestFrames.Request.to623(PAYLOAD).withOptions(new byte[] {7, 7, 4, 0, 0, 0, 0, 0}).frame(),
                TestFrames.arpRequest(TestFrames.PERSONA), TestFrames.echoRequest(1, 2, new byte[40]));
        Random r = new Random(42);
        for (byte[] seed : seeds) {
            for (int len = 0; len <= seed.length; len++) {
                byte[] cut = Arrays.copyOf(seed, len);
                assertThatCode(() -> ParsedFrame.parse(cut)).doesNotThrowAnyException();
            }
            for (int n = 0; n < 20_000; n++) {
                byte[] f = seed.clone();
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    f[r.nextInt(f.length)] = (byte) r.nextInt(256);
                }
                byte[] g = r.nextBoolean() ? f : Arrays.copyOf(f, r.nextInt(f.length + 1));
                assertThatCode(() -> {
                    ParsedFrame.parse(g).ifPresent(ParsedFrame::toString);
                    UdpDatagram.fromEthernet(g);
                }).as("frame %s", HexFormat.of().formatHex(g)).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void everyCapturedFrameParses() throws IOException {
        int udp = 0;
        for (Path pcap : Captures.files()) {
            for (PcapFile.Record r : PcapFile.read(pcap)) {
                ParsedFrame p = ParsedFrame.parse(r.data()).orElseThrow();
                if (p.udp().isPresent()) {
                    udp++;
                    ParsedFrame.Ipv4 ip = p.ipv4().orElseThrow();
                    assertThat(ip.headerChecksumValid()).as("IP header checksum in %s", pcap.getFileName()).isTrue();
                    assertThat(UdpDatagram.fromEthernet(r.data()).orElseThrow().payload()).isEqualTo(p.udp().get().payload());
                }
            }
        }
        assertThat(udp).isPositive();
    }
}
