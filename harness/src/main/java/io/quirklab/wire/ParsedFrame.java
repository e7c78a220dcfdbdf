package io.quirklab.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A read-only view of one received Ethernet frame: the Ethernet header, up to two VLAN tags (an 802.1Q tag, or an
 * 802.1ad S-tag outside it: QinQ), and whichever of ARP, IPv4, IPv6 (with its extension headers), UDP, ICMP echo and
 * ICMPv6 could be parsed. Parsing never throws: a layer that is absent, truncated or malformed is
 * simply empty, and checksums are reported as valid or not rather than enforced, because the quirk work needs to see
 * exactly what was on the wire.
 */
public final class ParsedFrame {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** The 802.1ad service tag (S-tag) of QinQ, outside an 802.1Q tag. */
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_UDP = InternetChecksum.PROTO_UDP;
    public static final int PROTO_ICMPV6 = 58;
    /** IPv6 extension headers this parser walks (RFC 8200 4): hop-by-hop, routing, fragment, destination options. */
    public static final int EXT_HOP_BY_HOP = 0;
    public static final int EXT_ROUTING = 43;
    public static final int EXT_FRAGMENT = 44;
    public static final int EXT_DEST_OPTS = 60;
    static final int ETH_HEADER = 14;

    private final byte[] frame;
    private final MacAddress dst;
    private final MacAddress src;
    private final Integer vlanId;
    private final Integer outerVlanId;
    private final int etherType;
    private final Arp arp;
    private final Ipv4 ipv4;
    private final Ipv6 ipv6;
    private final Udp udp;
    private final IcmpEcho icmpEcho;
    private final Icmp6 icmp6;

    /**
     * An ARP packet for IPv4 over Ethernet.
     *
     * @param op        1 request, 2 reply
     * @param senderMac sender hardware address
     * @param senderIp  sender protocol address
     * @param targetMac target hardware address (zero in a request)
     * @param targetIp  target protocol address
     */
    public record Arp(int op, MacAddress senderMac, Inet4Address senderIp, MacAddress targetMac, Inet4Address targetIp) {
        public static final int REQUEST = 1;
        public static final int REPLY = 2;
    }

    /**
     * An IPv4 header.
     *
     * @param offset              where the header starts in the frame
     * @param version             always 4 here (anything else is not parsed)
     * @param ihl                 header length in 32-bit words, 5..15
     * @param tos                 type of service byte (DSCP + ECN)
     * @param totalLength         the total length field as sent
     * @param id                  identification
     * @param evil                the reserved flag (RFC 3514)
     * @param dontFragment        DF
     * @param moreFragments       MF
     * @param fragmentOffset      fragment offset in 8-byte units
     * @param ttl                 time to live
     * @param protocol            protocol number
     * @param headerChecksum      the header checksum field as sent
     * @param headerChecksumValid whether the header sums to 0xFFFF
     * @param src                 source address
     * @param dst                 destination address
     * @param options             the option bytes after the first 20 (empty when IHL is 5)
     * @param payloadOffset       where the payload starts in the frame
     * @param payloadLength       payload bytes present: the total length minus the header, cut to what the frame holds
     */
    public record Ipv4(int offset, int version, int ihl, int tos, int totalLength, int id, boolean evil,
                       boolean dontFragment, boolean moreFragments, int fragmentOffset, int ttl, int protocol,
                       int headerChecksum, boolean headerChecksumValid, Inet4Address src, Inet4Address dst,
                       byte[] options, int payloadOffset, int payloadLength) {
        public int headerLength() {
            return ihl * 4;
        }

        /** True for any fragment of a larger datagram (MF set or a non-zero offset). */
        public boolean isFragment() {
            return moreFragments || fragmentOffset != 0;
        }

        /** True when the frame holds fewer bytes than the total length says. */
        public boolean truncated() {
            return payloadLength < totalLength - headerLength();
        }

        public byte[] options() {
            return options.clone();
        }
    }

    /**
     * A UDP datagram (only parsed for unfragmented IPv4, or IPv6 without a fragment that is not atomic, whose payload
     * holds the whole UDP length).
     *
     * @param offset        where the UDP header starts in the frame
     * @param srcPort       source port
     * @param dstPort       destination port
     * @param length        the UDP length field (header included)
     * @param checksum      the checksum field as sent
     * @param checksumValid IPv4 (RFC 768): 0x0000 means "no checksum" and counts as valid; IPv6 (RFC 8200 8.1): 0x0000 is
     *                      invalid; otherwise the sum with the pseudo-header must be 0xFFFF
     * @param payload       the payload, exactly as long as the UDP length says
     */
    public record Udp(int offset, int srcPort, int dstPort, int length, int checksum, boolean checksumValid, byte[] payload) {
        public boolean checksumPresent() {
            return checksum != 0;
        }

        public byte[] payload() {
            return payload.clone();
        }
    }

    /**
     * An ICMP echo request (type 8) or reply (type 0).
     *
     * @param type          8 request, 0 reply
     * @param code          0
     * @param checksum      the checksum field as sent
     * @param checksumValid whether the ICMP message sums to 0xFFFF
     * @param id            identifier
     * @param sequence      sequence number
     * @param data          the echo data
     */
    public record IcmpEcho(int type, int code, int checksum, boolean checksumValid, int id, int sequence, byte[] data) {
        public static final int REQUEST = 8;
        public static final int REPLY = 0;

        public byte[] data() {
            return data.clone();
        }
    }

    /**
     * An IPv6 header with the extension headers before the upper layer.
     *
     * @param offset         where the header starts in the frame
     * @param trafficClass   the traffic class byte
     * @param flowLabel      the flow label
     * @param payloadLength  the payload length field as sent (extension headers and upper layer)
     * @param nextHeader     the next header field of the fixed header
     * @param hopLimit       hop limit
     * @param src            source address
     * @param dst            destination address
     * @param extensions     the extension header types in order (0 hop-by-hop, 43 routing, 44 fragment, 60 destination
     *                       options)
     * @param protocol       the upper-layer protocol after them (17 UDP, 58 ICMPv6), or -1 when the chain could not be read
     * @param payloadOffset  where the upper layer starts in the frame
     * @param upperLength    upper-layer bytes present: the payload length minus the extension headers, cut to the frame
     * @param fragment       the fragment header's offset (8-byte units) and M flag, or null without one
     */
    public record Ipv6(int offset, int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit, Inet6Address src,
                       Inet6Address dst, List<Integer> extensions, int protocol, int payloadOffset, int upperLength, Fragment fragment) {
        public static final int HEADER = 40;

        public Ipv6 {
            extensions = List.copyOf(extensions);
        }

        /** A fragment header's offset (in 8-byte units), M flag and identification. */
        public record Fragment(int offset, boolean more, long id) {
            /** Offset 0 and M clear: a datagram in one piece that carries a fragment header (RFC 6946). */
            public boolean atomic() {
                return offset == 0 && !more;
            }
        }

        /** True for a piece of a larger datagram (not an atomic fragment). */
        public boolean isFragment() {
            return fragment != null && !fragment.atomic();
        }

        /** True when the frame holds fewer bytes than the payload length says. */
        public boolean truncated() {
            return payloadOffset + upperLength < offset + HEADER + payloadLength;
        }
    }

    /**
     * An ICMPv6 message: neighbour solicitation (135) and advertisement (136) with their target, echo request (128) and
     * reply (129).
     *
     * @param type           the type
     * @param code           the code
     * @param checksumValid  the message sums to 0xFFFF with the IPv6 pseudo-header
     * @param target         the target address of a neighbour solicitation or advertisement, else null
     * @param body           the message after the checksum (for echo: identifier, sequence number, data)
     */
    public record Icmp6(int type, int code, boolean checksumValid, Inet6Address target, byte[] body) {
        public static final int ECHO_REQUEST = 128;
        public static final int ECHO_REPLY = 129;
        public static final int NEIGHBOR_SOLICITATION = 135;
        public static final int NEIGHBOR_ADVERTISEMENT = 136;

        public byte[] body() {
            return body.clone();
        }
    }

    private ParsedFrame(byte[] frame, MacAddress dst, MacAddress src, Integer vlanId, Integer outerVlanId, int etherType, Arp arp,
                        Ipv4 ipv4, Ipv6 ipv6, Udp udp, IcmpEcho icmpEcho, Icmp6 icmp6) {
        this.frame = frame;
        this.dst = dst;
        this.src = src;
        this.vlanId = vlanId;
        this.outerVlanId = outerVlanId;
        this.etherType = etherType;
        this.arp = arp;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.udp = udp;
        this.icmpEcho = icmpEcho;
        this.icmp6 = icmp6;
    }

    /** Parses a whole Ethernet frame (no FCS); empty only when there is no Ethernet header at all. */
    public static Optional<ParsedFrame> parse(byte[] frame) {
        if (frame == null || frame.length < ETH_HEADER) {
            return Optional.empty();
        }
        byte[] f = frame.clone();
        int typeAt = 12;
        Integer vlan = null;
        Integer outer = null;
        int type = u16(f, typeAt);
        // an S-tag (or a first C-tag) outside an 802.1Q tag is QinQ: the outer tag, then the one nearest the payload
        if ((type == ETHERTYPE_QINQ || type == ETHERTYPE_VLAN) && f.length >= typeAt + 6 && u16(f, typeAt + 4) == ETHERTYPE_VLAN
                && f.length >= ETH_HEADER + 8) {
            outer = u16(f, typeAt + 2) & 0x0FFF;
            typeAt += 4;
            type = u16(f, typeAt);
        }
        if ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && f.length >= typeAt + 6) {
            vlan = u16(f, typeAt + 2) & 0x0FFF;
            typeAt += 4;
            type = u16(f, typeAt);
        }
        int l3 = typeAt + 2;
        Arp arp = type == ETHERTYPE_ARP ? arp(f, l3) : null;
        Ipv4 ip = type == ETHERTYPE_IPV4 ? ipv4(f, l3) : null;
        Ipv6 ip6 = type == ETHERTYPE_IPV6 ? ipv6(f, l3) : null;
        Udp udp = null;
        IcmpEcho icmp = null;
        Icmp6 icmp6 = null;
        if (ip != null && !ip.isFragment() && !ip.truncated()) {
            if (ip.protocol() == PROTO_UDP) {
                udp = udp(f, ip);
            } else if (ip.protocol() == PROTO_ICMP) {
                icmp = icmpEcho(f, ip);
            }
        } else if (ip6 != null && !ip6.isFragment() && !ip6.truncated()) {
            if (ip6.protocol() == PROTO_UDP) {
                udp = udp6(f, ip6);
            } else if (ip6.protocol() == PROTO_ICMPV6) {
                icmp6 = icmp6(f, ip6);
            }
        }
        return Optional.of(new ParsedFrame(f, MacAddress.of(f, 0), MacAddress.of(f, 6), vlan, outer, type, arp, ip, ip6, udp, icmp,
                icmp6));
    }

    private static Arp arp(byte[] f, int o) {
        if (f.length < o + 28 || u16(f, o) != 1 || u16(f, o + 2) != ETHERTYPE_IPV4 || f[o + 4] != 6 || f[o + 5] != 4) {
            return null;
        }
        return new Arp(u16(f, o + 6), MacAddress.of(f, o + 8), inet4(f, o + 14), MacAddress.of(f, o + 18), inet4(f, o + 24));
    }

    private static Ipv4 ipv4(byte[] f, int o) {
        if (f.length < o + 20 || (f[o] & 0xF0) != 0x40) {
            return null;
        }
        int ihl = f[o] & 0x0F;
        int hlen = ihl * 4;
        if (ihl < 5 || f.length < o + hlen) {
            return null;
        }
        int total = u16(f, o + 2);
        int flagsFrag = u16(f, o + 6);
        int present = Math.max(0, Math.min(total, f.length - o) - hlen);
        return new Ipv4(o, 4, ihl, f[o + 1] & 0xFF, total, u16(f, o + 4), (flagsFrag & 0x8000) != 0,
                (flagsFrag & 0x4000) != 0, (flagsFrag & 0x2000) != 0, flagsFrag & 0x1FFF, f[o + 8] & 0xFF,
                f[o + 9] & 0xFF, u16(f, o + 10), InternetChecksum.sum(f, o, hlen) == 0xFFFF, inet4(f, o + 12),
                inet4(f, o + 16), Arrays.copyOfRange(f, o + 20, o + hlen), o + hlen, present);
    }

    private static Udp udp(byte[] f, Ipv4 ip) {
        int o = ip.payloadOffset();
        if (ip.payloadLength() < 8) {
            return null;
        }
        int len = u16(f, o + 4);
        if (len < 8 || len > ip.payloadLength()) {
            return null;
        }
        int checksum = u16(f, o + 6);
        int sum = InternetChecksum.add(
                InternetChecksum.pseudoHeaderSum(f, ip.offset() + 12, f, ip.offset() + 16, PROTO_UDP, len),
                InternetChecksum.sum(f, o, len));
        return new Udp(o, u16(f, o), u16(f, o + 2), len, checksum, checksum == 0 || sum == 0xFFFF,
                Arrays.copyOfRange(f, o + 8, o + len));
    }

    private static Ipv6 ipv6(byte[] f, int o) {
        if (f.length < o + Ipv6.HEADER || (f[o] & 0xF0) != 0x60) {
            return null;
        }
        int tc = (f[o] & 0x0F) << 4 | (f[o + 1] & 0xF0) >> 4;
        int flow = (f[o + 1] & 0x0F) << 16 | u16(f, o + 2);
        int payloadLength = u16(f, o + 4);
        int next = f[o + 6] & 0xFF;
        int end = Math.min(f.length, o + Ipv6.HEADER + payloadLength);
        List<Integer> ext = new ArrayList<>();
        Ipv6.Fragment fragment = null;
        int at = o + Ipv6.HEADER;
        int protocol = next;
        // walk the chain as far as the frame holds it; at most eight headers (no loops on crafted input)
        while (ext.size() < 8 && (protocol == EXT_HOP_BY_HOP || protocol == EXT_ROUTING || protocol == EXT_FRAGMENT
                || protocol == EXT_DEST_OPTS)) {
            if (end < at + 8) {
                protocol = -1;
                break;
            }
            ext.add(protocol);
            int following = f[at] & 0xFF;
            int length = protocol == EXT_FRAGMENT ? 8 : ((f[at + 1] & 0xFF) + 1) * 8;
            if (protocol == EXT_FRAGMENT) {
                int offsetFlags = u16(f, at + 2);
                long id = (long) u16(f, at + 4) << 16 | u16(f, at + 6);
                fragment = new Ipv6.Fragment(offsetFlags >> 3, (offsetFlags & 1) != 0, id);
            }
            if (end < at + length) {
                protocol = -1;
                break;
            }
            at += length;
            protocol = following;
        }
        return new Ipv6(o, tc, flow, payloadLength, next, f[o + 7] & 0xFF, inet6(f, o + 8), inet6(f, o + 24), ext, protocol, at,
                Math.max(0, end - at), fragment);
    }

    private static Udp udp6(byte[] f, Ipv6 ip) {
        int o = ip.payloadOffset();
        if (ip.upperLength() < 8) {
            return null;
        }
        int len = u16(f, o + 4);
        if (len < 8 || len > ip.upperLength()) {
            return null;
        }
        int checksum = u16(f, o + 6);
        int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum6(f, ip.offset() + 8, f, ip.offset() + 24, PROTO_UDP, len),
                InternetChecksum.sum(f, o, len));
        return new Udp(o, u16(f, o), u16(f, o + 2), len, checksum, checksum != 0 && sum == 0xFFFF, Arrays.copyOfRange(f, o + 8, o + len));
    }

    private static Icmp6 icmp6(byte[] f, Ipv6 ip) {
        int o = ip.payloadOffset();
        int len = ip.upperLength();
        if (len < 8) {
            return null;
        }
        int type = f[o] & 0xFF;
        int sum = InternetChecksum.add(InternetChecksum.pseudoHeaderSum6(f, ip.offset() + 8, f, ip.offset() + 24, PROTO_ICMPV6, len),
                InternetChecksum.sum(f, o, len));
        boolean neighbour = type == Icmp6.NEIGHBOR_SOLICITATION || type == Icmp6.NEIGHBOR_ADVERTISEMENT;
        Inet6Address target = neighbour && len >= 24 ? inet6(f, o + 8) : null;
        return new Icmp6(type, f[o + 1] & 0xFF, sum == 0xFFFF, target, Arrays.copyOfRange(f, o + 4, o + len));
    }

    private static IcmpEcho icmpEcho(byte[] f, Ipv4 ip) {
        int o = ip.payloadOffset();
        int len = ip.payloadLength();
        if (len < 8) {
            return null;
        }
        int type = f[o] & 0xFF;
        if (type != IcmpEcho.REQUEST && type != IcmpEcho.REPLY) {
            return null;
        }
        return new IcmpEcho(type, f[o + 1] & 0xFF, u16(f, o + 2), InternetChecksum.sum(f, o, len) == 0xFFFF,
                u16(f, o + 4), u16(f, o + 6), Arrays.copyOfRange(f, o + 8, o + len));
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static Inet4Address inet4(byte[] b, int off) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4-byte address rejected", e);
        }
    }

    private static Inet6Address inet6(byte[] b, int off) {
        try {
            return Inet6Address.getByAddress(null, Arrays.copyOfRange(b, off, off + 16), -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16-byte address rejected", e);
        }
    }

    /** The whole frame as received. */
    public byte[] bytes() {
        return frame.clone();
    }

    public int length() {
        return frame.length;
    }

    public MacAddress dst() {
        return dst;
    }

    public MacAddress src() {
        return src;
    }

    /** The VLAN ID of the tag nearest the payload (an 802.1Q tag; 0 is a priority tag), when the frame carries one. */
    public OptionalInt vlanId() {
        return vlanId == null ? OptionalInt.empty() : OptionalInt.of(vlanId);
    }

    /** The VLAN ID of the outer tag of a QinQ frame (802.1ad S-tag), when the frame carries two. */
    public OptionalInt outerVlanId() {
        return outerVlanId == null ? OptionalInt.empty() : OptionalInt.of(outerVlanId);
    }

    /** The ethertype after any VLAN tag (a length for 802.3 frames). */
    public int etherType() {
        return etherType;
    }

    public Optional<Arp> arp() {
        return Optional.ofNullable(arp);
    }

    public Optional<Ipv4> ipv4() {
        return Optional.ofNullable(ipv4);
    }

    public Optional<Ipv6> ipv6() {
        return Optional.ofNullable(ipv6);
    }

    /** The IP source address, v4 or v6, when the frame carries IP. */
    public Optional<InetAddress> ipSource() {
        return ipv4 != null ? Optional.of(ipv4.src()) : ipv6 != null ? Optional.of(ipv6.src()) : Optional.empty();
    }

    /** The IP destination address, v4 or v6, when the frame carries IP. */
    public Optional<InetAddress> ipDestination() {
        return ipv4 != null ? Optional.of(ipv4.dst()) : ipv6 != null ? Optional.of(ipv6.dst()) : Optional.empty();
    }

    /** The upper-layer protocol (17 UDP, ...), v4 or v6, or -1 without IP. */
    public int ipProtocol() {
        return ipv4 != null ? ipv4.protocol() : ipv6 != null ? ipv6.protocol() : -1;
    }

    /** True for a piece of a larger IP datagram, v4 or v6. */
    public boolean ipFragment() {
        return ipv4 != null ? ipv4.isFragment() : ipv6 != null && ipv6.isFragment();
    }

    /** Where the IP datagram ends in the frame (its header plus its stated length), or -1 without IP. */
    public int ipEnd() {
        return ipv4 != null ? ipv4.offset() + ipv4.totalLength() : ipv6 != null ? ipv6.offset() + Ipv6.HEADER + ipv6.payloadLength() : -1;
    }

    public Optional<Udp> udp() {
        return Optional.ofNullable(udp);
    }

    public Optional<Icmp6> icmp6() {
        return Optional.ofNullable(icmp6);
    }

    public Optional<IcmpEcho> icmpEcho() {
        return Optional.ofNullable(icmpEcho);
    }

    /** {@code value} as at least four lower-case hex digits, as {@code %04x} prints it. */
    public static String hex4(int value) {
        String h = Integer.toHexString(value);
        return h.length() >= 4 ? h : "0000".substring(h.length()) + h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(src + " > " + dst);
        outerVlanId().ifPresent(v -> s.append(" s-vlan ").append(v));
        vlanId().ifPresent(v -> s.append(" vlan ").append(v));
        if (arp != null) {
            s.append(" ARP op ").append(arp.op()).append(' ').append(arp.senderIp().getHostAddress()).append(" > ")
                    .append(arp.targetIp().getHostAddress());
        } else if (ipv4 != null) {
            // Built by hand, not with String.format: the responder summarises every reply it sends, and Formatter's
            // regex parse of the pattern was most of that work.
            s.append(" IPv4 ").append(ipv4.src().getHostAddress()).append(" > ").append(ipv4.dst().getHostAddress())
                    .append(" id 0x").append(hex4(ipv4.id())).append(ipv4.dontFragment() ? " DF" : "").append(ipv4.moreFragments() ? " MF" : "")
                    .append(ipv4.evil() ? " evil" : "").append(" ttl ").append(ipv4.ttl()).append(" proto ").append(ipv4.protocol())
                    .append(ipv4.headerChecksumValid() ? "" : " bad-ip-csum");
            if (udp != null) {
                s.append(" UDP ").append(udp.srcPort()).append(" > ").append(udp.dstPort()).append(" len ").append(udp.length())
                        .append(" csum 0x").append(hex4(udp.checksum())).append(udp.checksumValid() ? "" : " bad");
            }
        } else if (ipv6 != null) {
            s.append(" IPv6 ").append(ipv6.src().getHostAddress()).append(" > ").append(ipv6.dst().getHostAddress())
                    .append(" hlim ").append(ipv6.hopLimit());
            ipv6.extensions().forEach(x -> s.append(" ext ").append(x));
            s.append(" proto ").append(ipv6.protocol());
            if (udp != null) {
                s.append(" UDP ").append(udp.srcPort()).append(" > ").append(udp.dstPort()).append(" len ").append(udp.length())
                        .append(" csum 0x").append(hex4(udp.checksum())).append(udp.checksumValid() ? "" : " bad");
            } else if (icmp6 != null) {
                s.append(" ICMPv6 type ").append(icmp6.type());
            }
        } else {
            s.append(" ethertype 0x").append(hex4(etherType));
        }
        return s.toString();
    }
}
