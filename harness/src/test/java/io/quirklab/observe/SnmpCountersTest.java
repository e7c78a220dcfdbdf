package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class SnmpCountersTest {
    /** /proc/net/snmp of kernel 6.18 (recorded on the project's machine). */
    public static final String SNMP_6_18 = """
            Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits
            Ip: 2 64 99489 0 0 0 0 0 99489 99217 0 0 0 0 0 0 0 0 0 99217
            Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps
            Icmp: 12 0 0 12 0 0 0 0 0 0 0 0 0 0 11 0 0 0 11 0 0 0 0 0 0 0 0 0 0
            IcmpMsg: InType3 OutType3
            IcmpMsg: 12 11
            Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
            Tcp: 1 200 120000 -1 26 4 0 2 0 2765 2497 0 0 25 0
            Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            Udp: 96700 11 1 96710 0 0 1 0 0
            UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            UdpLite: 0 0 0 0 0 0 0 0 0
            """;

    /** A 3.x kernel: no InCsumErrors column yet, and a different column order must not matter. */
    static final String SNMP_OLD = """
            Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors
            Udp: 500 7 3 480 2 0
            """;

    @Test
    void valuesAreMatchedToTheirColumnNames() {
        SnmpCounters c = SnmpCounters.parse(SNMP_6_18);
        assertThat(c.get(SnmpCounters.UDP_IN_CSUM_ERRORS)).isEqualTo(1);
        assertThat(c.get(SnmpCounters.UDP_IN_ERRORS)).isEqualTo(1);
        assertThat(c.get(SnmpCounters.UDP_NO_PORTS)).isEqualTo(11);
        assertThat(c.get(SnmpCounters.UDP_IN_DATAGRAMS)).isEqualTo(96700);
        assertThat(c.get(SnmpCounters.IP_IN_HDR_ERRORS)).isZero();
        assertThat(c.get("Ip.InReceives")).isEqualTo(99489);
        assertThat(c.get("Tcp.MaxConn")).isEqualTo(-1);
        assertThat(c.get("IcmpMsg.OutType3")).isEqualTo(11);
        assertThat(c.get("UdpLite.InCsumErrors")).isZero();
        assertThat(c.values()).containsKey(SnmpCounters.IP_REASM_FAILS).containsKey(SnmpCounters.IP_REASM_TIMEOUT)
                .containsKey(SnmpCounters.UDP_RCVBUF_ERRORS).containsKey(SnmpCounters.IP_IN_DISCARDS);
    }

    @Test
    void anOlderKernelWithoutAColumnReadsAsZero() {
        SnmpCounters c = SnmpCounters.parse(SNMP_OLD);
        assertThat(c.values()).doesNotContainKey(SnmpCounters.UDP_IN_CSUM_ERRORS);
        assertThat(c.get(SnmpCounters.UDP_IN_CSUM_ERRORS)).isZero();
        assertThat(c.get(SnmpCounters.UDP_RCVBUF_ERRORS)).isEqualTo(2);
    }

    @Test
    void linesThatDoNotPairAreSkipped() {
        SnmpCounters c = SnmpCounters.parse("garbage\nUdp: InDatagrams NoPorts\nUdp: InDatagrams NoPorts InErrors\nUdp: 1 2 3\n"
                + "Ip: Forwarding\n\nIcmp: 5\n");
        assertThat(c.values()).isEqualTo(Map.of("Udp.InDatagrams", 1L, "Udp.NoPorts", 2L, "Udp.InErrors", 3L));
    }

    @Test
    void deltasCoverEveryCounterWithStableKeys() {
        SnmpCounters before = SnmpCounters.parse(SNMP_6_18);
        SnmpCounters after = SnmpCounters.parse(SNMP_6_18.replace("Udp: 96700 11 1 96710 0 0 1 0 0", "Udp: 96704 11 5 96714 0 0 5 0 0"));
        Map<String, Long> d = after.deltaSince(before);
        assertThat(d).containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L).containsEntry(SnmpCounters.UDP_IN_ERRORS, 4L)
                .containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 4L).containsEntry(SnmpCounters.UDP_NO_PORTS, 0L);
        assertThat(d.keySet()).containsExactlyElementsOf(after.values().keySet());
        assertThat(after.deltaSince(SnmpCounters.parse(""))).containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 5L);
    }

    @Test
    void netstatAddsIpExtCounters(@TempDir Path tmp) throws IOException {
        Path snmp = Files.writeString(tmp.resolve("snmp"), SNMP_6_18);
        Path netstat = Files.writeString(tmp.resolve("netstat"), """
                IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps
                IpExt: 0 0 0 0 0 0 51483401 5754224 0 0 0 0 3 99489 0 0 0 0
                """);
        SnmpCounters c = SnmpCounters.read(snmp, netstat);
        assertThat(c.get(SnmpCounters.IPEXT_IN_CSUM_ERRORS)).isEqualTo(3);
        assertThat(c.get(SnmpCounters.UDP_IN_CSUM_ERRORS)).isEqualTo(1);
        assertThat(SnmpCounters.read(snmp, tmp.resolve("absent")).get(SnmpCounters.UDP_NO_PORTS)).isEqualTo(11);
    }

    @Test
    void thisKernelsFilesParse() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(SnmpCounters.PROC_NET_SNMP), "no /proc/net/snmp here");
        assertThat(SnmpCounters.read().values()).containsKey(SnmpCounters.UDP_IN_DATAGRAMS).containsKey(SnmpCounters.IP_IN_HDR_ERRORS);
    }
}
