package io.quirklab.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A read-only view of one received Ethernet frame: the Ethernet header, an optional 802.1Q tag, and whichever of ARP,
 * IPv4, UDP and ICMP echo could be parsed. Parsing never throws: a layer that is absent, truncated or malformed is
 * simply empty, and checksums are reported as valid or not rather than enforced, because the quirk work needs to see
 * exactly what was on the wire.
 */
public final class ParsedFrame {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_UDP = InternetChecksum.PROTO_UDP;
    static final int ETH_HEADER = 14;

    private final byte[] frame;
    private final MacAddress dst;
    private final MacAddress src;
    private final Integer vlanId;
    private final int etherType;
    private final Arp arp;
    private final Ipv4 ipv4;
    private final Udp udp;
    private final IcmpEcho icmpEcho;

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
     * A UDP datagram (only parsed for unfragmented IPv4 whose payload holds the whole UDP length).
     *
     * @param offset        where the UDP header starts in the frame
     * @param srcPort       source port
     * @param dstPort       destination port
     * @param length        the UDP length field (header included)
     * @param checksum      the checksum field as sent
     * @param checksumValid RFC 768: 0x0000 means "no checksum" and counts as valid; otherwise the sum must be 0xFFFF
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

    private ParsedFrame(byte[] frame, MacAddress dst, MacAddress src, Integer vlanId, int etherType, Arp arp, Ipv4 ipv4,
                        Udp udp, IcmpEcho icmpEcho) {
        this.frame = frame;
        this.dst = dst;
        this.src = src;
        this.vlanId = vlanId;
        this.etherType = etherType;
        this.arp = arp;
        this.ipv4 = ipv4;
        this.udp = udp;
        this.icmpEcho = icmpEcho;
    }

    /** Parses a whole Ethernet frame (no FCS); empty only when there is no Ethernet header at all. */
    public static Optional<ParsedFrame> parse(byte[] frame) {
        if (frame == null || frame.length < ETH_HEADER) {
            return Optional.empty();
        }
        byte[] f = frame.clone();
        int typeAt = 12;
        Integer vlan = null;
        int type = u16(f, typeAt);
        if (type == ETHERTYPE_VLAN && f.length >= ETH_HEADER + 4) {
            vlan = u16(f, 14) & 0x0FFF;
            typeAt += 4;
            type = u16(f, typeAt);
        }
        int l3 = typeAt + 2;
        Arp arp = type == ETHERTYPE_ARP ? arp(f, l3) : null;
        Ipv4 ip = type == ETHERTYPE_IPV4 ? ipv4(f, l3) : null;
        Udp udp = null;
        IcmpEcho icmp = null;
        if (ip != null && !ip.isFragment() && !ip.truncated()) {
            if (ip.protocol() == PROTO_UDP) {
                udp = udp(f, ip);
            } else if (ip.protocol() == PROTO_ICMP) {
                icmp = icmpEcho(f, ip);
            }
        }
        return Optional.of(new ParsedFrame(f, MacAddress.of(f, 0), MacAddress.of(f, 6), vlan, type, arp, ip, udp, icmp));
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

    /** The VLAN ID of an 802.1Q tag, when the frame carries one. */
    public OptionalInt vlanId() {
        return vlanId == null ? OptionalInt.empty() : OptionalInt.of(vlanId);
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

    public Optional<Udp> udp() {
        return Optional.ofNullable(udp);
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
        } else {
            s.append(" ethertype 0x").append(hex4(etherType));
        }
        return s.toString();
    }
}
