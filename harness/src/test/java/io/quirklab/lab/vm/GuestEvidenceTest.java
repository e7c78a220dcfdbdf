package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.observe.CounterReading;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guest's evidence read from outputs of real guests (testdata/vm/README.md). */
class GuestEvidenceTest {
    static String data(String name) {
        return new String(TestData.bytes("vm/" + name), StandardCharsets.UTF_8);
    }

    @Test
    void theTraceGivesEachPacketsChecksumStateAndTiesTheDropToItsBuffer() {
        List<RxTrace.Packet> p = RxTrace.parse(data("rxtrace-e1000e-6.1.txt"));
        assertThat(p).hasSize(2);
        assertThat(p.get(0).state()).isEqualTo(RxTrace.ChecksumState.UNNECESSARY);
        assertThat(p.get(0).state().vouched()).isTrue();
        assertThat(p.get(0).dropReason()).isNull();
        assertThat(p.get(0).device()).isEqualTo("eth0");
        assertThat(p.get(0).length()).isEqualTo(56);
        assertThat(p.get(1).state()).isEqualTo(RxTrace.ChecksumState.NONE);
        assertThat(p.get(1).dropReason()).isEqualTo("UDP_CSUM");
        assertThat(p.get(1).skb()).isEqualTo("00000000222fb053");
    }

    @Test
    void aNotSpecifiedFreeIsNoDropReasonAndAnUnknownStateIsSaidSo() {
        String t = """
                  <idle>-0  [000] ..s1.  9.000001: netif_receive_skb_entry: dev=eth0 napi_id=0x0 skbaddr=00000000aaaa ip_summed=7 len=40
                  <idle>-0  [000] ..s1.  9.000002: kfree_skb: skbaddr=00000000aaaa protocol=2048 location=0000 reason: NOT_SPECIFIED
                """;
        List<RxTrace.Packet> p = RxTrace.parse(t);
        assertThat(p).hasSize(1);
        assertThat(p.get(0).state()).isEqualTo(RxTrace.ChecksumState.UNKNOWN);
        assertThat(p.get(0).dropReason()).isNull();
    }

    @Test
    void theFingerprintComesFromTheGuestsEthtoolAndSysfs() {
        GuestFingerprint e = GuestFingerprint.parse(data("fingerprint-e1000e-6.1.txt"));
        assertThat(e.kernelRelease()).isEqualTo("6.1.0-57-amd64");
        assertThat(e.driver()).isEqualTo("e1000e");
        assertThat(e.driverVersion()).isEqualTo("6.1.0-57-amd64");
        assertThat(e.moduleVersion()).isNull();
        assertThat(e.firmware()).isEqualTo("2.1-0");
        assertThat(e.pciId()).isEqualTo("8086:10d3");
        assertThat(e.subsystemId()).isEqualTo("8086:0000");
        assertThat(e.linkSpeed()).as("speed -1 before the link is up").isNull();
        assertThat(e.rxChecksumming()).isTrue();
        assertThat(e.rxChecksumFixed()).isFalse();
        assertThat(e.offloads()).containsEntry("rx_udp4_checksum", "on").containsEntry("tso", "on");
        assertThat(e.describe()).isEqualTo("e1000e 6.1.0-57-amd64 (8086:10d3, firmware 2.1-0)");

        GuestFingerprint v = GuestFingerprint.parse(data("fingerprint-vmxnet3-6.12.txt"));
        assertThat(v.driverVersion()).isEqualTo("1.9.0.0-k-NAPI");
        assertThat(v.moduleVersion()).isEqualTo("1.9.0.0-k");
        assertThat(v.pciId()).isEqualTo("15ad:07b0");
        assertThat(v.firmware()).isNull();
        assertThat(v.describe()).isEqualTo("vmxnet3 1.9.0.0-k-NAPI, kernel 6.12.118+deb12-amd64 (15ad:07b0)");
    }

    @Test
    void countersComeInOneSnapshotAndANicThatCannotTellIsNotToldNotZero() {
        GuestCounters e = GuestCounters.parse(data("counters-e1000e-6.1.txt"));
        assertThat(e.nic()).containsEntry("rx_csum_offload_errors", 0L).containsKey("rx_csum_offload_good");
        assertThat(e.snmp().values()).containsKey(SnmpCounters.UDP_IN_CSUM_ERRORS);
        assertThat(e.rxFrames()).isZero();

        GuestCounters later = bumped(e, Map.of("rx_csum_offload_errors", 1L, "rx_csum_offload_good", 2L), 1, 3);
        GuestCounters.Delta on = later.since(e, NicModel.E1000E, true);
        assertThat(on.udpInCsumErrors()).isEqualTo(1);
        assertThat(on.rxFrames()).isEqualTo(3);
        assertThat(on.nicChecksumErrors()).isEqualTo(new CounterReading.Told("rx_csum_offload_errors", 1));
        assertThat(on.nicChecksumGood()).isEqualTo(new CounterReading.Told("rx_csum_offload_good", 2));
        assertThat(on.nicChecksumErrors().describe()).isEqualTo("rx_csum_offload_errors +1");

        CounterReading off = later.since(e, NicModel.E1000E, false).nicChecksumErrors();
        assertThat(off).isEqualTo(new CounterReading.NotTold("rx checksumming is off: the NIC does not check"));
        assertThat(off.describe()).startsWith("not told (");
        assertThat(later.since(e, NicModel.E1000, true).nicChecksumErrors()).isInstanceOf(CounterReading.NotTold.class);

        GuestCounters v = GuestCounters.parse(data("counters-vmxnet3-6.12.txt"));
        assertThat(v.nic()).isNotEmpty().doesNotContainKey("rx_csum_offload_errors");
        assertThat(v.since(v, NicModel.VMXNET3, true).nicChecksumErrors())
                .isEqualTo(new CounterReading.NotTold("vmxnet3 has no such checksum counter"));
    }

    @Test
    void theBootsMilestonesAreTheGuestsUptimeAtEachStepOfItsInit() {
        assertThat(VmGuest.milestones(List.of("qvm: init at 1.93", "[    2.1] e1000e: probe", "qvm: modules at 2.61", "qvm: ready eth0 at 2.95")))
                .containsExactly(Map.entry("init", java.time.Duration.ofMillis(1930)), Map.entry("modules", java.time.Duration.ofMillis(2610)),
                        Map.entry("ready", java.time.Duration.ofMillis(2950)));
    }

    @Test
    void aGuestWithoutEthtoolStatisticsSaysWhy() {
        GuestCounters c = GuestCounters.parse("@@snmp\nUdp: InDatagrams\nUdp: 4\n@@ethtool-S\nno stats available\n@@rx\n9\n");
        assertThat(c.nicUnavailable()).isEqualTo("ethtool -S: no stats available");
        assertThat(c.since(c, NicModel.E1000E, true).nicChecksumErrors()).isEqualTo(new CounterReading.NotTold("ethtool -S: no stats available"));
        assertThat(c.snmp().get(SnmpCounters.UDP_IN_DATAGRAMS)).isEqualTo(4);
    }

    private static GuestCounters bumped(GuestCounters c, Map<String, Long> nicDelta, long csumErrors, long frames) {
        Map<String, Long> nic = new HashMap<>(c.nic());
        nicDelta.forEach((k, d) -> nic.merge(k, d, Long::sum));
        Map<String, Long> snmp = new HashMap<>(c.snmp().values());
        snmp.merge(SnmpCounters.UDP_IN_CSUM_ERRORS, csumErrors, Long::sum);
        return new GuestCounters(new SnmpCounters(snmp), nic, null, c.rxFrames() + frames);
    }
}
