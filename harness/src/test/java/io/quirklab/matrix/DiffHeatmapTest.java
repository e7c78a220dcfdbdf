package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static io.quirklab.matrix.HtmlPages.cell;
import static io.quirklab.matrix.HtmlPages.classes;
import static io.quirklab.matrix.HtmlPages.hasClass;
import static io.quirklab.matrix.HtmlPages.select;
import static io.quirklab.testing.Matrices.cell;
import static io.quirklab.testing.Matrices.document;
import static io.quirklab.testing.Matrices.environment;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.Comparison.Kind;
import io.quirklab.matrix.Heatmap.Geometry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The compare page without a browser: a fill per change kind, old -> new in the cells, environments side by side. */
class DiffHeatmapTest {
    private static final Comparison COMPARISON = Comparison.of(
            document("run-old", environment("5.4.0-k"), List.of(
                    cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                    cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                    cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                    cell("df-clear", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                    cell("<gone>", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED))),
            document("run-new", environment("5.6.0-k"), List.of(
                    cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                    cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                    cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                    cell("df-clear", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UNKNOWN", Verdict.DELIVERED),
                    cell("vlan-tagged", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED))));

    private static Element at(Document page, String persona, String client) {
        Geometry g = DiffHeatmap.geometry(COMPARISON);
        return cell(page, 0, g.personas().indexOf(persona), g.clients().indexOf(client));
    }

    private static List<String> lines(Element cell) {
        var spans = cell.getElementsByTagName("span");
        return java.util.stream.IntStream.range(0, spans.getLength()).mapToObj(i -> spans.item(i).getTextContent()).toList();
    }

    @Test
    void everyKindHasItsOwnColour() {
        Set<String> colours = new HashSet<>();
        for (Kind k : Kind.values()) {
            assertThat(DiffHeatmap.colour(k)).matches("#[0-9a-f]{6}");
            colours.add(DiffHeatmap.colour(k));
        }
        assertThat(colours).hasSize(Kind.values().length).doesNotContain(Heatmap.NOT_APPLICABLE_COLOUR);
    }

    @Test
    void cellsShowTheirKindAndOldToNew() {
        Document page = HtmlPages.parse(DiffHeatmap.render(COMPARISON));
        Element regression = at(page, "smdc-tyan", "java-lan");
        assertThat(classes(regression)).contains("k-regression");
        assertThat(lines(regression)).containsExactly("REGRESSION", "DELIVERED", "\u2192 DROPPED_IN_STACK (UDP_CSUM)", "expected DELIVERED");
        assertThat(regression.getAttribute("title")).contains("smdc-tyan x java-lan x offload=on",
                "REGRESSION: DELIVERED -> DROPPED_IN_STACK (UDP_CSUM)", "OLD: DELIVERED, 4/4 delivered", "NEW: DROPPED_IN_STACK (UDP_CSUM), 0/4");
        assertThat(classes(at(page, "smdc-tyan", "ipmitool-lan"))).contains("k-fix");
        Element changed = at(page, "df-clear", "java-lan");
        assertThat(classes(changed)).contains("k-changed");
        assertThat(lines(changed)).contains("DROPPED_IN_STACK (UDP_CSUM)", "\u2192 DROPPED_IN_STACK (UNKNOWN)");
        assertThat(classes(at(page, "vlan-tagged", "java-lan"))).contains("k-added");
        assertThat(classes(at(page, "<gone>", "java-lan"))).contains("k-removed");
        assertThat(lines(at(page, "<gone>", "java-lan"))).contains("REMOVED", "DELIVERED", "\u2192 (not in NEW)");
        assertThat(classes(at(page, "clean", "java-lan"))).contains("k-unchanged");
        Element na = at(page, "clean", "ipmitool-lan");
        assertThat(classes(na)).contains("na");
        assertThat(na.getTextContent()).isEqualTo("n/a");
        assertThat(select(page, "//a | //script")).isEmpty();
        assertThat(select(page, "//*[" + hasClass("rowh") + "]")).extracting(Element::getTextContent).contains("<gone>");
    }

    @Test
    void bothEnvironmentsAreSideBySideWithTheDifferencesMarked() {
        Document page = HtmlPages.parse(DiffHeatmap.render(COMPARISON));
        List<Element> rows = select(page, "//header//tr");
        List<String> texts = rows.stream().map(r -> lines(r, "td")).toList();
        assertThat(texts).contains("\u2260|run.id|run-old|run-new", "|dut_interface.driver|igb|igb",
                "\u2260|dut_interface.driver_version|5.4.0-k|5.6.0-k", "|clients.ipmitool|1.8.19|1.8.19", "|run.lab.fault_model|df-clear|df-clear");
        assertThat(select(page, "//header//tr[@class='differs']")).hasSize(2);
        assertThat(select(page, "//header//th")).extracting(Element::getTextContent)
                .contains("OLD run-old", "NEW run-new", "Debian GNU/Linux 12 / Intel I211 / igb 5.4.0-k", "Debian GNU/Linux 12 / Intel I211 / igb 5.6.0-k",
                        "1 regressions, 1 fixes, 1 changed, 1 added, 1 removed, 1 unchanged");
        assertThat(select(page, "//div[@class='legend']/div")).extracting(Element::getTextContent).contains("REGRESSION (1)", "UNCHANGED (1)");
    }

    private static String lines(Element row, String tag) {
        var cells = row.getElementsByTagName(tag);
        return String.join("|", java.util.stream.IntStream.range(0, cells.getLength()).mapToObj(i -> cells.item(i).getTextContent()).toList());
    }

    @Test
    void theHeaderHeightFitsEveryFieldRow() {
        Geometry g = DiffHeatmap.geometry(COMPARISON);
        Document page = HtmlPages.parse(DiffHeatmap.render(COMPARISON));
        int rows = select(page, "//header//tr").size();
        assertThat(g.headerHeight()).isEqualTo(Heatmap.TITLE_HEIGHT + rows * Heatmap.LINE_HEIGHT);
    }
}
