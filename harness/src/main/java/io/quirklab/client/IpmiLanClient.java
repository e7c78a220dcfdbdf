package io.quirklab.client;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The project's own IPMI 1.5 LAN client. Tolerant the way mature clients are: it ignores the BMC's outbound
 * sequence numbers (ipmi_sim reuses one), accepts session ID 0 in replies (old Tyan firmware), and parses by the
 * message length field. Strict where it matters: checksums, netFn/cmd/rqSeq matching and auth codes.
 */
public final class IpmiLanClient implements AutoCloseable {
    /** Preference when the caller does not name an auth type; the same order as ipmitool. */
    static final List<AuthType> PREFERENCE = List.of(AuthType.MD5, AuthType.MD2, AuthType.PASSWORD, AuthType.NONE);

    private final ClientOptions options;
    private final LanTransport transport;
    private final SecureRandom random = new SecureRandom();
    private final List<String> notes = new ArrayList<>();
    private int rqSeq;
    private AuthType sessionAuth;
    private int sessionId;
    private int tempId;
    private int outboundSeq;
    private byte[] password16;

    private IpmiLanClient(ClientOptions options) throws IpmiCallException {
        this.options = options;
        this.transport = new LanTransport(options);
        try {
            this.password16 = AuthCodes.pad16(options.password());
            AuthCodes.pad16(options.user());
        } catch (IllegalArgumentException e) {
            transport.close();
            throw new IpmiCallException(Failure.AUTH_FAILED, "user name and password must be at most 16 bytes for IPMI 1.5");
        }
    }

    public static IpmiLanClient open(ClientOptions options) throws IpmiCallException {
        return new IpmiLanClient(options);
    }

    public ClientOptions options() {
        return options;
    }

    public List<DatagramTiming> timings() {
        return transport.timings();
    }

    long elapsedMicros() {
        return transport.elapsedMicros();
    }

    /** Sloppiness of the BMC that was tolerated, one line each (e.g. "reply carried session ID 0"). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public boolean inSession() {
        return sessionId != 0;
    }

    /** ASF presence ping; the pong says whether the device speaks IPMI. */
    public AsfMessage ping() throws IpmiCallException {
        int tag = random.nextInt(0xFF);
        byte[] out = RmcpPacket.asf(AsfMessage.ping(tag).encode()).encode();
        return transport.exchange("ASF presence ping", a -> out, in -> {
            try {
                RmcpPacket p = RmcpPacket.decode(in);
                if (p.classId() != RmcpPacket.CLASS_ASF) {
                    return null;
                }
                AsfMessage m = AsfMessage.decode(p.body());
                return m.type() == AsfMessage.TYPE_PONG && m.tag() == tag ? m : null;
            } catch (MalformedPacketException e) {
                return null;
            }
        });
    }

    /** Get Channel Authentication Capabilities, outside a session. */
    public AuthCapabilities authCapabilities() throws IpmiCallException {
        IpmiResponse rs = call(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, new byte[] {0x0E, (byte) options.privilege().level()});
        requireOk(rs, "Get Channel Auth Capabilities");
        return AuthCapabilities.decode(rs.data());
    }

    /** Challenge, activation and privilege: afterwards every {@link #call} runs inside the session. */
    public void openSession() throws IpmiCallException {
        AuthCapabilities caps = authCapabilities();
        AuthType type = chooseAuthType(caps.authTypes());
        IpmiResponse ch = call(NetFn.APP, NetFn.Cmd.GET_SESSION_CHALLENGE,
                new ByteWriter().u8(type.code()).bytes(AuthCodes.pad16(options.user())).toByteArray());
        if (ch.completionCode() == 0x81 || ch.completionCode() == 0x82) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "Get Session Challenge: invalid user name '" + options.user() + "'", ch.completionCode());
        }
        requireOk(ch, "Get Session Challenge");
        if (ch.data().length < 20) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Get Session Challenge: reply has " + ch.data().length + " data bytes, want 20");
        }
        tempId = le32(ch.data(), 0);
        byte[] challenge = Arrays.copyOfRange(ch.data(), 4, 20);
        sessionAuth = type;
        int initialOutbound = random.nextInt() | 1;
        byte[] act = new ByteWriter().u8(type.code()).u8(options.privilege().level()).bytes(challenge).u32le(initialOutbound).toByteArray();
        IpmiResponse ar;
        try {
            ar = sendSigned(NetFn.APP, NetFn.Cmd.ACTIVATE_SESSION, act, 0, tempId, "Activate Session");
        } catch (IpmiCallException e) {
            if (e.failure() == Failure.TIMEOUT) {
                throw new IpmiCallException(Failure.TIMEOUT, e.getMessage() + " (a BMC stays silent on a wrong password too)");
            }
            throw e;
        }
        if (ar.completionCode() == 0x86) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "Activate Session: privilege " + options.privilege() + " exceeds the user's limit", 0x86);
        }
        requireOk(ar, "Activate Session");
        if (ar.data().length < 10) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Activate Session: reply has " + ar.data().length + " data bytes, want 10");
        }
        sessionId = le32(ar.data(), 1);
        outboundSeq = le32(ar.data(), 5);
        if (sessionId == 0) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Activate Session returned session ID 0");
        }
        if (options.privilege().atLeast(Privilege.OPERATOR)) {
            IpmiResponse sp = call(NetFn.APP, NetFn.Cmd.SET_SESSION_PRIVILEGE, new byte[] {(byte) options.privilege().level()});
            if (!sp.ok()) {
                throw new IpmiCallException(Failure.AUTH_FAILED, "Set Session Privilege " + options.privilege() + ": "
                        + CompletionCode.describe(sp.completionCode()), sp.completionCode());
            }
        }
    }

    private AuthType chooseAuthType(Set<AuthType> offered) throws IpmiCallException {
        if (options.authType() != null) {
            if (!offered.contains(options.authType())) {
                throw new IpmiCallException(Failure.AUTH_FAILED, "the BMC does not offer auth type " + options.authType().cliName()
                        + " (it offers " + offered + ")");
            }
            return options.authType();
        }
        for (AuthType t : PREFERENCE) {
            if (offered.contains(t)) {
                return t;
            }
        }
        throw new IpmiCallException(Failure.AUTH_FAILED, "no auth type in common: the BMC offers " + offered);
    }

    /** Close Session, if one is open. Failures are ignored: the BMC's idle timer cleans up anyway. */
    public void closeSession() {
        if (sessionId == 0) {
            return;
        }
        try {
            call(NetFn.APP, NetFn.Cmd.CLOSE_SESSION, new ByteWriter().u32le(sessionId).toByteArray());
        } catch (IpmiCallException e) {
            notes.add("Close Session got no reply: " + e.getMessage());
        }
        sessionId = 0;
    }

    /** Sends one request (in the session if one is open) and returns the response, whatever its completion code. */
    public IpmiResponse call(int netFn, int cmd, byte[] data) throws IpmiCallException {
        String label = String.format("netFn 0x%02x cmd 0x%02x", netFn, cmd);
        if (sessionId == 0) {
            IpmiRequest rq = IpmiRequest.of(netFn, cmd, nextRqSeq(), data);
            byte[] out = Session15Packet.of(AuthType.NONE, 0, 0, null, rq.encode()).toDatagram();
            return transport.exchange(label, a -> out, in -> match(in, rq, 0));
        }
        return sendSigned(netFn, cmd, data, -1, sessionId, label);
    }

    /** A signed request; {@code fixedSeq} >= 0 pins the session sequence (Activate Session uses 0). */
    private IpmiResponse sendSigned(int netFn, int cmd, byte[] data, int fixedSeq, int sid, String label) throws IpmiCallException {
        IpmiRequest rq = IpmiRequest.of(netFn, cmd, nextRqSeq(), data);
        byte[] msg = rq.encode();
        return transport.exchange(label, attempt -> {
            int seq = fixedSeq >= 0 ? fixedSeq : nextOutbound();
            Session15Packet p = Session15Packet.of(sessionAuth, seq, sid, sessionAuth == AuthType.NONE ? null : new byte[16], msg);
            return (sessionAuth == AuthType.NONE ? p : AuthCodes.sign(p, password16)).toDatagram();
        }, in -> match(in, rq, sid));
    }

    private int nextOutbound() {
        int s = outboundSeq;
        outboundSeq = outboundSeq + 1 == 0 ? 1 : outboundSeq + 1;
        return s;
    }

    private int nextRqSeq() {
        rqSeq = (rqSeq + 1) & 0x3F;
        return rqSeq;
    }

    /** The response to {@code rq}, or null if the datagram is something else (it is then ignored). */
    private IpmiResponse match(byte[] in, IpmiRequest rq, int sid) {
        try {
            RmcpPacket p = RmcpPacket.decode(in);
            if (p.classId() != RmcpPacket.CLASS_IPMI || Session15Packet.isRmcpPlus(p.body())) {
                return null;
            }
            Session15Packet s = Session15Packet.decode(p.body());
            IpmiResponse rs = IpmiResponse.decode(s.message());
            if (!rs.answers(rq)) {
                return null;
            }
            if (s.authType() != AuthType.NONE) {
                if (!AuthCodes.verify(s, password16)) {
                    // Tolerance: a session-ID-zero BMC may sign with the real ID.
                    if (s.sessionId() != 0 || !AuthCodes.verify(new Session15Packet(s.authType(), s.sequence(), sid,
                            s.authCode(), s.message(), s.trailer()), password16)) {
                        notes.add(rq.toString() + ": reply with a wrong auth code ignored");
                        return null;
                    }
                }
            }
            if (sid != 0 && s.sessionId() != sid && s.sessionId() != tempId) {
                if (s.sessionId() == 0) {
                    addNoteOnce("replies carry session ID 0 (old firmware quirk), accepted");
                } else {
                    return null;
                }
            }
            return rs;
        } catch (MalformedPacketException e) {
            notes.add("malformed reply ignored: " + e.getMessage());
            return null;
        }
    }

    private void addNoteOnce(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    static void requireOk(IpmiResponse rs, String what) throws IpmiCallException {
        if (!rs.ok()) {
            throw new IpmiCallException(Failure.COMPLETION_CODE, what + ": completion code " + CompletionCode.describe(rs.completionCode()),
                    rs.completionCode());
        }
    }

    static int le32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Override
    public void close() {
        closeSession();
        transport.close();
    }
}
