package io.quirklab.wire;

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

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Builds reply frames byte by byte, the one place where a {@link QuirkProfile} turns into bytes. Every IP/UDP field is
 * resolved the Scapy way: the clean defaults of the {@link QuirkField} table (fresh ID, DF, TTL 64, TOS 0, no options,
 * correct checksums, source port 623, unicast to the requester, no VLAN, zero padding), then the request's header when
 * the template is REQUEST, then every field the profile sets. Timing and duplicates are the sender's business: one call
 * builds one frame.
 */
public final class ReplyFrameBuilder {
    /** Smallest Ethernet frame without its FCS; shorter frames are padded (RFC 894). */
    public static final int MIN_FRAME = 60;
    /** Fragment offset of {@link QuirkProfile.Fragment#OFFSET} in 8-byte units: 1480 bytes, where a second fragment starts. */
    public static final int FRAGMENT_OFFSET_UNITS = 185;
    /** Record route option: type 7, length 11 (two empty address slots), pointer 4; an EOL pads it to 12 bytes. */
    static final byte[] RECORD_ROUTE = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] NOPS = {1, 1, 1, 1};

    private ReplyFrameBuilder() {
    }

    /** The resolved IP header fields of one reply. */
    private record IpFields(int id, boolean evil, boolean dontFragment, boolean moreFragments, int fragmentOffset, int ttl,
                            int tos, byte[] options) {
    }

    /**
     * The reply frame to a UDP request.
     *
     * @param request    the parsed request frame; must carry IPv4/UDP
     * @param self       the persona's address (source of the reply)
     * @param selfMac    the persona's MAC
     * @param udpPayload the reply datagram (RMCP and up); {@link #payloadFor} is applied, so a payload already shaped by
     *                   it is left alone
     * @param p          the quirks
     * @param freshIds   where a fresh IP ID comes from (asked only when the profile needs one)
     */
    public static byte[] udpReply(ParsedFrame request, Inet4Address self, MacAddress selfMac, byte[] udpPayload,
                                  QuirkProfile p, IntSupplier freshIds) {
        ParsedFrame.Ipv4 rq = request.ipv4().orElseThrow(() -> new IllegalArgumentException("request is not IPv4: " + request));
        ParsedFrame.Udp rqUdp = request.udp().orElseThrow(() -> new IllegalArgumentException("request is not UDP: " + request));
        IpFields f = ipFields(rq, p, freshIds);
        byte[] payload = payloadFor(udpPayload, p);
        int udpLength = 8 + payload.length;
        int trailing = p.effective(TRAILING_BYTES);
        int sport = p.effective(SOURCE_PORT);
        int dport = rqUdp.srcPort();

        int computed = InternetChecksum.udpChecksum(self, rq.src(), sport, dport, payload);
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

        byte[] ip = ipv4(f, ParsedFrame.PROTO_UDP, self, rq.src(), l4.array(), p.effective(IP_CHECKSUM) == QuirkProfile.IpChecksum.WRONG);
        MacAddress dst = p.effective(DESTINATION) == QuirkProfile.Destination.BROADCAST ? MacAddress.BROADCAST : request.src();
        return ethernet(dst, selfMac, p.effective(VLAN_ID), ParsedFrame.ETHERTYPE_IPV4, ip,
                p.effective(ETH_PADDING) == QuirkProfile.EthPadding.JUNK);
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
        };
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
            return ethernet(a.senderMac(), selfMac, null, ParsedFrame.ETHERTYPE_ARP, b.array(), false);
        });
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
        return Optional.of(ethernet(request.src(), selfMac, null, ParsedFrame.ETHERTYPE_IPV4, l3, false));
    }

    private static byte[] ipv4(IpFields f, int protocol, Inet4Address src, Inet4Address dst, byte[] l4, boolean wrongChecksum) {
        int hlen = 20 + f.options().length;
        if (hlen > 60 || hlen % 4 != 0) {
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

    private static byte[] ethernet(MacAddress dst, MacAddress src, Integer vlanId, int etherType, byte[] l3, boolean junkPadding) {
        int header = vlanId == null ? 14 : 18;
        int length = Math.max(MIN_FRAME, header + l3.length);
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(dst.bytes()).put(src.bytes());
        if (vlanId != null) {
            b.putShort((short) ParsedFrame.ETHERTYPE_VLAN).putShort((short) (vlanId & 0x0FFF));
        }
        b.putShort((short) etherType).put(l3);
        int padding = length - header - l3.length;
        if (junkPadding) {
            b.put(junk(padding));
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
