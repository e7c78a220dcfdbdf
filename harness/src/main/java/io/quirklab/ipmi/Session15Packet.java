package io.quirklab.ipmi;

import java.util.Arrays;

/**
 * The IPMI 1.5 session wrapper inside an RMCP class-7 packet.
 *
 * @param authType  auth type of this message
 * @param sequence  session sequence number (0 outside a session)
 * @param sessionId session ID (0 outside a session)
 * @param authCode  16-byte auth code, or null when the auth type is NONE
 * @param message   the IPMI message, exactly as many bytes as the length field says
 * @param trailer   bytes after the message (ipmiutil pads some sizes with one byte); kept so re-encoding is exact
 */
public record Session15Packet(AuthType authType, int sequence, int sessionId, byte[] authCode, byte[] message, byte[] trailer) {
    public static final int AUTH_CODE_LENGTH = 16;

    public Session15Packet {
        if ((authType == AuthType.NONE) != (authCode == null)) {
            throw new IllegalArgumentException("auth code must be present exactly when the auth type is not NONE");
        }
        if (authCode != null && authCode.length != AUTH_CODE_LENGTH) {
            throw new IllegalArgumentException("auth code must be 16 bytes");
        }
        if (message.length > 255) {
            throw new IllegalArgumentException("IPMI message longer than 255 bytes");
        }
        trailer = trailer == null ? new byte[0] : trailer;
    }

    public static Session15Packet of(AuthType authType, int sequence, int sessionId, byte[] authCode, byte[] message) {
        return new Session15Packet(authType, sequence, sessionId, authCode, message, new byte[0]);
    }

    /** True when the body of an IPMI-class RMCP packet carries an RMCP+ (IPMI 2.0) header instead. */
    public static boolean isRmcpPlus(byte[] rmcpBody) {
        return rmcpBody.length > 0 && (rmcpBody[0] & 0xFF) == AuthType.RMCP_PLUS_FORMAT;
    }

    public static Session15Packet decode(byte[] rmcpBody) {
        ByteReader r = new ByteReader(rmcpBody, 0, rmcpBody.length);
        int at = r.u8("auth type");
        if (at == AuthType.RMCP_PLUS_FORMAT) {
            throw new MalformedPacketException("RMCP+ (IPMI 2.0) session header, not IPMI 1.5");
        }
        AuthType authType = AuthType.fromCode(at);
        int seq = r.u32le("session sequence");
        int sid = r.u32le("session ID");
        byte[] code = authType == AuthType.NONE ? null : r.bytes(AUTH_CODE_LENGTH, "auth code");
        int len = r.u8("message length");
        byte[] msg = r.bytes(len, "IPMI message");
        return new Session15Packet(authType, seq, sid, code, msg, r.rest());
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(authType.code()).u32le(sequence).u32le(sessionId);
        if (authCode != null) {
            w.bytes(authCode);
        }
        return w.u8(message.length).bytes(message).bytes(trailer).toByteArray();
    }

    /** The whole UDP payload: RMCP header and this wrapper. */
    public byte[] toDatagram() {
        return RmcpPacket.ipmi(encode()).encode();
    }

    public Session15Packet withAuthCode(byte[] code) {
        return new Session15Packet(authType, sequence, sessionId, code, message, trailer);
    }

    @Override
    public String toString() {
        return String.format("Session15[auth=%s seq=%08x sid=%08x len=%d%s]", authType, sequence, sessionId, message.length,
                trailer.length > 0 ? " trailer=" + Arrays.toString(trailer) : "");
    }
}
