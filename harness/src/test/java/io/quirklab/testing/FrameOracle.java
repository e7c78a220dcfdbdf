package io.quirklab.testing;

/**
 * An independent second opinion on frames: byte offsets written out by hand and its own one's-complement
 * arithmetic (sum of words reduced mod 65535, not an end-around-carry loop), so tests of the wire code do not check
 * the code against itself. Untagged Ethernet unless an offset says otherwise.
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

    /** Where the IPv4 header starts: 14, or 18 behind an 802.1Q tag. */
    public static int ipOffset(byte[] f) {
        return u16(f, 12) == 0x8100 ? 18 : 14;
    }

    public static int ihlBytes(byte[] f) {
        return (f[ipOffset(f)] & 0x0F) * 4;
    }

    public static boolean ipHeaderChecksumOk(byte[] f) {
        return onesSum(f, ipOffset(f), ihlBytes(f)) == 0xFFFF;
    }

    public static int udpOffset(byte[] f) {
        return ipOffset(f) + ihlBytes(f);
    }

    public static int udpLength(byte[] f) {
        return u16(f, udpOffset(f) + 4);
    }

    public static int udpChecksumField(byte[] f) {
        return u16(f, udpOffset(f) + 6);
    }

    /** The sum over pseudo-header and UDP datagram as sent (checksum field included): 0xFFFF when it verifies. */
    public static int udpSum(byte[] f) {
        int ip = ipOffset(f);
        int udp = udpOffset(f);
        int len = udpLength(f);
        byte[] pseudo = new byte[12 + len];
        System.arraycopy(f, ip + 12, pseudo, 0, 8);
        pseudo[9] = 17;
        pseudo[10] = (byte) (len >> 8);
        pseudo[11] = (byte) len;
        System.arraycopy(f, udp, pseudo, 12, len);
        return onesSum(pseudo, 0, pseudo.length);
    }

    /** RFC 768 receiver: a zero field means no checksum; otherwise the sum must be 0xFFFF. */
    public static boolean udpChecksumOk(byte[] f) {
        return udpChecksumField(f) == 0 || udpSum(f) == 0xFFFF;
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
