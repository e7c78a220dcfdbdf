package io.quirklab.ipmi;

/**
 * RMCP header (ASF 2.0 section 3.2.2.1) plus the class-specific body.
 *
 * @param version      0x06 for RMCP 1.0
 * @param sequence     0xFF when no RMCP ACK is wanted, as every IPMI message uses
 * @param messageClass the class byte as sent (bit 7 = ACK, low bits: 0x06 ASF, 0x07 IPMI)
 * @param body         everything after the four header bytes
 */
public record RmcpPacket(int version, int sequence, int messageClass, byte[] body) {
    public static final int VERSION_1_0 = 0x06;
    public static final int NO_ACK = 0xFF;
    public static final int CLASS_ASF = 0x06;
    public static final int CLASS_IPMI = 0x07;
    public static final int HEADER_LENGTH = 4;

    public static RmcpPacket ipmi(byte[] body) {
        return new RmcpPacket(VERSION_1_0, NO_ACK, CLASS_IPMI, body);
    }

    public static RmcpPacket asf(byte[] body) {
        return new RmcpPacket(VERSION_1_0, NO_ACK, CLASS_ASF, body);
    }

    public boolean isAck() {
        return (messageClass & 0x80) != 0;
    }

    public int classId() {
        return messageClass & 0x1F;
    }

    public static RmcpPacket decode(byte[] datagram) {
        return decode(datagram, 0, datagram.length);
    }

    public static RmcpPacket decode(byte[] datagram, int off, int len) {
        ByteReader r = new ByteReader(datagram, off, len);
        int version = r.u8("RMCP version");
        if (version != VERSION_1_0) {
            throw new MalformedPacketException(String.format("not RMCP: version 0x%02x", version));
        }
        int reserved = r.u8("RMCP reserved");
        if (reserved != 0) {
            throw new MalformedPacketException(String.format("not RMCP: reserved byte 0x%02x", reserved));
        }
        int seq = r.u8("RMCP sequence");
        int cls = r.u8("RMCP class");
        return new RmcpPacket(version, seq, cls, r.rest());
    }

    public byte[] encode() {
        return new ByteWriter().u8(version).u8(0).u8(sequence).u8(messageClass).bytes(body).toByteArray();
    }
}
