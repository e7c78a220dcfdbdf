package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PktmonLogTest {
    static final OsReport.Flow CELL = new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123);

    static PktmonLog english() {
        return PktmonLog.parse(CommandRunner.decode(HostFixtures.bytes("windows/pktmon-drops-utf16le.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void dropLinesBecomeReasonsWithTheirPacketAndComponent() {
        PktmonLog log = english();
        assertThat(log.drops()).hasSize(4);
        OsReport.Drop first = log.drops().get(0);
        assertThat(first.source()).hasToString(OsReport.PKTMON);
        assertThat(first.reason()).isEqualTo(Reason.UDP_CSUM.token());
        assertThat(first.detail()).isEqualTo("INET: checksum is invalid");
        assertThat(first.component()).isEqualTo("49 TCP/IP (tcpip.sys)");
        assertThat(first.packet()).isEqualTo(CELL);
        assertThat(first.length()).isEqualTo(48);
        assertThat(log.drops().get(3).reason()).isEqualTo(Reason.NO_PORT.token());
        assertThat(log.components()).containsEntry("13", "Intel(R) I211 Gigabit Network Connection (e1r68x64.sys)");
    }

    @Test
    void dropsAreMatchedToOneCellsPacketsAndNotToAnotherFlow() {
        PktmonLog log = english();
        assertThat(log.dropsOf(CELL)).hasSize(2).allMatch(d -> d.reason().equals(Reason.UDP_CSUM.token()));
        assertThat(log.dropsOf(new OsReport.Flow("198.18.0.11", 623, "198.18.0.1", 0))).singleElement()
                .satisfies(d -> assertThat(d.packet().dstPort()).isEqualTo(50999));
        assertThat(log.dropsOf(new OsReport.Flow("198.18.0.12", 623, null, 0))).isEmpty();

        OsReport all = OsReport.withDrops(Map.of(), Map.of(), List.of(), log.drops());
        assertThat(all.dropReasons()).isEqualTo(Map.of(Reason.UDP_CSUM.token(), 3L, Reason.NO_PORT.token(), 1L));
        OsReport cell = all.forFlows(List.of(CELL));
        assertThat(cell.dropReasons()).isEqualTo(Map.of(Reason.UDP_CSUM.token(), 2L));
        assertThat(cell.drops()).extracting(OsReport.Drop::packet).containsOnly(CELL);
        assertThat(all.forFlows(List.of(new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 0))).dropReasons())
                .isEqualTo(Map.of(Reason.UDP_CSUM.token(), 2L, Reason.NO_PORT.token(), 1L));
    }

    @Test
    void utf16WithoutAByteOrderMarkReadsTheSame() {
        String text = CommandRunner.decode(HostFixtures.bytes("windows/pktmon-drops-utf16le.txt"), StandardCharsets.UTF_8);
        byte[] noBom = text.getBytes(StandardCharsets.UTF_16LE);
        assertThat(PktmonLog.parse(CommandRunner.decode(noBom, StandardCharsets.UTF_8))).isEqualTo(english());
    }

    @Test
    void translatedLabelsStillGiveReasonComponentAndPacket() {
        PktmonLog log = PktmonLog.parse(CommandRunner.decode(HostFixtures.bytes("windows/pktmon-drops-de.txt"), StandardCharsets.UTF_8));
        assertThat(log.drops()).hasSize(2);
        assertThat(log.drops().get(0).reason()).isEqualTo(Reason.UDP_CSUM.token());
        assertThat(log.drops().get(0).component()).isEqualTo("49 TCP/IP (tcpip.sys)");
        assertThat(log.drops().get(0).packet()).isEqualTo(CELL);
        // The second drop has no packet line of its own: the next event's packet must not be taken for it.
        assertThat(log.drops().get(1).packet()).isNull();
        assertThat(log.drops().get(1).component()).startsWith("49");
    }

    @Test
    void reasonTokensKeepUnknownWordsAndReadTheProtocol() {
        assertThat(PktmonLog.token("INET: checksum is invalid", "UDP")).isEqualTo(Reason.UDP_CSUM.token());
        assertThat(PktmonLog.token("INET: checksum is invalid", null)).isEqualTo(Reason.UDP_CSUM.token());
        assertThat(PktmonLog.token("INET: checksum is invalid", "TCP")).isEqualTo("TCP_CSUM");
        assertThat(PktmonLog.token("INET: IP header checksum is invalid", "UDP")).isEqualTo(Reason.IP_CSUM.token());
        assertThat(PktmonLog.token("Port unreachable", "UDP")).isEqualTo(Reason.NO_PORT.token());
        assertThat(PktmonLog.token("INET: Firewall blocked", "UDP")).isEqualTo("PKTMON_INET_FIREWALL_BLOCKED");
    }

    @Test
    void garbageAndOtherLinesAreSkippedAndADropWithoutItsReasonSaysSo() {
        PktmonLog log = PktmonLog.parse("hello\n\u0000\u0001 DropReason\nDropReason , ,\n[x] no drops here\n");
        assertThat(log.drops()).extracting(OsReport.Drop::reason).containsExactly(Reason.UNKNOWN.token(), Reason.UNKNOWN.token());
        assertThat(log.drops()).extracting(OsReport.Drop::detail).containsExactly("(not shown)", "(not shown)");
        assertThat(log.unreadEvents()).isEqualTo(2);
        assertThat(PktmonLog.parse("").drops()).isEmpty();
    }
}
