package io.quirklab.client;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.RmcpPlusPacket;
import io.quirklab.ipmi.Session15Packet;
import io.quirklab.ipmi.SessionKeys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The project's own IPMI LAN client: IPMI 1.5 sessions, or IPMI 2.0 / RMCP+ sessions when the options ask for
 * lanplus. Tolerant the way mature clients are: it ignores the BMC's outbound sequence numbers (ipmi_sim reuses
 * one), accepts session ID 0 in replies (old Tyan firmware) and privilege 0 in Open Session responses (ipmi_sim),
 * and parses by the length fields. Strict where it matters: checksums, netFn/cmd/rqSeq matching, auth codes and
 * RAKP proofs.
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
    /** The RMCP+ session's keys once RAKP 4 verified, else null. */
    private SessionKeys plusKeys;
    private int plusConsoleId;

    private IpmiLanClient(ClientOptions options) throws IpmiCallException {
        this.options = options;
        this.transport = new LanTransport(options);
        try {
            AuthCodes.pad16(options.user());
            if (options.lanplus() != null) {
                RakpMessages.key20(options.password());
            } else {
                this.password16 = AuthCodes.pad16(options.password());
            }
        } catch (IllegalArgumentException e) {
            transport.close();
            throw new IpmiCallException(Failure.AUTH_FAILED, options.lanplus() != null
                    ? "user names must be at most 16 bytes and passwords at most 20 for IPMI 2.0"
                    : "user name and password must be at most 16 bytes for IPMI 1.5");
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

    /**
     * Get Channel Authentication Capabilities, outside a session and always in IPMI 1.5 format. For lanplus it asks
     * for the IPMI 2.0 data (bit 7) and, like ipmitool, asks again without it if the BMC refuses the bit.
     */
    public AuthCapabilities authCapabilities() throws IpmiCallException {
        int priv = options.privilege().level();
        IpmiResponse rs = null;
        if (options.lanplus() != null) {
            rs = call(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, new byte[] {(byte) 0x8E, (byte) priv});
        }
        if (rs == null || !rs.ok()) {
            rs = call(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, new byte[] {0x0E, (byte) priv});
        }
        requireOk(rs, "Get Channel Auth Capabilities");
        return AuthCapabilities.decode(rs.data());
    }

    /** Challenge, activation and privilege (or the RMCP+ set-up): afterwards every {@link #call} runs inside the session. */
    public void openSession() throws IpmiCallException {
        if (options.lanplus() != null) {
            openRmcpPlusSession();
            return;
        }
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
        raisePrivilege();
    }

    /** Sessions start at User level; ipmitool raises them only above it. */
    private void raisePrivilege() throws IpmiCallException {
        if (options.privilege().atLeast(Privilege.OPERATOR)) {
            IpmiResponse sp = call(NetFn.APP, NetFn.Cmd.SET_SESSION_PRIVILEGE, new byte[] {(byte) options.privilege().level()});
            if (!sp.ok()) {
                throw new IpmiCallException(Failure.AUTH_FAILED, "Set Session Privilege " + options.privilege() + ": "
                        + CompletionCode.describe(sp.completionCode()), sp.completionCode());
            }
        }
    }

    /** IPMI 2.0: Get Channel Auth Capabilities, the cipher suite, Open Session, RAKP 1-4, Set Session Privilege. */
    private void openRmcpPlusSession() throws IpmiCallException {
        AuthCapabilities caps = authCapabilities();
        if (!caps.ipmi20()) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "the BMC does not support IPMI v2.0 / RMCP+ "
                    + "(Get Channel Auth Capabilities keeps the IPMI 2.0 bit clear)");
        }
        CipherSuite suite = options.lanplus().cipherSuite() != null ? options.lanplus().cipherSuite() : strongestSuite();
        RmcpPlusHandshake h = new RmcpPlusHandshake(suite, options.user(), options.password(), options.lanplus().kg(),
                options.privilege(), random);
        h.openSessionResponse(setUp(h, "Open Session", PayloadType.OPEN_SESSION_REQUEST, h.openSessionRequest(), PayloadType.OPEN_SESSION_RESPONSE));
        h.rakp2(setUp(h, "RAKP 1", PayloadType.RAKP_1, h.rakp1(), PayloadType.RAKP_2));
        plusKeys = h.rakp4(setUp(h, "RAKP 3", PayloadType.RAKP_3, h.rakp3(), PayloadType.RAKP_4));
        h.notes().forEach(this::addNoteOnce);
        plusConsoleId = h.consoleId();
        sessionId = h.bmcId();
        outboundSeq = 1;
        raisePrivilege();
    }

    /** One set-up message and the BMC's answer to it (same tag, our console session ID). */
    private byte[] setUp(RmcpPlusHandshake h, String label, int type, byte[] payload, int answerType) throws IpmiCallException {
        byte[] out = RmcpPlusPacket.plain(type, 0, 0, payload).toDatagram();
        int tag = h.tag();
        return transport.exchange(label, a -> out, in -> {
            RmcpPlusPacket p = plusPacket(in);
            byte[] d = p == null ? null : p.payload();
            boolean ours = p != null && p.payloadType() == answerType && d.length >= 8 && (d[0] & 0xFF) == tag && le32(d, 4) == h.consoleId();
            return ours ? d : null;
        });
    }

    /** The strongest suite in both our preference and the BMC's Get Channel Cipher Suites; suite 3 if it will not say. */
    private CipherSuite strongestSuite() throws IpmiCallException {
        java.io.ByteArrayOutputStream records = new java.io.ByteArrayOutputStream();
        try {
            for (int index = 0; index < 8; index++) {
                IpmiResponse rs = callRmcpPlusSessionless(NetFn.APP, NetFn.Cmd.GET_CHANNEL_CIPHER_SUITES,
                        new byte[] {0x0E, 0x00, (byte) (0x80 | index)});
                requireOk(rs, "Get Channel Cipher Suites");
                if (rs.data().length < 1) {
                    break;
                }
                records.write(rs.data(), 1, rs.data().length - 1);
                if (rs.data().length < 17) {
                    break;
                }
            }
        } catch (IpmiCallException e) {
            addNoteOnce("Get Channel Cipher Suites failed (" + e.getMessage() + "), using " + CipherSuite.SUITE_3 + " as ipmitool does");
            return CipherSuite.SUITE_3;
        }
        List<Integer> offered = CipherSuite.parseRecords(records.toByteArray());
        for (CipherSuite s : CipherSuite.PREFERENCE) {
            if (offered.contains(s.id())) {
                return s;
            }
        }
        throw new IpmiCallException(Failure.AUTH_FAILED, "no cipher suite in common: the BMC offers " + offered);
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
        plusKeys = null;
    }

    /** Sends one request (in the session if one is open) and returns the response, whatever its completion code. */
    public IpmiResponse call(int netFn, int cmd, byte[] data) throws IpmiCallException {
        String label = String.format("netFn 0x%02x cmd 0x%02x", netFn, cmd);
        if (sessionId == 0) {
            IpmiRequest rq = IpmiRequest.of(netFn, cmd, nextRqSeq(), data);
            byte[] out = Session15Packet.of(AuthType.NONE, 0, 0, null, rq.encode()).toDatagram();
            return transport.exchange(label, a -> out, in -> match(in, rq, 0));
        }
        if (plusKeys != null) {
            return sendSealed(rq(netFn, cmd, data), label);
        }
        return sendSigned(netFn, cmd, data, -1, sessionId, label);
    }

    /** A request outside a session in RMCP+ format, as ipmitool sends Get Channel Cipher Suites. */
    IpmiResponse callRmcpPlusSessionless(int netFn, int cmd, byte[] data) throws IpmiCallException {
        IpmiRequest rq = rq(netFn, cmd, data);
        byte[] out = RmcpPlusPacket.plain(PayloadType.IPMI, 0, 0, rq.encode()).toDatagram();
        return transport.exchange(String.format("netFn 0x%02x cmd 0x%02x (RMCP+)", netFn, cmd), a -> out, in -> {
            RmcpPlusPacket p = plusPacket(in);
            return p == null || p.payloadType() != PayloadType.IPMI || p.authenticated() || p.encrypted() ? null : response(p.payload(), rq);
        });
    }

    /** An RMCP+ session request: encrypted and authenticated as the suite demands, a new sequence number each attempt. */
    private IpmiResponse sendSealed(IpmiRequest rq, String label) throws IpmiCallException {
        byte[] msg = rq.encode();
        SessionKeys keys = plusKeys;
        return transport.exchange(label, attempt -> {
            byte[] iv = new byte[SessionKeys.AES_BLOCK];
            random.nextBytes(iv);
            return RmcpPacket.ipmi(keys.seal(PayloadType.IPMI, sessionId, nextOutbound(), msg, iv)).encode();
        }, in -> {
            RmcpPlusPacket p = plusPacket(in);
            if (p == null || p.payloadType() != PayloadType.IPMI || p.sessionId() != plusConsoleId) {
                return null;
            }
            if (p.authenticated() != keys.suite().authenticated() || p.encrypted() != keys.suite().encrypted()
                    || p.authenticated() && !keys.integrityValid(RmcpPacket.decode(in).body(), p)) {
                notes.add(rq + ": reply with a wrong or missing auth code ignored");
                return null;
            }
            try {
                return response(keys.plaintext(p), rq);
            } catch (MalformedPacketException e) {
                notes.add("undecryptable reply ignored: " + e.getMessage());
                return null;
            }
        });
    }

    private IpmiRequest rq(int netFn, int cmd, byte[] data) {
        return IpmiRequest.of(netFn, cmd, nextRqSeq(), data);
    }

    /** The RMCP+ packet in a datagram, or null for anything else (IPMI 1.5, ASF, junk). */
    private RmcpPlusPacket plusPacket(byte[] in) {
        try {
            RmcpPacket p = RmcpPacket.decode(in);
            return p.classId() == RmcpPacket.CLASS_IPMI && Session15Packet.isRmcpPlus(p.body()) ? RmcpPlusPacket.decode(p.body()) : null;
        } catch (MalformedPacketException e) {
            notes.add("malformed reply ignored: " + e.getMessage());
            return null;
        }
    }

    /** The response to {@code rq} in a message, or null when it answers something else. */
    private IpmiResponse response(byte[] message, IpmiRequest rq) {
        try {
            IpmiResponse rs = IpmiResponse.decode(message);
            return rs.answers(rq) ? rs : null;
        } catch (MalformedPacketException e) {
            notes.add("malformed reply ignored: " + e.getMessage());
            return null;
        }
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

    /** Ends the client's exchanges from another thread: the one waiting fails as a timeout with {@code why}. */
    public void end(String why) {
        transport.end(why);
    }

    @Override
    public void close() {
        closeSession();
        transport.close();
    }
}
