package io.quirklab.wire;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The Internet checksum (RFC 1071): the one's complement of the one's-complement sum of 16-bit big-endian words, an
 * odd trailing byte padded with a zero. Sums here are folded to 16 bits; a folded sum of data that is not all zero is
 * never 0x0000, so "the checksum computes to zero" means the sum is 0xFFFF.
 */
public final class InternetChecksum {
    public static final int PROTO_UDP = 17;

    private InternetChecksum() {
    }

    /** The folded one's-complement sum of {@code len} bytes from {@code off}. */
    public static int sum(byte[] b, int off, int len) {
        long s = 0;
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) {
            s += (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
        }
        if (i < end) {
            s += (b[i] & 0xFF) << 8;
        }
        return fold(s);
    }

    /** One's-complement addition of two folded sums (or plain 16-bit words). */
    public static int add(int a, int b) {
        return fold((long) a + b);
    }

    static int fold(long s) {
        while (s >>> 16 != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum to store for data whose checksum field is zero, e.g. an IPv4 header. */
    public static int checksum(byte[] b, int off, int len) {
        return ~sum(b, off, len) & 0xFFFF;
    }

    /** The sum of the IPv4 pseudo-header (RFC 768) for a transport segment of {@code length} bytes. */
    public static int pseudoHeaderSum(Inet4Address src, Inet4Address dst, int protocol, int length) {
        return pseudoHeaderSum(src.getAddress(), 0, dst.getAddress(), 0, protocol, length);
    }

    static int pseudoHeaderSum(byte[] src, int srcOff, byte[] dst, int dstOff, int protocol, int length) {
        return add(add(sum(src, srcOff, 4), sum(dst, dstOff, 4)), add(protocol, length & 0xFFFF));
    }

    /** The sum of the IPv6 pseudo-header (RFC 8200 8.1): both addresses, the 32-bit upper-layer length, the next header. */
    static int pseudoHeaderSum6(byte[] src, int srcOff, byte[] dst, int dstOff, int protocol, int length) {
        return add(add(sum(src, srcOff, 16), sum(dst, dstOff, 16)), add(add(protocol, length >>> 16), length & 0xFFFF));
    }

    /** The pseudo-header sum for either family (both addresses of one). */
    public static int pseudoHeaderSum(InetAddress src, InetAddress dst, int protocol, int length) {
        byte[] s = src.getAddress();
        byte[] d = dst.getAddress();
        if (s.length != d.length) {
            throw new IllegalArgumentException("addresses of two families: " + src + ", " + dst);
        }
        return s.length == 4 ? pseudoHeaderSum(s, 0, d, 0, protocol, length) : pseudoHeaderSum6(s, 0, d, 0, protocol, length);
    }

    /**
     * The one's complement of the sum over the pseudo-header, a UDP header with a zero checksum field, and
     * {@code payload}. 0x0000 means the sum is zero: RFC 768 then transmits 0xFFFF, as 0x0000 means "no checksum".
     */
    public static int udpChecksum(InetAddress src, InetAddress dst, int srcPort, int dstPort, byte[] payload) {
        int length = 8 + payload.length;
        int s = add(pseudoHeaderSum(src, dst, PROTO_UDP, length), add(add(srcPort, dstPort), length));
        return ~add(s, sum(payload, 0, payload.length)) & 0xFFFF;
    }

    /** The value RFC 768 puts in the checksum field for a computed checksum: 0x0000 becomes 0xFFFF. */
    public static int udpFieldValue(int computed) {
        return computed == 0 ? 0xFFFF : computed;
    }
}
