package io.quirklab.host;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.observe.KernelDropLog;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real samples of the formats explain learned to read (testdata/real-world, sources in each file's first line),
 * read as a file is read, source line and all: what a person reads in each.
 */
class PastedSamplesTest {
    /** The samples this class reads (with {@link RealWorldSamplesTest#COVERED}, every file in real-world/). */
    static final Set<String> COVERED = Set.of("pktmon-realtime/1.txt", "netsh-tcpip/1.txt", "ethtool-S/3.txt", "ethtool-S/4.txt",
            "ethtool-i/2.txt", "ethtool-k/2.txt", "snmp/1.txt", "nstat/1.txt", "dropwatch/1.txt", "dropwatch/2.txt", "dropwatch/3.txt",
            "perf-kfree-skb/1.txt", "perf-kfree-skb/2.txt", "pwru/1.txt", "pwru/2.txt", "pwru/3.txt", "ifconfig-macos/1.txt",
            "ifconfig-macos/2.txt", "netstat-freebsd/1.txt");

    /** A sample as explain reads the file: its "# source:" line included. */
    static List<ToolOutputs.ToolOutput> file(String sample) {
        return ToolOutputs.read(TestData.bytes("real-world/" + sample));
    }

    static <T extends ToolOutputs.ToolOutput> List<T> only(List<ToolOutputs.ToolOutput> outputs, Class<T> kind) {
        return outputs.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Test
    void pktmonRealTime1IsAConsoleOfPacketEventsWithoutADrop() {
        List<ToolOutputs.ToolOutput> out = file("pktmon-realtime/1.txt");
        ToolOutputs.PktmonLogOutput log = only(out, ToolOutputs.PktmonLogOutput.class).get(0);
        assertThat(log.format()).isEqualTo("PktMon real-time console");
        assertThat(log.log().drops()).isEmpty();
        assertThat(log.reading().unread()).isZero();
        assertThat(log.reading().command()).startsWith("pktmon start");
        assertThat(log.reading().linesRead()).isEqualTo(11); // six events, five packet lines: the author cut the sixth's
    }

    @Test
    void netshTcpip1TheInspectionDropOfAnOutboundIcmpPacketOnInterface13() {
        List<ToolOutputs.ToolOutput> out = file("netsh-tcpip/1.txt");
        // the "# source:" line is the one line in no format: said, not guessed at
        assertThat(out).extracting(ToolOutputs.ToolOutput::format).containsExactly("Microsoft-Windows-TCPIP ETW text", "other text");
        ToolOutputs.EtwOutput etw = (ToolOutputs.EtwOutput) out.get(0);
        assertThat(etw.log().nbls()).isEmpty(); // no checksum information in a trace without OOB events
        assertThat(etw.log().drops()).singleElement().satisfies(d -> {
            assertThat(d.source()).hasToString(OsReport.ETW);
            assertThat(d.reason()).isEqualTo("TCPIP_INSPECTION_DROP");
            assertThat(d.detail()).isEqualTo("network layer: Inspection drop (Send)");
            assertThat(d.component()).isEqualTo("interface 13");
            assertThat(d.packet()).isEqualTo(new OsReport.Flow("192.168.5.68", 0, "192.168.5.88", 0));
        });
        VerdictRules.Decision v = ToolOutputs.verdict(ToolOutputs.report(out));
        assertThat(v.reason()).hasToString("TCPIP_INSPECTION_DROP");
        assertThat(v.source()).hasToString(OsReport.ETW);
        assertThat(v.explanation()).contains("Reason 'network layer: Inspection drop (Send)'").contains("interface 13");
    }

    @Test
    void ethtoolS3TheBnxtRingsKeepTheirCountersAndTheirSum() {
        ToolOutputs.EthtoolStatsOutput s = only(file("ethtool-S/3.txt"), ToolOutputs.EthtoolStatsOutput.class).get(0);
        assertThat(s.counters()).containsEntry("[3]: rx_l4_csum_errors", 6163L).containsEntry("[0]: rx_l4_csum_errors", 3442L)
                .containsEntry("rx_total_l4_csum_errors", 428620L).doesNotContainKey("rx_l4_csum_errors");
        assertThat(s.sums()).containsEntry("rx_l4_csum_errors", 3442L + 2909 + 13872 + 6163).containsEntry("rx_discards",
                11763190L + 10611365 + 10422195 + 10573381);
        assertThat(s.checksumErrorCounters()).containsEntry("[2]: rx_l4_csum_errors", 13872L).containsEntry("rx_total_l4_csum_errors", 428620L);
        assertThat(s.reading().unread()).isZero();
    }

    @Test
    void ethtoolS4TheVmxnet3QueuesAreKeptApartAndNestedCountersUnderTheirParent() {
        ToolOutputs.EthtoolStatsOutput s = only(file("ethtool-S/4.txt"), ToolOutputs.EthtoolStatsOutput.class).get(0);
        assertThat(s.counters()).containsEntry("Rx Queue#: 0: pkts rx err", 0L).containsEntry("Rx Queue#: 1: pkts rx err", 0L)
                .containsEntry("Rx Queue#: 1: ucast pkts rx", 143523L).containsEntry("Tx Queue#: 0: drv dropped tx total / giant hdr", 0L)
                .containsEntry("Tx Queue#: 0: giant hdr", 0L).containsEntry("tx timeout count", 0L)
                .doesNotContainKeys("Tx Queue#", "pkts rx err");
        assertThat(s.sums()).containsEntry("pkts rx err", 0L).containsEntry("ucast pkts rx", 40863L + 143523)
                .containsEntry("LRO pkts rx", 5283L + 604);
    }

    @Test
    void ethtoolI2TwoOutputsAfterTheirPromptsAreTwoAdapters() {
        List<ToolOutputs.DriverOutput> d = only(file("ethtool-i/2.txt"), ToolOutputs.DriverOutput.class);
        assertThat(d).extracting(o -> o.adapter().driver()).containsExactly("ice", "iavf");
        assertThat(d).extracting(o -> o.adapter().name()).containsExactly("enp59s0f0", "enp59s0f0v0");
        assertThat(d.get(0).adapter().firmware()).isEqualTo("4.22 0x80010446 1.3197.0");
        assertThat(d.get(1).adapter().firmware()).isEqualTo("N/A");
        assertThat(d.get(1).reading().firstLine()).isEqualTo(15);
    }

    @Test
    void ethtoolK2TheOldLayoutWithBlanksInItsNamesQuotedInAMail() {
        List<ToolOutputs.OffloadsOutput> o = only(file("ethtool-k/2.txt"), ToolOutputs.OffloadsOutput.class);
        assertThat(o).singleElement().satisfies(f -> assertThat(f.adapters().get("eth0"))
                .containsEntry(OffloadKeys.RX_CHECKSUM, "on").containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.TSO, "on").containsEntry(OffloadKeys.SG, "on"));
    }

    @Test
    void snmp1SevenUdpColumnsMatchedByName() {
        ToolOutputs.CountersOutput c = only(file("snmp/1.txt"), ToolOutputs.CountersOutput.class).get(0);
        assertThat(c.format()).isEqualTo("/proc/net/snmp");
        assertThat(c.counters()).containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 88542L).containsEntry(SnmpCounters.UDP_NO_PORTS, 120L)
                .containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 0L).containsEntry("Ip.InAddrErrors", 25L).containsEntry("Tcp.MaxConn", -1L)
                .doesNotContainKey("Udp.IgnoredMulti");
        assertThat(c.reading().unread()).isZero();
        assertThat(c.reading().linesRead()).isEqualTo(12);
    }

    @Test
    void nstat1ThreeRunsOfChangesQuotedAtTwoDepthsAreThreeOutputs() {
        List<ToolOutputs.CountersOutput> c = only(file("nstat/1.txt"), ToolOutputs.CountersOutput.class);
        assertThat(c).hasSize(3).allSatisfy(o -> {
            assertThat(o.changes()).isTrue();
            assertThat(o.reading().command()).isEqualTo("nstat -n && sleep 1 && nstat");
        });
        assertThat(c.get(0).counters()).containsEntry(SnmpCounters.UDP_RCVBUF_ERRORS, 82020L).containsEntry("IpExt.InOctets", 324600000L);
        assertThat(c.get(1).counters()).containsEntry(SnmpCounters.UDP_RCVBUF_ERRORS, 2828118L);
        assertThat(c.get(2).counters()).containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 1722307L);
        VerdictRules.Decision v = ToolOutputs.verdict(ToolOutputs.report(c.stream().map(ToolOutputs.ToolOutput.class::cast).toList()));
        assertThat(v.reason()).isEqualTo(Reason.UDP_RCVBUF);
        assertThat(v.source()).hasToString(OsReport.SNMP);
    }

    @Test
    void dropwatch1TheSummaryIsDropsAtTheirLocationsWithoutAReason() {
        ToolOutputs.KernelDropsOutput k = only(file("dropwatch/1.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        assertThat(k.format()).isEqualTo(KernelDropLog.DROPWATCH);
        assertThat(k.log().drops()).hasSize(12).allMatch(d -> d.reason().equals(Reason.UNKNOWN.token()) && d.packet() == null);
        assertThat(k.log().drops().stream().mapToLong(OsReport.Drop::count).sum()).isEqualTo(1 + 6 + 6 + 19 + 5 + 9 + 7 + 6 + 14 + 15 + 2 + 2);
        assertThat(k.log().drops().get(3).component()).isEqualTo("__netif_receive_skb+49f");
        assertThat(k.log().drops().get(11).component()).isEqualTo("inet_csk_reset_xmit_timer.clone.1+265");
        assertThat(k.reading().unread()).isZero();
    }

    @Test
    void dropwatch2PacketAlertsAndASummaryInOneSession() {
        ToolOutputs.KernelDropsOutput k = only(file("dropwatch/2.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        assertThat(k.log().drops()).hasSize(5);
        assertThat(k.log().drops().get(0)).satisfies(d -> {
            assertThat(d.component()).isEqualTo("ip_rcv_finish_core.isra.0+0x1de/0x440");
            assertThat(d.detail()).isEqualTo("dropwatch: packet alert, software (IPv4)");
        });
        assertThat(k.log().drops().get(2)).satisfies(d -> {
            assertThat(d.count()).isEqualTo(4);
            assertThat(d.detail()).isEqualTo("dropwatch: drop summary, software");
        });
    }

    @Test
    void dropwatch3AHardwareDropWithItsPort() {
        ToolOutputs.KernelDropsOutput k = only(file("dropwatch/3.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        assertThat(k.log().drops()).singleElement().satisfies(d -> {
            assertThat(d.component()).isEqualTo("ingress_flow_action_drop");
            assertThat(d.detail()).isEqualTo("dropwatch: packet alert, hardware (IPv4) on enp0s16np1");
        });
    }

    @Test
    void perf1TenDropsWithTheirReasonQuotedInAMail() {
        ToolOutputs.KernelDropsOutput k = only(file("perf-kfree-skb/1.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        assertThat(k.format()).isEqualTo("perf script (skb:kfree_skb)");
        assertThat(k.log().drops()).hasSize(10).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo("NOT_SPECIFIED");
            assertThat(d.component()).isEqualTo("dev_kfree_skb_any_reason+0x2e");
            assertThat(d.detail()).isEqualTo("perf script: kfree_skb (IPv4)");
        });
        assertThat(k.reading().command()).isEqualTo("perf script");
        VerdictRules.Decision v = ToolOutputs.verdict(ToolOutputs.report(List.of(k)));
        assertThat(v.source()).hasToString(OsReport.KFREE_SKB);
        assertThat(v.explanation()).contains("kfree_skb reason NOT_SPECIFIED x10 (perf script)");
    }

    @Test
    void perf2AnOldKernelsWrappedEventWithoutReasonTakesItsPlaceFromTheStack() {
        ToolOutputs.KernelDropsOutput k = only(file("perf-kfree-skb/2.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        assertThat(k.log().drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UNKNOWN.token());
            assertThat(d.component()).isEqualTo("__dev_queue_xmit"); // the address, named by the first frame that is not the free
            assertThat(d.detail()).contains("no reason printed");
        });
        assertThat(k.reading().unread()).isZero();
        assertThat(k.reading().linesRead()).isEqualTo(20);
    }

    @Test
    void pwru1ADropWithItsReasonAndFlowGivesAVerdictForThatFlow() {
        ToolOutputs.KernelDropsOutput k = only(file("pwru/1.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        OsReport.Flow flow = new OsReport.Flow("172.20.10.2", 33918, "1.1.1.1", 4240);
        assertThat(k.log().drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("NETFILTER_DROP");
            assertThat(d.packet()).isEqualTo(flow);
        });
        OsReport forFlow = ToolOutputs.report(List.of(k)).forFlows(List.of(new OsReport.Flow("172.20.10.2", 33918, null, 0)));
        VerdictRules.Decision v = ToolOutputs.verdict(forFlow);
        assertThat(v.reason()).hasToString("NETFILTER_DROP");
        assertThat(v.source()).hasToString(OsReport.KFREE_SKB);
        assertThat(ToolOutputs.report(List.of(k)).forFlows(List.of(new OsReport.Flow("198.18.0.10", 623, null, 0))).drops()).isEmpty();
    }

    @Test
    void pwru2The1xColumnsAndADropWithoutItsReason() {
        ToolOutputs.KernelDropsOutput k = only(file("pwru/2.txt"), ToolOutputs.KernelDropsOutput.class).get(0);
        assertThat(k.log().drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UNKNOWN.token());
            assertThat(d.detail()).isEqualTo("pwru: sk_skb_reason_drop, no reason printed");
            assertThat(d.packet()).isEqualTo(new OsReport.Flow("172.16.0.1", 0, "172.16.0.2", 0));
        });
    }

    @Test
    void pwru3AnSkbThatWasNotDroppedIsNoDropButIsRead() {
        List<ToolOutputs.ToolOutput> out = file("pwru/3.txt");
        assertThat(only(out, ToolOutputs.KernelDropsOutput.class)).isEmpty(); // no drop function: not even the tool is claimed
        assertThat(ToolOutputs.report(out).drops()).isEmpty();
    }

    @Test
    void ifconfigMacos1ReceiveChecksumOffloadFromTheOptions() {
        ToolOutputs.OffloadsOutput o = only(file("ifconfig-macos/1.txt"), ToolOutputs.OffloadsOutput.class).get(0);
        assertThat(o.format()).isEqualTo("macOS ifconfig");
        assertThat(o.adapters()).containsOnlyKeys("en6");
        assertThat(o.adapters().get("en6")).containsEntry(OffloadKeys.RX_CHECKSUM, "on").containsEntry(OffloadKeys.TX_CHECKSUM, "on")
                .containsEntry(OffloadKeys.TSO, "on").containsEntry(OffloadKeys.LRO, "off");
    }

    @Test
    void ifconfigMacos2EveryInterfaceWithOffloadsToSpeakOf() {
        ToolOutputs.OffloadsOutput o = only(file("ifconfig-macos/2.txt"), ToolOutputs.OffloadsOutput.class).get(0);
        assertThat(o.adapters()).containsOnlyKeys("lo0", "en0", "en6");
        assertThat(o.adapters().get("en0")).containsEntry(OffloadKeys.RX_CHECKSUM, "on").containsEntry(OffloadKeys.TSO, "off")
                .containsEntry(OffloadKeys.RX_VLAN, "on");
    }

    @Test
    void netstatFreebsd1IsLabelledFreeBsdAndReadLikeMacos() {
        ToolOutputs.CountersOutput c = only(file("netstat-freebsd/1.txt"), ToolOutputs.CountersOutput.class).get(0);
        assertThat(c.format()).isEqualTo("FreeBSD netstat -s");
        assertThat(c.counters()).containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 20L).containsEntry(SnmpCounters.UDP_NO_PORTS, 13567L)
                .containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 391298L);
        assertThat(only(file("netstat-macos/2.txt"), ToolOutputs.CountersOutput.class).get(0).format()).isEqualTo("macOS netstat -s");
    }

    @Test
    void everyNewSampleNamesItsSource() {
        for (String f : COVERED) {
            assertThat(new String(TestData.bytes("real-world/" + f), StandardCharsets.UTF_8)).as(f).startsWith("# source: ");
        }
    }
}
