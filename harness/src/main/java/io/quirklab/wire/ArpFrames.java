package io.quirklab.wire;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The ARP frames of IPv4 address conflict detection (RFC 5227): probes (sender address 0.0.0.0, so no host's cache is
 * touched before the address is known to be free), announcements (a gratuitous request for the address itself) and
 * the test whether a received ARP packet says that someone else uses an address. Replies to requests are built by
 * {@link ReplyFrameBuilder#arpReply}.
 */
public final class ArpFrames {
    private static final byte[] ZERO_IP = new byte[4];

    private ArpFrames() {
    }

    /** An ARP probe for {@code target} from {@code self} (RFC 5227 2.1.1: sender IP 0.0.0.0, target MAC zero, broadcast). */
    public static byte[] probe(MacAddress self, Inet4Address target) {
        return request(self, ZERO_IP, target);
    }

    /** An ARP announcement of {@code address} by {@code self} (RFC 5227 2.3: sender and target IP both the address). */
    public static byte[] announcement(MacAddress self, Inet4Address address) {
        return request(self, address.getAddress(), address);
    }

    private static byte[] request(MacAddress self, byte[] senderIp, Inet4Address target) {
        ByteBuffer b = ByteBuffer.allocate(60); // minimum Ethernet frame, zero padding after the 42 bytes of ARP
        b.put(MacAddress.BROADCAST.bytes()).put(self.bytes()).putShort((short) ParsedFrame.ETHERTYPE_ARP)
                .putShort((short) 1).putShort((short) ParsedFrame.ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) ParsedFrame.Arp.REQUEST).put(self.bytes()).put(senderIp)
                .put(new byte[6]).put(target.getAddress());
        return b.array();
    }

    /**
     * The MAC of another host that, by this ARP packet, uses or is about to use {@code address}; empty when the
     * packet says nothing against it. RFC 5227 2.1.1: any ARP packet whose sender IP is the address, or another host's
     * probe for it (sender IP 0.0.0.0, target the address), is a conflict; our own frames ({@code ours}) are not.
     */
    public static Optional<MacAddress> conflict(ParsedFrame frame, Inet4Address address, java.util.function.Predicate<MacAddress> ours) {
        Optional<ParsedFrame.Arp> arp = frame.arp();
        if (arp.isEmpty() || ours.test(arp.get().senderMac()) || ours.test(frame.src())) {
            return Optional.empty();
        }
        ParsedFrame.Arp a = arp.get();
        if (a.senderIp().equals(address)) {
            return Optional.of(a.senderMac());
        }
        boolean probe = a.op() == ParsedFrame.Arp.REQUEST && java.util.Arrays.equals(a.senderIp().getAddress(), ZERO_IP)
                && a.targetIp().equals(address);
        return probe ? Optional.of(a.senderMac()) : Optional.empty();
    }
}
