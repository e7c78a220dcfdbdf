package io.quirklab.responder;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import io.quirklab.wire.InternetChecksum;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.ReplyFrameBuilder;
import java.net.InetAddress;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Rewrites bytes a client ignores so that a reply's UDP checksum computes to zero, for the NEGATIVE_ZERO and
 * ZERO_AS_NONE quirks. Only two kinds of message have such bytes:
 *
 * <ul>
 * <li>the ASF presence pong: its four OEM-defined bytes are free, so one aligned word of them is set to the checksum
 * computed with that word zeroed, which makes the sum 0xFFFF. Always solvable.</li>
 * <li>sessionless IPMI 1.5 responses (auth type none, session ID 0), e.g. Get Channel Authentication Capabilities
 * and Get Session Challenge. For Get Channel Authentication Capabilities the OEM ID and OEM auxiliary byte are tried
 * first, two, then three of them, with checksum 2 recomputed and the sum updated in O(1) per candidate. That search
 * rarely succeeds, and provably so: checksum 2 makes the bytes it covers sum to 256k, and since 256 = 1 (mod 255) a
 * UDP word hi*256+lo is hi+lo (mod 255), so those bytes add only k (mod 255) to the UDP sum, and the OEM bytes can
 * move k by at most three or four. A zero checksum needs the whole sum to be 0 (mod 65535 = 255 * 257), so the OEM
 * bytes reach it for only a few in 255 address/port combinations (about 1 in 80 in the tests; the search is skipped
 * at once when the mod-255 condition rules it out). Every other case uses the session sequence number: IPMI sets it
 * to 0 outside a session, it lies outside both IPMI checksums, and clients ignore it there (ipmitool never checks it;
 * FreeIPMI passes no sequence number to its checks for pre-session commands; the project's client ignores it). Its
 * bytes 1..2 form an aligned word, set like the pong's: always solvable.</li>
 * </ul>
 *
 * Messages inside an authenticated session are never tuned: the auth code covers the message and the sequence number.
 */
public final class ChecksumTuner {
    /** Where the tuning went. */
    public enum Field {
        /** OEM-defined bytes 4..5 of the pong data. */
        ASF_OEM_DEFINED,
        /** OEM ID / OEM auxiliary byte of Get Channel Authentication Capabilities (spec-exact session header). */
        AUTH_CAPS_OEM,
        /** Bytes 1..2 of the session sequence number of a sessionless response (0 per the spec, ignored by clients). */
        SESSION_SEQUENCE
    }

    /**
     * A tuned datagram.
     *
     * @param datagram the UDP payload whose checksum computes to zero
     * @param field    which bytes were changed
     */
    public record Tuning(byte[] datagram, Field field) {
    }

    private static final int ASF_DATA = RmcpPacket.HEADER_LENGTH + 8;
    private static final int SEQUENCE_WORD = RmcpPacket.HEADER_LENGTH + 2;
    /** RMCP header, auth type, sequence, session ID, length: where the message of an auth-type-none packet starts. */
    private static final int MESSAGE = RmcpPacket.HEADER_LENGTH + 10;
    private static final int MOD = 0xFFFF;

    private ChecksumTuner() {
    }

    /**
     * The UDP payload the responder hands to {@link ReplyFrameBuilder#udpReply}: shaped for the profile's parity and,
     * when the profile asks for a zero sum, tuned if the message allows it (otherwise it goes out with its correct
     * checksum, never a wrong one).
     */
    public static byte[] replyPayload(byte[] datagram, ParsedFrame request, InetAddress self, QuirkProfile p) {
        byte[] shaped = ReplyFrameBuilder.payloadFor(datagram, p);
        QuirkProfile.UdpChecksum mode = p.effective(QuirkField.UDP_CHECKSUM);
        if (mode != QuirkProfile.UdpChecksum.NEGATIVE_ZERO && mode != QuirkProfile.UdpChecksum.ZERO_AS_NONE) {
            return shaped;
        }
        InetAddress peer = request.ipSource().orElseThrow(() -> new IllegalArgumentException("request is not IP"));
        ParsedFrame.Udp udp = request.udp().orElseThrow(() -> new IllegalArgumentException("request is not UDP"));
        return tune(shaped, self, peer, p.effective(QuirkField.SOURCE_PORT), udp.srcPort()).map(Tuning::datagram).orElse(shaped);
    }

    /**
     * A copy of {@code datagram} whose UDP checksum, sent from {@code src}:{@code srcPort} to {@code dst}:{@code dstPort},
     * computes to zero; empty when the message has no bytes a client ignores.
     */
    public static Optional<Tuning> tune(byte[] datagram, InetAddress src, InetAddress dst, int srcPort, int dstPort) {
        // The UDP checksum (one's complement of the sum) of a candidate datagram.
        ToIntFunction<byte[]> checksum = d -> InternetChecksum.udpChecksum(src, dst, srcPort, dstPort, d);
        RmcpPacket rmcp;
        try {
            rmcp = RmcpPacket.decode(datagram);
        } catch (MalformedPacketException e) {
            return Optional.empty();
        }
        if (rmcp.isAck()) {
            return Optional.empty();
        }
        if (rmcp.classId() == RmcpPacket.CLASS_ASF) {
            return isPong(rmcp)
                    ? Optional.of(new Tuning(freeWord(datagram, ASF_DATA + 4, checksum), Field.ASF_OEM_DEFINED))
                    : Optional.empty();
        }
        if (rmcp.classId() != RmcpPacket.CLASS_IPMI || Session15Packet.isRmcpPlus(rmcp.body())) {
            return Optional.empty();
        }
        Session15Packet s;
        IpmiResponse rs;
        try {
            s = Session15Packet.decode(rmcp.body());
            rs = IpmiResponse.decode(s.message());
        } catch (MalformedPacketException e) {
            return Optional.empty();
        }
        if (s.authType() != AuthType.NONE || s.sessionId() != 0) {
            return Optional.empty();
        }
        if (rs.netFn() == (NetFn.APP | 1) && rs.cmd() == NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES && rs.ok() && rs.data().length == 8) {
            Optional<byte[]> oem = authCapsOem(datagram, s.message().length, checksum);
            if (oem.isPresent()) {
                return Optional.of(new Tuning(oem.get(), Field.AUTH_CAPS_OEM));
            }
        }
        return Optional.of(new Tuning(freeWord(datagram, SEQUENCE_WORD, checksum), Field.SESSION_SEQUENCE));
    }

    private static boolean isPong(RmcpPacket rmcp) {
        try {
            AsfMessage m = AsfMessage.decode(rmcp.body());
            return m.type() == AsfMessage.TYPE_PONG && m.data().length >= 8;
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    /**
     * Sets the aligned word at {@code at} (even, so it is a UDP word) to the checksum computed with it zeroed: the sum
     * then becomes S + ~S = 0xFFFF.
     */
    private static byte[] freeWord(byte[] datagram, int at, ToIntFunction<byte[]> checksum) {
        byte[] d = datagram.clone();
        d[at] = 0;
        d[at + 1] = 0;
        int c = checksum.applyAsInt(d);
        d[at] = (byte) (c >> 8);
        d[at + 1] = (byte) c;
        return d;
    }

    /**
     * OEM ID (data 4..6) and OEM auxiliary byte (data 7) of an 8-byte Get Channel Authentication Capabilities response,
     * with checksum 2 following. In that layout the auxiliary byte and the OEM ID's middle byte are high-order bytes of
     * UDP words; checksum 2 and the OEM ID's top byte are low-order ones. The search tries all 65536 pairs of the two
     * high-order bytes with the sum updated in O(1) per pair; first with checksum 2 alone absorbing the rest, then with
     * the OEM ID's top byte as a third byte sharing it (as a low-order byte next to checksum 2 it adds exactly what
     * checksum 2 loses, so it widens what checksum 2 can absorb without changing the UDP sum).
     */
    private static Optional<byte[]> authCapsOem(byte[] datagram, int messageLength, ToIntFunction<byte[]> checksum) {
        int data = MESSAGE + 7;
        int cs2 = MESSAGE + messageLength - 1;
        int aux = data + 7;
        int oemMiddle = data + 5;
        int oemTop = data + 6;
        byte[] d = datagram.clone();
        for (int at : new int[] {data + 4, oemMiddle, oemTop, aux, cs2}) {
            d[at] = 0;
        }
        int covered = 0;
        for (int i = MESSAGE + 3; i < cs2; i++) {
            covered += d[i] & 0xFF;
        }
        int cs2Base = -covered & 0xFF; // checksum 2 when every tuned byte is 0
        int base = ~checksum.applyAsInt(d) & 0xFFFF; // the UDP sum with every tuned byte (checksum 2 too) at 0
        // The tuned bytes plus checksum 2 add up to cs2Base + 256t (t carries), which the UDP sum sees as cs2Base + t
        // (mod 255): the whole sum is 0 (mod 255) only for this t, and n tuned bytes can carry at most n times.
        int carries = Math.floorMod(-(base + cs2Base), 255);
        int target = cs2Base + 256 * carries;
        for (int lowBytes = 1; lowBytes <= 2; lowBytes++) {
            if (carries > lowBytes + 1) {
                continue;
            }
            for (int a = 0; a < 256; a++) {
                int partial = (base + 256 * a) % MOD;
                for (int b = 0; b < 256; b++, partial = (partial + 256) % MOD) {
                    int rest = target - a - b; // what checksum 2 (and the OEM ID top byte) must hold
                    if (rest < 0 || rest > 255 * lowBytes || (partial + rest) % MOD != 0) {
                        continue;
                    }
                    int top = Math.max(0, rest - 255);
                    d[aux] = (byte) a;
                    d[oemMiddle] = (byte) b;
                    d[oemTop] = (byte) top;
                    d[cs2] = (byte) (rest - top);
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }
}
