package io.quirklab.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import io.quirklab.testing.FrameOracle;
import io.quirklab.testing.TestFrames;
import io.quirklab.testing.TsharkText;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.ReplyFrameBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first replies of a session (ASF pong, Get Channel Authentication Capabilities) as every built-in persona
 * sends them, written to a pcap and judged by tshark, an oracle that shares no code with the builder.
 */
class BuiltInReplyFramesTest {
    private static final Pattern IP_STATUS = Pattern.compile("\\[Header checksum status: (\\w+)\\]");
    private static final Pattern UDP_STATUS = Pattern.compile("(?s)User Datagram Protocol.*?\\[Checksum Status: ([\\w ]+)\\]");
    private static final Pattern UDP_FIELD = Pattern.compile("(?s)User Datagram Protocol.*?Checksum: (0x[0-9a-f]{4})");

    /**
     * One reply frame and what tshark must say about it.
     *
     * @param persona   whose reply
     * @param frame     the bytes
     * @param ipStatus  expected IP header checksum status
     * @param udpStatus expected UDP checksum status, or null when tshark shows no UDP layer (a fragment)
     * @param udpField  expected UDP checksum field, or -1 for "whatever is correct"
     */
    private record Expected(String persona, byte[] frame, String ipStatus, String udpStatus, int udpField) {
    }

    private static List<Expected> replies() {
        List<Expected> out = new ArrayList<>();
        for (Persona p : PersonaCatalogue.builtIn().personas()) {
            SimulatedBmc bmc = new SimulatedBmc(p.bmc());
            InetSocketAddress peer = new InetSocketAddress(TestFrames.DUT, 45678);
            byte[] ping = RmcpPacket.asf(AsfMessage.ping(0x21).encode()).encode();
            byte[] caps = Session15Packet.of(AuthType.NONE, 0, 0, null,
                    IpmiRequest.of(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, 1, new byte[] {0x0E, 0x04}).encode()).toDatagram();
            for (byte[] request : List.of(ping, caps)) {
                TestFrames.Request rq = new TestFrames.Request(TestFrames.DUT, p.address(), 45678, 623, 0x3c3c, 0b010, 64, 0,
                        new byte[0], request);
                ParsedFrame f = ParsedFrame.parse(rq.frame()).orElseThrow();
                byte[] payload = ChecksumTuner.replyPayload(bmc.handle(request, peer).reply(), f, p.address(), p.quirks());
                byte[] frame = ReplyFrameBuilder.udpReply(f, p.address(), p.mac(), payload, p.quirks(), () -> 0x0101);
                out.add(expect(p, frame));
            }
        }
        return out;
    }

    private static Expected expect(Persona p, byte[] frame) {
        QuirkProfile q = p.quirks();
        String ip = q.effective(QuirkField.IP_CHECKSUM) == QuirkProfile.IpChecksum.WRONG ? "Bad" : "Good";
        boolean fragment = q.effective(QuirkField.FRAGMENT) != QuirkProfile.Fragment.NONE;
        QuirkProfile.UdpChecksum mode = q.effective(QuirkField.UDP_CHECKSUM);
        String udp = switch (mode) {
            case CORRECT, NEGATIVE_ZERO -> "Good";
            case NONE, ZERO_AS_NONE -> "Not present";
            case WRONG -> "Bad";
        };
        int field = switch (mode) {
            case NEGATIVE_ZERO -> 0xFFFF;
            case NONE, ZERO_AS_NONE -> 0x0000;
            default -> -1;
        };
        return new Expected(p.name(), frame, ip, fragment ? null : udp, field);
    }

    @Test
    void theOracleOfThisTestAgreesWithTheBuilderWithoutTshark() {
        for (Expected e : replies()) {
            assertThat(FrameOracle.ipHeaderChecksumOk(e.frame())).as(e.persona()).isEqualTo(e.ipStatus().equals("Good"));
            if (e.udpStatus() != null) {
                assertThat(FrameOracle.udpChecksumOk(e.frame())).as(e.persona()).isEqualTo(!e.udpStatus().equals("Bad"));
                if (e.udpField() >= 0) {
                    assertThat(FrameOracle.udpChecksumField(e.frame())).as(e.persona()).isEqualTo(e.udpField());
                }
            }
        }
    }

    @Test
    void tsharkSeesTheChecksumsWeIntended(@TempDir Path dir) throws IOException {
        List<Expected> replies = replies();
        List<String> frames = TsharkText.dissect(dir.resolve("built-in-personas.pcap"), replies.stream().map(Expected::frame).toList());
        for (int i = 0; i < replies.size(); i++) {
            Expected e = replies.get(i);
            String text = frames.get(i);
            String what = "frame " + (i + 1) + " (" + e.persona() + ")";
            assertThat(TsharkText.group(IP_STATUS, text)).as(what + " IP header checksum").isEqualTo(e.ipStatus());
            assertThat(TsharkText.group(UDP_STATUS, text)).as(what + " UDP checksum").isEqualTo(e.udpStatus());
            if (e.udpStatus() != null && e.udpField() >= 0) {
                assertThat(Integer.parseInt(TsharkText.group(UDP_FIELD, text).substring(2), 16)).as(what + " UDP checksum field")
                        .isEqualTo(e.udpField());
            }
        }
    }
}
