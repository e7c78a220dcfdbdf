package io.quirklab.testing;

import io.quirklab.wire.MacAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Request frames as a DUT would send them, built by hand (checksums from {@link FrameOracle}) for wire tests. */
public final class TestFrames {
    public static final MacAddress DUT_MAC = MacAddress.parse("02:00:00:00:00:01");
    public static final MacAddress PERSONA_MAC = MacAddress.local(1);
    public static final Inet4Address DUT = ip("198.18.0.1");
    public static final Inet4Address PERSONA = ip("198.18.0.10");
    /** The DUT's address on the lab's IPv6 segment. */
    public static final Inet6Address DUT6 = ip6("2001:2::1");

    private TestFrames() {
    }

    /**
     * One IPv4/UDP request.
     *
     * @param src     sender address
     * @param dst     persona address
     * @param sport   client port
     * @param dport   persona port
     * @param id      IP identification
     * @param flags   the three IP flag bits (0b010 = DF)
     * @param ttl     TTL
     * @param tos     TOS
     * @param options IP options (a multiple of 4 bytes)
     * @param payload UDP payload
     */
    public record Request(Inet4Address src, Inet4Address dst, int sport, int dport, int id, int flags, int ttl, int tos,
                          byte[] options, byte[] payload) {
        public static Request to623(byte[] payload) {
            return new Request(DUT, PERSONA, 45678, 623, 0x4d2e, 0b010, 64, 0, new byte[0], payload);
        }

        public Request withId(int v) {
            return new Request(src, dst, sport, dport, v, flags, ttl, tos, options, payload);
        }

        public Request withFlags(int v) {
            return new Request(src, dst, sport, dport, id, v, ttl, tos, options, payload);
        }

        public Request withTtlTos(int newTtl, int newTos) {
            return new Request(src, dst, sport, dport, id, flags, newTtl, newTos, options, payload);
        }

        public Request withOptions(byte[] v) {
            return new Request(src, dst, sport, dport, id, flags, ttl, tos, v, payload);
        }

        public Request withPorts(int newSport, Inet4Address newSrc) {
            return new Request(newSrc, dst, newSport, dport, id, flags, ttl, tos, options, payload);
        }

        /** The whole Ethernet frame from the DUT to the persona, checksums correct, padded to 60 bytes. */
        public byte[] frame() {
            int hlen = 20 + options.length;
            int udpLen = 8 + payload.length;
            ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + hlen + udpLen));
            b.put(PERSONA_MAC.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0800);
            b.put((byte) (0x40 | hlen / 4)).put((byte) tos).putShort((short) (hlen + udpLen)).putShort((short) id)
                    .putShort((short) (flags << 13)).put((byte) ttl).put((byte) 17).putShort((short) 0)
                    .put(src.getAddress()).put(dst.getAddress()).put(options);
            b.putShort((short) sport).putShort((short) dport).putShort((short) udpLen).putShort((short) 0).put(payload);
            byte[] f = b.array();
            int ipSum = FrameOracle.onesSum(f, 14, hlen);
            int ipCsum = 0xFFFF - ipSum;
            f[24] = (byte) (ipCsum >> 8);
            f[25] = (byte) ipCsum;
            int c = 0xFFFF - FrameOracle.udpSum(f);
            c = c == 0 ? 0xFFFF : c;
            int at = 14 + hlen + 6;
            f[at] = (byte) (c >> 8);
            f[at + 1] = (byte) c;
            return f;
        }
    }

    public static Inet4Address ip(String dotted) {
        try {
            return (Inet4Address) InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Inet6Address ip6(String literal) {
        try {
            return (Inet6Address) InetAddress.getByName(literal); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * A request over IPv6 from the DUT (port 45678) to UDP 623 of a persona, written out byte by byte: the 40-byte
     * header with no extension header, hop limit 64, and UDP with its checksum from {@link FrameOracle}.
     */
    public static byte[] request6(MacAddress personaMac, Inet6Address persona, byte[] payload) {
        int udpLength = 8 + payload.length;
        byte[] f = new byte[14 + 40 + udpLength];
        personaMac.writeTo(f, 0);
        DUT_MAC.writeTo(f, 6);
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xDD;
        f[14] = 0x60;
        f[18] = (byte) (udpLength >> 8);
        f[19] = (byte) udpLength;
        f[20] = 17;
        f[21] = 64;
        System.arraycopy(DUT6.getAddress(), 0, f, 22, 16);
        System.arraycopy(persona.getAddress(), 0, f, 38, 16);
        f[54] = (byte) (45678 >> 8);
        f[55] = (byte) 45678;
        f[56] = (byte) (623 >> 8);
        f[57] = (byte) 623;
        f[58] = (byte) (udpLength >> 8);
        f[59] = (byte) udpLength;
        System.arraycopy(payload, 0, f, 62, payload.length);
        int field = 0xFFFF - FrameOracle.udpSum(f);
        f[60] = (byte) ((field == 0 ? 0xFFFF : field) >> 8);
        f[61] = (byte) (field == 0 ? 0xFFFF : field);
        return f;
    }

    /** An ARP request from the DUT for {@code target}. */
    public static byte[] arpRequest(Inet4Address target) {
        ByteBuffer b = ByteBuffer.allocate(60);
        b.put(MacAddress.BROADCAST.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(DUT_MAC.bytes()).put(DUT.getAddress()).put(new byte[6]).put(target.getAddress());
        return b.array();
    }

    /** An ICMP echo request from the DUT to the persona. */
    public static byte[] echoRequest(int id, int seq, byte[] data) {
        int len = 20 + 8 + data.length;
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + len));
        b.put(PERSONA_MAC.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) len).putShort((short) 0x1111).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(DUT.getAddress()).put(PERSONA.getAddress());
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
        byte[] f = b.array();
        int ip = 0xFFFF - FrameOracle.onesSum(f, 14, 20);
        f[24] = (byte) (ip >> 8);
        f[25] = (byte) ip;
        int icmp = 0xFFFF - FrameOracle.onesSum(f, 34, 8 + data.length);
        f[36] = (byte) (icmp >> 8);
        f[37] = (byte) icmp;
        return f;
    }
}
