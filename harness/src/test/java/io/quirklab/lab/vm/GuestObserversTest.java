package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.Failure;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.CounterReading;
import io.quirklab.observe.DutWire;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.NicVerdict;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A guest cell's report, from real guest outputs (testdata/vm), decided by the same rules as every other lab's. */
class GuestObserversTest {
    static final GuestCounters BOOTED = GuestCounters.parse(GuestEvidenceTest.data("counters-e1000e-6.1.txt"));
    static final List<RxTrace.Packet> TRACE = RxTrace.parse(GuestEvidenceTest.data("rxtrace-e1000e-6.1.txt"));

    @Test
    void aBadReplyTheNicFlaggedIsDroppedWithTheStacksReasonAndTheNicsVerdictBesideIt() {
        GuestCounters after = bumped(Map.of("rx_csum_offload_errors", 1L, "rx_csum_offload_good", 1L),
                Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 1L, SnmpCounters.UDP_IN_DATAGRAMS, 1L));
        OsReport os = GuestObservers.report(BOOTED, after, TRACE.subList(1, 2), NicModel.E1000E, true, "e1000e on guest kernel 6.1.0-57-amd64",
                "eth0");
        NicVerdict nic = os.nicVerdict();
        assertThat(nic.errors()).isEqualTo(new CounterReading.Told("rx_csum_offload_errors", 1));
        assertThat(nic.byState()).containsExactly(Map.entry("NONE", 1L));
        assertThat(nic.packets()).containsExactly(new NicVerdict.Packet("NONE", 56, "UDP_CSUM"));
        assertThat(os.dropReasons()).containsExactly(Map.entry("UDP_CSUM", 1L));
        assertThat(os.nicCounterDeltas()).containsEntry("rx_csum_offload_errors", 1L);

        VerdictRules.Decision d = VerdictRules.decide(new Evidence(timedOut(), 1, 1, new DutWire(1, 1, 0, 0, 0, 0, 0), os, false, null));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.source()).isEqualTo(ReasonSource.KFREE_SKB);
        assertThat(d.explanation()).contains("arrived corrupt");
    }

    @Test
    void aGoodReplyTheDriverCountedAsAChecksumErrorIsDeliveredNicFlagged() {
        // what a NIC that misjudges does (QEMU's do not): the client got its reply, the driver counted an error
        GuestCounters after = bumped(Map.of("rx_csum_offload_errors", 1L), Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 1L));
        OsReport os = GuestObservers.report(BOOTED, after, TRACE.subList(1, 2).stream().map(p -> new RxTrace.Packet(p.time(), p.device(), p.skb(),
                p.state(), p.length(), null)).toList(), NicModel.E1000E, true, "e1000e", "eth0");
        VerdictRules.Decision d = VerdictRules.decide(new Evidence(Evidence.Client.succeeded(1), 1, 1, new DutWire(1, 0, 0, 0, 0, 0, 0), os,
                false, null));
        assertThat(d.verdict()).isEqualTo(Verdict.DELIVERED_NIC_FLAGGED);
        assertThat(d.source()).isEqualTo(ReasonSource.ETHTOOL);
        assertThat(d.explanation()).contains("rx_csum_offload_errors +1");
    }

    @Test
    void withRxOffOrOnANicThatNeverChecksTheCounterIsNotToldAndNoNumberStandsForIt() {
        GuestCounters after = bumped(Map.of(), Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 1L));
        NicVerdict off = GuestObservers.report(BOOTED, after, TRACE.subList(1, 2), NicModel.E1000E, false, "e1000e", "eth0").nicVerdict();
        assertThat(off.errors()).isEqualTo(new CounterReading.NotTold("rx checksumming is off: the NIC does not check"));
        assertThat(off.describe()).startsWith("not told (rx checksumming is off");
        NicVerdict e1000 = GuestObservers.report(BOOTED, after, TRACE.subList(1, 2), NicModel.E1000, true, "e1000", "eth0").nicVerdict();
        assertThat(e1000.errors()).isInstanceOf(CounterReading.NotTold.class);
        assertThat(((CounterReading.NotTold) e1000.errors()).why()).contains("never checks");
        assertThat(GuestObservers.report(BOOTED, after, List.of(), NicModel.E1000E, true, "e1000e", "eth0").sources())
                .extracting(OsReport.Source::name).containsExactly(OsReport.SNMP, OsReport.ETHTOOL, OsReport.KFREE_SKB);
    }

    private static Evidence.Client timedOut() {
        return new Evidence.Client(Failure.TIMEOUT, "timeout", 1, 1, 0);
    }

    private static GuestCounters bumped(Map<String, Long> nicDelta, Map<String, Long> snmpDelta) {
        Map<String, Long> nic = new HashMap<>(BOOTED.nic());
        nicDelta.forEach((k, d) -> nic.merge(k, d, Long::sum));
        Map<String, Long> snmp = new HashMap<>(BOOTED.snmp().values());
        snmpDelta.forEach((k, d) -> snmp.merge(k, d, Long::sum));
        return new GuestCounters(new SnmpCounters(snmp), nic, null, BOOTED.rxFrames() + 1);
    }
}
