package io.quirklab.ipmi;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPMI response message.
 *
 * @param rqAddr         requester address (destination of the response)
 * @param netFn          network function (odd)
 * @param rqLun          requester LUN
 * @param rsAddr         responder address
 * @param rqSeq          requester sequence echoed from the request
 * @param rsLun          responder LUN
 * @param cmd            command
 * @param completionCode completion code (0x00 = normal)
 * @param data           response data after the completion code
 */
public record IpmiResponse(int rqAddr, int netFn, int rqLun, int rsAddr, int rqSeq, int rsLun, int cmd, int completionCode, byte[] data) {
    public static final int OVERHEAD = 8;

    public static IpmiResponse decode(byte[] msg) {
        if (msg.length < OVERHEAD) {
            throw new MalformedPacketException("IPMI response shorter than 8 bytes: " + msg.length);
        }
        if (!Checksums.valid(msg, 0, 2)) {
            throw new MalformedPacketException("IPMI response header checksum wrong");
        }
        if (!Checksums.valid(msg, 3, msg.length - 1)) {
            throw new MalformedPacketException("IPMI response data checksum wrong");
        }
        int netFnLun = msg[1] & 0xFF;
        int seqLun = msg[4] & 0xFF;
        return new IpmiResponse(msg[0] & 0xFF, netFnLun >> 2, netFnLun & 3, msg[3] & 0xFF, seqLun >> 2, seqLun & 3,
                msg[5] & 0xFF, msg[6] & 0xFF, Arrays.copyOfRange(msg, 7, msg.length - 1));
    }

    public byte[] encode() {
        byte[] m = new byte[OVERHEAD + data.length];
        m[0] = (byte) rqAddr;
        m[1] = (byte) (netFn << 2 | rqLun & 3);
        m[2] = (byte) Checksums.of(m, 0, 2);
        m[3] = (byte) rsAddr;
        m[4] = (byte) (rqSeq << 2 | rsLun & 3);
        m[5] = (byte) cmd;
        m[6] = (byte) completionCode;
        System.arraycopy(data, 0, m, 7, data.length);
        m[m.length - 1] = (byte) Checksums.of(m, 3, m.length - 1);
        return m;
    }

    public boolean ok() {
        return completionCode == CompletionCode.OK;
    }

    /** True when this response answers the given request (netFn, command and sequence). */
    public boolean answers(IpmiRequest rq) {
        return netFn == (rq.netFn() | 1) && cmd == rq.cmd() && rqSeq == rq.rqSeq();
    }

    @Override
    public String toString() {
        return String.format("Response[netFn=0x%02x cmd=0x%02x seq=%d cc=0x%02x data=%s]", netFn, cmd, rqSeq, completionCode,
                HexFormat.of().formatHex(data));
    }
}
