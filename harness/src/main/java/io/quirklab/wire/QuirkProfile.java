package io.quirklab.wire;

/**
 * How a persona's reply frames differ from what a clean, modern IP stack sends (QUIRKS.md). Every field is an
 * optional override: null means "not set". Building a reply is: clean defaults, then the request's header when
 * {@code template} is REQUEST, then every field that is set - in one place, {@link ReplyFrameBuilder}.
 *
 * @param template      OFF builds a fresh header; REQUEST copies the request's IP header (ID, flags, TOS, TTL as received)
 * @param ipId          identification: FRESH (a counter, like a kernel), ECHO (the request's), ZERO, FIXED ({@code ipIdValue})
 * @param ipIdValue     the value for FIXED
 * @param dontFragment  DF flag
 * @param evilBit       the reserved flag bit (RFC 3514)
 * @param fragment      NONE, MORE_FRAGMENTS (MF set), OFFSET (non-zero fragment offset)
 * @param ttl           time to live, 1..255
 * @param tos           type of service / DSCP+ECN byte
 * @param ipOptions     NONE, NOP (4 bytes of NOP padding), RECORD_ROUTE
 * @param ipChecksum    CORRECT or WRONG (negative control)
 * @param trailingBytes bytes after the UDP datagram counted in the IP total length (UDP length stays exact), 0..64
 * @param udpChecksum   CORRECT, NONE (0x0000), NEGATIVE_ZERO (sum tuned to zero, sent as 0xFFFF), ZERO_AS_NONE
 *                      (sum tuned to zero, sent as 0x0000), WRONG (negative control). Only ASF pongs and sessionless
 *                      replies can be tuned (responder.ChecksumTuner); replies inside a session, whose auth code covers
 *                      the message, keep their correct checksum
 * @param sourcePort    UDP source port of replies (623 when null)
 * @param payloadParity NATURAL, EVEN or ODD UDP payload length (a pad byte after the RMCP message when needed)
 * @param ethPadding    ZEROS or JUNK bytes padding frames under 60 bytes
 * @param vlanId        802.1Q tag on replies, 1..4094
 * @param destination   UNICAST to the DUT's MAC, or BROADCAST
 * @param delayMillis   reply after this delay, 0..5000
 * @param duplicate     send every reply twice
 */
public record QuirkProfile(Template template, IpId ipId, Integer ipIdValue, Boolean dontFragment, Boolean evilBit,
                           Fragment fragment, Integer ttl, Integer tos, IpOptions ipOptions, IpChecksum ipChecksum,
                           Integer trailingBytes, UdpChecksum udpChecksum, Integer sourcePort, PayloadParity payloadParity,
                           EthPadding ethPadding, Integer vlanId, Destination destination, Integer delayMillis,
                           Boolean duplicate) {
    public enum Template { OFF, REQUEST }

    public enum IpId { FRESH, ECHO, ZERO, FIXED }

    public enum Fragment { NONE, MORE_FRAGMENTS, OFFSET }

    public enum IpOptions { NONE, NOP, RECORD_ROUTE }

    public enum IpChecksum { CORRECT, WRONG }

    public enum UdpChecksum { CORRECT, NONE, NEGATIVE_ZERO, ZERO_AS_NONE, WRONG }

    public enum PayloadParity { NATURAL, EVEN, ODD }

    public enum EthPadding { ZEROS, JUNK }

    public enum Destination { UNICAST, BROADCAST }

    /** A profile with nothing set: a clean stack. */
    public static final QuirkProfile CLEAN = new QuirkProfile(null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);

    public QuirkProfile {
        check(ttl, 1, 255, "ttl");
        check(tos, 0, 255, "tos");
        check(ipIdValue, 0, 0xFFFF, "ip-id-value");
        check(trailingBytes, 0, 64, "trailing-bytes");
        check(sourcePort, 1, 0xFFFF, "source-port");
        check(vlanId, 1, 4094, "vlan");
        check(delayMillis, 0, 5000, "delay-ms");
        if (ipId == IpId.FIXED && ipIdValue == null) {
            throw new IllegalArgumentException("ip-id: fixed needs ip-id-value (0..65535)");
        }
    }

    private static void check(Integer v, int min, int max, String field) {
        if (v != null && (v < min || v > max)) {
            throw new IllegalArgumentException(field + ": " + v + " is outside " + min + ".." + max);
        }
    }

    public int effectiveSourcePort() {
        return sourcePort == null ? 623 : sourcePort;
    }

    public int effectiveDelayMillis() {
        return delayMillis == null ? 0 : delayMillis;
    }

    public boolean effectiveDuplicate() {
        return Boolean.TRUE.equals(duplicate);
    }
}
