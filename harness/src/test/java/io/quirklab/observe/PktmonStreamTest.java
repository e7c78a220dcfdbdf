package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PktMon read line by line: the real-time console a live run streams, and the text log, as they arrive. */
class PktmonStreamTest {
    static final OsReport.Flow CELL = new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123);

    private static List<PktmonStream.Event> feed(PktmonStream s, String text) {
        List<PktmonStream.Event> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            out.addAll(s.accept(line));
        }
        return out;
    }

    @Test
    void theRealTimeConsoleSampleIsSixPacketEventsAndNoDrop() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, TestData.realWorld("pktmon-realtime/1.txt"));
        events.addAll(s.finish());
        List<PktmonStream.Packet> packets = events.stream().filter(e -> e instanceof PktmonStream.Packet)
                .map(e -> (PktmonStream.Packet) e).toList();
        assertThat(events).noneMatch(e -> e instanceof PktmonStream.Drop).noneMatch(e -> e instanceof PktmonStream.Unreadable);
        OsReport.Flow syn = new OsReport.Flow("192.168.0.62", 65066, "172.217.2.115", 443);
        assertThat(packets).filteredOn(p -> syn.equals(p.packet())).extracting(PktmonStream.Packet::component)
                .containsExactly("78", "31", "32", "33");
        assertThat(packets).filteredOn(p -> p.packet() != null && p.packet().src().equals("172.217.2.115"))
                .extracting(PktmonStream.Packet::component).containsExactly("33");
        // the last event was cut by the author ("... <TRUNCATED FOR BREVITY>...."): it is an event without its packet
        assertThat(packets.get(packets.size() - 1)).satisfies(p -> {
            assertThat(p.component()).isEqualTo("32");
            assertThat(p.direction()).isEqualTo("Rx");
        });
        assertThat(packets.get(0).time()).isEqualTo("23:02:26.539704700");
        assertThat(packets.get(0).nanosOfDay()).isEqualTo(((23 * 60 + 2) * 60 + 26) * 1_000_000_000L + 539_704_700L);
        assertThat(packets.get(0).groupId()).isEqualTo("562949953421500");
    }

    @Test
    void aDropIsHandedOutWhenItsPacketLineArrivesNotBefore() {
        PktmonStream s = new PktmonStream();
        assertThat(s.accept("10:15:04.104011900 Drop: PktGroupId 1125899906842626, PktNumber 1, Appearance 0, Direction Rx , Type IP , "
                + "Component 49, Filter 1, DropReason INET: checksum is invalid , DropLocation 0xE0004612, OriginalSize 76, LoggedSize 76"))
                .isEmpty();
        List<PktmonStream.Event> done = s.accept("        Drop: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48");
        assertThat(done).singleElement().isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token());
            assertThat(d.component()).isEqualTo("49");
            assertThat(d.packet()).isEqualTo(CELL);
            assertThat(d.protocol()).isEqualTo("UDP");
            assertThat(d.flowFrom()).isEqualTo("packet line");
            assertThat(d.unreadable()).isNull();
            assertThat(d.line()).isEqualTo(1);
            assertThat(d.nanosOfDay()).isEqualTo(((10 * 60 + 15) * 60 + 4) * 1_000_000_000L + 104_011_900L);
        });
        assertThat(s.finish()).isEmpty();
    }

    @Test
    void aDropWithoutItsOwnPacketLineTakesTheFlowOfItsPacketGroupOrWaitsForFinish() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, """
                10:15:04.104001200 PktGroupId 77, PktNumber 1, Appearance 1, Direction Rx , Type Ethernet , Component 13, Edge 1, Filter 1, OriginalSize 90, LoggedSize 90
                        02-00-C6-12-00-0A > 70-85-C2-11-22-33, ethertype IPv4 (0x0800), length 90: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48
                10:15:04.104011900 Drop: PktGroupId 77, PktNumber 1, Appearance 0, Direction Rx , Type IP , Component 49, Filter 1, DropReason INET: checksum is invalid , DropLocation 0xE0004612, OriginalSize 76, LoggedSize 76""");
        assertThat(events).singleElement().isInstanceOf(PktmonStream.Packet.class);
        assertThat(s.finish()).singleElement().isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.packet()).isEqualTo(CELL);
            assertThat(d.flowFrom()).isEqualTo("PktGroupId 77");
        });
    }

    @Test
    void aChineseDropWhosePacketLineCameBeforeItKeepsItsComponentAndFlow() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, """
                       丢弃: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48
                [00]0000.0000::2026-11-21 14:03:21.104011900 [Microsoft-Windows-PktMon] 丢弃: 数据包编号 1, 外观 0, 方向 Rx , 类型 IP , 组件 49, 筛选器 1, DropReason INET: checksum is invalid , DropLocation 0xE0004612, 原始大小 76, 记录的大小 76
                """);
        events.addAll(s.finish());
        assertThat(events).singleElement().isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.component()).isEqualTo("49");
            assertThat(d.direction()).isEqualTo("Rx");
            assertThat(d.packet()).isEqualTo(CELL);
            assertThat(d.flowFrom()).isEqualTo("packet line before it");
        });
    }

    @Test
    void aDropCutByTheConsoleIsADropThatSaysWhatIsMissingNeverNothing() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, """
                [30]0000.0000::2025-03-27 16:10:34.934020500 [Microsoft-Windows-PktMon] Drop: PktGroupId 8444249301423149, PktNumber 1, Appearance 0, Direction Rx , Type IP , Component 49, Filter 1, DropReason INET: transport endpo…
                       Drop: ip: 192.168.5.88.50005 > 192.168.5.68.50005: UDP, length 374
                [30]0000.0000::2025-03-27 16:10:35.934020500 [Microsoft-Windows-PktMon] Drop: PktGroupId 8444249301423150, PktNumber 1, Appearance 0, Direction Rx , Ty…
                       Drop: ip: 192.168.5.88.50005 > 192.168.5.68.50005: UDP, length 374
                [30]0000.0000::2025-03-27 16:10:36.934020500 [Microsoft-Wind…
                """);
        events.addAll(s.finish());
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.reason()).isEqualTo(Reason.NO_PORT.token()); // "transport endpo" can only be one reason
            assertThat(d.detail()).isEqualTo("INET: transport endpoint was not found");
            assertThat(d.unreadable()).contains("cut its DropReason");
            assertThat(d.component()).isEqualTo("49");
            assertThat(d.packet()).isEqualTo(new OsReport.Flow("192.168.5.88", 50005, "192.168.5.68", 50005));
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.reason()).isEqualTo(Reason.UNKNOWN.token());
            assertThat(d.unreadable()).contains("before its drop reason");
            assertThat(d.packet()).isNotNull();
        });
        assertThat(events.get(2)).isInstanceOfSatisfying(PktmonStream.Unreadable.class,
                u -> assertThat(u.why()).contains("cut short"));
    }

    @Test
    void aWrappedJapaneseEventIsJoinedWithItsNextLine() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, """
                [00]0000.0000::2026-11-20 09:12:44.512300100 [Microsoft-Windows-PktMon] ドロップ: 方向 Rx、種類 IP、コンポーネント 119、フィルター 1、
                INET: accept inspection 、DropLocation 0xE0004503
                       ドロップ: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48""");
        assertThat(events).singleElement().isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.detail()).isEqualTo("INET: accept inspection");
            assertThat(d.component()).isEqualTo("119");
            assertThat(d.packet()).isEqualTo(CELL);
        });
    }

    @Test
    void memoryIsBoundedWhateverTheStreamLength() {
        PktmonStream s = new PktmonStream();
        for (int i = 0; i < 3 * PktmonStream.REMEMBERED_GROUPS; i++) {
            s.accept("10:00:00.000000001 PktGroupId " + i + ", PktNumber 1, Appearance 1, Direction Rx , Type Ethernet , Component 13");
            s.accept("        02-00-C6-12-00-0A > 70-85-C2-11-22-33, ethertype IPv4 (0x0800), length 90: 198.18.0.10.623 > 198.18.0.1."
                    + (1024 + i % 60000) + ": UDP, length 48");
        }
        // an old group is forgotten: its drop has no flow; a recent one still lends its flow
        s.accept("10:00:01.000000001 Drop: PktGroupId 0, Direction Rx , Type IP , Component 49, Filter 1, DropReason INET: checksum is invalid");
        List<PktmonStream.Event> old = s.accept("10:00:01.000000002 Drop: PktGroupId " + (3 * PktmonStream.REMEMBERED_GROUPS - 1)
                + ", Direction Rx , Type IP , Component 49, Filter 1, DropReason INET: checksum is invalid");
        assertThat(old).singleElement().isInstanceOfSatisfying(PktmonStream.Drop.class, d -> assertThat(d.packet()).isNull());
        assertThat(s.finish()).singleElement().isInstanceOfSatisfying(PktmonStream.Drop.class, d -> assertThat(d.packet()).isNotNull());
    }

    @Test
    void aLogThatPrintsEachDropsPacketLineBeforeItGivesEveryDropItsOwnFlow() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, """
                       丢弃: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48
                [00]0000.0000::2026-11-21 14:03:21.104011900 [Microsoft-Windows-PktMon] 丢弃: 方向 Rx , 类型 IP , 组件 49, 筛选器 1, 丢弃原因 INET: checksum is invalid , DropLocation 0xE0004612
                       丢弃: ip: 198.18.0.11.623 > 198.18.0.1.50999: UDP, length 48
                [00]0000.0000::2026-11-21 14:03:22.104011900 [Microsoft-Windows-PktMon] 丢弃: 方向 Rx , 类型 IP , 组件 49, 筛选器 1, 丢弃原因 INET: checksum is invalid , DropLocation 0xE0004612
                """);
        events.addAll(s.finish());
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token()); // "丢弃原因", a label not in the table: the reason is still INET's words
            assertThat(d.detail()).isEqualTo("INET: checksum is invalid");
            assertThat(d.component()).isEqualTo("49");
            assertThat(d.flowFrom()).isEqualTo("packet line before it");
        }));
        assertThat(((PktmonStream.Drop) events.get(0)).packet()).isEqualTo(CELL);
        assertThat(((PktmonStream.Drop) events.get(1)).packet().src()).isEqualTo("198.18.0.11");
    }

    @Test
    void aDropWithoutGroupIdOrPacketLineTakesThePacketLineJustBeforeIt() {
        PktmonStream s = new PktmonStream();
        List<PktmonStream.Event> events = feed(s, """
                10:15:04.104001200 PktGroupId 77, PktNumber 1, Appearance 1, Direction Rx , Type Ethernet , Component 13, Edge 1, Filter 1
                        02-00-C6-12-00-0A > 70-85-C2-11-22-33, ethertype IPv4 (0x0800), length 90: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48
                10:15:04.104011900 Drop: Direction Rx , Type IP , Component 49, Filter 1, DropReason INET: checksum is invalid""");
        events.addAll(s.finish());
        assertThat(events.get(1)).isInstanceOfSatisfying(PktmonStream.Drop.class, d -> {
            assertThat(d.packet()).isEqualTo(CELL);
            assertThat(d.flowFrom()).isEqualTo("packet line before it");
        });
    }
}
