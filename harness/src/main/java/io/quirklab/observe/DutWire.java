package io.quirklab.observe;

import java.util.List;

/**
 * What the DUT-side capture says about one probe's replies: observation point (2b), "what Wireshark sees".
 *
 * @param replies          IPv4/UDP frames from the persona that reached the DUT interface
 * @param badUdpChecksums  of those, with a present but wrong UDP checksum as received
 * @param badIpChecksums   of those, with a wrong IP header checksum
 * @param malformedUdp     of those, whose UDP length field does not fit (the stack counts them as Udp.InErrors)
 * @param fragments        of those, fragments (MF set or non-zero offset)
 * @param vlanTagged       of those, carrying an 802.1Q tag
 * @param droppedFrames    frames the capture saw but could not keep (bounds reached); non-zero means the counts are low
 */
public record DutWire(int replies, int badUdpChecksums, int badIpChecksums, int malformedUdp, int fragments, int vlanTagged,
                      long droppedFrames) {

    public static DutWire of(List<WireReply> replies, long droppedFrames) {
        return new DutWire(replies.size(),
                (int) replies.stream().filter(r -> r.udp() == WireReply.UdpCheck.INVALID).count(),
                (int) replies.stream().filter(r -> !r.ipChecksumValid()).count(),
                (int) replies.stream().filter(r -> r.udp() == WireReply.UdpCheck.MALFORMED).count(),
                (int) replies.stream().filter(WireReply::fragment).count(),
                (int) replies.stream().filter(WireReply::vlanTagged).count(), droppedFrames);
    }

    /** No reply on the wire had a wrong UDP checksum (0x0000 and unchecked fragments count as valid). */
    public boolean udpChecksumsValid() {
        return badUdpChecksums == 0;
    }

    /** No reply on the wire had a wrong IP header checksum. */
    public boolean ipChecksumsValid() {
        return badIpChecksums == 0;
    }
}
