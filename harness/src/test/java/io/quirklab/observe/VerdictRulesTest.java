package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.CallOutcome;
import io.quirklab.client.DatagramTiming;
import io.quirklab.client.Failure;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictRulesTest {
    static final Evidence.Client OK = Evidence.Client.succeeded(1);
    static final Evidence.Client TIMEOUT = Evidence.Client.failed(Failure.TIMEOUT, "Error: Unable to establish IPMI v1.5 / RMCP session", 4);
    static final DutWire FOUR_GOOD_REPLIES = new DutWire(4, 0, 0, 0, 0, 0, 0);
    static final OsReport.Source SNMP = new OsReport.Source(OsReport.SNMP, true, "/proc/net/snmp");
    static final OsReport.Source NO_TRACE = new OsReport.Source(OsReport.KFREE_SKB, false, "tracefs is not mounted");

    static OsReport counters(Map<String, Long> deltas) {
        return new OsReport(deltas, Map.of(), Map.of(), List.of(SNMP, NO_TRACE));
    }

    /** A timed-out probe whose 4 replies reached the DUT interface. */
    static Evidence onWire(DutWire wire, OsReport os) {
        return Evidence.of(TIMEOUT).withJournal(4, 4).withDutWire(wire).withOs(os);
    }

    static VerdictRules.Decision decide(Evidence e) {
        return VerdictRules.decide(e);
    }

    @Test
    void clientSuccessIsDelivered() {
        VerdictRules.Decision d = decide(Evidence.of(OK).withJournal(1, 1).withDutWire(new DutWire(1, 0, 0, 0, 0, 0, 0)));
        assertThat(d.verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(d.reason()).isNull();
        assertThat(d.explanation()).contains("1 of 1 requests answered");
    }

    @Test
    void successWithTheNicsChecksumCounterRisingIsFlagged() {
        OsReport os = new OsReport(Map.of(), Map.of("rx_csum_offload_errors", 3L, "rx_packets", 10L), Map.of(), List.of());
        VerdictRules.Decision d = decide(Evidence.of(OK).withOs(os));
        assertThat(d.verdict()).isEqualTo(Verdict.DELIVERED_NIC_FLAGGED);
        assertThat(d.reason()).isEqualTo(Reason.NIC_CSUM);
        assertThat(d.explanation()).contains("rx_csum_offload_errors +3").contains("ethtool -S").doesNotContain("rx_packets");
    }

    @Test
    void otherNicCountersRisingDoNotFlag() {
        OsReport os = new OsReport(Map.of(), Map.of("rx_packets", 10L, "rx_csum_offload_good", 10L), Map.of(), List.of());
        assertThat(decide(Evidence.of(OK).withOs(os)).verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void aFailureThatIsNotATimeoutIsTheClientRejectingTheReply() {
        for (Failure f : List.of(Failure.PROTOCOL_ERROR, Failure.AUTH_FAILED, Failure.COMPLETION_CODE)) {
            VerdictRules.Decision d = decide(Evidence.of(Evidence.Client.failed(f, "bad reply", 1)).withJournal(1, 1));
            assertThat(d.verdict()).isEqualTo(Verdict.CLIENT_REJECTED);
            assertThat(d.reason()).hasToString(f.name());
            assertThat(d.explanation()).contains("bad reply");
        }
    }

    @Test
    void aClientThatCouldNotRunIsAHarnessError() {
        VerdictRules.Decision d = decide(Evidence.of(Evidence.Client.failed(Failure.IO_ERROR,
                "ipmitool is not installed: apt-get install ipmitool", 0)));
        assertThat(d.verdict()).isEqualTo(Verdict.HARNESS_ERROR);
        assertThat(d.reason()).isEqualTo(Reason.CLIENT_IO_ERROR);
        assertThat(d.explanation()).contains("apt-get install ipmitool");
    }

    @Test
    void aTimeoutWithoutARequestAtTheResponderIsNoRequest() {
        VerdictRules.Decision d = decide(Evidence.of(TIMEOUT).withJournal(0, 0).withDutWire(new DutWire(0, 0, 0, 0, 0, 0, 0)));
        assertThat(d.verdict()).isEqualTo(Verdict.NO_REQUEST);
        assertThat(d.explanation()).contains("no request");
    }

    @Test
    void requestsSeenButNoReplySentIsTheHarnessesFault() {
        VerdictRules.Decision d = decide(Evidence.of(TIMEOUT).withJournal(4, 0));
        assertThat(d.verdict()).isEqualTo(Verdict.HARNESS_ERROR);
        assertThat(d.reason()).isEqualTo(Reason.NO_REPLY_SENT);
        assertThat(d.explanation()).contains("4 requests").contains("simulated BMC stayed silent");
    }

    @Test
    void repliesSentButNotOnTheDutWireAreLostBeforeTheDut() {
        VerdictRules.Decision d = decide(Evidence.of(TIMEOUT).withJournal(4, 4).withDutWire(new DutWire(0, 0, 0, 0, 0, 0, 0))
                .withOs(counters(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L))));
        assertThat(d.verdict()).isEqualTo(Verdict.LOST_BEFORE_DUT);
        assertThat(d.explanation()).contains("sent 4 replies").contains("none from the persona");
        assertThat(decide(Evidence.of(TIMEOUT).withJournal(4, 4).withDutWire(new DutWire(0, 0, 0, 0, 0, 0, 17))).explanation())
                .contains("dropped 17 frames");
    }

    @Test
    void aKernelDropReasonComesFirst() {
        OsReport os = new OsReport(Map.of(SnmpCounters.UDP_NO_PORTS, 9L), Map.of(), Map.of("UDP_CSUM", 4L, "NO_SOCKET", 1L),
                List.of(SNMP, new OsReport.Source(OsReport.KFREE_SKB, true, "tracefs filter: protocol == 2048 && reason != 2")));
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, os));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.explanation()).contains("kfree_skb reason UDP_CSUM x4 (tracefs)")
                .contains("while the capture shows valid UDP checksums: the stack saw a different checksum than the wire")
                .contains("also NO_SOCKET x1");
    }

    /**
     * Host-wide kernel reasons count other traffic's drops too (VethCaptureTest beside the scenario suites saw OTHERHOST
     * outnumber its one UDP_CSUM): the reason the capture corroborates is the cell's. Per flow, the count decides.
     */
    @Test
    void aHostWideReasonTheCaptureCorroboratesComesBeforeMoreFrequentOnes() {
        DutWire oneCorrupt = new DutWire(1, 1, 0, 0, 0, 0, 0);
        OsReport hostWide = new OsReport(Map.of(), Map.of(), Map.of("OTHERHOST", 7L, "UDP_CSUM", 1L),
                List.of(SNMP, new OsReport.Source(OsReport.KFREE_SKB, true, "tracefs filter: protocol == 2048 && reason != 2")));
        VerdictRules.Decision d = decide(onWire(oneCorrupt, hostWide));
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.explanation()).contains("kfree_skb reason UDP_CSUM x1 (tracefs)").contains("they arrived corrupt")
                .contains("also OTHERHOST x7");
        assertThat(decide(onWire(new DutWire(1, 0, 1, 0, 0, 0, 0), new OsReport(Map.of(), Map.of(), Map.of("OTHERHOST", 7L, "IP_CSUM", 1L),
                List.of()))).reason()).isEqualTo(Reason.IP_CSUM);
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, hostWide)).reason()).as("valid on the wire: nothing to corroborate").hasToString("OTHERHOST");
        OsReport perFlow = OsReport.withDrops(Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.PER_FLOW, true, "per flow")),
                List.of(new OsReport.Drop(OsReport.KFREE_SKB, "OTHERHOST", null, null, 7, new OsReport.Flow("198.18.0.10", 623, null, 0), null),
                        new OsReport.Drop(OsReport.KFREE_SKB, "UDP_CSUM", null, null, 1, new OsReport.Flow("198.18.0.10", 623, null, 0), null)));
        assertThat(perFlow.perFlow()).isTrue();
        assertThat(decide(onWire(oneCorrupt, perFlow)).reason()).as("per flow").hasToString("OTHERHOST");
    }

    @Test
    void kernelReasonsWithAMeaningOfOursAreTranslated() {
        OsReport os = new OsReport(Map.of(), Map.of(), Map.of("NO_SOCKET", 4L), List.of());
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, os));
        assertThat(d.reason()).isEqualTo(Reason.NO_PORT);
        assertThat(d.explanation()).contains("kfree_skb reason NO_SOCKET x4");
        OsReport other = new OsReport(Map.of(), Map.of(), Map.of("OTHERHOST", 4L), List.of());
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, other)).reason()).hasToString("OTHERHOST");
    }

    @Test
    void udpChecksumErrorsWithValidChecksumsOnTheWireMeanTheStackSawOtherBytes() {
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L,
                SnmpCounters.UDP_IN_ERRORS, 4L))));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.explanation()).isEqualTo("4 replies reached the DUT interface but the client timed out: Udp.InCsumErrors +4 "
                + "while the capture shows valid UDP checksums: the stack saw a different checksum than the wire");
    }

    @Test
    void udpChecksumErrorsWithBadChecksumsOnTheWireMeanTheyArrivedCorrupt() {
        VerdictRules.Decision d = decide(onWire(new DutWire(4, 4, 0, 0, 0, 0, 0), counters(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L))));
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.explanation()).contains("4 of 4 replies with wrong UDP checksums: they arrived corrupt");
    }

    @Test
    void headerErrorsWithABadIpChecksumOnTheWireAreIpChecksumDrops() {
        VerdictRules.Decision d = decide(onWire(new DutWire(4, 0, 4, 0, 0, 0, 0), counters(Map.of(SnmpCounters.IP_IN_HDR_ERRORS, 4L))));
        assertThat(d.reason()).isEqualTo(Reason.IP_CSUM);
        assertThat(d.explanation()).contains("Ip.InHdrErrors +4").contains("wrong IP header checksums");
    }

    @Test
    void headerErrorsWithGoodIpChecksumsAreOtherHeaderDrops() {
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.IP_IN_HDR_ERRORS, 4L))));
        assertThat(d.reason()).isEqualTo(Reason.IP_HDR);
        assertThat(d.explanation()).contains("Ip.InHdrErrors +4 with valid IP header checksums");
    }

    @Test
    void fragmentsOnTheWireAreFragmentDropsButLateReassemblyTimeoutsAloneAreNot() {
        VerdictRules.Decision byCounter = decide(onWire(new DutWire(4, 0, 0, 0, 4, 0, 0),
                counters(Map.of(SnmpCounters.IP_REASM_FAILS, 4L))));
        assertThat(byCounter.reason()).isEqualTo(Reason.FRAGMENT);
        assertThat(byCounter.explanation()).contains("Ip.ReasmFails +4");
        // an earlier probe's fragments time out 30 s later, during this one: not this probe's reason
        VerdictRules.Decision late = decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.IP_REASM_FAILS, 4L,
                SnmpCounters.UDP_NO_PORTS, 4L))));
        assertThat(late.reason()).isEqualTo(Reason.NO_PORT);
        VerdictRules.Decision byWire = decide(onWire(new DutWire(4, 0, 0, 0, 4, 0, 0), counters(Map.of())));
        assertThat(byWire.reason()).isEqualTo(Reason.FRAGMENT);
        assertThat(byWire.explanation()).contains("4 replies on the wire were fragments");
    }

    @Test
    void noListeningSocketIsNoPort() {
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.UDP_NO_PORTS, 4L))));
        assertThat(d.reason()).isEqualTo(Reason.NO_PORT);
        assertThat(d.explanation()).contains("Udp.NoPorts +4");
    }

    @Test
    void aFullSocketBufferAndOtherUdpErrorsHaveTheirOwnReasons() {
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.UDP_RCVBUF_ERRORS, 4L, SnmpCounters.UDP_IN_ERRORS, 4L))))
                .reason()).isEqualTo(Reason.UDP_RCVBUF);
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.UDP_IN_ERRORS, 4L)))).reason())
                .isEqualTo(Reason.UDP_ERROR);
    }

    @Test
    void taggedRepliesWithoutAVlanDeviceAreVlanDrops() {
        DutWire tagged = new DutWire(4, 0, 0, 0, 0, 4, 0);
        VerdictRules.Decision d = decide(onWire(tagged, counters(Map.of())));
        assertThat(d.reason()).isEqualTo(Reason.VLAN);
        assertThat(d.explanation()).contains("4 of 4 replies on the wire carry an 802.1Q tag");
        assertThat(decide(onWire(tagged, counters(Map.of())).withDutVlanDevice(true)).reason()).isEqualTo(Reason.UNKNOWN);
    }

    @Test
    void withoutAnyReasonItIsUnknownAndSaysWhichSourcesWereThere() {
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of("Ip.InReceives", 4L))));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UNKNOWN);
        assertThat(d.explanation()).contains("no OS source names a reason").contains("snmp yes")
                .contains("kfree_skb no (tracefs is not mounted)");
    }

    @Test
    void withoutADutCaptureOnlyTheOsCanStillTellADrop() {
        VerdictRules.Decision byOs = decide(Evidence.of(TIMEOUT).withJournal(4, 4).withOs(counters(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L))));
        assertThat(byOs.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(byOs.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(byOs.explanation()).contains("there is no DUT capture").contains("Udp.InCsumErrors +4");
        VerdictRules.Decision nothing = decide(Evidence.of(TIMEOUT).withJournal(4, 4).withOs(counters(Map.of())));
        assertThat(nothing.verdict()).isEqualTo(Verdict.HARNESS_ERROR);
        assertThat(nothing.reason()).isEqualTo(Reason.NO_DUT_CAPTURE);
    }

    @Test
    void clientEvidenceComesFromTheCallOutcome() {
        CallOutcome<String> out = new CallOutcome<>(null, Failure.TIMEOUT, "timed out", 3,
                List.of(new DatagramTiming("Get Device ID", 1, 0, -1, 23), new DatagramTiming("Get Device ID", 2, 1000, 500, 23)), 4000);
        Evidence.Client c = Evidence.Client.of(out, 1);
        assertThat(c).isEqualTo(new Evidence.Client(Failure.TIMEOUT, "timed out", 1, 3, 1));
        assertThat(c.ok()).isFalse();
    }

    @Test
    void aPktmonDropWithAChecksumReasonIsDroppedInTheStackAndNamesPktmon() {
        OsReport.Flow cell = new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123);
        OsReport.Drop drop = new OsReport.Drop(OsReport.PKTMON, Reason.UDP_CSUM.token(), "INET: checksum is invalid", "49 TCP/IP (tcpip.sys)", 1,
                cell, 48);
        OsReport os = OsReport.withDrops(Map.of(SnmpCounters.UDP_IN_ERRORS, 4L), Map.of(), List.of(
                new OsReport.Source(OsReport.PKTMON, true, "filter UDP 623"), new OsReport.Source(OsReport.NETSTAT, true, "netstat -s -p udp")),
                List.of(drop, drop, drop, drop));
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, os));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.source()).hasToString(OsReport.PKTMON);
        assertThat(d.explanation()).contains("PktMon logged 4 drops with DropReason 'INET: checksum is invalid' at component 49 TCP/IP")
                .contains("(pktmon)").contains("while the capture shows valid UDP checksums");
    }

    @Test
    void aPktmonReportFromTheWindowsFixtureNamesTheCellsDropsOnly() {
        String text = io.quirklab.process.CommandRunner.decode(HostFixtures.bytes("windows/pktmon-drops-utf16le.txt"), StandardCharsets.UTF_8);
        OsReport all = OsReport.withDrops(Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.PKTMON, true, "log")),
                PktmonLog.parse(text).drops());
        OsReport other = all.forFlows(List.of(new OsReport.Flow("198.18.0.12", 623, "198.18.0.1", 0)));
        VerdictRules.Decision mine = decide(onWire(FOUR_GOOD_REPLIES, all.forFlows(List.of(new OsReport.Flow("198.18.0.10", 623, "198.18.0.1",
                50123)))));
        assertThat(mine.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(mine.source()).hasToString(OsReport.PKTMON);
        assertThat(mine.explanation()).contains("PktMon logged 2 drops");
        VerdictRules.Decision notMine = decide(onWire(FOUR_GOOD_REPLIES, other));
        assertThat(notMine.reason()).isEqualTo(Reason.UNKNOWN);
        assertThat(notMine.source()).isNull();
    }

    @Test
    void netstatCountersNameNetstatAsTheirSource() {
        OsReport mac = new OsReport(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L), Map.of(), Map.of(),
                List.of(new OsReport.Source(OsReport.NETSTAT, true, "netstat -s -p udp")));
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, mac));
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.source()).hasToString(OsReport.NETSTAT);
        assertThat(d.explanation()).contains("Udp.InCsumErrors (netstat -s) +4");
        OsReport windows = new OsReport(Map.of(SnmpCounters.UDP_IN_ERRORS, 4L), Map.of(), Map.of(), List.of(
                new OsReport.Source(OsReport.PKTMON, false, "pktmon start exited 87"), new OsReport.Source(OsReport.NETSTAT, true, "netstat")));
        VerdictRules.Decision w = decide(onWire(FOUR_GOOD_REPLIES, windows));
        assertThat(w.reason()).isEqualTo(Reason.UDP_ERROR);
        assertThat(w.source()).hasToString(OsReport.NETSTAT);
        assertThat(w.explanation()).contains("without saying why").doesNotContain("without a checksum error");
    }

    @Test
    void everyReasonNamesItsSource() {
        OsReport kfree = new OsReport(Map.of(), Map.of(), Map.of("UDP_CSUM", 4L), List.of(SNMP));
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, kfree)).source()).hasToString(OsReport.KFREE_SKB);
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L)))).source()).hasToString(OsReport.SNMP);
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of(SnmpCounters.UDP_NO_PORTS, 4L)))).source()).hasToString(OsReport.SNMP);
        assertThat(decide(onWire(new DutWire(4, 0, 0, 0, 4, 0, 0), counters(Map.of()))).source()).isEqualTo(ReasonSource.CAPTURE);
        assertThat(decide(onWire(new DutWire(4, 0, 0, 0, 0, 4, 0), counters(Map.of()))).source()).isEqualTo(ReasonSource.CAPTURE);
        OsReport nic = new OsReport(Map.of(), Map.of("rx_csum_offload_errors", 3L), Map.of(), List.of());
        assertThat(decide(Evidence.of(OK).withOs(nic)).source()).hasToString(OsReport.ETHTOOL);
        assertThat(decide(Evidence.of(Evidence.Client.failed(Failure.PROTOCOL_ERROR, "bad", 1)).withJournal(1, 1)).source())
                .isEqualTo(ReasonSource.CLIENT);
        assertThat(decide(Evidence.of(TIMEOUT).withJournal(4, 0)).source()).isEqualTo(ReasonSource.JOURNAL);
        assertThat(decide(Evidence.of(OK)).source()).isNull();
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, counters(Map.of()))).source()).isNull();
    }

    @Test
    void theRulesCannotSeeTheFaultModel() throws IOException {
        List<Class<?>> classes = new java.util.ArrayList<>(List.of(VerdictRules.class, Evidence.class, DutWire.class, OsReport.class));
        classes.addAll(List.of(VerdictRules.class.getDeclaredClasses()));
        classes.addAll(List.of(Evidence.class.getDeclaredClasses()));
        for (Class<?> k : classes) {
            try (InputStream in = k.getResourceAsStream(k.getName().substring(k.getName().lastIndexOf('.') + 1) + ".class")) {
                String constantPool = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(constantPool).as(k.getName()).doesNotContain("io/quirklab/lab").doesNotContain("FaultModel");
            }
        }
    }

    @Test
    void repliesTheStackDeliveredToSocketsButTheClientIgnoredAreRejectedNotDropped() {
        // FreeIPMI against payload-odd: 10 of 12 replies reached its socket, 2 came after it closed it
        VerdictRules.Decision d = decide(onWire(new DutWire(12, 0, 0, 0, 0, 0, 0),
                counters(Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 10L, SnmpCounters.UDP_NO_PORTS, 2L))));
        assertThat(d.verdict()).isEqualTo(Verdict.CLIENT_REJECTED);
        assertThat(d.reason()).isEqualTo(Reason.IGNORED);
        assertThat(d.explanation()).contains("account for 2 of them").contains("did not accept");
        // host-wide noise in Udp.InDatagrams does not turn a drop into a rejection
        VerdictRules.Decision noisy = decide(onWire(new DutWire(2, 0, 0, 0, 0, 0, 0),
                counters(Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 623L, SnmpCounters.UDP_IN_CSUM_ERRORS, 4L))));
        assertThat(noisy.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(noisy.reason()).isEqualTo(Reason.UDP_CSUM);
        // checksum drops outnumber deliveries: still a drop in the stack
        VerdictRules.Decision drop = decide(onWire(FOUR_GOOD_REPLIES,
                counters(Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 1L, SnmpCounters.UDP_IN_CSUM_ERRORS, 4L))));
        assertThat(drop.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(drop.reason()).isEqualTo(Reason.UDP_CSUM);
    }

    /** Per-packet kernel drops of one flow, attributed (kfree_skb through bpftrace). */
    static OsReport perFlow(String... reasons) {
        List<OsReport.Drop> drops = new java.util.ArrayList<>();
        for (String r : reasons) {
            drops.add(new OsReport.Drop(OsReport.KFREE_SKB, r, "kfree_skb reason " + r, null, 1,
                    new OsReport.Flow("198.18.0.11", 623, "198.18.0.1", 40000), null));
        }
        return OsReport.withDrops(Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.KFREE_SKB, true, "per packet"),
                new OsReport.Source(OsReport.PER_FLOW, true, "per flow")), drops);
    }

    @Test
    void perFlowDropsNameTheKernelsReasonAndItsSource() {
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, perFlow("UDP_CSUM", "UDP_CSUM", "UDP_CSUM", "UDP_CSUM")));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.source()).hasToString(OsReport.KFREE_SKB);
        assertThat(d.explanation()).contains("for this flow's packets").contains("valid UDP checksums");
    }

    @Test
    void perFlowRepliesThatNoDropAccountsForReachedTheSocketAndWereIgnored() {
        VerdictRules.Decision d = decide(onWire(FOUR_GOOD_REPLIES, perFlow()));
        assertThat(d.verdict()).isEqualTo(Verdict.CLIENT_REJECTED);
        assertThat(d.reason()).isEqualTo(Reason.IGNORED);
        // without per-flow attribution the same evidence proves nothing: no socket counter was read
        assertThat(decide(onWire(FOUR_GOOD_REPLIES, OsReport.none())).reason()).isEqualTo(Reason.UNKNOWN);
    }

    @Test
    void everyFragmentReasonIsAFragmentDrop() {
        DutWire fragments = new DutWire(2, 0, 0, 0, 2, 0, 0);
        assertThat(decide(onWire(fragments, perFlow("DUP_FRAG"))).reason()).isEqualTo(Reason.FRAGMENT);
        assertThat(decide(onWire(fragments, perFlow("FRAG_REASM_TIMEOUT"))).reason()).isEqualTo(Reason.FRAGMENT);
    }

    @Test
    void aLaterFragmentFreedWithoutAReasonIsAFragmentDropAndAWholeDatagramIsNot() {
        DutWire fragments = new DutWire(2, 0, 0, 0, 2, 0, 0);
        OsReport purged = OsReport.withDrops(Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.KFREE_SKB, true, "per packet"),
                new OsReport.Source(OsReport.PER_FLOW, true, "per flow")), List.of(new OsReport.Drop(OsReport.KFREE_SKB, "NOT_SPECIFIED",
                "kfree_skb reason NOT_SPECIFIED", null, 1, new OsReport.Flow("198.18.0.11", 0, "198.18.0.1", 0), null)));
        assertThat(decide(onWire(fragments, purged)).reason()).isEqualTo(Reason.FRAGMENT);
        // with its UDP ports it was no fragment waiting for the others: the kernel's word stands
        assertThat(decide(onWire(fragments, perFlow("NOT_SPECIFIED"))).reason()).hasToString("NOT_SPECIFIED");
    }

    @Test
    void aTaggedFrameTheKernelCallsOtherhostIsAVlanDrop() {
        DutWire tagged = new DutWire(2, 0, 0, 0, 0, 2, 0);
        VerdictRules.Decision d = decide(onWire(tagged, perFlow("OTHERHOST", "OTHERHOST")));
        assertThat(d.reason()).isEqualTo(Reason.VLAN);
        assertThat(d.source()).hasToString(OsReport.KFREE_SKB);
        assertThat(decide(onWire(new DutWire(1, 0, 0, 0, 0, 0, 0), perFlow("OTHERHOST"))).reason()).hasToString("OTHERHOST");
    }
}
