package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class OsEvidenceTest {
    @Test
    void reportsWhatChangedAndWhichSourcesWereThere() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(SnmpCounters.PROC_NET_SNMP), "no /proc/net/snmp here (not Linux)");
        OsReport r;
        try (OsEvidence ev = OsEvidence.begin(new CommandRunner(), "lo")) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int closedPort;
                try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    closedPort = probe.getLocalPort();
                }
                s.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(), closedPort));
            }
            r = ev.end();
            assertThat(ev.end()).isSameAs(r);
        }
        assertThat(r.counter(SnmpCounters.UDP_NO_PORTS)).isPositive();
        assertThat(r.counterDeltas().values()).doesNotContain(0L);
        assertThat(r.sources()).extracting(OsReport.Source::name).containsExactly(OsReport.SNMP, OsReport.ETHTOOL, OsReport.KFREE_SKB);
        assertThat(r.available(OsReport.SNMP)).isTrue();
        assertThat(r.available(OsReport.ETHTOOL)).isFalse(); // lo has no NIC statistics
        if (DropReasonTrace.root().isEmpty()) {
            assertThat(r.available(OsReport.KFREE_SKB)).isFalse();
            assertThat(r.describeSources()).contains("kfree_skb no (kfree_skb drop reasons unavailable: tracefs is not mounted");
        }
    }

    @Test
    void aReportKeepsOnlyWhatChanged() {
        OsReport r = new OsReport(Map.of("Udp.InCsumErrors", 4L, "Udp.NoPorts", 0L),
                Map.of("rx_csum_offload_errors", 2L, "rx_l4_csum_errors", 1L, "rx_packets", 9L, "rx_bytes", 0L), Map.of("UDP_CSUM", 4L),
                List.of(new OsReport.Source(OsReport.SNMP, true, "/proc/net/snmp")));
        assertThat(r.counterDeltas()).isEqualTo(Map.of("Udp.InCsumErrors", 4L));
        assertThat(r.counter("Udp.NoPorts")).isZero();
        assertThat(r.nicCounterDeltas()).doesNotContainKey("rx_bytes");
        assertThat(r.nicChecksumErrorDelta()).isEqualTo(3);
        assertThat(r.describeSources()).isEqualTo("snmp yes");
        assertThat(OsReport.none().describeSources()).isEqualTo("no OS source was read");
    }
}
