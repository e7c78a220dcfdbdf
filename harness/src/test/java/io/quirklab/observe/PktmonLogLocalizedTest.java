package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PktMon logs in other UI languages (testdata/reported: the lines readers quoted in issue 15). */
class PktmonLogLocalizedTest {
    static final OsReport.Flow CELL = new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123);

    @Test
    void japaneseIdeographicCommasNoDropReasonLabelAndAWrappedEvent() {
        PktmonLog log = PktmonLog.parse(new String(TestData.bytes("reported/pktmon-ja-25h2.txt"), StandardCharsets.UTF_8));
        assertThat(log.drops()).singleElement().satisfies(d -> {
            assertThat(d.detail()).isEqualTo("INET: accept inspection");
            assertThat(d.reason()).isEqualTo("PKTMON_INET_ACCEPT_INSPECTION");
            assertThat(d.component()).isEqualTo("119");
            assertThat(d.packet()).isEqualTo(CELL);
        });
    }

    @Test
    void japaneseInUtf16WithoutAByteOrderMarkReadsTheSame() {
        String text = new String(TestData.bytes("reported/pktmon-ja-25h2.txt"), StandardCharsets.UTF_8);
        PktmonLog fromUtf16 = PktmonLog.parse(CommandRunner.decode(text.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.UTF_8));
        assertThat(fromUtf16).isEqualTo(PktmonLog.parse(text));
        assertThat(fromUtf16.drops()).hasSize(1);
    }

    @Test
    void japaneseOnOneLineToo() {
        String oneLine = "[00]0000.0000::2026-11-20 09:12:44.512300100 [Microsoft-Windows-PktMon] ドロップ: 方向 Rx、種類 IP、"
                + "コンポーネント 119、フィルター 1、INET: checksum is invalid 、DropLocation 0xE0004612\n";
        assertThat(PktmonLog.parse(oneLine).drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token());
            assertThat(d.component()).isEqualTo("119");
        });
    }

    @Test
    void chineseKeepsTheEnglishDropReasonLabel() {
        PktmonLog log = PktmonLog.parse(new String(TestData.bytes("reported/pktmon-zh-checksum.txt"), StandardCharsets.UTF_8));
        assertThat(log.drops()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token());
            assertThat(d.detail()).isEqualTo("INET: checksum is invalid");
            assertThat(d.component()).isEqualTo("49");
            assertThat(d.packet()).isEqualTo(CELL);
            assertThat(d.length()).isEqualTo(48);
        });
    }

    @Test
    void fullwidthCommasSeparateFieldsToo() {
        String line = "[00]0000.0000::2026 [Microsoft-Windows-PktMon] 丢弃: 方向 Rx，类型 IP，组件 49，筛选器 1，DropReason INET: checksum is invalid ，DropLocation 0xE0004612\n";
        assertThat(PktmonLog.parse(line).drops()).singleElement().satisfies(d -> {
            assertThat(d.detail()).isEqualTo("INET: checksum is invalid");
            assertThat(d.component()).isEqualTo("49");
        });
    }
}
