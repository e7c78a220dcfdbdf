package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Linux drop tools' line shapes beyond the real samples (testdata/real-world/perf-kfree-skb, pwru, dropwatch,
 * read in host.PastedSamplesTest): tracefs, perf trace, cut lines, a drop whose skb showed its flow earlier.
 */
class KernelDropLogTest {
    @Test
    void tracefsAndPerfTraceLinesAreKfreeSkbEventsToo() {
        KernelDropLog t = KernelDropLog.perfScript(List.of(
                "          curl-883     [001] ..s1.   340.799805: kfree_skb: skbaddr=0xffff9a2c3f1b4e00 protocol=2048 "
                        + "location=__udp4_lib_rcv+0x8fe reason: NO_SOCKET",
                "     0.000 curl/883 skb:kfree_skb(skbaddr: 0xffff9a2c3f1b4e00, location: 0xffffffff9b8ae7b5, protocol: 2048, reason: 2)"));
        assertThat(t.drops()).extracting(OsReport.Drop::reason).containsExactly("NO_SOCKET", "REASON_2");
        assertThat(t.drops().get(0).component()).isEqualTo("__udp4_lib_rcv+0x8fe");
        assertThat(t.drops().get(0).detail()).isEqualTo("tracefs: kfree_skb (IPv4)");
        assertThat(KernelDropLog.toolOf("  x-1 [000] 1.2: kfree_skb: skbaddr=0x1 protocol=0 location=0x2")).isEqualTo(KernelDropLog.PERF);
    }

    @Test
    void aPerfEventCutBeforeItsReasonIsADropThatSaysSo() {
        KernelDropLog t = KernelDropLog.perfScript(List.of(
                "  swapper     0 [014] 12814.337522: skb:kfree_skb: skbaddr=0xffff88818f145ce0 protocol=2048 location=dev_kfree_sk\u2026"));
        assertThat(t.drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UNKNOWN.token());
            assertThat(d.component()).isNull(); // what the cut left of the location is not a function
        });
        assertThat(t.coverage().unread()).isEqualTo(1);
    }

    @Test
    void aPwruDropLineWithoutItsTupleTakesTheFlowItsSkbShowedBefore() {
        KernelDropLog p = KernelDropLog.pwru(List.of(
                "SKB                CPU PROCESS          NETNS      MARK/x        IFACE       PROTO  MTU   LEN   TUPLE FUNC",
                "0xffff8ce13e5a2b00 2   ~r/bin/curl:2201 4026531840 0            0         0x0000 1500  60    198.18.0.10:623->198.18.0.1:50123(udp) ip_rcv",
                "0xffff8ce13e5a2b00 2   ~r/bin/curl:2201 4026531840 0            0         0x0000 1500  60    kfree_skb_reason(SKB_DROP_REASON_UDP_CSUM)"));
        assertThat(p.drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token());
            assertThat(d.packet()).isEqualTo(new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123));
        });
        assertThat(p.coverage().linesRead()).isEqualTo(3);
    }

    @Test
    void aDropwatchAlertWithItsReasonGivesTheReason() {
        KernelDropLog d = KernelDropLog.dropwatch(List.of("drop at: __udp4_lib_rcv+0x8fe/0xbb0 (0xffffffff9b8ae7b5)", "origin: software",
                "input port ifindex: 2", "protocol: 0x800", "length: 76", "original length: 76", "drop reason: UDP_CSUM"));
        assertThat(d.drops()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(Reason.UDP_CSUM.token());
            assertThat(x.component()).isEqualTo("__udp4_lib_rcv+0x8fe/0xbb0");
        });
        assertThat(d.coverage().linesRead()).isEqualTo(7);
    }

    @Test
    void countersNumberedPerQueueInTheirNameAreSummedToo() {
        EthtoolStats.Snapshot s = EthtoolStats.read(List.of("NIC statistics:", "     rx_queue_0_csum_err: 76", "     rx_queue_1_csum_err: 4",
                "     rx0_packets: 10", "     rx1_packets: 5", "     rx_csum_offload_errors: 3"));
        assertThat(s.counters()).containsEntry("rx_queue_0_csum_err", 76L).containsEntry("rx_csum_offload_errors", 3L);
        assertThat(s.sums()).containsEntry("rx_queue_*_csum_err", 80L).containsEntry("rx*_packets", 15L).hasSize(2);
    }
}
