package io.quirklab.observe;

import io.quirklab.wire.FrameTap;
import io.quirklab.wire.ParsedFrame;
import java.net.InetAddress;
import java.util.Optional;

/**
 * One IPv4/UDP or IPv6/UDP frame from the persona as it arrived at the DUT interface, with its checksums checked as
 * received (RFC 1071 sums; a UDP checksum field of 0x0000 means "no checksum" and is valid in IPv4, invalid in IPv6:
 * RFC 8200 8.1).
 *
 * @param timestampMicros when the DUT interface saw it
 * @param frameLength     bytes captured
 * @param vlanId          the 802.1Q VLAN ID, or -1 when untagged
 * @param ipId            IP identification (IPv6: 0)
 * @param fragment        MF set or a non-zero fragment offset
 * @param ipChecksumValid the IP header sums to 0xFFFF (IPv6 has no header checksum: true)
 * @param udp             the UDP checksum verdict
 * @param udpChecksum     the UDP checksum field, or -1 when there is no complete UDP header to read it from
 */
public record WireReply(long timestampMicros, int frameLength, int vlanId, int ipId, boolean fragment, boolean ipChecksumValid,
                        UdpCheck udp, int udpChecksum) {
    /** The UDP checksum of a reply as received. */
    public enum UdpCheck {
        /** The checksum is present and right. */
        VALID,
        /** 0x0000: the sender did not compute one; valid in IPv4. */
        NONE,
        /** Present and wrong. */
        INVALID,
        /** The UDP length field does not fit the IP payload (shorter than 8 or longer than what arrived). */
        MALFORMED,
        /** A fragment: the checksum covers the whole datagram and cannot be checked from one piece. */
        NOT_CHECKABLE;

        /** True when a stack has no checksum reason to drop it. */
        public boolean acceptable() {
            return this == VALID || this == NONE;
        }
    }

    public boolean vlanTagged() {
        return vlanId >= 0;
    }

    /** The reply in {@code c} when it is an IPv4/UDP frame from {@code persona}, else empty. */
    public static Optional<WireReply> of(FrameTap.Captured c, InetAddress persona) {
        Optional<ParsedFrame> parsed = ParsedFrame.parse(c.data());
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        ParsedFrame f = parsed.get();
        if (f.ipProtocol() != ParsedFrame.PROTO_UDP || !f.ipSource().map(persona::equals).orElse(false)) {
            return Optional.empty();
        }
        boolean v6 = f.ipv6().isPresent();
        UdpCheck check;
        int field = -1;
        if (f.ipFragment()) {
            check = UdpCheck.NOT_CHECKABLE;
        } else if (f.udp().isEmpty()) {
            check = UdpCheck.MALFORMED;
        } else {
            ParsedFrame.Udp u = f.udp().get();
            field = u.checksum();
            check = !u.checksumPresent() && !v6 ? UdpCheck.NONE : u.checksumValid() ? UdpCheck.VALID : UdpCheck.INVALID;
        }
        int id = f.ipv4().map(ParsedFrame.Ipv4::id).orElse(0);
        boolean ipValid = f.ipv4().map(ParsedFrame.Ipv4::headerChecksumValid).orElse(true);
        return Optional.of(new WireReply(c.timestampMicros(), c.data().length, f.vlanId().orElse(-1), id, f.ipFragment(), ipValid, check,
                field));
    }
}
