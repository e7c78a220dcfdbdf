package io.quirklab.ipmi;

/**
 * ASF message in an RMCP class-6 packet (presence ping 0x80, pong 0x40).
 *
 * @param iana IANA enterprise number, 4542 for ASF
 * @param type message type
 * @param tag  echoed by the pong; rmcpping checks it
 * @param data message data (16 bytes in a pong)
 */
public record AsfMessage(int iana, int type, int tag, byte[] data) {
    public static final int ASF_IANA = 4542;
    public static final int TYPE_PING = 0x80;
    public static final int TYPE_PONG = 0x40;
    /** Supported entities byte of a pong: bit 7 = IPMI supported. */
    public static final int ENTITIES_IPMI = 0x81;

    public static AsfMessage ping(int tag) {
        return new AsfMessage(ASF_IANA, TYPE_PING, tag, new byte[0]);
    }

    /** A pong for a device that supports IPMI and no ASF interactions. */
    public static AsfMessage pongTo(AsfMessage ping, int oemIana) {
        byte[] data = new ByteWriter().u32be(ASF_IANA).u32be(oemIana).u8(ENTITIES_IPMI).u8(0)
                .u32be(0).u16le(0).toByteArray();
        return new AsfMessage(ASF_IANA, TYPE_PONG, ping.tag(), data);
    }

    public boolean supportsIpmi() {
        return type == TYPE_PONG && data.length >= 9 && (data[8] & 0x80) != 0;
    }

    public static AsfMessage decode(byte[] body) {
        ByteReader r = new ByteReader(body, 0, body.length);
        int iana = r.u32be("ASF IANA");
        int type = r.u8("ASF type");
        int tag = r.u8("ASF tag");
        r.u8("ASF reserved");
        int len = r.u8("ASF data length");
        return new AsfMessage(iana, type, tag, r.bytes(len, "ASF data"));
    }

    public byte[] encode() {
        return new ByteWriter().u32be(iana).u8(type).u8(tag).u8(0).u8(data.length).bytes(data).toByteArray();
    }
}
