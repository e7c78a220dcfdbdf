package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static io.quirklab.matrix.HtmlPages.cell;
import static io.quirklab.matrix.HtmlPages.classes;
import static io.quirklab.matrix.HtmlPages.hasClass;
import static io.quirklab.matrix.HtmlPages.select;
import static io.quirklab.testing.Matrices.document;
import static io.quirklab.testing.Matrices.environment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.matrix.Heatmap.Geometry;
import io.quirklab.matrix.Heatmap.Rect;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import io.quirklab.testing.Matrices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** matrix.html without a browser: structure, content, escaping and the geometry's arithmetic. */
class HeatmapTest {
    private static final MatrixDocument REALISTIC = Matrices.realistic();

    private static String line(Element cell, int n) {
        var spans = cell.getElementsByTagName("span");
        for (int i = 0; i < spans.getLength(); i++) {
            Element span = (Element) spans.item(i);
            if (span.getAttribute("class").equals("l" + n)) {
                return span.getTextContent();
            }
        }
        return "";
    }

    @Test
    void everyVerdictHasItsOwnColourAndNoneIsTheNotApplicableColour() {
        Set<String> colours = new HashSet<>();
        for (Verdict v : Verdict.values()) {
            assertThat(Heatmap.colour(v)).matches("#[0-9a-f]{6}");
            colours.add(Heatmap.colour(v));
        }
        assertThat(colours).hasSize(Verdict.values().length).doesNotContain(Heatmap.NOT_APPLICABLE_COLOUR);
        assertThat(Heatmap.NOT_APPLICABLE_COLOUR).matches("#[0-9a-f]{6}");
    }

    @Test
    void everyCellShowsVerdictReasonCountsAndMarkersInAxesOrder() {
        Document page = HtmlPages.parse(Heatmap.render(REALISTIC));
        Geometry g = Heatmap.geometry(REALISTIC);
        assertThat(select(page, "//section/h2")).extracting(Element::getTextContent).containsExactly("offload = on", "offload = off");
        assertThat(select(page, "//section[" + hasClass("pz0") + "]/*[" + hasClass("rowh") + "]")).extracting(Element::getTextContent)
                .containsExactly("clean", "smdc-tyan", "df-clear", "bad-udp-csum", "duplicate-replies");
        assertThat(select(page, "//section[" + hasClass("pz1") + "]/*[" + hasClass("colh") + "]")).extracting(Element::getTextContent)
                .containsExactly("java-lan", "ipmitool-lan", "ipmitool-lanplus", "freeipmi-lan");
        assertThat(select(page, "//*[" + hasClass("cell") + "]")).hasSize(40);
        int checked = 0;
        for (Cell c : REALISTIC.cells()) {
            Element e = cell(page, g.offloads().indexOf(c.offload()), g.personas().indexOf(c.persona()), g.clients().indexOf(c.client()));
            assertThat(classes(e)).as(c.key().toString()).contains("v-" + c.verdict().name().toLowerCase().replace('_', '-'));
            assertThat(line(e, 1)).isEqualTo(c.verdict().name() + (c.verdict() == Verdict.INTERMITTENT
                    ? " " + c.repeatShare().orElseThrow().k() + "/" + c.repeatShare().orElseThrow().n() : ""));
            assertThat(line(e, 2)).isEqualTo(c.reason() == null ? "" : "reason " + c.reason());
            assertThat(line(e, 3)).isEqualTo(c.finding() ? "expected " + c.expected() : "");
            assertThat(line(e, 4)).startsWith(c.delivered() + "/" + c.attempts() + " delivered");
            assertThat(line(e, 4).contains("FINDING")).as(c.key() + " finding marker").isEqualTo(c.finding());
            assertThat(line(e, 4).contains("KNOWN")).as(c.key() + " known marker").isEqualTo(c.known() != null);
            assertThat(classes(e).contains("finding")).isEqualTo(c.finding());
            assertThat(classes(e).contains("known")).isEqualTo(c.known() != null);
            assertThat(e.getTagName()).isEqualTo("a");
            assertThat(e.getAttribute("href")).isEqualTo(c.evidence().pcap());
            assertThat(e.getAttribute("title")).contains(c.key().toString(), c.explanation(), "expected " + c.expected());
            checked++;
        }
        assertThat(checked).isEqualTo(39);
        Element known = cell(page, 0, 1, 0);
        assertThat(known.getAttribute("title")).contains("known: QL-12: the seed", "Udp.InCsumErrors=4",
                "client: Error: Unable to establish IPMI v1.5 / RMCP session");
    }

    @Test
    void aMissingCombinationIsANeutralNotApplicableCell() {
        Document page = HtmlPages.parse(Heatmap.render(REALISTIC));
        Element na = cell(page, 0, 1, 2); // offload=on, smdc-tyan, ipmitool-lanplus
        assertThat(classes(na)).contains("na").doesNotContain("finding", "known");
        assertThat(na.getTagName()).isEqualTo("div");
        assertThat(na.getTextContent()).isEqualTo("n/a");
        assertThat(na.getAttribute("title")).startsWith("smdc-tyan x ipmitool-lanplus x offload=on: not in this run");
        assertThat(select(page, "//*[" + hasClass("na") + " and " + hasClass("cell") + "]")).hasSize(1);
    }

    @Test
    void theHeaderNamesRunLabEnvironmentAndTotals() {
        Document page = HtmlPages.parse(Heatmap.render(REALISTIC));
        assertThat(select(page, "//h1")).singleElement().extracting(Element::getTextContent)
                .isEqualTo("Delivery matrix 2026-11-22T10:15:03Z-linux-i211");
        String header = select(page, "//header").get(0).getTextContent();
        assertThat(header).contains("lab: virtual (scenarios/labs/virtual.yaml), fault model df-clear",
                "OS: Debian GNU/Linux 12 12 (linux), kernel/build 6.1.0-26-amd64", "DUT interface: enp3s0, Intel I211, PCI 8086:1539",
                "driver: igb 5.4.0-k", "firmware 3.25, 0x800005cc", "offloads: rx_udp4_checksum=on, tx_udp4_checksum=on",
                "clients: ipmitool 1.8.19, ipmiutil 3.1.8, freeipmi 1.6.10, java 0.1.0",
                "totals: 39 cells, 14 findings, 3 known, 1 harness errors, 1 n/a of 40 combinations");
        List<String> legend = select(page, "//div[@class='legend']/div").stream().map(Element::getTextContent).toList();
        for (Verdict v : Verdict.values()) {
            assertThat(legend).contains(v.name());
        }
        assertThat(legend).contains("n/anot in this run").anyMatch(l -> l.startsWith("FINDING")).anyMatch(l -> l.startsWith("KNOWN"));
    }

    @Test
    void thePageIsSelfContainedWithoutScripts() {
        String html = Heatmap.render(REALISTIC);
        Document page = HtmlPages.parse(html);
        assertThat(select(page, "//script | //link | //iframe | //object | //img")).isEmpty();
        assertThat(select(page, "//*[@*[starts-with(name(), 'on')] or @src or @style]")).isEmpty();
        assertThat(select(page, "//style")).hasSize(1);
        assertThat(select(page, "//a")).allSatisfy(a -> assertThat(a.getAttribute("href")).doesNotContain(":").doesNotStartWith("/"));
        assertThat(html).isEqualTo(Heatmap.render(REALISTIC));
    }

    @Test
    void textFromTheFileIsEscaped() {
        String evil = "<img src=x onerror=alert(1)>&\"'";
        Cell c = Matrices.cell(evil, "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED, "</a><script>alert(2)</script>");
        Cell noLink = withPcap(Matrices.cell("p2", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED), "javascript:alert(3)");
        Cell absolute = withPcap(Matrices.cell("p3", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED), "/etc/passwd");
        Cell spaced = withPcap(Matrices.cell("p4", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED), "cells/a b#1.pcap");
        MatrixDocument doc = document("<run>", environment("<v>"), List.of(c, noLink, absolute, spaced));
        Document page = HtmlPages.parse(Heatmap.render(doc));
        assertThat(select(page, "//script | //img | //b[not(@class='mk')]")).isEmpty();
        assertThat(select(page, "//*[" + hasClass("rowh") + "]").get(0).getTextContent()).isEqualTo(evil);
        Element e = cell(page, 0, 0, 0);
        assertThat(line(e, 2)).isEqualTo("reason UDP_CSUM");
        assertThat(e.getAttribute("title")).contains(evil, "known: </a><script>alert(2)</script>");
        assertThat(cell(page, 0, 1, 0).getTagName()).isEqualTo("div");
        assertThat(cell(page, 0, 2, 0).getTagName()).isEqualTo("div");
        assertThat(cell(page, 0, 3, 0).getAttribute("href")).isEqualTo("cells/a%20b%231.pcap");
        assertThat(select(page, "//h1").get(0).getTextContent()).isEqualTo("Delivery matrix <run>");
    }

    @Test
    void aCellShowsTheNicsOwnVerdictBesideTheWiresAndANicThatCannotTellIsNotToldNotZero() {
        Cell flagged = withNic(Matrices.cell("bad-udp-csum", "ipmitool-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM",
                Verdict.DROPPED_IN_STACK), new MatrixDocument.NicChecksum("e1000e on guest kernel 6.1.0-57-amd64",
                MatrixDocument.NicCounter.told("rx_csum_offload_errors", 2), MatrixDocument.NicCounter.told("rx_csum_offload_good", 0),
                Map.of("NONE", 2L), List.of(new MatrixDocument.NicPacket("NONE", 56, "UDP_CSUM"), new MatrixDocument.NicPacket("NONE", 56,
                "UDP_CSUM")), "guest"));
        Cell notTold = withNic(Matrices.cell("bad-udp-csum", "ipmitool-lan", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DROPPED_IN_STACK),
                new MatrixDocument.NicChecksum("vmxnet3", MatrixDocument.NicCounter.notTold("vmxnet3 has no such checksum counter"),
                        MatrixDocument.NicCounter.notTold("vmxnet3 has no such checksum counter"), Map.of("NONE", 1L), List.of(), "guest"));
        Document page = HtmlPages.parse(Heatmap.render(document("r", environment("6.1"), List.of(flagged, notTold))));
        Element on = cell(page, 0, 0, 0);
        assertThat(line(on, 3)).isEqualTo("NIC csum err +2 · NONE");
        assertThat(on.getAttribute("title")).contains("NIC's own verdict (e1000e on guest kernel 6.1.0-57-amd64): errors rx_csum_offload_errors +2, "
                + "good rx_csum_offload_good +0; ip_summed per packet {NONE=2}");
        Element off = cell(page, 1, 0, 0);
        assertThat(line(off, 3)).as("a finding keeps its expectation first").isEqualTo("expected DROPPED_IN_STACK · NIC not told · NONE");
        assertThat(off.getAttribute("title")).contains("errors not told (vmxnet3 has no such checksum counter)").doesNotContain("+0");
        assertThat(line(cell(HtmlPages.parse(Heatmap.render(REALISTIC)), 0, 0, 0), 3)).as("no NIC verdict, no line").isEmpty();
    }

    private static Cell withNic(Cell c, MatrixDocument.NicChecksum nic) {
        MatrixDocument.CellEvidence e = c.evidence();
        return new Cell(c.persona(), c.client(), c.offload(), c.verdict(), c.reason(), c.expected(), c.attempts(), c.delivered(),
                c.durationMs(), c.explanation(), c.known(), new MatrixDocument.CellEvidence(e.repliesSent(), e.requestsSeen(),
                e.repliesOnDutWire(), e.dutWireUdpChecksumValid(), e.counters(), e.nicCounters(), e.dropReasons(), e.reasonSource(),
                e.clientExit(), e.clientMessage(), e.pcap(), null, null, null, nic));
    }

    private static Cell withPcap(Cell c, String pcap) {
        MatrixDocument.CellEvidence e = c.evidence();
        return new Cell(c.persona(), c.client(), c.offload(), c.verdict(), c.reason(), c.expected(), c.attempts(), c.delivered(),
                c.durationMs(), c.explanation(), c.known(), new MatrixDocument.CellEvidence(e.repliesSent(), e.requestsSeen(),
                e.repliesOnDutWire(), e.dutWireUdpChecksumValid(), e.counters(), e.nicCounters(), e.dropReasons(), e.reasonSource(),
                e.clientExit(), e.clientMessage(), pcap, null, null, null));
    }

    @Test
    void geometryTilesThePanelsInAxesOrder() {
        Geometry g = Heatmap.geometry(REALISTIC);
        assertThat(g.offloads()).containsExactly(OffloadState.ON, OffloadState.OFF);
        int top = Heatmap.MARGIN + Heatmap.TITLE_HEIGHT + 8 * Heatmap.LINE_HEIGHT + Heatmap.GAP + g.legendRows() * Heatmap.LEGEND_ROW_HEIGHT
                + Heatmap.GAP + Heatmap.PANEL_TITLE_HEIGHT + Heatmap.COLUMN_HEADER_HEIGHT;
        assertThat(g.cell(OffloadState.ON, "clean", "java-lan"))
                .isEqualTo(new Rect(Heatmap.MARGIN + Heatmap.ROW_HEADER_WIDTH, top, Heatmap.CELL_WIDTH, Heatmap.CELL_HEIGHT));
        assertThat(g.cell(OffloadState.ON, "smdc-tyan", "ipmitool-lan"))
                .isEqualTo(new Rect(Heatmap.MARGIN + Heatmap.ROW_HEADER_WIDTH + Heatmap.CELL_WIDTH, top + Heatmap.CELL_HEIGHT,
                        Heatmap.CELL_WIDTH, Heatmap.CELL_HEIGHT));
        assertThat(g.panel(OffloadState.OFF).y()).isEqualTo(g.panel(OffloadState.ON).y() + g.panel(OffloadState.ON).height() + Heatmap.GAP);
        List<Rect> all = new ArrayList<>();
        for (OffloadState o : g.offloads()) {
            for (String p : g.personas()) {
                for (String c : g.clients()) {
                    Rect r = g.cell(o, p, c);
                    assertThat(r.x() + r.width()).isLessThanOrEqualTo(g.width());
                    assertThat(r.y() + r.height()).isLessThanOrEqualTo(g.height());
                    assertThat(all).noneMatch(other -> other.contains(r.centreX(), r.centreY()));
                    all.add(r);
                }
            }
        }
        assertThat(all).hasSize(40);
        assertThatThrownBy(() -> g.cell(OffloadState.ON, "nobody", "java-lan")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no persona 'nobody'");
    }

    @Test
    void theStylesheetPlacesCellsWhereTheGeometrySays() {
        String html = Heatmap.render(REALISTIC);
        Geometry g = Heatmap.geometry(REALISTIC);
        Map<String, Integer> px = new HashMap<>();
        Matcher m = Pattern.compile("\\.((?:cx|ry|pz)\\d+)\\{(?:left|top):(\\d+)px}").matcher(html);
        while (m.find()) {
            px.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        for (int o = 0; o < g.offloads().size(); o++) {
            for (int p = 0; p < g.personas().size(); p++) {
                for (int c = 0; c < g.clients().size(); c++) {
                    Rect r = g.cell(g.offloads().get(o), g.personas().get(p), g.clients().get(c));
                    assertThat(Heatmap.MARGIN + px.get("cx" + c)).isEqualTo(r.x());
                    assertThat(px.get("pz" + o) + px.get("ry" + p)).isEqualTo(r.y());
                }
            }
        }
        assertThat(html).contains(".page{position:relative;width:" + g.width() + "px;height:" + g.height() + "px;");
        assertThat(html).contains("width:" + Heatmap.CELL_WIDTH + "px;height:" + Heatmap.CELL_HEIGHT + "px;");
    }

    @Test
    void aCellOutsideTheAxesGetsItsOwnRowInsteadOfVanishing() {
        Cell stray = Matrices.cell("stray", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED);
        Cell clean = Matrices.cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED);
        MatrixDocument doc = document("r", environment("1"), new MatrixDocument.Axes(List.of("clean"), List.of("java-lan"), List.of(OffloadState.ON)),
                List.of(clean, stray));
        assertThat(Heatmap.geometry(doc).personas()).containsExactly("clean", "stray");
        Document page = HtmlPages.parse(Heatmap.render(doc));
        assertThat(cell(page, 0, 1, 0).getAttribute("title")).startsWith(new Key("stray", "java-lan", OffloadState.ON).toString());
    }

    @Test
    void writeCreatesTheDirectoryAndLinksItsStyleSheetForJenkins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runs/x/matrix.html");
        Heatmap.write(REALISTIC, file);
        String page = Files.readString(file);
        String css = Files.readString(dir.resolve("runs/x/matrix.css"));
        // the same rules inline (a page on its own) and in a linked file (Jenkins' CSP allows style-src 'self' only)
        assertThat(page).contains("<link rel=\"stylesheet\" href=\"matrix.css\"/>").contains(css);
        assertThat(page.replace("<link rel=\"stylesheet\" href=\"matrix.css\"/>\n", "")).isEqualTo(Heatmap.render(REALISTIC));
        assertThat(Arrays.asList(Files.readString(file).split("\n"))).first().isEqualTo("<!DOCTYPE html>");
    }
}
