package io.quirklab.host;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.observe.OsReport;
import io.quirklab.observe.VerdictRules;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Format detection of hand-captured outputs: each format goes to its live parser. */
class ToolOutputsTest {
    private static List<ToolOutputs.ToolOutput> host(String fixture) {
        return ToolOutputs.read(RecordedCommands.bytes(fixture));
    }

    /** Test data as the tool printed it (a real-world sample without its "# source:" note). */
    private static List<ToolOutputs.ToolOutput> data(String path) {
        return path.startsWith("real-world/") ? ToolOutputs.read(TestData.realWorld(path.substring("real-world/".length())))
                : ToolOutputs.read(TestData.bytes(path));
    }

    @Test
    void eachFormatIsDetected() {
        assertThat(host("windows/pktmon-drops-utf16le.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("PktMon text log");
        assertThat(data("etw/pktmon-with-tcpip-checksum-drop.txt")).extracting(ToolOutputs.ToolOutput::format)
                .containsExactly("PktMon text log", "Microsoft-Windows-TCPIP ETW text");
        assertThat(data("etw/netsh-tcpip-udp-checksum-failed.txt")).extracting(ToolOutputs.ToolOutput::format)
                .containsExactly("Microsoft-Windows-TCPIP ETW text");
        assertThat(host("windows/pktmon-counters.json")).extracting(ToolOutputs.ToolOutput::format).containsExactly("pktmon counters --json");
        assertThat(host("windows/pktmon-counters.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("pktmon counters (text)");
        assertThat(host("windows/netstat-udp-fr-cp850.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("Windows netstat -s");
        assertThat(host("macos/netstat-ip-after.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("macOS netstat -s");
        assertThat(data("real-world/ethtool-S/2.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("ethtool -S");
        assertThat(data("real-world/ethtool-S/1.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("ethtool -i", "ethtool -S");
        assertThat(data("real-world/ethtool-k/1.txt")).extracting(ToolOutputs.ToolOutput::format).containsExactly("ethtool -k");
        assertThat(host("windows/get-netadapter.json")).extracting(ToolOutputs.ToolOutput::format).containsExactly("Get-NetAdapter (JSON)");
        assertThat(host("windows/checksum-offload-names.json")).extracting(ToolOutputs.ToolOutput::format)
                .containsExactly("Get-NetAdapterChecksumOffload (JSON)");
        assertThat(host("windows/advanced-properties-rx-off.json")).singleElement()
                .isInstanceOfSatisfying(ToolOutputs.OffloadsOutput.class,
                        o -> assertThat(o.adapters().values().iterator().next()).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off"));
        assertThat(data("real-world/get-netadapter/3.txt")).extracting(ToolOutputs.ToolOutput::format)
                .containsExactly("Get-NetAdapter (list view)");
        assertThat(data("real-world/netadapter-checksum/1.txt")).extracting(ToolOutputs.ToolOutput::format)
                .containsExactly("Get-NetAdapterChecksumOffload (table)");
    }

    @Test
    void defaultTableViewsOfGetNetAdapterAndItsAdvancedProperties() {
        assertThat(host("windows/get-netadapter-table.txt")).hasSize(2).allSatisfy(o -> assertThat(o.format()).isEqualTo("Get-NetAdapter (table)"))
                .first().isInstanceOfSatisfying(ToolOutputs.DriverOutput.class, d -> {
                    assertThat(d.adapter().name()).isEqualTo("Ethernet 2");
                    assertThat(d.adapter().model()).isEqualTo("Intel(R) I211 Gigabit Network Connec..."); // as far as the view goes
                    assertThat(d.adapter().mac()).isEqualTo("70:85:c2:11:22:33");
                    assertThat(d.adapter().linkSpeed()).isEqualTo("1 Gbps");
                });
        assertThat(host("windows/advanced-properties-table.txt")).singleElement().isInstanceOfSatisfying(ToolOutputs.OffloadsOutput.class,
                o -> assertThat(o.adapters().get("Ethernet 2")).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off")
                        .containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "on").containsEntry(OffloadKeys.RX_TCP4_CHECKSUM, "on")
                        .containsEntry(OffloadKeys.RSS, "on").containsEntry(OffloadKeys.LSO, "on"));
    }

    @Test
    void oneAdaptersChecksumOffloadAsAListView() {
        String list = "\nName                   : Ethernet 2\nInterfaceDescription   : Intel(R) I211 Gigabit Network Connection\n"
                + "IpIPv4Enabled          : RxTxEnabled\nTcpIPv4Enabled         : RxTxEnabled\nTcpIPv6Enabled         : RxTxEnabled\n"
                + "UdpIPv4Enabled         : TxEnabled\nUdpIPv6Enabled         : RxTxEnabled\n\n";
        assertThat(ToolOutputs.read(list)).singleElement().isInstanceOfSatisfying(ToolOutputs.OffloadsOutput.class, o -> {
            assertThat(o.format()).isEqualTo("Get-NetAdapterChecksumOffload (list view)");
            assertThat(o.adapters().get("Ethernet 2")).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off").containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "on");
        });
        // A JSON property without a value (null) stays unset: it is not a switch turned on.
        assertThat(ToolOutputs.read("[{\"RegistryKeyword\":\"*RSS\",\"RegistryValue\":null},{\"RegistryKeyword\":\"*LsoV2IPv4\",\"RegistryValue\":[\"0\"]}]"))
                .singleElement().isInstanceOfSatisfying(ToolOutputs.OffloadsOutput.class,
                        o -> assertThat(o.adapters().get("adapter")).doesNotContainKey(OffloadKeys.RSS).containsEntry(OffloadKeys.LSO, "off"));
    }

    @Test
    void pktmonCountersTextAndJsonSayTheSame() {
        ToolOutputs.PktmonCountersOutput text = (ToolOutputs.PktmonCountersOutput) host("windows/pktmon-counters.txt").get(0);
        ToolOutputs.PktmonCountersOutput json = (ToolOutputs.PktmonCountersOutput) host("windows/pktmon-counters.json").get(0);
        assertThat(text.counters()).isEqualTo(json.counters());
        assertThat(text.counters().dropsByComponent()).isEqualTo(Map.of("49 TCP/IP", 3L));
    }

    @Test
    void twoSnapshotsOfOneCounterFormatAreBeforeAndAfter() {
        List<ToolOutputs.ToolOutput> outs = new java.util.ArrayList<>(host("windows/netstat-udp-en.txt"));
        outs.addAll(host("windows/netstat-udp-en-after.txt"));
        OsReport r = ToolOutputs.report(outs);
        assertThat(r.counter("Udp.InErrors")).isEqualTo(4);
        VerdictRules.Decision d = ToolOutputs.verdict(r);
        assertThat(d.reason()).isEqualTo(Reason.UDP_ERROR);
        assertThat(d.source()).hasToString(OsReport.NETSTAT);
    }

    @Test
    void jsonOfAnotherKindAndProseAreUnreadableWithWhatWasExpected() {
        assertThat(ToolOutputs.read("{\"hello\": 1}")).singleElement().isInstanceOfSatisfying(ToolOutputs.Unreadable.class,
                u -> assertThat(u.problem()).startsWith("JSON, but none of pktmon counters --json"));
        assertThat(ToolOutputs.read("just words\n")).singleElement().isInstanceOfSatisfying(ToolOutputs.Unreadable.class,
                u -> assertThat(u.problem()).contains(ToolOutputs.EXPECTED));
        assertThat(ToolOutputs.read(new byte[0])).singleElement().isInstanceOf(ToolOutputs.Unreadable.class);
        assertThat(ToolOutputs.read("\u0000\u0001\u0002\u0003garbage\u0004".getBytes(StandardCharsets.ISO_8859_1))).singleElement()
                .isInstanceOfSatisfying(ToolOutputs.Unreadable.class, u -> assertThat(u.problem()).startsWith("the file is binary"));
    }

    /** Every fixture and real sample cut, doubled, its digits blown up or its bytes flipped: read without an exception. */
    @Test
    void mangledInputNeverThrows() throws java.io.IOException {
        java.util.Random random = new java.util.Random(15);
        List<byte[]> corpus = new java.util.ArrayList<>();
        for (String dir : List.of("real-world", "etw", "reported")) {
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(TestData.directory(TestData.ROOT + dir).orElseThrow())) {
                for (java.nio.file.Path p : s.filter(java.nio.file.Files::isRegularFile).toList()) {
                    corpus.add(java.nio.file.Files.readAllBytes(p));
                }
            }
        }
        int runs = 0;
        for (byte[] seed : corpus) {
            String text = new String(seed, StandardCharsets.UTF_8);
            List<String> variants = List.of(text.substring(0, text.length() / 2), text + text, text.replaceAll("\\d+", "99999999999999999999999"),
                    text.replace(",", "\u3001"), text.replace(":", ""), text.replace("=", ":"));
            for (String v : variants) {
                ToolOutputs.report(ToolOutputs.read(v.getBytes(StandardCharsets.UTF_8)));
                runs++;
            }
            for (int i = 0; i < 30; i++) {
                byte[] b = seed.clone();
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                ToolOutputs.verdict(ToolOutputs.report(ToolOutputs.read(b)));
                runs++;
            }
        }
        assertThat(runs).isGreaterThan(400);
    }
}
