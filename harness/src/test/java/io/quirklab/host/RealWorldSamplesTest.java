package io.quirklab.host;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.PktmonLog;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import io.quirklab.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every real sample in testdata/real-world (outputs people published, sources in each file's first line), read by
 * the parsers the live runs use, asserting what a person reads in it. {@link #everySampleHasItsTest} keeps it so.
 */
class RealWorldSamplesTest {
    /** The samples this class reads; a new file in real-world/ without a test here fails the build. */
    static final Set<String> COVERED = Set.of("pktmon/1.txt", "pktmon/4.txt", "pktmon/6.txt", "netstat-windows/1.txt",
            "netstat-macos/1.txt", "netstat-macos/2.txt", "ethtool-S/1.txt", "ethtool-S/2.txt", "ethtool-k/1.txt", "ethtool-i/1.txt",
            "get-netadapter/3.txt", "netadapter-checksum/1.txt");

    @Test
    void everySampleHasItsTest() throws IOException {
        Path root = TestData.directory(TestData.ROOT + "real-world").orElseThrow();
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("README.md"))
                    .forEach(p -> files.add(root.relativize(p).toString().replace('\\', '/')));
        }
        Set<String> covered = new TreeSet<>(COVERED);
        covered.addAll(PastedSamplesTest.COVERED);
        assertThat(files).isEqualTo(covered);
        for (String f : files) {
            assertThat(new String(TestData.bytes("real-world/" + f), java.nio.charset.StandardCharsets.UTF_8)).as(f).startsWith("# source: ");
        }
    }

    @Test
    void pktmon1MicrosoftsExampleIsANoSocketDropOfOneUdpFlowAtComponent49() {
        PktmonLog log = PktmonLog.parse(TestData.realWorld("pktmon/1.txt"));
        assertThat(log.drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.NO_PORT.token());
            assertThat(d.detail()).isEqualTo("INET: transport endpoint was not found");
            assertThat(d.component()).isEqualTo("49");
            assertThat(d.packet()).isEqualTo(new OsReport.Flow("192.168.5.88", 50005, "192.168.5.68", 50005));
            assertThat(d.length()).isEqualTo(374);
        });
        assertThat(log.components()).isEmpty();
    }

    @Test
    void pktmon4AbbreviatedDropLinesStillGiveTheirReasons() {
        PktmonLog log = PktmonLog.parse(TestData.realWorld("pktmon/4.txt"));
        assertThat(log.drops()).extracting(OsReport.Drop::detail).containsExactly("INET: transport endpoint was not found", "Port unreachable");
        assertThat(log.drops()).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(Reason.NO_PORT.token());
            assertThat(d.component()).isNull(); // the author cut the component field
            assertThat(d.packet()).isNull();
        });
    }

    @Test
    void pktmon6TheComponentTableOfAContainerHostHasNoDrops() {
        PktmonLog log = PktmonLog.parse(TestData.realWorld("pktmon/6.txt"));
        assertThat(log.drops()).isEmpty();
        assertThat(log.components()).isEqualTo(Map.of("106", "TCP/IPv4 - L3/L4 (tcpip.sys)", "105", "TCP/IPv4 - L3/L4 (tcpip.sys)",
                "6", "Hyper-V Virtual Ethernet Adapter #2 (VmsProxyHNic.sys)"));
    }

    @Test
    void netstatWindows1TheUdpSectionOfAWholeNetstatSIsNotTheIpSection() {
        String text = TestData.realWorld("netstat-windows/1.txt");
        assertThat(NetstatCounters.parseWindowsUdp(text)).isEqualTo(Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 40722L, SnmpCounters.UDP_NO_PORTS,
                352L, SnmpCounters.UDP_IN_ERRORS, 67544L, NetstatCounters.UDP_OUT_DATAGRAMS, 61341L));
        assertThat(NetstatCounters.parseWindowsIp(text)).containsEntry(NetstatCounters.IP_IN_RECEIVES, 1070088L)
                .containsEntry(SnmpCounters.IP_IN_HDR_ERRORS, 0L).containsEntry(SnmpCounters.IP_IN_ADDR_ERRORS, 271L)
                .containsEntry(SnmpCounters.IP_IN_DISCARDS, 67898L).containsEntry(NetstatCounters.IP_IN_DELIVERS, 1108133L)
                .containsEntry(SnmpCounters.IP_REASM_FAILS, 0L);
    }

    @Test
    void netstatMacos1TheNestedReassemblyTimeoutAndTheUdpSectionOfAWholeNetstatS() {
        String text = TestData.realWorld("netstat-macos/1.txt");
        Map<String, Long> udp = NetstatCounters.parseMacUdp(text);
        assertThat(udp).containsEntry(NetstatCounters.UDP_RECEIVED, 18821L).containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 0L)
                .containsEntry(NetstatCounters.UDP_SOFTWARE_CHECKSUMMED, 12697L).containsEntry(SnmpCounters.UDP_NO_PORTS, 326L)
                .containsEntry(SnmpCounters.UDP_RCVBUF_ERRORS, 0L).containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 17939L)
                .containsEntry(NetstatCounters.UDP_OUT_DATAGRAMS, 8580L);
        Map<String, Long> ip = NetstatCounters.parseMacIp(text);
        // "0 dropped after timeout" nested under "0 fragment received": read, not missed.
        assertThat(ip).containsEntry(SnmpCounters.IP_REASM_TIMEOUT, 0L).containsEntry(NetstatCounters.IP_FRAGMENTS_RECEIVED, 0L)
                .containsEntry(SnmpCounters.IP_IN_HDR_ERRORS, 0L).containsEntry(NetstatCounters.IP_TRAILING_BYTES, 238L)
                .containsEntry(NetstatCounters.IP_TRUNCATED, 0L).containsEntry(NetstatCounters.IP_IN_RECEIVES, 268100L);
        // The same layout with a timeout that happened: the nested line is the one that counts.
        String timedOut = text.replace("0 dropped after timeout", "3 dropped after timeout");
        assertThat(NetstatCounters.parseMacIp(timedOut)).containsEntry(SnmpCounters.IP_REASM_TIMEOUT, 3L);
        // "dropped" lines under udp (socket, buffers) are not the reassembly timeout.
        assertThat(udp).doesNotContainKey(SnmpCounters.IP_REASM_TIMEOUT);
    }

    @Test
    void netstatMacos2TabIndentedUdpSection() {
        assertThat(NetstatCounters.parseMacUdp(TestData.realWorld("netstat-macos/2.txt"))).isEqualTo(Map.of(
                NetstatCounters.UDP_RECEIVED, 16185L, NetstatCounters.UDP_INCOMPLETE_HEADER, 0L, NetstatCounters.UDP_BAD_LENGTH, 0L,
                SnmpCounters.UDP_IN_CSUM_ERRORS, 0L, NetstatCounters.UDP_NO_CHECKSUM, 0L, NetstatCounters.UDP_SOFTWARE_CHECKSUMMED, 5627L,
                SnmpCounters.UDP_NO_PORTS, 162L, SnmpCounters.UDP_RCVBUF_ERRORS, 0L, SnmpCounters.UDP_IN_DATAGRAMS, 16021L,
                NetstatCounters.UDP_OUT_DATAGRAMS, 25081L));
    }

    @Test
    void ethtoolS1AnE1000eWhoseChecksumOffloadNeverErred() {
        Map<String, Long> c = EthtoolStats.parse(TestData.realWorld("ethtool-S/1.txt"));
        assertThat(c).containsEntry("rx_csum_offload_good", 92071L).containsEntry("rx_packets", 110897L).hasSize(49);
        EthtoolStats s = new EthtoolStats("eth0", c, null);
        assertThat(s.checksumErrorCounters()).isEqualTo(Map.of("rx_csum_offload_errors", 0L));
        assertThat(c).doesNotContainKeys("driver", "version", "bus-info"); // the ethtool -i lines above are not counters
    }

    @Test
    void ethtoolS2AnIgbWhoseFirstQueueCounted76ChecksumErrors() {
        EthtoolStats s = new EthtoolStats("enp3s0", EthtoolStats.parse(TestData.realWorld("ethtool-S/2.txt")), null);
        assertThat(s.checksumErrorCounters()).isEqualTo(Map.of("rx_queue_0_csum_err", 76L, "rx_queue_1_csum_err", 0L));
        assertThat(s.counters()).containsEntry("rx_missed_errors", 270844L).containsEntry("rx_bytes", 39226365570L);
        EthtoolStats before = new EthtoolStats("enp3s0", Map.of("rx_queue_0_csum_err", 70L, "rx_queue_1_csum_err", 0L), null);
        assertThat(new OsReport(Map.of(), s.deltaSince(before), Map.of(), List.of()).nicChecksumErrorDelta()).isEqualTo(6);
    }

    @Test
    void ethtoolK1AnIgbWithReceiveChecksumOffloadOn() {
        Map<String, String> o = LinuxHost.offloads(LinuxHost.featuresFromText(TestData.realWorld("ethtool-k/1.txt")));
        assertThat(o).containsEntry(OffloadKeys.RX_CHECKSUM, "on").containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "on").containsEntry(OffloadKeys.TSO, "on").containsEntry(OffloadKeys.GRO, "on")
                .containsEntry(OffloadKeys.LRO, "off").containsEntry(OffloadKeys.RX_HASH, "off").containsEntry(OffloadKeys.USO, "off");
        assertThat(LinuxHost.featuresFromText(TestData.realWorld("ethtool-k/1.txt")).get("large-receive-offload").fixed()).isTrue();
    }

    @Test
    void ethtoolI1TheIgbDriverAndItsFirmware() {
        Map<String, String> i = LinuxHost.keyValues(TestData.realWorld("ethtool-i/1.txt"));
        assertThat(i).containsEntry("driver", "igb").containsEntry("version", "5.6.0-k")
                .containsEntry("firmware-version", "1.67, 0x80000faa, 19.5.12").containsEntry("bus-info", "0000:18:00.0");
        assertThat(ToolOutputs.read(TestData.realWorld("ethtool-i/1.txt"))).singleElement()
                .isInstanceOfSatisfying(ToolOutputs.DriverOutput.class, d -> {
                    assertThat(d.adapter().driver()).isEqualTo("igb");
                    assertThat(d.adapter().firmware()).isEqualTo("1.67, 0x80000faa, 19.5.12");
                });
    }

    @Test
    void getNetAdapter3AListViewCutMidObjectStillNamesTheDriver() {
        JsonNode list = PowerShellViews.list(TestData.realWorld("get-netadapter/3.txt"));
        assertThat(list).hasSize(1);
        MatrixDocument.DutInterface a = WindowsHost.dutInterface(list.get(0), null, Map.of());
        assertThat(a.name()).isEqualTo("Citrix Virtual Adapter");
        assertThat(a.model()).isEqualTo("Citrix Virtual Adapter");
        assertThat(a.driverFile()).isEqualTo("ctxva620.sys");
        assertThat(a.driver()).isEqualTo("ctxva620");
        assertThat(a.driverVersion()).isEqualTo("16.12.18.616");
        assertThat(a.driverDate()).isEqualTo("2018-10-29");
        assertThat(a.linkSpeed()).isEqualTo("100 Mbps");
        assertThat(list.get(0).path("NdisVersion").asText()).isEqualTo("6.20");
        assertThat(list.get(0).path("Caption").asText()).isEmpty();
    }

    @Test
    void netadapterChecksum1TwoTablesBeforeAndAfterDisablingUdpIpv4() {
        List<com.fasterxml.jackson.databind.node.ArrayNode> tables = PowerShellViews.tables(TestData.realWorld("netadapter-checksum/1.txt"));
        assertThat(tables).hasSize(2).allSatisfy(t -> assertThat(t).hasSize(6));
        assertThat(tables.get(0).get(0).path("Name").asText()).isEqualTo("PrivateNetwork-Teamed");
        Map<String, String> before = WindowsHost.offloads(MissingNode.getInstance(), tables.get(0).get(0));
        Map<String, String> after = WindowsHost.offloads(MissingNode.getInstance(), tables.get(1).get(0));
        assertThat(before).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on").containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.RX_TCP4_CHECKSUM, "off").containsEntry(OffloadKeys.RX_IP4_CHECKSUM, "on");
        assertThat(after).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off").containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "off")
                .containsEntry(OffloadKeys.RX_UDP6_CHECKSUM, "on");
        assertThat(tables.get(1)).extracting(r -> r.path("UdpIPv4Enabled").asText()).containsOnly("Disabled");
    }
}
