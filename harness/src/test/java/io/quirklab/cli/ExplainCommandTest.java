package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
    @TempDir
    Path tmp;

    private static String file(String testData) {
        return TestData.path(testData).toString();
    }

    @Test
    void aPktmonLogWithTheTcpipProviderNamesTheDropItsFlowAndTheNicsVerdict() {
        try (Console c = new Console()) {
            assertThat(c.run("explain", file("etw/pktmon-with-tcpip-checksum-drop.txt"))).isZero();
            assertThat(c.out())
                    .contains("PktMon text log")
                    .contains("drop UDP_CSUM ('INET: checksum is invalid') at component 49 TCP/IP (tcpip.sys), packet 198.18.0.10.623 > 198.18.0.1.50123")
                    .contains("NIC FLAGGED_BAD, TcpIpChecksumNetBufferListInfo 0x2 (UdpChecksumFailed)")
                    .contains("verdict (if the client timed out): DROPPED_IN_STACK NIC_FLAGGED_BAD (etw)");
            assertThat(c.err()).isEmpty();
        }
    }

    @Test
    void etwTextWithUdpChecksumFailedNamesTheFlowAndNicFlaggedBad() {
        try (Console c = new Console()) {
            assertThat(c.run("explain", "--flow", "198.18.0.10:623", file("etw/netsh-tcpip-udp-checksum-failed.txt"))).isZero();
            assertThat(c.out()).contains("Microsoft-Windows-TCPIP ETW text")
                    .contains("NBL 0xFFFFA50C1E2D3040: NIC FLAGGED_BAD, TcpIpChecksumNetBufferListInfo 0x2 (UdpChecksumFailed), packet "
                            + "198.18.0.10.623 > 198.18.0.1.50123 (by addresses); dropped: Checksum is invalid")
                    .contains("(2 more of other flows, or without one, left out by --flow)")
                    .contains("DROPPED_IN_STACK NIC_FLAGGED_BAD (etw): ").contains("marked 2 replies UdpChecksumFailed")
                    .doesNotContain("198.18.0.20.");
        }
    }

    @Test
    void aPktmonLogAloneGivesTheStacksReasonAndTheEtwTextBesideItTheNicsVerdict() {
        try (Console c = new Console()) {
            c.run("explain", file("real-world/pktmon/1.txt"));
            assertThat(c.out()).contains("drop NO_PORT ('INET: transport endpoint was not found') at component 49, packet 192.168.5.88.50005 > 192.168.5.68.50005 (UDP length 374)")
                    .contains("DROPPED_IN_STACK NO_PORT (pktmon)");
        }
    }

    @Test
    void aJapaneseLogInUtf16WithAByteOrderMarkIsRead() throws IOException {
        String text = new String(TestData.bytes("reported/pktmon-ja-25h2.txt"), StandardCharsets.UTF_8);
        byte[] utf16 = ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE);
        Path log = Files.write(tmp.resolve("pktmon-ja.txt"), utf16);
        try (Console c = new Console()) {
            assertThat(c.run("explain", log.toString())).isZero();
            assertThat(c.out()).contains(log + ": PktMon text log")
                    .contains("drop PKTMON_INET_ACCEPT_INSPECTION ('INET: accept inspection') at component 119, packet 198.18.0.10.623 > 198.18.0.1.50123");
        }
    }

    @Test
    void jsonCarriesTheEvidenceAndTheVerdict() throws IOException {
        try (Console c = new Console()) {
            assertThat(c.run("explain", "--json", file("etw/pktmon-with-tcpip-checksum-drop.txt"))).isZero();
            JsonNode doc = new ObjectMapper().readTree(c.out());
            assertThat(doc.path("verdict").path("reason").asText()).isEqualTo("NIC_FLAGGED_BAD");
            assertThat(doc.path("verdict").path("source").asText()).isEqualTo("etw");
            assertThat(doc.path("evidence").path("counterDeltas").path("Etw.NicFlaggedBad").asLong()).isEqualTo(1);
            assertThat(doc.path("evidence").path("drops").path(0).path("packet").path("src").asText()).isEqualTo("198.18.0.10");
        }
    }

    @Test
    void unreadableBinaryEmptyAndDirectoryInputGetOneLineEach() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        Path binary = Files.write(tmp.resolve("trace.etl"), new byte[] {0, 1, 2, 3, 4, 5, 0, 0, 7, 8, 0, 9, 0x7f, 1, 2, 3});
        Path prose = Files.writeString(tmp.resolve("notes.txt"), "the BMC did not answer on Tuesday\n", StandardCharsets.UTF_8);
        try (Console c = new Console()) {
            assertThat(c.run("explain", empty.toString(), binary.toString(), prose.toString(), tmp.toString(),
                    tmp.resolve("nope.txt").toString())).isEqualTo(1);
            String[] lines = c.out().split("\\R");
            assertThat(lines).hasSize(6);
            assertThat(lines[0]).startsWith(empty + ": the file is empty; expected a PktMon text log");
            assertThat(lines[1]).startsWith(binary + ": the file is binary");
            assertThat(lines[2]).startsWith(prose + ": not a format quirklab reads; expected a PktMon text log");
            assertThat(lines[3]).isEqualTo(tmp + ": is a directory, not an evidence file");
            assertThat(lines[4]).isEqualTo(tmp.resolve("nope.txt") + ": no such evidence file");
            assertThat(lines[5]).startsWith("verdict: none of these files carries drop evidence");
            assertThat(c.out()).doesNotContain("Tuesday").doesNotContain("Exception");
        }
    }

    @Test
    void aBadFlowIsOneLine() {
        try (Console c = new Console()) {
            assertThat(c.run("explain", "--flow", "bmc.example:623", file("real-world/pktmon/1.txt"))).isEqualTo(2);
            assertThat(c.err()).isEqualTo("explain: --flow 'bmc.example:623' is not HOST:PORT with an IPv4 address (e.g. 198.18.0.10:623)"
                    + System.lineSeparator());
        }
    }

    /** A PktMon log as a PowerShell console of {@code width} columns shows it: long lines cut, "…" at the end. */
    private Path consoleCut(String fixture, int width) throws IOException {
        String log = CommandRunner.decode(TestData.bytes(fixture), StandardCharsets.UTF_8);
        String cut = log.lines().map(l -> l.length() <= width ? l : l.substring(0, width - 1) + "\u2026")
                .collect(Collectors.joining("\r\n", "", "\r\n"));
        return Files.writeString(tmp.resolve("cut-" + width + ".txt"), cut, StandardCharsets.UTF_8);
    }

    @Test
    void aLogTheConsoleCutShortGivesItsDropsAndWhatCouldNotBeReadNeverNoDrops() throws IOException {
        Path cut = consoleCut("etw/pktmon-with-tcpip-checksum-drop.txt", 120);
        try (Console c = new Console()) {
            assertThat(c.run("explain", cut.toString())).isZero();
            assertThat(c.out()).contains(cut + ": PktMon text log [lines 1-")
                    .contains("drop UNKNOWN ('(not shown)'), packet 198.18.0.10.623 > 198.18.0.1.50123 (UDP length 48)")
                    .contains("could not read 1 line: line ").contains("(drop event: cut short by the console before its drop reason could be read)")
                    .contains("verdict (if the client timed out): DROPPED_IN_STACK")
                    .doesNotContain("no drop events").doesNotContain("none of these files carries drop evidence");
        }
        Path stubs = consoleCut("real-world/pktmon/1.txt", 40);
        try (Console c = new Console()) {
            c.run("explain", stubs.toString());
            // the drop event and the "# source:" note, both cut to 40 columns: neither can be told, so no "no drops"
            assertThat(c.out()).contains("verdict: none can be given: could not read 2 event lines that look like drop events")
                    .doesNotContain("none of these files carries drop evidence");
        }
    }

    @Test
    void aPwruDropWithItsFlowGivesAVerdictForThatFlowLikeAKfreeSkbRecord() {
        try (Console c = new Console()) {
            assertThat(c.run("explain", "--flow", "172.20.10.2:33918", file("real-world/pwru/1.txt"))).isZero();
            assertThat(c.out()).contains("drop NETFILTER_DROP, packet 172.20.10.2.33918 > 1.1.1.1.4240 (pwru: kfree_skb_reason)")
                    .contains("verdict (if the client timed out): DROPPED_IN_STACK NETFILTER_DROP (kfree_skb)");
            c.reset();
            c.run("explain", "--flow", "198.18.0.10:623", file("real-world/pwru/1.txt"));
            assertThat(c.out()).contains("(1 more of other flows, or without one, left out by --flow)")
                    .contains("verdict: none of these files carries drop evidence");
        }
    }

    @Test
    void jsonSaysPerFileTheFormatWhereItWasAndWhatWasNotRead() throws IOException {
        Path cut = consoleCut("etw/pktmon-with-tcpip-checksum-drop.txt", 120);
        try (Console c = new Console()) {
            assertThat(c.run("explain", "--json", cut.toString(), file("real-world/ethtool-i/2.txt"))).isZero();
            JsonNode doc = new ObjectMapper().readTree(c.out());
            JsonNode log = doc.path("files").path(0).path("outputs").path(0);
            assertThat(log.path("format").asText()).isEqualTo("PktMon text log");
            assertThat(log.path("reading").path("firstLine").asInt()).isEqualTo(1);
            assertThat(log.path("reading").path("linesRead").asInt()).isPositive();
            assertThat(log.path("reading").path("unread").asInt()).isEqualTo(1);
            assertThat(log.path("reading").path("notRead").path(0).path("why").asText()).contains("cut short");
            assertThat(log.path("log").path("drops").path(0).path("reason").asText()).isEqualTo("UNKNOWN");
            JsonNode second = doc.path("files").path(1).path("outputs");
            assertThat(second.path(0).path("reading").path("command").asText()).isEqualTo("ethtool -i enp59s0f0");
            assertThat(second.path(1).path("adapter").path("driver").asText()).isEqualTo("iavf");
            assertThat(doc.path("unreadEvents").asInt()).isGreaterThanOrEqualTo(1); // the drop, and TCPIP events cut short
            assertThat(c.out()).doesNotContain("\"read\"").doesNotContain("coverage"); // the parsers' own indexes stay inside
        }
    }
}
