package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A remote console as ipmitool or FreeIPMI would be one, talking to a {@link SimulatedBmc} through datagrams built
 * with the ipmi codecs: Get Channel Auth Caps, Get Session Challenge, Activate Session, Set Session Privilege, then
 * signed in-session requests. Builders ({@code ...Datagram}, {@code request...}) only make bytes, so tests can
 * tamper with or replay them; {@code call}/{@code send} hand them to the BMC.
 */
final class TestConsole {
    /** The first sequence number the console asks the BMC to use for its responses. */
    static final int INITIAL_OUTBOUND = 0x0000_0100;
    static final InetSocketAddress DEFAULT_PEER = new InetSocketAddress("192.0.2.10", 49152);

    /** One decoded answer: the session wrapper (sequence, session ID, auth code) and the IPMI response. */
    record Answer(Exchange exchange, Session15Packet session, IpmiResponse response) {
        int completionCode() {
            return response.completionCode();
        }

        byte[] data() {
            return response.data();
        }

        int sequence() {
            return session.sequence();
        }

        int sessionId() {
            return session.sessionId();
        }

        /** Decodes an answered exchange; fails the test when the BMC stayed silent. */
        static Answer of(Exchange e) {
            assertThat(e.answered()).as("BMC answered, but: %s", e.summary()).isTrue();
            Session15Packet s = Session15Packet.decode(RmcpPacket.decode(e.reply()).body());
            return new Answer(e, s, IpmiResponse.decode(s.message()));
        }
    }

    private final SimulatedBmc bmc;
    private final String user;
    private final byte[] password16;
    private final AuthType authType;
    private final InetSocketAddress peer;
    private int rqSeq;
    private int tempId;
    private byte[] challenge = new byte[16];
    private int sessionId;
    private int nextSequence;

    TestConsole(SimulatedBmc bmc, String user, String password, AuthType authType) {
        this(bmc, user, password, authType, DEFAULT_PEER);
    }

    TestConsole(SimulatedBmc bmc, String user, String password, AuthType authType, InetSocketAddress peer) {
        this.bmc = bmc;
        this.user = user;
        this.password16 = AuthCodes.pad16(password);
        this.authType = authType;
        this.peer = peer;
    }

    /** The SMDC's default user (admin/secret). */
    static TestConsole admin(SimulatedBmc bmc, AuthType authType) {
        return new TestConsole(bmc, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD, authType);
    }

    AuthType authType() {
        return authType;
    }

    byte[] password16() {
        return password16.clone();
    }

    int tempId() {
        return tempId;
    }

    int sessionId() {
        return sessionId;
    }

    /** The session sequence number the next {@link #request} will carry. */
    int nextSequence() {
        return nextSequence;
    }

    /** Continues numbering requests at {@code sequence}, as a console does after a lost datagram. */
    void resumeAt(int sequence) {
        nextSequence = sequence;
    }

    // ---- talking to the BMC

    Exchange send(byte[] datagram) {
        return bmc.handle(datagram, peer);
    }

    Answer call(byte[] datagram) {
        return Answer.of(send(datagram));
    }

    /** A signed in-session request at the next sequence number, sent and decoded. */
    Answer call(int netFn, int cmd, int... data) {
        return call(request(netFn, cmd, data));
    }

    // ---- session set-up, step by step

    Answer authCapabilities(int channelByte) {
        return call(sessionless(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES,
                new byte[] {(byte) channelByte, (byte) Privilege.ADMINISTRATOR.level()}));
    }

    byte[] challengeDatagram() {
        return sessionless(NetFn.APP, NetFn.Cmd.GET_SESSION_CHALLENGE,
                new ByteWriter().u8(authType.code()).bytes(AuthCodes.pad16(user)).toByteArray());
    }

    /** Get Session Challenge; remembers the temporary session ID and challenge string when granted. */
    Answer challenge() {
        Answer a = call(challengeDatagram());
        if (a.completionCode() == CompletionCode.OK) {
            tempId = le32(a.data(), 0);
            challenge = Arrays.copyOfRange(a.data(), 4, 20);
        }
        return a;
    }

    /** Activate Session under the temporary ID, signed with this console's password. */
    byte[] activateDatagram(Privilege maxPrivilege) {
        byte[] data = new ByteWriter().u8(authType.code()).u8(maxPrivilege.level()).bytes(challenge)
                .u32le(INITIAL_OUTBOUND).toByteArray();
        return datagram(tempId, 0, NetFn.APP, NetFn.Cmd.ACTIVATE_SESSION, data);
    }

    /** Activate Session; remembers the session ID and the first inbound sequence number when granted. */
    Answer activate(Privilege maxPrivilege) {
        Answer a = call(activateDatagram(maxPrivilege));
        if (a.completionCode() == CompletionCode.OK) {
            sessionId = le32(a.data(), 1);
            nextSequence = le32(a.data(), 5);
        }
        return a;
    }

    Answer setPrivilege(Privilege p) {
        return call(NetFn.APP, NetFn.Cmd.SET_SESSION_PRIVILEGE, p.level());
    }

    Answer closeSession() {
        return closeSession(sessionId);
    }

    Answer closeSession(int id) {
        return call(NetFn.APP, NetFn.Cmd.CLOSE_SESSION, id & 0xFF, id >>> 8 & 0xFF, id >>> 16 & 0xFF, id >>> 24 & 0xFF);
    }

    /** The whole set-up as ipmitool does it, asserting each step; raises the privilege when asked for more than USER. */
    TestConsole open(Privilege privilege) {
        assertThat(authCapabilities(0x0E).completionCode()).as("Get Channel Auth Caps").isZero();
        assertThat(challenge().completionCode()).as("Get Session Challenge for '%s' with %s", user, authType).isZero();
        assertThat(activate(privilege).completionCode()).as("Activate Session at %s", privilege).isZero();
        if (privilege.level() > Privilege.USER.level()) {
            assertThat(setPrivilege(privilege).completionCode()).as("Set Session Privilege %s", privilege).isZero();
        }
        return this;
    }

    // ---- datagram builders

    /** A request outside any session (auth type none, session ID and sequence 0). */
    byte[] sessionless(int netFn, int cmd, byte[] data) {
        return Session15Packet.of(AuthType.NONE, 0, 0, null, message(netFn, cmd, data)).toDatagram();
    }

    /** A signed in-session request at the next sequence number, which it uses up. */
    byte[] request(int netFn, int cmd, int... data) {
        return requestAt(nextSequence++, netFn, cmd, bytes(data));
    }

    /** A signed in-session request at an explicit sequence number; the console's numbering is left alone. */
    byte[] requestAt(int sequence, int netFn, int cmd, byte[] data) {
        return datagram(sessionId, sequence, netFn, cmd, data);
    }

    /** A request under any session ID and sequence, signed the way this console signs. */
    byte[] datagram(int sid, int sequence, int netFn, int cmd, byte[] data) {
        byte[] msg = message(netFn, cmd, data);
        Session15Packet p = Session15Packet.of(authType, sequence, sid,
                authType == AuthType.NONE ? null : new byte[Session15Packet.AUTH_CODE_LENGTH], msg);
        return (authType == AuthType.NONE ? p : AuthCodes.sign(p, password16)).toDatagram();
    }

    private byte[] message(int netFn, int cmd, byte[] data) {
        rqSeq = (rqSeq + 1) & 0x3F;
        return IpmiRequest.of(netFn, cmd, rqSeq, data).encode();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
