package io.quirklab.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.Captures;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.UdpDatagram;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known-answer tests of the RMCP+ codecs and crypto against real sessions: ipmitool with ipmi_sim (suite 3, from the
 * testdata/ipmi-captures resources) and ipmitool with the simulated SMDC (suite 17, a test resource). The expected SIK, K1, K2 and
 * plaintexts were computed independently by verify_lanplus_capture.py (Python hmac/hashlib and openssl); the RAKP
 * proofs and auth codes were computed by ipmitool and ipmi_sim. Password "secret".
 */
class RmcpPlusCaptureTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KUID = RakpMessages.key20("secret");

    /** One capture and what the independent computation says about it. */
    record Vectors(String name, CipherSuite suite, String sik, String k1, String k2, List<String> plaintexts) {
        List<UdpDatagram> datagrams() {
            if (name.equals("ipt_lanplus.pcap")) {
                return Captures.datagrams(Captures.require().resolve(name));
            }
            try {
                Path p = Path.of(RmcpPlusCaptureTest.class.getResource(name).toURI());
                List<UdpDatagram> out = new ArrayList<>();
                for (PcapFile.Record r : PcapFile.read(p)) {
                    UdpDatagram.fromEthernet(r.data()).ifPresent(out::add);
                }
                return out;
            } catch (IOException | URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return name + " (" + suite + ")";
        }
    }

    static Stream<Vectors> captures() {
        return Stream.of(
                new Vectors("ipt_lanplus.pcap", CipherSuite.SUITE_3,
                        "27dad6e2649cc7788187d47035a9319d8f09058f",
                        "fe8518410d79def1017bb2453bad7f7a2bb93885",
                        "bcf80c534c811f4dcb02e4159fbd38e621793791",
                        List.of("2018c881083b0438", "811c6320083b000499", "20b030810c3e000233", "81b4cb200c3ec1d5",
                                "2018c88110016e", "811c632010010000030908029f911200020f0000000066", "20b030811400006b",
                                "81b4cb201400c10b", "20b0308118000364", "81b4cb201800c107", "2000e0811c0162",
                                "81047b201c0100000000c3", "2018c881203c020300001e", "811c6320203c0084")),
                new Vectors("ipt_lanplus_c17_smdc.pcap", CipherSuite.SUITE_17,
                        "4ca6701d4a8e6324a8c8a98fc5ac21f74c95be58352e20393897b58a19eb9392",
                        "8eb4ccebc5981a607a14ef0d4bc224e00409e949e602a8d5afdca05dfed4c081",
                        "afa50bc1e72c56affad7dd3f9f8f575c473febf0ef9dc17501c04850fe045f94",
                        List.of("2018c881043b043c", "811c6320043b00049d", "20b03081083e000237", "81b4cb20083ec1d9",
                                "2018c8810c0172", "811c63200c010020010105518ffd1900913200000000f3", "20b030811000006f",
                                "81b4cb201000c10f", "20b0308114000368", "81b4cb201400c10b", "2000e081180166",
                                "81047b2018010041000086", "2018c8811c3c1a8923da87", "811c63201c3c0088")));
    }

    /** Every RMCP+ datagram of the capture, with the RMCP body it was decoded from. */
    private record Plus(UdpDatagram datagram, byte[] body, RmcpPlusPacket packet) {
        boolean fromBmc() {
            return datagram.srcPort() == Captures.IPMI_PORT;
        }
    }

    private static List<Plus> plus(Vectors v) {
        List<Plus> out = new ArrayList<>();
        for (UdpDatagram d : v.datagrams()) {
            RmcpPacket rmcp = RmcpPacket.decode(d.payload());
            if (rmcp.classId() == RmcpPacket.CLASS_IPMI && Session15Packet.isRmcpPlus(rmcp.body())) {
                out.add(new Plus(d, rmcp.body(), RmcpPlusPacket.decode(rmcp.body())));
            }
        }
        return out;
    }

    private static byte[] payload(List<Plus> all, int type) {
        return all.stream().filter(p -> p.packet().payloadType() == type).reduce((a, b) -> b).orElseThrow().packet().payload();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyDatagramAndSetUpMessageReencodesExactly(Vectors v) {
        List<Plus> all = plus(v);
        assertThat(all).hasSizeGreaterThan(10);
        for (Plus p : all) {
            assertThat(RmcpPacket.ipmi(p.packet().encode()).encode()).isEqualTo(p.datagram().payload());
        }
        assertThat(RakpMessages.OpenSessionRequest.decode(payload(all, PayloadType.OPEN_SESSION_REQUEST)).encode())
                .isEqualTo(payload(all, PayloadType.OPEN_SESSION_REQUEST));
        assertThat(RakpMessages.OpenSessionResponse.decode(payload(all, PayloadType.OPEN_SESSION_RESPONSE)).encode())
                .isEqualTo(payload(all, PayloadType.OPEN_SESSION_RESPONSE));
        assertThat(RakpMessages.Rakp1.decode(payload(all, PayloadType.RAKP_1)).encode()).isEqualTo(payload(all, PayloadType.RAKP_1));
        assertThat(RakpMessages.Rakp2.decode(payload(all, PayloadType.RAKP_2)).encode()).isEqualTo(payload(all, PayloadType.RAKP_2));
        assertThat(RakpMessages.Rakp3.decode(payload(all, PayloadType.RAKP_3)).encode()).isEqualTo(payload(all, PayloadType.RAKP_3));
        assertThat(RakpMessages.Rakp4.decode(payload(all, PayloadType.RAKP_4)).encode()).isEqualTo(payload(all, PayloadType.RAKP_4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void rakpProofsAndKeyDerivationMatchTheIndependentComputation(Vectors v) {
        List<Plus> all = plus(v);
        var open = RakpMessages.OpenSessionResponse.decode(payload(all, PayloadType.OPEN_SESSION_RESPONSE));
        var r1 = RakpMessages.Rakp1.decode(payload(all, PayloadType.RAKP_1));
        var r2 = RakpMessages.Rakp2.decode(payload(all, PayloadType.RAKP_2));
        var r3 = RakpMessages.Rakp3.decode(payload(all, PayloadType.RAKP_3));
        var r4 = RakpMessages.Rakp4.decode(payload(all, PayloadType.RAKP_4));
        assertThat(CipherSuite.matching(List.of(CipherSuite.values()), open.authAlg(), open.integrityAlg(), open.confidentialityAlg()))
                .contains(v.suite());

        assertThat(RakpMessages.rakp2AuthCode(v.suite(), KUID, open.consoleId(), open.bmcId(), r1.rm(), r2.rc(), r2.guid(), r1.role(), r1.name()))
                .isEqualTo(r2.authCode());
        assertThat(RakpMessages.rakp2AuthCode(v.suite(), RakpMessages.key20("wrong"), open.consoleId(), open.bmcId(), r1.rm(), r2.rc(),
                r2.guid(), r1.role(), r1.name())).isNotEqualTo(r2.authCode());
        assertThat(RakpMessages.rakp3AuthCode(v.suite(), KUID, r2.rc(), open.consoleId(), r1.role(), r1.name())).isEqualTo(r3.authCode());

        SessionKeys keys = SessionKeys.derive(v.suite(), KUID, r1.rm(), r2.rc(), r1.role(), r1.name());
        assertThat(HEX.formatHex(keys.sik())).isEqualTo(v.sik());
        assertThat(HEX.formatHex(keys.k1())).isEqualTo(v.k1());
        assertThat(HEX.formatHex(keys.k2())).isEqualTo(v.k2());
        assertThat(RakpMessages.rakp4Icv(v.suite(), keys.sik(), r1.rm(), open.bmcId(), r2.guid())).isEqualTo(r4.icv());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void integrityAndConfidentialityOfEverySessionPacket(Vectors v) {
        SessionKeys keys = new SessionKeys(v.suite(), HEX.parseHex(v.sik()), HEX.parseHex(v.k1()), HEX.parseHex(v.k2()));
        SessionKeys wrongK1 = new SessionKeys(v.suite(), keys.sik(), keys.k2(), keys.k2());
        List<Plus> session = plus(v).stream().filter(p -> p.packet().payloadType() == PayloadType.IPMI && p.packet().authenticated()).toList();
        List<String> plaintexts = new ArrayList<>();
        for (Plus p : session) {
            assertThat(p.packet().encrypted()).isTrue();
            assertThat(keys.integrityValid(p.body(), p.packet())).as("auth code of %s", p.packet()).isTrue();
            assertThat(wrongK1.integrityValid(p.body(), p.packet())).isFalse();
            byte[] tampered = p.body().clone();
            tampered[RmcpPlusPacket.HEADER_LENGTH + 20] ^= 1;
            assertThat(keys.integrityValid(tampered, RmcpPlusPacket.decode(tampered))).isFalse();

            byte[] plain = keys.plaintext(p.packet());
            plaintexts.add(HEX.formatHex(plain));
            if (p.fromBmc()) {
                assertThat(IpmiResponse.decode(plain).encode()).isEqualTo(plain);
            } else {
                assertThat(IpmiRequest.decode(plain).encode()).isEqualTo(plain);
            }
            // Sealing the plaintext again with the packet's own IV must give the captured bytes exactly.
            byte[] iv = Arrays.copyOf(p.packet().payload(), SessionKeys.AES_BLOCK);
            assertThat(keys.seal(PayloadType.IPMI, p.packet().sessionId(), p.packet().sequence(), plain, iv)).isEqualTo(p.body());
        }
        assertThat(plaintexts).isEqualTo(v.plaintexts());
    }
}
