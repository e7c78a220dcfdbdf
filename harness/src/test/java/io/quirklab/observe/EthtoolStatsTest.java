package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EthtoolStatsTest {
    /** ethtool -S of a veth end on kernel 6.18. */
    static final String VETH = """
            NIC statistics:
                 peer_ifindex: 11
                 rx_queue_0_xdp_packets: 0
                 rx_queue_0_xdp_bytes: 0
                 rx_queue_0_drops: 0
                 rx_queue_0_xdp_redirect: 0
                 rx_queue_0_xdp_drops: 0
                 rx_queue_0_xdp_tx: 0
                 rx_queue_0_xdp_tx_errors: 0
                 tx_queue_0_xdp_xmit: 0
                 tx_queue_0_xdp_xmit_errors: 0
            """;

    /** An excerpt of e1000e's ethtool -S (82579LM). */
    static final String E1000E = """
            NIC statistics:
                 rx_packets: 1843
                 tx_packets: 912
                 rx_errors: 0
                 rx_crc_errors: 0
                 rx_csum_offload_good: 1790
                 rx_csum_offload_errors: 4
                 tx_tcp_seg_good: 0
            """;

    @Test
    void parsesNameValueLines() {
        Map<String, Long> c = EthtoolStats.parse(VETH);
        assertThat(c).hasSize(10).containsEntry("peer_ifindex", 11L).containsEntry("tx_queue_0_xdp_xmit_errors", 0L);
        assertThat(EthtoolStats.parse("no stats available\n")).isEmpty();
        assertThat(EthtoolStats.parse("     tx-0.packets: 7\n     weird line: abc\n")).isEqualTo(Map.of("tx-0.packets", 7L));
    }

    @Test
    void vethHasNoChecksumErrorCounterAndSaysNone() {
        EthtoolStats s = new EthtoolStats("qlab-dut", EthtoolStats.parse(VETH), null);
        assertThat(s.checksumErrorCounters()).isEmpty();
        assertThat(s.describeChecksumCounters()).isEqualTo("none");
    }

    @Test
    void findsTheNicsChecksumErrorCounters() {
        EthtoolStats s = new EthtoolStats("enp0s25", EthtoolStats.parse(E1000E), null);
        assertThat(s.checksumErrorCounters()).isEqualTo(Map.of("rx_csum_offload_errors", 4L));
        assertThat(s.describeChecksumCounters()).isEqualTo("rx_csum_offload_errors=4");
        for (String yes : new String[] {"rx_csum_offload_errors", "rx_l4_csum_errors", "rx_csum_bad", "rx_csum_err", "port.rx_checksum_errors",
                "RxChecksumErrors"}) {
            assertThat(EthtoolStats.isChecksumErrorCounter(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"rx_csum_offload_good", "rx_csum_none", "rx_csum_complete", "rx_csum_unnecessary", "rx_errors",
                "tx_csum_offload_errors", "tx_queue_0_xdp_xmit_errors"}) {
            assertThat(EthtoolStats.isChecksumErrorCounter(no)).as(no).isFalse();
        }
    }

    @Test
    void deltasSubtractTheEarlierSnapshot() {
        EthtoolStats before = new EthtoolStats("x", EthtoolStats.parse(E1000E), null);
        EthtoolStats after = new EthtoolStats("x", EthtoolStats.parse(E1000E.replace("rx_csum_offload_errors: 4", "rx_csum_offload_errors: 9")
                + "     new_counter: 3\n"), null);
        assertThat(after.deltaSince(before)).containsEntry("rx_csum_offload_errors", 5L).containsEntry("rx_packets", 0L)
                .containsEntry("new_counter", 3L);
    }

    @Test
    void anInterfaceWithoutStatisticsIsReportedNotThrown() {
        Require.capability(Require.TOOLS, CommandRunner.which("ethtool").isPresent(), "Test requires ethtool: apt-get install ethtool");
        EthtoolStats lo = EthtoolStats.read(new CommandRunner(), "lo");
        assertThat(lo.available()).isFalse();
        assertThat(lo.unavailable()).startsWith("ethtool -S lo: ").contains("no stats available");
        EthtoolStats missing = EthtoolStats.read(new CommandRunner(), "qlt-none0");
        assertThat(missing.available()).isFalse();
        assertThat(missing.counters()).isEmpty();
    }
}
