package io.quirklab.ipmi;

import java.util.HexFormat;

/**
 * The IPMI 2.0 RMCP+ session wrapper inside an RMCP class-7 packet (IPMI v2.0 section 13.6): header, payload and,
 * for authenticated packets, the trailer (integrity pad, pad length, next header, auth code). Decoding does not
 * interpret the trailer: only the session's {@link SessionKeys} know how long its auth code is.
 *
 * @param payloadType   payload type (low six bits of the type byte), see {@link PayloadType}
 * @param encrypted     bit 7 of the type byte: the payload is encrypted
 * @param authenticated bit 6 of the type byte: a trailer with an auth code follows the payload
 * @param oemIana       OEM IANA for OEM explicit payloads, else 0
 * @param oemPayloadId  OEM payload ID for OEM explicit payloads, else 0
 * @param sessionId     the receiver's session ID (0 outside a session)
 * @param sequence      session sequence number (0 outside a session)
 * @param payload       exactly as many bytes as the length field says (ciphertext with its IV when encrypted)
 * @param trailer       everything after the payload
 */
public record RmcpPlusPacket(int payloadType, boolean encrypted, boolean authenticated, int oemIana, int oemPayloadId,
                             int sessionId, int sequence, byte[] payload, byte[] trailer) {
    /** Auth type, payload type, session ID, sequence, payload length. */
    public static final int HEADER_LENGTH = 12;
    /** OEM IANA and OEM payload ID after the payload type of an OEM explicit payload. */
    public static final int OEM_HEADER_EXTRA = 6;
    /** The next-header byte before the auth code: always 0x07 (IPMI v2.0 table 13-8). */
    public static final int NEXT_HEADER = 0x07;

    public RmcpPlusPacket {
        if (payloadType < 0 || payloadType > 0x3F) {
            throw new IllegalArgumentException("payload type is six bits");
        }
        if (payload.length > 0xFFFF) {
            throw new IllegalArgumentException("payload longer than 65535 bytes");
        }
        trailer = trailer == null ? new byte[0] : trailer;
    }

    /** An unauthenticated, unencrypted packet: session set-up messages and requests outside a session. */
    public static RmcpPlusPacket plain(int payloadType, int sessionId, int sequence, byte[] payload) {
        return new RmcpPlusPacket(payloadType, false, false, 0, 0, sessionId, sequence, payload, new byte[0]);
    }

    public static RmcpPlusPacket decode(byte[] rmcpBody) {
        ByteReader r = new ByteReader(rmcpBody, 0, rmcpBody.length);
        int at = r.u8("auth type");
        if (at != AuthType.RMCP_PLUS_FORMAT) {
            throw new MalformedPacketException(String.format("auth type 0x%02x is not the RMCP+ format 0x06", at));
        }
        int typeByte = r.u8("payload type");
        int type = typeByte & 0x3F;
        int iana = 0;
        int oemId = 0;
        if (type == PayloadType.OEM_EXPLICIT) {
            iana = r.u32le("OEM IANA");
            oemId = r.u16le("OEM payload ID");
        }
        int sid = r.u32le("session ID");
        int seq = r.u32le("session sequence");
        int len = r.u16le("payload length");
        byte[] payload = r.bytes(len, "payload");
        return new RmcpPlusPacket(type, (typeByte & 0x80) != 0, (typeByte & 0x40) != 0, iana, oemId, sid, seq, payload, r.rest());
    }

    /** Length of the session header, up to and including the payload length field. */
    public int headerLength() {
        return HEADER_LENGTH + (payloadType == PayloadType.OEM_EXPLICIT ? OEM_HEADER_EXTRA : 0);
    }

    public int typeByte() {
        return (encrypted ? 0x80 : 0) | (authenticated ? 0x40 : 0) | payloadType;
    }

    /** Header and payload, without the trailer. */
    byte[] encodeWithoutTrailer() {
        ByteWriter w = new ByteWriter().u8(AuthType.RMCP_PLUS_FORMAT).u8(typeByte());
        if (payloadType == PayloadType.OEM_EXPLICIT) {
            w.u32le(oemIana).u16le(oemPayloadId);
        }
        return w.u32le(sessionId).u32le(sequence).u16le(payload.length).bytes(payload).toByteArray();
    }

    public byte[] encode() {
        return new ByteWriter().bytes(encodeWithoutTrailer()).bytes(trailer).toByteArray();
    }

    /** The whole UDP payload: RMCP header and this wrapper. */
    public byte[] toDatagram() {
        return RmcpPacket.ipmi(encode()).encode();
    }

    @Override
    public String toString() {
        return String.format("RmcpPlus[%s%s%s sid=%08x seq=%08x len=%d payload=%s%s]", PayloadType.name(payloadType),
                encrypted ? " encrypted" : "", authenticated ? " authenticated" : "", sessionId, sequence, payload.length,
                HexFormat.of().formatHex(payload), trailer.length > 0 ? " trailer=" + HexFormat.of().formatHex(trailer) : "");
    }
}
