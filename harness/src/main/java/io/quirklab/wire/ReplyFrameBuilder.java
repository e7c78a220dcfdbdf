package io.quirklab.wire;

import static io.quirklab.wire.QuirkField.DESTINATION;
import static io.quirklab.wire.QuirkField.DONT_FRAGMENT;
import static io.quirklab.wire.QuirkField.ETH_PADDING;
import static io.quirklab.wire.QuirkField.EVIL_BIT;
import static io.quirklab.wire.QuirkField.FRAGMENT;
import static io.quirklab.wire.QuirkField.FRAME_TRAILER;
import static io.quirklab.wire.QuirkField.IPV6_EXT;
import static io.quirklab.wire.QuirkField.IP_CHECKSUM;
import static io.quirklab.wire.QuirkField.IP_ID;
import static io.quirklab.wire.QuirkField.IP_ID_VALUE;
import static io.quirklab.wire.QuirkField.IP_OPTIONS;
import static io.quirklab.wire.QuirkField.PAYLOAD_PARITY;
import static io.quirklab.wire.QuirkField.SOURCE_PORT;
import static io.quirklab.wire.QuirkField.SPLIT;
import static io.quirklab.wire.QuirkField.TEMPLATE;
import static io.quirklab.wire.QuirkField.TOS;
import static io.quirklab.wire.QuirkField.TRAILING_BYTES;
import static io.quirklab.wire.QuirkField.TTL;
import static io.quirklab.wire.QuirkField.UDP_CHECKSUM;
import static io.quirklab.wire.QuirkField.VLAN_ID;
import static io.quirklab.wire.QuirkField.VLAN_OUTER;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Builds reply frames byte by byte, the one place where a {@link QuirkProfile} turns into bytes. Every IP/UDP field is
 * resolved the Scapy way: the clean defaults of the {@link QuirkField} table (fresh ID, DF, TTL 64, TOS 0, no options,
 * correct checksums, source port 623, unicast to the requester, no VLAN, zero padding), then the request's header when
 * the template is REQUEST, then every field the profile sets. A reply goes back in the request's IP version (IPv6: hop
 * limit and traffic class from the TTL and TOS rows, an extension header from {@code ipv6-ext}). Timing and duplicates
 * are the sender's business: one call builds one reply, which is one frame unless the profile splits it into fragments.
 */
public final class ReplyFrameBuilder {
    /** Smallest Ethernet frame without its FCS; shorter frames are padded (RFC 894). */
    public static final int MIN_FRAME = 60;
    /** Fragment offset of {@link QuirkProfile.Fragment#OFFSET} in 8-byte units: 1480 bytes, where a second fragment starts. */
    public static final int FRAGMENT_OFFSET_UNITS = 185;
    /** Record route option: type 7, length 11 (two empty address slots), pointer 4; an EOL pads it to 12 bytes. */
    static final byte[] RECORD_ROUTE = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] NOPS = {1, 1, 1, 1};
    /** The most option bytes an IPv4 header holds (IHL 15). */
    static final int MAX_OPTIONS = 40;
    /** Internet timestamp option (RFC 791): type 68. */
    static final byte TIMESTAMP_OPTION = 68;
    /** The payload of the first fragment of {@link QuirkProfile.Split#SHORT_HEAD}: the UDP header alone. */
    public static final int SHORT_PIECE = 8;
    /** The least payload of a HALVES piece: 14 + 20 + 27 = 61 bytes on the wire, over the 60-byte minimum. */
    static final int LONG_PIECE = 27;
    static final int ETHERTYPE_IPV6 = ParsedFrame.ETHERTYPE_IPV6;

    private ReplyFrameBuilder() {
    }

    /** The resolved IP header fields of one reply. */
    private record IpFields(int id, boolean evil, boolean dontFragment, boolean moreFragments, int fragmentOffset, int ttl,
                            int tos, byte[] options) {
    }

    /**
     * The reply frame to a UDP request; refused for a profile that splits the reply into fragments ({@link #udpReplies}).
     *
     * @param request    the parsed request frame; must carry IPv4/UDP or IPv6/UDP
     * @param self       the persona's address (source of the reply), of the request's IP version
     * @param selfMac    the persona's MAC
     * @param udpPayload the reply datagram (RMCP and up); {@link #payloadFor} is applied, so a payload already shaped by
     *                   it is left alone
     * @param p          the quirks
     * @param freshIds   where a fresh IP ID comes from (asked only when the profile needs one)
     */
    public static byte[] udpReply(ParsedFrame request, InetAddress self, MacAddress selfMac, byte[] udpPayload, QuirkProfile p,
                                  IntSupplier freshIds) {
        List<byte[]> frames = udpReplies(request, self, selfMac, udpPayload, p, freshIds);
        if (frames.size() != 1) {
            throw new IllegalArgumentException("the profile splits the reply into " + frames.size() + " frames: use udpReplies");
        }
        return frames.get(0);
    }

    /** The frames of the reply to a UDP request, in sending order: one, or two fragments ({@code split}). */
    public static List<byte[]> udpReplies(ParsedFrame request, InetAddress self, MacAddress selfMac, byte[] udpPayload, QuirkProfile p,
                                          IntSupplier freshIds) {
        ParsedFrame.Udp rqUdp = request.udp().orElseThrow(() -> new IllegalArgumentException("request is not UDP: " + request));
        InetAddress peer = request.ipSource().orElseThrow(() -> new IllegalArgumentException("request is not IP: " + request));
        if (peer.getClass() != self.getClass()) {
            throw new IllegalArgumentException("the request came over another IP version than " + self.getHostAddress());
        }
        byte[] payload = payloadFor(udpPayload, p);
        int udpLength = 8 + payload.length;
        int trailing = request.ipv4().isPresent() ? p.effective(TRAILING_BYTES) : 0;
        int sport = p.effective(SOURCE_PORT);
        int dport = rqUdp.srcPort();

        int computed = InternetChecksum.udpChecksum(self, peer, sport, dport, payload);
        int udpField = switch (p.effective(UDP_CHECKSUM)) {
            // NEGATIVE_ZERO is what RFC 768 prescribes for a zero sum; it only differs from CORRECT in that the
            // caller tuned the payload so that the sum is zero.
            case CORRECT, NEGATIVE_ZERO -> InternetChecksum.udpFieldValue(computed);
            case NONE -> 0;
            case ZERO_AS_NONE -> computed; // 0x0000 exactly when the sum is zero, else the correct value
            case WRONG -> wrong(InternetChecksum.udpFieldValue(computed));
        };
        ByteBuffer l4 = ByteBuffer.allocate(udpLength + trailing);
        l4.putShort((short) sport).putShort((short) dport).putShort((short) udpLength).putShort((short) udpField)
                .put(payload).put(junk(trailing));

        MacAddress dst = p.effective(DESTINATION) == QuirkProfile.Destination.BROADCAST ? MacAddress.BROADCAST : request.src();
        Tags tags = new Tags(p.effective(VLAN_OUTER), p.effective(VLAN_ID));
        boolean junkPadding = p.effective(ETH_PADDING) == QuirkProfile.EthPadding.JUNK;
        int trailer = p.effective(FRAME_TRAILER);
        List<byte[]> frames = new ArrayList<>();
        if (request.ipv6().isPresent()) {
            byte[] ip = ipv6(request.ipv6().get(), p, (Inet6Address) self, (Inet6Address) peer, l4.array(), freshIds);
            frames.add(ethernet(dst, selfMac, tags, ETHERTYPE_IPV6, ip, trailer, junkPadding));
            return frames;
        }
        ParsedFrame.Ipv4 rq = request.ipv4().orElseThrow();
        IpFields f = ipFields(rq, p, freshIds);
        boolean wrongIp = p.effective(IP_CHECKSUM) == QuirkProfile.IpChecksum.WRONG;
        Inet4Address self4 = (Inet4Address) self;
        for (Piece piece : pieces(l4.array(), p.effective(SPLIT))) {
            IpFields pf = piece.last() && piece.offset() == 0 ? f
                    : new IpFields(f.id(), f.evil(), f.dontFragment(), !piece.last(), piece.offset() / 8, f.ttl(), f.tos(),
                    piece.offset() == 0 ? f.options() : new byte[0]); // options without the copy flag go in the first piece only
            byte[] ip = ipv4(pf, ParsedFrame.PROTO_UDP, self4, rq.src(), piece.data(), wrongIp);
            frames.add(ethernet(dst, selfMac, tags, ParsedFrame.ETHERTYPE_IPV4, ip, trailer, junkPadding));
        }
        return frames;
    }

    /** One fragment's share of the datagram: where it starts (bytes), its bytes, and whether it is the last. */
    private record Piece(int offset, byte[] data, boolean last) {
    }

    /**
     * The datagram as the split cuts it: whole, or at an 8-byte boundary (fragment offsets count 8-byte units). HALVES
     * keeps both pieces out of the 60-byte minimum (each at least {@link #LONG_PIECE} bytes): a datagram too small for
     * that goes whole.
     */
    private static List<Piece> pieces(byte[] datagram, QuirkProfile.Split split) {
        int n = datagram.length;
        int cut = switch (split) {
            case NONE -> n;
            case HALVES -> halves(n);
            case SHORT_HEAD -> SHORT_PIECE;
            case SHORT_TAIL -> (n - 1) / 8 * 8;
        };
        if (cut <= 0 || cut >= n) {
            return List.of(new Piece(0, datagram, true));
        }
        return List.of(new Piece(0, Arrays.copyOfRange(datagram, 0, cut), false), new Piece(cut, Arrays.copyOfRange(datagram, cut, n), true));
    }

    /** Where HALVES cuts n bytes: the 8-byte boundary nearest the middle that leaves both pieces long; n when none does. */
    private static int halves(int n) {
        int best = n;
        for (int cut = 8; cut < n; cut += 8) {
            if (cut >= LONG_PIECE && n - cut >= LONG_PIECE && (best == n || Math.abs(2 * cut - n) < Math.abs(2 * best - n))) {
                best = cut;
            }
        }
        return best;
    }

    /**
     * The IPv6 header, the extension header the profile asks for and the upper layer: hop limit and traffic class from the
     * TTL and TOS rows (the template copies the request's), flow label 0.
     */
    private static byte[] ipv6(ParsedFrame.Ipv6 rq, QuirkProfile p, Inet6Address src, Inet6Address dst, byte[] l4, IntSupplier freshIds) {
        boolean template = p.effective(TEMPLATE) == QuirkProfile.Template.REQUEST;
        int hopLimit = p.get(TTL).orElse(template ? rq.hopLimit() : TTL.clean());
        int trafficClass = p.get(TOS).orElse(template ? rq.trafficClass() : TOS.clean());
        byte[] ext = extension(p.effective(IPV6_EXT), src, freshIds);
        int next = switch (p.effective(IPV6_EXT)) {
            case NONE -> ParsedFrame.PROTO_UDP;
            case HOP_BY_HOP -> ParsedFrame.EXT_HOP_BY_HOP;
            case DEST_OPTS -> ParsedFrame.EXT_DEST_OPTS;
            case ROUTING -> ParsedFrame.EXT_ROUTING;
            case FRAGMENT -> ParsedFrame.EXT_FRAGMENT;
        };
        return ipv6Packet(trafficClass, next, hopLimit, src, dst, concat(ext, l4));
    }

    private static byte[] ipv6Packet(int trafficClass, int next, int hopLimit, Inet6Address src, Inet6Address dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(ParsedFrame.Ipv6.HEADER + payload.length);
        b.putInt(6 << 28 | (trafficClass & 0xFF) << 20).putShort((short) payload.length).put((byte) next).put((byte) hopLimit)
                .put(src.getAddress()).put(dst.getAddress()).put(payload);
        return b.array();
    }

    /**
     * One extension header before UDP (RFC 8200 4): hop-by-hop and destination options carry one PadN option (8 bytes); the
     * routing header is type 0 with segments left 0, which a node must ignore and go on (4.4); the fragment header is
     * atomic (offset 0, M clear: RFC 6946).
     */
    private static byte[] extension(QuirkProfile.Ipv6Ext ext, Inet6Address self, IntSupplier freshIds) {
        int udp = ParsedFrame.PROTO_UDP;
        return switch (ext) {
            case NONE -> new byte[0];
            case HOP_BY_HOP, DEST_OPTS -> new byte[] {(byte) udp, 0, 1, 4, 0, 0, 0, 0};
            case ROUTING -> ByteBuffer.allocate(24).put((byte) udp).put((byte) 2).put((byte) 0).put((byte) 0).putInt(0)
                    .put(self.getAddress()).array();
            case FRAGMENT -> ByteBuffer.allocate(8).put((byte) udp).put((byte) 0).putShort((short) 0).putInt(freshIds.getAsInt()).array();
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The UDP payload as the profile shapes it: with one 0x00 pad byte after the message when its length's parity is
     * not the one asked for (RMCP receivers parse by the IPMI length field, so a trailing pad is legal). A zero byte
     * leaves the one's-complement sum of the payload unchanged, but not the UDP length: tune after shaping.
     */
    public static byte[] payloadFor(byte[] udpPayload, QuirkProfile p) {
        QuirkProfile.PayloadParity parity = p.effective(PAYLOAD_PARITY);
        boolean odd = (udpPayload.length & 1) == 1;
        boolean pad = parity == QuirkProfile.PayloadParity.EVEN && odd || parity == QuirkProfile.PayloadParity.ODD && !odd;
        return pad ? Arrays.copyOf(udpPayload, udpPayload.length + 1) : udpPayload.clone();
    }

    /**
     * Clean defaults, then the request's header when templating, then every field the profile sets. The template copies
     * the request's flags, fragment offset and options bit for bit, also where no value of the table names them.
     */
    private static IpFields ipFields(ParsedFrame.Ipv4 rq, QuirkProfile p, IntSupplier freshIds) {
        boolean template = p.effective(TEMPLATE) == QuirkProfile.Template.REQUEST;
        QuirkProfile.IpId idSource = p.get(IP_ID).orElse(template ? IP_ID.templateValue().orElseThrow() : IP_ID.clean());
        boolean evil = p.get(EVIL_BIT).orElse(template ? rq.evil() : EVIL_BIT.clean());
        boolean df = p.get(DONT_FRAGMENT).orElse(template ? rq.dontFragment() : DONT_FRAGMENT.clean());
        QuirkProfile.Fragment fragment = p.effective(FRAGMENT);
        boolean copyFragment = template && !p.isSet(FRAGMENT);
        boolean mf = copyFragment ? rq.moreFragments() : fragment == QuirkProfile.Fragment.MORE_FRAGMENTS;
        int offset = copyFragment ? rq.fragmentOffset() : fragment == QuirkProfile.Fragment.OFFSET ? FRAGMENT_OFFSET_UNITS : 0;
        int ttl = p.get(TTL).orElse(template ? rq.ttl() : TTL.clean());
        int tos = p.get(TOS).orElse(template ? rq.tos() : TOS.clean());
        byte[] options = template && !p.isSet(IP_OPTIONS) ? rq.options() : options(p.effective(IP_OPTIONS));
        int id = switch (idSource) {
            case FRESH -> freshIds.getAsInt() & 0xFFFF;
            case ECHO -> rq.id();
            case ZERO -> 0;
            case FIXED -> p.effective(IP_ID_VALUE);
        };
        return new IpFields(id, evil, df, mf, offset, ttl, tos, options);
    }

    private static byte[] options(QuirkProfile.IpOptions o) {
        return switch (o) {
            case NONE -> new byte[0];
            case NOP -> NOPS.clone();
            case RECORD_ROUTE -> RECORD_ROUTE.clone();
            case TIMESTAMP -> timestamp();
        };
    }

    /**
     * The internet timestamp option filling the header (RFC 791): type 68, length 40, pointer 5 (no slot used yet),
     * overflow 0, flag 0 (timestamps only): nine empty slots, IHL 15.
     */
    private static byte[] timestamp() {
        byte[] o = new byte[MAX_OPTIONS];
        o[0] = TIMESTAMP_OPTION;
        o[1] = MAX_OPTIONS;
        o[2] = 5;
        return o;
    }

    /**
     * The ARP reply a host owning {@code self} sends to an ARP request for it; empty for any other frame. Always clean:
     * address resolution is not under test.
     */
    public static Optional<byte[]> arpReply(ParsedFrame request, Inet4Address self, MacAddress selfMac) {
        return request.arp().filter(a -> a.op() == ParsedFrame.Arp.REQUEST && a.targetIp().equals(self)).map(a -> {
            ByteBuffer b = ByteBuffer.allocate(28);
            b.putShort((short) 1).putShort((short) ParsedFrame.ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                    .putShort((short) ParsedFrame.Arp.REPLY).put(selfMac.bytes()).put(self.getAddress())
                    .put(a.senderMac().bytes()).put(a.senderIp().getAddress());
            return ethernet(a.senderMac(), selfMac, Tags.NONE, ParsedFrame.ETHERTYPE_ARP, b.array(), 0, false);
        });
    }

    /**
     * The neighbour advertisement (RFC 4861 4.4) a host owning {@code self} sends to a neighbour solicitation for it;
     * empty for any other frame. Solicited and override set, the target link-layer address option with its MAC, hop limit
     * 255, to the soliciting address (all-nodes for a solicitation from the unspecified address). Always clean, as ARP.
     */
    public static Optional<byte[]> neighborAdvertisement(ParsedFrame request, Inet6Address self, MacAddress selfMac) {
        Optional<ParsedFrame.Ipv6> ip = request.ipv6();
        Optional<ParsedFrame.Icmp6> ns = request.icmp6().filter(m -> m.type() == ParsedFrame.Icmp6.NEIGHBOR_SOLICITATION
                && m.checksumValid() && self.equals(m.target()));
        if (ip.isEmpty() || ns.isEmpty() || ip.get().hopLimit() != 255) {
            return Optional.empty();
        }
        boolean dad = ip.get().src().isAnyLocalAddress();
        Inet6Address to = dad ? ALL_NODES : ip.get().src();
        ByteBuffer m = ByteBuffer.allocate(32);
        m.put((byte) ParsedFrame.Icmp6.NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .putInt(dad ? 0x20000000 : 0x60000000).put(self.getAddress())
                .put((byte) 2).put((byte) 1).put(selfMac.bytes());
        byte[] msg = icmp6Checksummed(m.array(), self, to);
        byte[] l3 = ipv6Packet(0, ParsedFrame.PROTO_ICMPV6, 255, self, to, msg);
        MacAddress dst = dad ? MacAddress.parse("33:33:00:00:00:01") : request.src();
        return Optional.of(ethernet(dst, selfMac, Tags.NONE, ETHERTYPE_IPV6, l3, 0, false));
    }

    /** The ICMPv6 echo reply to an echo request for {@code self}; empty for any other frame. Always clean. */
    public static Optional<byte[]> icmp6EchoReply(ParsedFrame request, Inet6Address self, MacAddress selfMac) {
        Optional<ParsedFrame.Ipv6> ip = request.ipv6().filter(i -> self.equals(i.dst()));
        Optional<ParsedFrame.Icmp6> echo = request.icmp6().filter(m -> m.type() == ParsedFrame.Icmp6.ECHO_REQUEST && m.checksumValid());
        if (ip.isEmpty() || echo.isEmpty()) {
            return Optional.empty();
        }
        byte[] body = echo.get().body();
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) ParsedFrame.Icmp6.ECHO_REPLY;
        System.arraycopy(body, 0, m, 4, body.length);
        byte[] l3 = ipv6Packet(0, ParsedFrame.PROTO_ICMPV6, TTL.clean(), self, ip.get().src(), icmp6Checksummed(m, self, ip.get().src()));
        return Optional.of(ethernet(request.src(), selfMac, Tags.NONE, ETHERTYPE_IPV6, l3, 0, false));
    }

    private static final Inet6Address ALL_NODES = allNodes();

    private static Inet6Address allNodes() {
        byte[] a = new byte[16];
        a[0] = (byte) 0xFF;
        a[1] = 0x02;
        a[15] = 1;
        try {
            return Inet6Address.getByAddress(null, a, -1);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] icmp6Checksummed(byte[] message, Inet6Address src, Inet6Address dst) {
        int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum(src, dst, ParsedFrame.PROTO_ICMPV6, message.length),
                InternetChecksum.sum(message, 0, message.length));
        int c = ~sum & 0xFFFF;
        message[2] = (byte) (c >> 8);
        message[3] = (byte) c;
        return message;
    }

    /**
     * The echo reply to an ICMP echo request with valid checksums; empty for any other frame. Always clean (ID 0 with
     * DF, as RFC 6864 allows for atomic datagrams): answering pings only proves the persona is there.
     */
    public static Optional<byte[]> icmpEchoReply(ParsedFrame request, MacAddress selfMac) {
        Optional<ParsedFrame.Ipv4> ip = request.ipv4().filter(ParsedFrame.Ipv4::headerChecksumValid);
        Optional<ParsedFrame.IcmpEcho> echo = request.icmpEcho()
                .filter(e -> e.type() == ParsedFrame.IcmpEcho.REQUEST && e.checksumValid());
        if (ip.isEmpty() || echo.isEmpty()) {
            return Optional.empty();
        }
        byte[] data = echo.get().data();
        ByteBuffer icmp = ByteBuffer.allocate(8 + data.length);
        icmp.put((byte) ParsedFrame.IcmpEcho.REPLY).put((byte) 0).putShort((short) 0).putShort((short) echo.get().id())
                .putShort((short) echo.get().sequence()).put(data);
        byte[] m = icmp.array();
        int c = InternetChecksum.checksum(m, 0, m.length);
        m[2] = (byte) (c >> 8);
        m[3] = (byte) c;
        IpFields f = new IpFields(0, EVIL_BIT.clean(), DONT_FRAGMENT.clean(), false, 0, TTL.clean(), TOS.clean(),
                options(IP_OPTIONS.clean()));
        byte[] l3 = ipv4(f, ParsedFrame.PROTO_ICMP, ip.get().dst(), ip.get().src(), m, false);
        return Optional.of(ethernet(request.src(), selfMac, Tags.NONE, ParsedFrame.ETHERTYPE_IPV4, l3, 0, false));
    }

    private static byte[] ipv4(IpFields f, int protocol, Inet4Address src, Inet4Address dst, byte[] l4, boolean wrongChecksum) {
        int hlen = 20 + f.options().length;
        if (f.options().length > MAX_OPTIONS || hlen % 4 != 0) {
            throw new IllegalArgumentException("IP options must be a multiple of 4 bytes, at most 40: " + f.options().length);
        }
        ByteBuffer b = ByteBuffer.allocate(hlen + l4.length);
        int flags = (f.evil() ? 0x8000 : 0) | (f.dontFragment() ? 0x4000 : 0) | (f.moreFragments() ? 0x2000 : 0);
        b.put((byte) (0x40 | hlen / 4)).put((byte) f.tos()).putShort((short) (hlen + l4.length)).putShort((short) f.id())
                .putShort((short) (flags | f.fragmentOffset() & 0x1FFF)).put((byte) f.ttl()).put((byte) protocol)
                .putShort((short) 0).put(src.getAddress()).put(dst.getAddress()).put(f.options()).put(l4);
        byte[] ip = b.array();
        int c = InternetChecksum.checksum(ip, 0, hlen);
        if (wrongChecksum) {
            c = wrong(c);
        }
        ip[10] = (byte) (c >> 8);
        ip[11] = (byte) c;
        return ip;
    }

    /**
     * The VLAN tags of a frame: an 802.1ad S-tag ({@code outer}) outside an 802.1Q tag ({@code inner}); null: none. VLAN
     * ID 0 is a priority tag.
     */
    record Tags(Integer outer, Integer inner) {
        static final Tags NONE = new Tags(null, null);

        int length() {
            return (outer == null ? 0 : 4) + (inner == null ? 0 : 4);
        }
    }

    /**
     * An Ethernet frame: addresses, tags, type, the IP datagram, {@code trailer} junk bytes after it, then padding up to
     * {@link #MIN_FRAME} (zeros, or junk), as RFC 894 pads short frames.
     */
    private static byte[] ethernet(MacAddress dst, MacAddress src, Tags tags, int etherType, byte[] l3, int trailer, boolean junkPadding) {
        int header = 14 + tags.length();
        int content = header + l3.length + trailer;
        int length = Math.max(MIN_FRAME, content);
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(dst.bytes()).put(src.bytes());
        if (tags.outer() != null) {
            b.putShort((short) ParsedFrame.ETHERTYPE_QINQ).putShort((short) (tags.outer() & 0x0FFF));
        }
        if (tags.inner() != null) {
            b.putShort((short) ParsedFrame.ETHERTYPE_VLAN).putShort((short) (tags.inner() & 0x0FFF));
        }
        b.putShort((short) etherType).put(l3).put(junk(trailer));
        if (junkPadding) {
            b.put(junk(length - content));
        }
        return b.array();
    }

    /**
     * A checksum that is certainly wrong: never equal to the correct one, never 0x0000 ("no checksum" for UDP) and
     * never 0xFFFF (one's-complement zero, which equals 0x0000 in the arithmetic).
     */
    static int wrong(int correct) {
        int w = correct ^ 0x5555;
        return w == 0 || w == 0xFFFF ? correct ^ 0x0F0F : w;
    }

    /**
     * Junk bytes 0xA5, 0xA6, 0xA7, ... for trailing bytes and Ethernet padding: visibly not zeros, and (unlike a
     * repeated 0xA5A5 word, whose sum vanishes every 17 words) never summing to one's-complement zero at any length
     * or alignment up to 64 bytes, so a NIC that wrongly sums them gets a wrong result.
     */
    static byte[] junk(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (0xA5 + i);
        }
        return b;
    }
}
