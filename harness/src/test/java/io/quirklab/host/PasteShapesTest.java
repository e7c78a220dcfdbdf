package io.quirklab.host;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.observe.OsReport;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.SnmpCountersTest;
import io.quirklab.observe.VerdictRules;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shapes people paste in (issue 23): each read as the tool's own output would be. */
class PasteShapesTest {
    static <T extends ToolOutputs.ToolOutput> List<T> only(List<ToolOutputs.ToolOutput> outputs, Class<T> kind) {
        return PastedSamplesTest.only(outputs, kind);
    }

    static String lines(String text, java.util.function.UnaryOperator<String> each) {
        return text.lines().map(each).collect(Collectors.joining("\n", "", "\n"));
    }

    /** What a PowerShell console does to a line longer than its window: cut at {@code width}, "…" at the end. */
    static String consoleCut(String text, int width) {
        return lines(text, l -> l.length() <= width ? l : l.substring(0, width - 1) + "\u2026");
    }

    @Test
    void aPowerShellListIndentedByADocumentAfterItsPromptIsAnAdapter() {
        String paste = "  PS C:\\Users\\lab> Get-NetAdapter | Format-List *\n\n" + lines(TestData.realWorld("get-netadapter/3.txt"), l -> "  " + l);
        List<ToolOutputs.DriverOutput> d = only(ToolOutputs.read(paste), ToolOutputs.DriverOutput.class);
        assertThat(d).singleElement().satisfies(o -> {
            assertThat(o.format()).isEqualTo("Get-NetAdapter (list view)");
            assertThat(o.adapter().driverFile()).isEqualTo("ctxva620.sys");
            assertThat(o.reading().command()).isEqualTo("Get-NetAdapter | Format-List *");
        });
    }

    @Test
    void twoEthtoolInfosWithoutPromptsAreTwoAdaptersToo() {
        String both = TestData.realWorld("ethtool-i/2.txt").lines().filter(l -> !l.startsWith("# ")).collect(Collectors.joining("\n"));
        assertThat(only(ToolOutputs.read(both), ToolOutputs.DriverOutput.class)).extracting(o -> o.adapter().driver())
                .containsExactly("ice", "iavf");
    }

    @Test
    void aPktmonLogTheConsoleCutShortStillHasItsFourDropsAndNeverNone() {
        String log = CommandRunner.decode(RecordedCommands.bytes("windows/pktmon-drops-utf16le.txt"), StandardCharsets.UTF_8);
        List<OsReport.Drop> whole = only(ToolOutputs.read(log), ToolOutputs.PktmonLogOutput.class).get(0).log().drops();
        for (int width : new int[] {260, 210, 140, 120, 100}) {
            List<ToolOutputs.ToolOutput> out = ToolOutputs.read(consoleCut(log, width));
            ToolOutputs.PktmonLogOutput p = only(out, ToolOutputs.PktmonLogOutput.class).get(0);
            assertThat(p.log().drops()).as("width %d", width).hasSize(4).allMatch(d -> d.packet() != null);
            assertThat(ToolOutputs.report(out).drops()).hasSize(4);
            if (width >= 260) {
                assertThat(p.reading().unread()).isZero();
            } else {
                assertThat(p.reading().unread()).as("width %d", width).isGreaterThanOrEqualTo(4); // the four drops, and cut rows
            }
            if (width >= 210) {
                // at 210 the console cut inside the reason: what is left of it is one reason only, taken with a note
                assertThat(p.log().drops()).as("width %d", width).extracting(OsReport.Drop::reason)
                        .isEqualTo(whole.stream().map(OsReport.Drop::reason).toList());
                assertThat(p.log().drops()).allMatch(d -> d.component().startsWith("49"));
            } else {
                assertThat(p.log().drops()).as("width %d", width).allMatch(d -> d.reason().equals(Reason.UNKNOWN.token()));
            }
        }
        // cut so short that not even the kind of event shows: "could not read", not "no drops"
        List<ToolOutputs.ToolOutput> stubs = ToolOutputs.read(consoleCut(log, 50));
        assertThat(ToolOutputs.report(stubs).drops()).isEmpty();
        assertThat(ToolOutputs.unreadEvents(stubs)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aMailQuotedLogInUtf16BigEndianIsTheSameLog() {
        String log = TestData.realWorld("pktmon/1.txt");
        List<ToolOutputs.ToolOutput> plain = ToolOutputs.read(log);
        String quoted = "On Mon, someone wrote:\n" + lines(log, l -> "> " + l);
        for (byte[] bytes : List.of(quoted.getBytes(StandardCharsets.UTF_16BE), ("\uFEFF" + quoted).getBytes(StandardCharsets.UTF_16BE),
                ("\uFEFF" + quoted.replace("\n", "\r\n")).getBytes(StandardCharsets.UTF_16LE))) {
            List<ToolOutputs.ToolOutput> out = ToolOutputs.read(bytes);
            assertThat(only(out, ToolOutputs.PktmonLogOutput.class).get(0).log().drops())
                    .isEqualTo(only(plain, ToolOutputs.PktmonLogOutput.class).get(0).log().drops());
        }
    }

    @Test
    void aFileOfSeveralToolsOutputsIsReadOutputByOutput() {
        String file = "PS C:\\qlab> pktmon etl2txt run.etl\n" + TestData.realWorld("pktmon/1.txt")
                + "PS C:\\qlab> netstat -s -p udp\n" + TestData.realWorld("netstat-windows/1.txt")
                + "root@dut:~# ethtool -S enp3s0\n" + TestData.realWorld("ethtool-S/2.txt")
                + "root@dut:~# nstat -az | grep -i udp\n" + lines(TestData.realWorld("nstat/1.txt").lines().filter(l -> l.startsWith("Udp"))
                .collect(Collectors.joining("\n")), l -> l);
        List<ToolOutputs.ToolOutput> out = ToolOutputs.read(file);
        assertThat(out).extracting(ToolOutputs.ToolOutput::format).containsExactly("PktMon text log", "Windows netstat -s", "ethtool -S",
                "nstat");
        assertThat(out).extracting(o -> o.reading().command()).containsExactly("pktmon etl2txt run.etl", "netstat -s -p udp",
                "ethtool -S enp3s0", "nstat -az | grep -i udp");
        assertThat(((ToolOutputs.CountersOutput) out.get(3)).counters()).containsEntry(SnmpCounters.UDP_RCVBUF_ERRORS, 82020L)
                .hasSize(3);
        assertThat(((ToolOutputs.CountersOutput) out.get(3)).changes()).isFalse(); // -a: totals
        assertThat(((ToolOutputs.EthtoolStatsOutput) out.get(2)).iface()).isEqualTo("enp3s0");
    }

    @Test
    void aProcNetSnmpWrappedByATerminalMidNameReadsLikeTheWholeFile() {
        String whole = SnmpCountersTest.SNMP_6_18;
        StringBuilder wrapped = new StringBuilder();
        for (String l : whole.split("\n")) {
            for (int i = 0; i < l.length(); i += 120) {
                wrapped.append(l, i, Math.min(l.length(), i + 120)).append('\n');
            }
        }
        assertThat(wrapped.toString()).contains("OutReq\nuests"); // the terminal cut a name in two, as people post it
        List<ToolOutputs.CountersOutput> c = only(ToolOutputs.read(wrapped.toString()), ToolOutputs.CountersOutput.class);
        assertThat(c).singleElement().satisfies(o -> {
            assertThat(o.counters()).isEqualTo(SnmpCounters.parse(whole).values());
            assertThat(o.reading().unread()).isZero();
        });
        // grep Udp: of a 9-column kernel, and an 8-column one
        assertThat(only(ToolOutputs.read("# grep Udp: /proc/net/snmp\n" + whole.lines().filter(l -> l.startsWith("Udp:"))
                .collect(Collectors.joining("\n"))), ToolOutputs.CountersOutput.class).get(0).counters())
                .containsEntry("Udp.MemErrors", 0L).containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 1L);
        assertThat(only(ToolOutputs.read("Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti\n"
                + "Udp: 1000 5 2 800 10 0 0 0\n"), ToolOutputs.CountersOutput.class).get(0).counters())
                .containsEntry(SnmpCounters.UDP_RCVBUF_ERRORS, 10L).containsEntry("Udp.IgnoredMulti", 0L);
    }

    @Test
    void aValuesLineWithoutItsHeaderIsSaidNotZero() {
        ToolOutputs.CountersOutput c = only(ToolOutputs.read("Udp: InDatagrams NoPorts InErrors\nUdp: 1 2 3\nIcmp: 5 6\nTcp: 1 2\n"),
                ToolOutputs.CountersOutput.class).get(0);
        assertThat(c.reading().unread()).isEqualTo(2);
        assertThat(c.reading().notRead()).extracting(ToolOutputs.NotRead::line).containsExactly(3, 4);
        assertThat(c.reading().notRead().get(0).why()).contains("without its header");
    }

    @Test
    void aChineseLogWithItsComponentTableNamesTheComponentAndTheFlowBeforeTheDrop() {
        String log = """
                       丢弃: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48
                [00]0000.0000::2026-11-21 14:03:21.104011900 [Microsoft-Windows-PktMon] 丢弃: 数据包编号 1, 外观 0, 方向 Rx , 类型 IP , 组件 49, 筛选器 1, DropReason INET: checksum is invalid , DropLocation 0xE0004612, 原始大小 76, 记录的大小 76
                [00]0F2C.1A40::2026-11-21 14:03:29.000100000 [Microsoft-Windows-PktMon] 组件 49, 类型 Protocol , Name tcpip.sys, TCP/IP
                """;
        List<ToolOutputs.ToolOutput> out = ToolOutputs.read(log);
        assertThat(only(out, ToolOutputs.PktmonLogOutput.class).get(0).log().drops()).singleElement().satisfies(d -> {
            assertThat(d.component()).isEqualTo("49 TCP/IP (tcpip.sys)");
            assertThat(d.packet()).isEqualTo(new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123));
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token());
        });
    }

    /** The best of three runs of reading {@code bytes}, in milliseconds (other work on the machine only ever adds). */
    static long fastest(byte[] bytes) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThat(ToolOutputs.read(bytes)).isNotEmpty();
            best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
        }
        return best;
    }

    @Test
    void aMegabyteOfBlankLinesIsReadWellUnderASecond() {
        ToolOutputs.read("\n".repeat(1 << 16).getBytes(StandardCharsets.UTF_8)); // the JIT's first look is not the parser's time
        assertThat(fastest("\n".repeat(1 << 20).getBytes(StandardCharsets.UTF_8))).as("1 MiB of LF").isLessThan(500);
        assertThat(fastest("\r\n".repeat(1 << 19).getBytes(StandardCharsets.UTF_8))).as("1 MiB of CRLF").isLessThan(500);
        assertThat(fastest(("\uFEFF" + "\r\n".repeat(1 << 18)).getBytes(StandardCharsets.UTF_16LE))).as("1 MiB of UTF-16 CRLF")
                .isLessThan(500);
        assertThat(fastest("x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8))).as("1 MiB without a line end").isLessThan(500);
    }

    @Test
    void readingTimeGrowsWithTheTextNotWithItsSquare() {
        byte[] small = "a: 1\n".repeat(1 << 13).getBytes(StandardCharsets.UTF_8);
        byte[] large = "a: 1\n".repeat(1 << 15).getBytes(StandardCharsets.UTF_8);
        fastest(small);
        long s = fastest(small);
        long l = fastest(large);
        // four times the lines: about four times the time when linear, sixteen when quadratic
        assertThat(l).as("%d ms for 8192 lines, %d ms for 32768", s, l).isLessThan(10 * Math.max(s, 30));
    }
}
