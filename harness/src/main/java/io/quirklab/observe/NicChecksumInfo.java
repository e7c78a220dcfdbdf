package io.quirklab.observe;

import java.util.ArrayList;
import java.util.List;

/**
 * The receive half of NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO: what the NIC driver told tcpip.sys about one
 * received NET_BUFFER_LIST (ndis/nblchecksum.h, {@code Receive} bit field, lowest bit first: TcpChecksumFailed,
 * UdpChecksumFailed, IpChecksumFailed, TcpChecksumSucceeded, UdpChecksumSucceeded, IpChecksumSucceeded, Loopback,
 * TcpChecksumValueInvalid, IpChecksumValueInvalid). tcpip trusts a Failed bit and drops the datagram; it checks in
 * software only when both the Failed and the Succeeded bit of a protocol are clear.
 *
 * @param value the ULONG the ETW event printed ({@code TcpIpChecksumNetBufferListInfo 0x2})
 */
public record NicChecksumInfo(long value) {
    public static final long TCP_CHECKSUM_FAILED = 1L;
    public static final long UDP_CHECKSUM_FAILED = 1L << 1;
    public static final long IP_CHECKSUM_FAILED = 1L << 2;
    public static final long TCP_CHECKSUM_SUCCEEDED = 1L << 3;
    public static final long UDP_CHECKSUM_SUCCEEDED = 1L << 4;
    public static final long IP_CHECKSUM_SUCCEEDED = 1L << 5;
    public static final long LOOPBACK = 1L << 6;
    public static final long TCP_CHECKSUM_VALUE_INVALID = 1L << 7;
    public static final long IP_CHECKSUM_VALUE_INVALID = 1L << 8;
    private static final String[] NAMES = {"TcpChecksumFailed", "UdpChecksumFailed", "IpChecksumFailed", "TcpChecksumSucceeded",
            "UdpChecksumSucceeded", "IpChecksumSucceeded", "Loopback", "TcpChecksumValueInvalid", "IpChecksumValueInvalid"};

    /** How the NIC judged a UDP/IPv4 datagram. */
    public enum Judgement {
        /** UdpChecksumFailed or IpChecksumFailed: the driver said bad, tcpip drops without checking. */
        FLAGGED_BAD,
        /** UdpChecksumSucceeded (and no Failed bit): the driver vouched for it, tcpip does not check. */
        VERIFIED_GOOD,
        /** Neither: the NIC did not check, tcpip checked in software. */
        NOT_CHECKED
    }

    public boolean has(long bit) {
        return (value & bit) != 0;
    }

    /** The UDP/IPv4 judgement: a Failed bit wins over a Succeeded bit (tcpip reads it first). */
    public Judgement udpJudgement() {
        if (has(UDP_CHECKSUM_FAILED) || has(IP_CHECKSUM_FAILED)) {
            return Judgement.FLAGGED_BAD;
        }
        return has(UDP_CHECKSUM_SUCCEEDED) ? Judgement.VERIFIED_GOOD : Judgement.NOT_CHECKED;
    }

    /** The names of the bits set, lowest first; bits above the documented nine as "bit N". */
    public List<String> flags() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((value >>> i & 1) != 0) {
                out.add(i < NAMES.length ? NAMES[i] : "bit " + i);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT) + (value == 0 ? " (none)" : " (" + String.join(", ", flags()) + ")");
    }
}
