package io.quirklab.observe.paste;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a paste adds around a tool's output, taken away; the prompts in it cut it into sections. */
class PasteTest {
    @Test
    void promptsOfEveryShellStartASectionWithTheirCommand() {
        Paste p = Paste.of("""
                PS C:\\Users\\lab> Get-NetAdapter | Format-List *
                Name : Ethernet 2
                C:\\Users\\SecurityNik>pktmon counters
                x
                root@host:~# ethtool -i enp59s0f0
                driver: ice
                [root@localhost src]# ./dropwatch -l kas
                dropwatch> start
                leinen@zhdk0192:~$ sudo ethtool -S p3p1
                NIC statistics:
                test-server:[~]$ ethtool -k eno1
                Features for eno1:
                # ethtool -i enp59s0f0v0
                driver: iavf
                $ nstat -n && sleep 1 && nstat
                #kernel
                """);
        assertThat(p.sections()).extracting(Paste.Section::command).containsExactly("Get-NetAdapter | Format-List *", "pktmon counters",
                "ethtool -i enp59s0f0", "./dropwatch -l kas", "sudo ethtool -S p3p1", "ethtool -k eno1", "ethtool -i enp59s0f0v0",
                "nstat -n && sleep 1 && nstat");
        assertThat(p.sections()).extracting(Paste.Section::tool).containsExactly("get-netadapter", "pktmon", "ethtool", "dropwatch",
                "ethtool", "ethtool", "ethtool", "nstat");
        assertThat(p.sections().get(3).texts()).containsExactly("dropwatch> start"); // dropwatch's own prompt is its output
        assertThat(p.sections().get(7).texts()).containsExactly("#kernel"); // nstat's header is not a prompt
        assertThat(p.sections().get(2).lineNumber(0)).isEqualTo(6);
    }

    @Test
    void notesAndTablesThatLookLikePromptsAreNot() {
        Paste p = Paste.of("# source: a page\n # Name   EtherType Protocol\n#PS C:\\x> get-NetAdapterChecksumOffload\n     Rx Queue#: 0\n");
        assertThat(p.sections()).singleElement().satisfies(s -> {
            assertThat(s.command()).isNull();
            assertThat(s.lines()).hasSize(4);
        });
    }

    @Test
    void quoteMarksColourCodesAndSharedIndentationGo() {
        Paste p = Paste.of("""
                > > $ nstat -n && sleep 1 && nstat
                > > #kernel
                > > IpInReceives                    885162             0.0
                >   \u001b[33mUdpInErrors\u001b[0m                     109056             0.0\s\s
                """);
        assertThat(p.sections()).singleElement().satisfies(s -> {
            assertThat(s.command()).isEqualTo("nstat -n && sleep 1 && nstat");
            assertThat(s.texts()).containsExactly("#kernel", "IpInReceives                    885162             0.0",
                    "  UdpInErrors                     109056             0.0");
        });
        Paste indented = Paste.of("  PS C:\\Users\\x> Get-NetAdapter\n\n  Name    : Ethernet\n  ifIndex : 5\n");
        assertThat(indented.sections().get(0).texts()).containsExactly("Name    : Ethernet", "ifIndex : 5");
    }

    @Test
    void everyLineEndAndEncodingGivesTheSameLines() {
        String text = "udp:\n\t16185 datagrams received\n\t162 dropped due to no socket\n";
        List<String> expected = Paste.of(text).sections().get(0).texts();
        assertThat(expected).containsExactly("udp:", "\t16185 datagrams received", "\t162 dropped due to no socket");
        for (String t : List.of(text.replace("\n", "\r\n"), text.replace("\n", "\r"), "\uFEFF" + text)) {
            assertThat(Paste.of(t.getBytes(StandardCharsets.UTF_8)).sections().get(0).texts()).isEqualTo(expected);
            assertThat(Paste.of(("\uFEFF" + t).getBytes(StandardCharsets.UTF_16LE)).sections().get(0).texts()).isEqualTo(expected);
            assertThat(Paste.of(("\uFEFF" + t).getBytes(StandardCharsets.UTF_16BE)).sections().get(0).texts()).isEqualTo(expected);
            assertThat(Paste.of(t.replace("\uFEFF", "").getBytes(StandardCharsets.UTF_16LE)).sections().get(0).texts()).isEqualTo(expected);
        }
    }

    @Test
    void blankLineRunsAreOneAndLineNumbersStayTheFiles() {
        Paste p = Paste.of("\n\n\na\n\n\n\nb\n\n");
        assertThat(p.sections().get(0).lines()).extracting(Paste.Line::number).containsExactly(4, 5, 8);
        assertThat(p.lines()).isEqualTo(9);
    }

    @Test
    void aMegabyteOfBlankLinesIsReadInLinearTime() {
        Paste.of(("\n".repeat(1 << 16) + "warm up\n").getBytes(StandardCharsets.UTF_8));
        for (String newline : List.of("\n", "\r\n")) {
            String text = newline.repeat((1 << 20) / newline.length()) + "udp:\n";
            long start = System.nanoTime();
            Paste p = Paste.of(text.getBytes(StandardCharsets.UTF_8));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(p.sections().get(0).texts()).containsExactly("udp:");
            assertThat(millis).as("milliseconds for 1 MiB of %s", newline.equals("\n") ? "LF" : "CRLF").isLessThan(500);
        }
    }

    @Test
    void aLineLongerThanAnyToolPrintsIsCutAndMarked() {
        Paste p = Paste.of("x".repeat(3 * Paste.MAX_LINE) + "\nudp:\n");
        assertThat(p.sections().get(0).texts().get(0)).hasSize(Paste.MAX_LINE + 1).endsWith("\u2026");
        assertThat(p.sections().get(0).texts().get(1)).isEqualTo("udp:");
    }
}
