package io.quirklab.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import io.quirklab.lab.LabFile;
import io.quirklab.testing.FrameOracle;
import io.quirklab.testing.TestFrames;
import io.quirklab.testing.TsharkText;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.QuirkProfile.Ipv6Ext;
import io.quirklab.wire.QuirkProfile.Split;
import io.quirklab.wire.ReplyFrameBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first replies of a session (ASF pong, Get Channel Authentication Capabilities) as every persona of the catalogue
 * lab sends them (the quirks the built-in catalogue lacks: real fragments, short frames padded with junk, a frame
 * trailer, a priority tag and QinQ, a full IPv4 header, tunnel ports, IPv6 with extension headers and a zero checksum),
 * judged by {@link FrameOracle} and by tshark, two oracles that share no code with the builder: checksums over the
 * whole datagram (fragments put together), and what each quirk puts on the wire.
 */
class CatalogueReplyFramesTest {
    static final Path LAB = Path.of("..").toAbsolutePath().normalize().resolve("scenarios/labs/catalogue.yaml");
    private static final Pattern IP_STATUS = Pattern.compile("\\[Header checksum status: (\\w+)\\]");
    private static final Pattern UDP_STATUS = Pattern.compile("(?s)User Datagram Protocol.*?\\[Checksum Status: ([\\w ]+)\\]");

    /**
     * One reply (one frame, or two fragments) and what the oracles must say about it.
     *
     * @param persona   whose reply
     * @param frames    the frames, in sending order
     * @param ipStatus  IPv4 header checksum status of each frame ("Good"/"Bad"), null for IPv6
     * @param udpOk     the UDP checksum verifies as a receiver checks it (RFC 768; RFC 8200 8.1 for IPv6)
     * @param udpStatus what tshark says of the UDP checksum, on the last frame (the reassembled datagram for fragments)
     * @param shows     what tshark's dissection of the reply must show for its quirks (regular expressions)
     */
    private record Reply(Persona persona, List<byte[]> frames, String ipStatus, boolean udpOk, String udpStatus, List<String> shows) {
    }

    /** The catalogue lab's personas that are not the built-in catalogue's: the new quirks. */
    private static List<Persona> newPersonas() throws IOException {
        Set<String> builtIn = PersonaCatalogue.builtIn().personas().stream().map(Persona::name).collect(Collectors.toSet());
        return LabFile.read(LAB).personas().stream().filter(p -> !builtIn.contains(p.name())).toList();
    }

    private static List<Reply> replies() throws IOException {
        List<Reply> out = new ArrayList<>();
        AtomicInteger ids = new AtomicInteger(0x0101);
        byte[] ping = RmcpPacket.asf(AsfMessage.ping(0x21).encode()).encode();
        byte[] caps = Session15Packet.of(AuthType.NONE, 0, 0, null,
                IpmiRequest.of(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, 1, new byte[] {0x0E, 0x04}).encode()).toDatagram();
        for (Persona p : newPersonas()) {
            SimulatedBmc bmc = new SimulatedBmc(p.bmc());
            boolean v6 = p.address6() != null;
            InetAddress self = v6 ? p.address6() : p.address();
            InetSocketAddress peer = new InetSocketAddress(v6 ? TestFrames.DUT6 : TestFrames.DUT, 45678);
            for (byte[] request : List.of(ping, caps)) {
                byte[] rq = v6 ? TestFrames.request6(p.mac(), p.address6(), request)
                        : new TestFrames.Request(TestFrames.DUT, p.address(), 45678, 623, 0x3c3c, 0b010, 64, 0, new byte[0], request).frame();
                ParsedFrame f = ParsedFrame.parse(rq).orElseThrow();
                byte[] payload = ChecksumTuner.replyPayload(bmc.handle(request, peer).reply(), f, self, p.quirks());
                List<byte[]> frames = ReplyFrameBuilder.udpReplies(f, self, p.mac(), payload, p.quirks(), ids::getAndIncrement);
                out.add(expect(p, frames, v6));
            }
        }
        return out;
    }

    /** What a correct receiver and tshark must find in the reply, from the persona's quirks. */
    private static Reply expect(Persona p, List<byte[]> frames, boolean v6) {
        QuirkProfile q = p.quirks();
        QuirkProfile.UdpChecksum mode = q.effective(QuirkField.UDP_CHECKSUM);
        boolean none = mode == QuirkProfile.UdpChecksum.NONE || mode == QuirkProfile.UdpChecksum.ZERO_AS_NONE;
        boolean ok = switch (mode) {
            case CORRECT, NEGATIVE_ZERO -> true;
            case NONE, ZERO_AS_NONE -> !v6;
            case WRONG -> false;
        };
        String udpStatus = mode == QuirkProfile.UdpChecksum.WRONG ? "Bad" : none ? (v6 ? "Illegal" : "Not present") : "Good";
        List<String> shows = new ArrayList<>();
        q.get(QuirkField.VLAN_ID).ifPresent(id -> shows.add("802\\.1Q Virtual LAN, PRI: \\d, DEI: \\d, ID: " + id + "\\b"));
        q.get(QuirkField.VLAN_OUTER).ifPresent(id -> shows.add("IEEE 802\\.1ad, ID: " + id + "\\b"));
        int trailer = q.effective(QuirkField.FRAME_TRAILER);
        if (trailer > 0) {
            // tshark may take the last 4 bytes of a trailer for a frame check sequence: both together are the trailer
            shows.add("Trailer: [0-9a-f]{" + 2 * trailer + "}\\n|Trailer: [0-9a-f]{" + (2 * trailer - 8)
                    + "}\\n\\s+Frame check sequence: 0x[0-9a-f]{8} \\[unverified\\]");
        }
        if (q.effective(QuirkField.IP_OPTIONS) == QuirkProfile.IpOptions.TIMESTAMP) {
            shows.add("Header Length: 60 bytes \\(15\\)");
            shows.add("IP Option - Time Stamp \\(40 bytes\\)");
        }
        if (frames.size() == 2) {
            shows.add("\\[2 IPv4 Fragments \\(\\d+ bytes\\)");
        }
        if (q.effective(QuirkField.ETH_PADDING) == QuirkProfile.EthPadding.JUNK && frames.stream().anyMatch(f -> f.length == 60)) {
            // tshark takes bytes after the datagram that are not zeros for a trailer, and says they may be padding
            shows.add("Trailer: (?!(00)+\\n)[0-9a-f]+\\n\\s+\\[Expert Info \\(Note/Protocol\\): Didn't find padding of zeros");
        }
        shows.add("Src Port: " + q.effective(QuirkField.SOURCE_PORT) + "\\b");
        if (v6) {
            shows.add("Hop Limit: " + q.effective(QuirkField.TTL) + "\\n");
            shows.add(switch (q.effective(QuirkField.IPV6_EXT)) {
                case NONE -> "Next Header: UDP \\(17\\)";
                case HOP_BY_HOP -> "IPv6 Hop-by-Hop Option";
                case DEST_OPTS -> "Destination Options for IPv6";
                case ROUTING -> "Routing Header for IPv6";
                case FRAGMENT -> "Fragment Header for IPv6";
            });
        }
        String ip = v6 ? null : q.effective(QuirkField.IP_CHECKSUM) == QuirkProfile.IpChecksum.WRONG ? "Bad" : "Good";
        return new Reply(p, frames, ip, ok, udpStatus, shows);
    }

    @Test
    void theNewPersonasCarryEveryNewQuirk() throws IOException {
        List<QuirkProfile> profiles = newPersonas().stream().map(Persona::quirks).toList();
        Set<Split> splits = profiles.stream().map(q -> q.effective(QuirkField.SPLIT)).collect(Collectors.toCollection(() -> EnumSet.noneOf(Split.class)));
        assertThat(splits).as("split values").containsAll(EnumSet.complementOf(EnumSet.of(Split.NONE)));
        Set<Ipv6Ext> ext = profiles.stream().map(q -> q.effective(QuirkField.IPV6_EXT))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Ipv6Ext.class)));
        assertThat(ext).as("ipv6-ext values").containsAll(EnumSet.allOf(Ipv6Ext.class));
        assertThat(profiles).as("a frame trailer").anyMatch(q -> q.effective(QuirkField.FRAME_TRAILER) > 0);
        assertThat(profiles).as("a priority tag").anyMatch(q -> q.get(QuirkField.VLAN_ID).filter(id -> id == 0).isPresent());
        assertThat(profiles).as("QinQ").anyMatch(q -> q.get(QuirkField.VLAN_OUTER).isPresent());
        assertThat(profiles).as("IHL 15").anyMatch(q -> q.effective(QuirkField.IP_OPTIONS) == QuirkProfile.IpOptions.TIMESTAMP);
        assertThat(profiles).as("junk padding of a short frame")
                .anyMatch(q -> q.effective(QuirkField.ETH_PADDING) == QuirkProfile.EthPadding.JUNK && q.effective(QuirkField.SPLIT) != Split.NONE);
        assertThat(newPersonas()).as("UDP checksum 0 over IPv6")
                .anyMatch(p -> p.address6() != null && p.quirks().effective(QuirkField.UDP_CHECKSUM) == QuirkProfile.UdpChecksum.NONE);
    }

    @Test
    void theOracleFindsTheChecksumsAndTheShapeIntended() throws IOException {
        List<Reply> replies = replies();
        for (Reply r : replies) {
            String who = r.persona().name();
            if (r.ipStatus() != null) {
                assertThat(r.frames()).as(who + ": IPv4 header checksums")
                        .allSatisfy(f -> assertThat(FrameOracle.ipHeaderChecksumOk(f)).isEqualTo(r.ipStatus().equals("Good")));
            }
            boolean ok = r.frames().size() == 1 ? FrameOracle.udpChecksumOk(r.frames().get(0)) : FrameOracle.udpChecksumOk(r.frames());
            assertThat(ok).as(who + ": the UDP checksum verifies").isEqualTo(r.udpOk());
            assertThat(r.frames()).as(who + ": no frame under 60 bytes").allSatisfy(f -> assertThat(f.length).isGreaterThanOrEqualTo(60));
            QuirkProfile q = r.persona().quirks();
            int trailer = q.effective(QuirkField.FRAME_TRAILER);
            for (byte[] f : r.frames()) {
                int after = f.length - FrameOracle.ipEnd(f);
                if (trailer > 0) {
                    assertThat(after).as(who + ": bytes after the datagram").isGreaterThanOrEqualTo(trailer);
                } else if (f.length > 60) {
                    assertThat(after).as(who + ": nothing after the datagram of a frame that needs no padding").isZero();
                }
            }
            Split split = q.effective(QuirkField.SPLIT);
            if (r.frames().size() == 2) {
                int first = FrameOracle.ipEnd(r.frames().get(0)) - FrameOracle.udpOffset(r.frames().get(0));
                int last = FrameOracle.ipEnd(r.frames().get(1)) - FrameOracle.ipOffset(r.frames().get(1)) - FrameOracle.ihlBytes(r.frames().get(1));
                assertThat(split).as(who).isNotEqualTo(Split.NONE);
                if (split == Split.SHORT_HEAD) {
                    assertThat(first).as(who + ": the first piece is the UDP header alone").isEqualTo(8);
                } else if (split == Split.SHORT_TAIL) {
                    assertThat(last).as(who + ": the last piece").isBetween(1, 8);
                }
            }
            if (r.persona().address6() != null) {
                List<Integer> ext = FrameOracle.ipv6Extensions(r.frames().get(0));
                assertThat(ext).as(who + ": extension headers").isEqualTo(switch (q.effective(QuirkField.IPV6_EXT)) {
                    case NONE -> List.of();
                    case HOP_BY_HOP -> List.of(0);
                    case ROUTING -> List.of(43);
                    case FRAGMENT -> List.of(44);
                    case DEST_OPTS -> List.of(60);
                });
            }
        }
        assertThat(replies).as("a reply really sent in two fragments").anyMatch(r -> r.frames().size() == 2);
    }

    @Test
    void tsharkSeesTheChecksumsAndTheQuirksWeIntended(@TempDir Path dir) throws IOException {
        List<Reply> replies = replies();
        List<String> frames = TsharkText.dissect(dir.resolve("catalogue-personas.pcap"), replies.stream().flatMap(r -> r.frames().stream()).toList());
        int at = 0;
        for (Reply e : replies) {
            String what = e.persona().name() + " (frames " + (at + 1) + ".." + (at + e.frames().size()) + ")";
            String all = String.join("", frames.subList(at, at + e.frames().size()));
            for (int i = 0; i < e.frames().size(); i++) {
                String text = frames.get(at + i);
                if (e.ipStatus() != null) {
                    assertThat(TsharkText.group(IP_STATUS, text)).as(what + " IP header checksum, frame " + (i + 1)).isEqualTo(e.ipStatus());
                }
                if (i < e.frames().size() - 1) {
                    assertThat(TsharkText.group(UDP_STATUS, text)).as(what + ": a first fragment shows no UDP checksum").isNull();
                }
            }
            assertThat(TsharkText.group(UDP_STATUS, frames.get(at + e.frames().size() - 1))).as(what + " UDP checksum").isEqualTo(e.udpStatus());
            for (String show : e.shows()) {
                assertThat(Pattern.compile(show).matcher(all).find()).as("%s shows /%s/:%n%s", what, show, all).isTrue();
            }
            at += e.frames().size();
        }
    }
}
