package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.Failure;
import io.quirklab.matrix.Verdict;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NIC_FLAGGED_BAD: the NIC driver's own verdict (TCPIP ETW), the strongest reason source. */
class VerdictRulesEtwTest {
    static final OsReport.Flow CELL = new OsReport.Flow("198.18.0.10", 623, null, 0);

    /** The fixture with PktMon's checksum drops and the driver's UdpChecksumFailed, narrowed to the cell. */
    static OsReport os() {
        String text = new String(TestData.bytes("etw/pktmon-with-tcpip-checksum-drop.txt"), StandardCharsets.UTF_8);
        return OsReport.withDrops(Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.PKTMON, true, "x")), PktmonLog.parse(text).drops())
                .withNicChecksums(EtwTcpipLog.parse(text).evidence()).forFlows(List.of(CELL));
    }

    static Evidence timedOut(OsReport os, DutWire wire) {
        return Evidence.of(Evidence.Client.failed(Failure.TIMEOUT, "timeout", 1)).withJournal(1, 1).withDutWire(wire).withOs(os);
    }

    @Test
    void validRepliesTheDriverMarkedUdpChecksumFailedAreNicFlaggedBadFromEtwBeforePktmon() {
        VerdictRules.Decision d = VerdictRules.decide(timedOut(os(), new DutWire(1, 0, 0, 0, 0, 0, 0)));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.NIC_FLAGGED_BAD);
        assertThat(d.source()).hasToString(OsReport.ETW);
        assertThat(d.explanation()).contains("the NIC driver marked 1 reply UdpChecksumFailed", "dropped: Checksum is invalid",
                "the capture shows valid checksums on the wire");
    }

    @Test
    void repliesThatArrivedCorruptWereJudgedRightAndKeepTheStacksReason() {
        VerdictRules.Decision d = VerdictRules.decide(timedOut(os(), new DutWire(1, 1, 0, 0, 0, 0, 0)));
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.source()).hasToString(OsReport.PKTMON);
        assertThat(d.explanation()).contains("arrived corrupt");
    }

    @Test
    void withoutACaptureTheVerdictSaysWhatItCouldNotSee() {
        VerdictRules.Decision d = VerdictRules.decide(timedOut(os(), null));
        assertThat(d.reason()).isEqualTo(Reason.NIC_FLAGGED_BAD);
        assertThat(d.explanation()).contains("no DUT capture to show their bytes");
    }

    @Test
    void aNicThatVouchedOrDidNotCheckIsNoReasonAndADeliveredCellStaysDelivered() {
        String text = new String(TestData.bytes("etw/pktmon-with-tcpip-delivered.txt"), StandardCharsets.UTF_8);
        OsReport os = OsReport.withDrops(Map.of(), Map.of(), List.of(), List.of()).withNicChecksums(EtwTcpipLog.parse(text).evidence());
        VerdictRules.Decision timedOut = VerdictRules.decide(timedOut(os.forFlows(List.of(CELL)), new DutWire(1, 0, 0, 0, 0, 0, 0)));
        assertThat(timedOut.reason()).isNotEqualTo(Reason.NIC_FLAGGED_BAD);
        Evidence ok = Evidence.of(Evidence.Client.succeeded(1)).withJournal(1, 1).withOs(os.forFlows(List.of(CELL)));
        assertThat(VerdictRules.decide(ok).verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(ok.os().counterDeltas()).isEqualTo(Map.of(OsReport.ETW_NIC_VERIFIED_GOOD, 1L)); // how the NIC judged the reply
    }
}
