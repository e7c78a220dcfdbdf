package io.quirklab.wire;

import java.net.InetAddress;
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
    /** The datagram in an Ethernet frame, or empty for anything that is not an unfragmented IPv4/UDP frame. */
    public static Optional<UdpDatagram> fromEthernet(byte[] f) {
        return ParsedFrame.parse(f).flatMap(p -> p.udp().map(u -> {
            ParsedFrame.Ipv4 ip = p.ipv4().orElseThrow();
            return new UdpDatagram(ip.src(), ip.dst(), u.srcPort(), u.dstPort(), ip.id(), ip.dontFragment(), u.payload());
        }));
    }
}
