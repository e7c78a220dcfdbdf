package io.quirklab.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A UDP datagram pulled out of an Ethernet/IPv4 frame, with the IP header fields the quirk work cares about.
 *
 * @param src        source address
 * @param dst        destination address
 * @param srcPort    UDP source port
 * @param dstPort    UDP destination port
 * @param ipId       IP identification
 * @param dontFragment DF flag
 * @param payload    UDP payload, cut to the UDP length field
 */
public record UdpDatagram(InetAddress src, InetAddress dst, int srcPort, int dstPort, int ipId, boolean dontFragment, byte[] payload) {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int PROTO_UDP = 17;

    /** The datagram in an Ethernet frame, or empty for anything that is not an unfragmented IPv4/UDP frame. */
    public static Optional<UdpDatagram> fromEthernet(byte[] f) {
        if (f.length < 14) {
            return Optional.empty();
        }
        int off = 12;
        int type = u16(f, off);
        if (type == ETHERTYPE_VLAN && f.length >= 18) {
            off += 4;
            type = u16(f, off);
        }
        if (type != ETHERTYPE_IPV4) {
            return Optional.empty();
        }
        int ip = off + 2;
        if (f.length < ip + 20 || (f[ip] & 0xF0) != 0x40) {
            return Optional.empty();
        }
        int ihl = (f[ip] & 0x0F) * 4;
        int flagsFrag = u16(f, ip + 6);
        if (ihl < 20 || f.length < ip + ihl + 8 || (f[ip + 9] & 0xFF) != PROTO_UDP || (flagsFrag & 0x3FFF) != 0) {
            return Optional.empty();
        }
        int udp = ip + ihl;
        int udpLen = u16(f, udp + 4);
        if (udpLen < 8 || udp + udpLen > f.length) {
            return Optional.empty();
        }
        try {
            return Optional.of(new UdpDatagram(InetAddress.getByAddress(Arrays.copyOfRange(f, ip + 12, ip + 16)),
                    InetAddress.getByAddress(Arrays.copyOfRange(f, ip + 16, ip + 20)), u16(f, udp), u16(f, udp + 2),
                    u16(f, ip + 4), (flagsFrag & 0x4000) != 0, Arrays.copyOfRange(f, udp + 8, udp + udpLen)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4-byte address rejected", e);
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }
}
