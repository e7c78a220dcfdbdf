package io.quirklab.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An independent second opinion on frames: byte offsets written out by hand and its own one's-complement
 * arithmetic (sum of words reduced mod 65535, not an end-around-carry loop), so tests of the wire code do not check
 * the code against itself. Ethernet with any number of 802.1Q/802.1ad tags, IPv4 or IPv6 (extension headers walked
 * by their lengths), UDP.
 */
public final class FrameOracle {
    private FrameOracle() {
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) * 256 + (b[off + 1] & 0xFF);
    }

    /** One's-complement sum as a value 0..0xFFFF where 0xFFFF stands for "zero" (of data that is not all zero). */
    public static int onesSum(byte[] b, int off, int len) {
        long total = 0;
        for (int i = 0; i < len; i++) {
            total += (long) (b[off + i] & 0xFF) * ((i % 2 == 0) ? 256 : 1);
        }
        long r = total % 65535;
        return (int) (r == 0 && total != 0 ? 0xFFFF : r);
    }

    /** Where the IP header starts: 14, 4 more behind each 802.1Q (0x8100) or 802.1ad (0x88A8) tag. */
    public static int ipOffset(byte[] f) {
        int type = 12;
        while (u16(f, type) == 0x8100 || u16(f, type) == 0x88A8) {
            type += 4;
        }
        return type + 2;
    }

    /** The EtherType after the tags says IPv6 (0x86DD). */
    public static boolean isIpv6(byte[] f) {
        return u16(f, ipOffset(f) - 2) == 0x86DD;
    }

    /** Where the IP datagram ends: IPv4's total length, or IPv6's 40 bytes plus its payload length. */
    public static int ipEnd(byte[] f) {
        int ip = ipOffset(f);
        return isIpv6(f) ? ip + 40 + u16(f, ip + 4) : ip + u16(f, ip + 2);
    }

    /** The next-header values of an IPv6 frame's extension headers, in order, up to UDP (17). */
    public static List<Integer> ipv6Extensions(byte[] f) {
        List<Integer> out = new ArrayList<>();
        int at = ipOffset(f) + 40;
        int next = f[ipOffset(f) + 6] & 0xFF;
        while (next != 17) {
            out.add(next);
            int len = next == 44 ? 8 : ((f[at + 1] & 0xFF) + 1) * 8; // a fragment header is 8 bytes, the others say (n+1)*8
            next = f[at] & 0xFF;
            at += len;
        }
        return out;
    }

    public static int ihlBytes(byte[] f) {
        return (f[ipOffset(f)] & 0x0F) * 4;
    }

    public static boolean ipHeaderChecksumOk(byte[] f) {
        return onesSum(f, ipOffset(f), ihlBytes(f)) == 0xFFFF;
    }

    public static int udpOffset(byte[] f) {
        if (!isIpv6(f)) {
            return ipOffset(f) + ihlBytes(f);
        }
        int at = ipOffset(f) + 40;
        for (int next : ipv6Extensions(f)) {
            at += next == 44 ? 8 : ((f[at + 1] & 0xFF) + 1) * 8;
        }
        return at;
    }

    public static int udpLength(byte[] f) {
        return u16(f, udpOffset(f) + 4);
    }

    public static int udpChecksumField(byte[] f) {
        return u16(f, udpOffset(f) + 6);
    }

    /** The sum over pseudo-header and UDP datagram as sent (checksum field included): 0xFFFF when it verifies. */
    public static int udpSum(byte[] f) {
        int udp = udpOffset(f);
        byte[] datagram = new byte[udpLength(f)];
        System.arraycopy(f, udp, datagram, 0, datagram.length);
        return udpSum(f, datagram);
    }

    /**
     * The sum over the pseudo-header of {@code f}'s IP header (RFC 768 for IPv4: addresses, zero, 17, length; RFC 8200
     * 8.1 for IPv6: addresses, 32-bit length, three zeros, 17) and {@code datagram}.
     */
    static int udpSum(byte[] f, byte[] datagram) {
        int ip = ipOffset(f);
        int len = datagram.length;
        boolean v6 = isIpv6(f);
        int head = v6 ? 40 : 12;
        byte[] pseudo = new byte[head + len];
        System.arraycopy(f, ip + (v6 ? 8 : 12), pseudo, 0, v6 ? 32 : 8);
        pseudo[v6 ? 39 : 9] = 17;
        pseudo[v6 ? 34 : 10] = (byte) (len >> 8);
        pseudo[v6 ? 35 : 11] = (byte) len;
        System.arraycopy(datagram, 0, pseudo, head, len);
        return onesSum(pseudo, 0, pseudo.length);
    }

    /**
     * The UDP datagram of IPv4 fragments, put together by their offsets (bytes 6-7 of each header, in 8-byte units)
     * from each piece's payload (total length less the header).
     */
    public static byte[] reassembledUdp(List<byte[]> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : pieces.stream().sorted(Comparator.comparingInt(FrameOracle::fragmentOffsetBytes)).toList()) {
            if (fragmentOffsetBytes(p) != out.size()) {
                throw new IllegalArgumentException("a hole at byte " + out.size() + " of the fragments");
            }
            int ip = ipOffset(p);
            out.write(p, ip + ihlBytes(p), u16(p, ip + 2) - ihlBytes(p));
        }
        return out.toByteArray();
    }

    /** Where an IPv4 fragment's payload goes in its datagram. */
    public static int fragmentOffsetBytes(byte[] f) {
        return (u16(f, ipOffset(f) + 6) & 0x1FFF) * 8;
    }

    /** The checksum of a UDP datagram sent in IPv4 fragments verifies (RFC 768: or is zero). */
    public static boolean udpChecksumOk(List<byte[]> pieces) {
        byte[] datagram = reassembledUdp(pieces);
        return u16(datagram, 6) == 0 || udpSum(pieces.get(0), datagram) == 0xFFFF;
    }

    /** RFC 768 receiver: a zero field means no checksum; otherwise the sum must be 0xFFFF. Over IPv6 a zero is an error (RFC 8200 8.1). */
    public static boolean udpChecksumOk(byte[] f) {
        return (udpChecksumField(f) == 0 && !isIpv6(f)) || udpSum(f) == 0xFFFF;
    }

    /** True when the datagram's checksum computes to zero, i.e. the sum without the field is 0xFFFF. */
    public static boolean udpSumIsZero(byte[] f) {
        byte[] copy = f.clone();
        int at = udpOffset(copy) + 6;
        copy[at] = 0;
        copy[at + 1] = 0;
        return udpSum(copy) == 0xFFFF;
    }
}
