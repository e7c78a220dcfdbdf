package io.quirklab.ipmi;

import java.util.HexFormat;

/**
 * An IPMI request message (IPMB format, as carried over LAN).
 *
 * @param rsAddr responder address, 0x20 for the BMC
 * @param netFn  network function (even)
 * @param rsLun  responder LUN
 * @param rqAddr requester address, 0x81 for a remote console software ID
 * @param rqSeq  requester sequence (6 bits), echoed by the response
 * @param rqLun  requester LUN
 * @param cmd    command
 * @param data   request data
 */
public record IpmiRequest(int rsAddr, int netFn, int rsLun, int rqAddr, int rqSeq, int rqLun, int cmd, byte[] data) {
    public static final int BMC_ADDR = 0x20;
    public static final int REMOTE_SWID = 0x81;
    /** rsAddr, netFn/lun, cs1, rqAddr, rqSeq/lun, cmd, cs2. */
    public static final int OVERHEAD = 7;

    public static IpmiRequest of(int netFn, int cmd, int rqSeq, byte[] data) {
        return new IpmiRequest(BMC_ADDR, netFn, 0, REMOTE_SWID, rqSeq & 0x3F, 0, cmd, data);
    }

    public static IpmiRequest decode(byte[] msg) {
        if (msg.length < OVERHEAD) {
            throw new MalformedPacketException("IPMI request shorter than 7 bytes: " + msg.length);
        }
        if (!Checksums.valid(msg, 0, 2)) {
            throw new MalformedPacketException("IPMI request header checksum wrong");
        }
        if (!Checksums.valid(msg, 3, msg.length - 1)) {
            throw new MalformedPacketException("IPMI request data checksum wrong");
        }
        int netFnLun = msg[1] & 0xFF;
        if ((netFnLun >> 2 & 1) != 0) {
            throw new MalformedPacketException(String.format("odd netFn 0x%02x in a request", netFnLun >> 2));
        }
        int seqLun = msg[4] & 0xFF;
        byte[] data = java.util.Arrays.copyOfRange(msg, 6, msg.length - 1);
        return new IpmiRequest(msg[0] & 0xFF, netFnLun >> 2, netFnLun & 3, msg[3] & 0xFF, seqLun >> 2, seqLun & 3, msg[5] & 0xFF, data);
    }

    public byte[] encode() {
        byte[] m = new byte[OVERHEAD + data.length];
        m[0] = (byte) rsAddr;
        m[1] = (byte) (netFn << 2 | rsLun & 3);
        m[2] = (byte) Checksums.of(m, 0, 2);
        m[3] = (byte) rqAddr;
        m[4] = (byte) (rqSeq << 2 | rqLun & 3);
        m[5] = (byte) cmd;
        System.arraycopy(data, 0, m, 6, data.length);
        m[m.length - 1] = (byte) Checksums.of(m, 3, m.length - 1);
        return m;
    }

    /** Builds the response to this request with the given completion code and data. */
    public IpmiResponse respond(int completionCode, byte[] responseData) {
        return new IpmiResponse(rqAddr, netFn | 1, rqLun, rsAddr, rqSeq, rsLun, cmd, completionCode, responseData);
    }

    public IpmiResponse respond(int completionCode) {
        return respond(completionCode, new byte[0]);
    }

    @Override
    public String toString() {
        return String.format("Request[netFn=0x%02x cmd=0x%02x seq=%d data=%s]", netFn, cmd, rqSeq, HexFormat.of().formatHex(data));
    }
}
