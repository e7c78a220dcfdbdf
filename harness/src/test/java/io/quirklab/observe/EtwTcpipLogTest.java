package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtwTcpipLogTest {
    static final OsReport.Flow CELL = new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123);

    static String text(String path) {
        return new String(TestData.bytes(path), StandardCharsets.UTF_8);
    }

    @Test
    void theReceiveBitsAreTheDocumentedOnesLowestFirst() {
        assertThat(new NicChecksumInfo(0x1).flags()).containsExactly("TcpChecksumFailed");
        assertThat(new NicChecksumInfo(0x2).flags()).containsExactly("UdpChecksumFailed");
        assertThat(new NicChecksumInfo(0x4).flags()).containsExactly("IpChecksumFailed");
        assertThat(new NicChecksumInfo(0x8).flags()).containsExactly("TcpChecksumSucceeded");
        assertThat(new NicChecksumInfo(0x10).flags()).containsExactly("UdpChecksumSucceeded");
        assertThat(new NicChecksumInfo(0x20).flags()).containsExactly("IpChecksumSucceeded");
        assertThat(new NicChecksumInfo(0x40).flags()).containsExactly("Loopback");
        assertThat(new NicChecksumInfo(0x400).flags()).containsExactly("bit 10");
        assertThat(new NicChecksumInfo(0x2).udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.FLAGGED_BAD);
        assertThat(new NicChecksumInfo(0x24).udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.FLAGGED_BAD);
        assertThat(new NicChecksumInfo(0x12).udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.FLAGGED_BAD); // Failed wins
        assertThat(new NicChecksumInfo(0x30).udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.VERIFIED_GOOD);
        assertThat(new NicChecksumInfo(0x28).udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.NOT_CHECKED); // TCP/IP bits only
        assertThat(new NicChecksumInfo(0).udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.NOT_CHECKED);
        assertThat(new NicChecksumInfo(0x2)).hasToString("0x2 (UdpChecksumFailed)");
    }

    @Test
    void netshTextGivesEveryReceivedNblItsVerdictAndFlow() {
        EtwTcpipLog log = EtwTcpipLog.parse(text("etw/netsh-tcpip-udp-checksum-failed.txt"));
        assertThat(log.nbls()).hasSize(4); // the send-side record is not a receive verdict
        EtwTcpipLog.Nbl first = log.nbls().get(0);
        assertThat(first.address()).isEqualTo("0xFFFFA50C1E2D3040");
        assertThat(first.checksumInfo().value()).isEqualTo(2);
        assertThat(first.packet()).isEqualTo(CELL);
        assertThat(first.matchedBy()).isEqualTo(EtwTcpipLog.BY_ADDRESSES);
        assertThat(first.stack()).isEqualTo("dropped: Checksum is invalid");
        assertThat(first.protocol()).isEqualTo("UDP");
        EtwTcpipLog.Nbl slow = log.nbls().get(1);
        assertThat(slow.checksumInfo().udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.NOT_CHECKED);
        assertThat(slow.packet()).isEqualTo(new OsReport.Flow("198.18.0.20", 0, "198.18.0.1", 0));
        assertThat(slow.stack()).isEqualTo("slow path: UDP checksum offload not computed");
        assertThat(log.nbls().get(3).packet()).isNull(); // 0x30 without any event naming its addresses
        assertThat(log.nblsOf(new OsReport.Flow("198.18.0.10", 623, null, 0))).hasSize(2)
                .allSatisfy(n -> assertThat(n.checksumInfo().flags()).containsExactly("UdpChecksumFailed"));
        assertThat(log.evidence()).extracting(OsReport.NicChecksum::judgement).containsExactly(NicChecksumInfo.Judgement.FLAGGED_BAD,
                NicChecksumInfo.Judgement.NOT_CHECKED, NicChecksumInfo.Judgement.FLAGGED_BAD, NicChecksumInfo.Judgement.VERIFIED_GOOD);
    }

    @Test
    void inAPktmonLogAFastPathNblTakesTheFlowOfThePacketJustBeforeIt() {
        EtwTcpipLog log = EtwTcpipLog.parse(text("etw/pktmon-with-tcpip-delivered.txt"));
        assertThat(log.nbls()).hasSize(2);
        assertThat(log.nbls().get(0).packet()).isEqualTo(new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50200));
        assertThat(log.nbls().get(0).matchedBy()).isEqualTo(EtwTcpipLog.BY_ADJACENT_PACKET);
        assertThat(log.nbls().get(0).checksumInfo().udpJudgement()).isEqualTo(NicChecksumInfo.Judgement.VERIFIED_GOOD);
        // Its own fast-path exit names its addresses: those win over the packet before it.
        assertThat(log.nbls().get(1).packet()).isEqualTo(new OsReport.Flow("198.18.0.11", 0, "198.18.0.1", 0));
        assertThat(log.nbls().get(1).matchedBy()).isEqualTo(EtwTcpipLog.BY_ADDRESSES);
    }

    @Test
    void theNetworkLayersDropOfAnIpChecksumTheDriverFailed() {
        String text = "[0]0004.00F8::t [Microsoft-Windows-TCPIP]Nbl 0xFFFF1 OOB info (1(Receive)): TcpIpChecksumNetBufferListInfo 0x4, x 0x0\n"
                + "[0]0004.00F8::t [Microsoft-Windows-TCPIP]TCPIP: Network layer (Protocol UDP, AddressFamily = IPV4) dropped 1 packet(s). "
                + "SourceAddress = 198.18.0.10 (Ignore IPv6 address). DestAddress = 198.18.0.1 (Ignore IPv6 address). Reason = Header is invalid.\n";
        assertThat(EtwTcpipLog.parse(text).nbls()).singleElement().satisfies(n -> {
            assertThat(n.checksumInfo().flags()).containsExactly("IpChecksumFailed");
            assertThat(n.packet()).isEqualTo(new OsReport.Flow("198.18.0.10", 0, "198.18.0.1", 0));
            assertThat(n.stack()).isEqualTo("dropped: Header is invalid");
        });
    }

    @Test
    void aPacketFarBeforeLendsNoFlowAndGarbageIsSkipped() {
        String text = "[0]x::t [Microsoft-Windows-PktMon] PktGroupId 1, Direction Rx\n\t198.18.0.10.623 > 198.18.0.1.5: UDP, length 8\n"
                + "[0]x::t [Microsoft-Windows-PktMon] other\n[0]x::t [Microsoft-Windows-PktMon] other\n[0]x::t [Microsoft-Windows-PktMon] other\n"
                + "[0]x::t [Microsoft-Windows-TCPIP]Nbl 0xAB OOB info (1(Receive)): TcpIpChecksumNetBufferListInfo 0x2\n"
                + "Nbl zz OOB info\nTcpIpChecksumNetBufferListInfo 0xZZ\n\u0000\u0001";
        EtwTcpipLog log = EtwTcpipLog.parse(text);
        assertThat(log.nbls()).singleElement().satisfies(n -> assertThat(n.packet()).isNull());
        assertThat(EtwTcpipLog.parse("").nbls()).isEmpty();
        assertThat(EtwTcpipLog.recognizes("hello")).isFalse();
        assertThat(EtwTcpipLog.parse("Nbl 0x1 OOB info: TcpIpChecksumNetBufferListInfo 0xFFFFFFFFFFFFFFFFFF").nbls())
                .singleElement().satisfies(n -> assertThat(n.checksumInfo().value()).isZero());
    }

    @Test
    void theNicsVerdictsNarrowToACellAndCountAsCounters() {
        OsReport all = OsReport.withDrops(java.util.Map.of(), java.util.Map.of(), List.of(), List.of())
                .withNicChecksums(EtwTcpipLog.parse(text("etw/netsh-tcpip-udp-checksum-failed.txt")).evidence());
        assertThat(all.counterDeltas()).containsEntry(OsReport.ETW_NIC_FLAGGED_BAD, 2L).containsEntry(OsReport.ETW_NIC_NOT_CHECKED, 1L)
                .containsEntry(OsReport.ETW_NIC_VERIFIED_GOOD, 1L);
        OsReport cell = all.forFlows(List.of(new OsReport.Flow("198.18.0.10", 0, null, 0)));
        assertThat(cell.nicChecksums()).hasSize(2);
        assertThat(cell.counterDeltas()).isEqualTo(java.util.Map.of(OsReport.ETW_NIC_FLAGGED_BAD, 2L));
        assertThat(all.forFlows(List.of(new OsReport.Flow("198.18.0.99", 0, null, 0))).counterDeltas()).isEmpty();
    }
}
