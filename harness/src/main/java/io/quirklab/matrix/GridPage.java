package io.quirklab.matrix;

import io.quirklab.matrix.Heatmap.Geometry;
import io.quirklab.matrix.MatrixDocument.Key;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Function;

/**
 * The page both heatmaps share: a header block, a legend, then one panel per offload state with personas down and
 * clients across. Every box is absolutely positioned at the pixels {@link Geometry} computes, so a screenshot can be
 * checked against the document; all styling is in one {@code <style>} element and there is no script. The markup is
 * also well-formed XML (void elements self-closed), so tests can read it back with an XML parser.
 */
final class GridPage {
    /**
     * A fill: a CSS class with its background and text colours.
     */
    record Fill(String cssClass, String background, String foreground) {
    }

    /**
     * One legend entry.
     *
     * @param chipClass the classes of its chip: a fill, plus "finding"/"known" for the outline markers
     * @param chipText  text inside the chip, or empty
     * @param label     the words next to the chip
     */
    record LegendEntry(String chipClass, String chipText, String label) {
    }

    /**
     * What one cell shows. Lines 1-2 sit at the top, 3-4 at the bottom; the centre stays plain fill.
     *
     * @param fillClass the cell's {@link Fill} class
     * @param lines     up to four lines of plain text (escaped here)
     * @param badges    short marker words appended to line 4 in a box ("FINDING", "KNOWN"), plain text
     * @param marks     extra CSS classes ("finding", "known"), may be empty
     * @param title     the tooltip, plain text
     * @param href      link target (already a safe relative URL), or null
     */
    record CellView(String fillClass, List<String> lines, List<String> badges, String marks, String title, String href) {
    }

    private GridPage() {
    }

    static String render(String pageTitle, String headerHtml, Geometry g, List<Fill> fills, List<LegendEntry> legend,
                         Function<Key, CellView> cells) {
        return render(pageTitle, headerHtml, g, fills, legend, cells, "persona \\ client", o -> "offload = " + o.token());
    }

    /**
     * The same with other axis words: the corner's ("persona \ fault model") and each panel's title; the columns are
     * then whatever the geometry's clients name, and a cell's key carries its column in the client slot.
     */
    static String render(String pageTitle, String headerHtml, Geometry g, List<Fill> fills, List<LegendEntry> legend,
                         Function<Key, CellView> cells, String corner, Function<OffloadState, String> panelTitle) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
                .append(Html.escape(pageTitle)).append("</title>\n<style>\n");
        css(h, g, fills);
        h.append("</style>\n</head>\n<body>\n<div class=\"page\">\n<header class=\"head\">\n").append(headerHtml).append("</header>\n");
        h.append("<div class=\"legend\">");
        for (LegendEntry e : legend) {
            h.append("<div class=\"entry\"><span class=\"chip ").append(e.chipClass())
                    .append("\">").append(Html.escape(e.chipText())).append("</span>").append(Html.escape(e.label())).append("</div>");
        }
        h.append("</div>\n");
        for (int o = 0; o < g.offloads().size(); o++) {
            OffloadState offload = g.offloads().get(o);
            h.append("<section class=\"panel pz").append(o).append("\">\n<h2>").append(Html.escape(panelTitle.apply(offload))).append("</h2>\n");
            h.append("<div class=\"corner\">").append(Html.escape(corner)).append("</div>\n");
            for (int c = 0; c < g.clients().size(); c++) {
                String client = g.clients().get(c);
                h.append("<div class=\"colh cx").append(c).append("\" title=\"").append(Html.escape(client)).append("\">")
                        .append(Html.escape(client)).append("</div>\n");
            }
            for (int p = 0; p < g.personas().size(); p++) {
                String persona = g.personas().get(p);
                h.append("<div class=\"rowh ry").append(p).append("\" title=\"").append(Html.escape(persona)).append("\">")
                        .append(Html.escape(persona)).append("</div>\n");
                for (int c = 0; c < g.clients().size(); c++) {
                    cell(h, "cx" + c + " ry" + p, cells.apply(new Key(persona, g.clients().get(c), offload)));
                }
            }
            h.append("</section>\n");
        }
        h.append("</div>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void cell(StringBuilder h, String position, CellView v) {
        String tag = v.href() == null ? "div" : "a";
        h.append('<').append(tag).append(" class=\"cell ").append(position).append(' ').append(v.fillClass());
        if (!v.marks().isEmpty()) {
            h.append(' ').append(v.marks());
        }
        h.append('"');
        if (v.href() != null) {
            h.append(" href=\"").append(Html.escape(v.href())).append('"');
        }
        h.append(" title=\"").append(Html.escape(v.title())).append("\">");
        for (int i = 0; i < 4; i++) {
            String line = i < v.lines().size() ? v.lines().get(i) : "";
            List<String> badges = i == 3 ? v.badges() : List.of();
            if (line.isEmpty() && badges.isEmpty()) {
                continue;
            }
            h.append("<span class=\"l").append(i + 1).append("\">").append(Html.escape(line));
            badges.forEach(b -> h.append("<b class=\"mk\">").append(Html.escape(b)).append("</b>"));
            h.append("</span>");
        }
        h.append("</").append(tag).append(">\n");
    }

    private static void css(StringBuilder h, Geometry g, List<Fill> fills) {
        int contentWidth = g.width() - 2 * Heatmap.MARGIN;
        h.append("html,body{margin:0;padding:0;background:#ffffff;color:#111111;font:12px/16px \"DejaVu Sans\",Arial,sans-serif}\n")
                .append(".page{position:relative;width:").append(g.width()).append("px;height:").append(g.height()).append("px;overflow:hidden}\n")
                .append(".head{position:absolute;left:").append(Heatmap.MARGIN).append("px;top:").append(Heatmap.MARGIN)
                .append("px;width:").append(contentWidth).append("px;height:").append(g.headerHeight()).append("px;overflow:hidden}\n")
                .append(".head h1{margin:0;height:").append(Heatmap.TITLE_HEIGHT).append("px;font-size:20px;line-height:28px;")
                .append("white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n")
                .append(".head .l{height:").append(Heatmap.LINE_HEIGHT).append("px;line-height:").append(Heatmap.LINE_HEIGHT)
                .append("px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n")
                .append(".head b{font-weight:bold}\n")
                .append(".head table{border-collapse:collapse;table-layout:fixed;width:100%}\n")
                .append(".head td,.head th{height:").append(Heatmap.LINE_HEIGHT).append("px;line-height:").append(Heatmap.LINE_HEIGHT)
                .append("px;padding:0 6px;border:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;text-align:left}\n")
                .append(".head col.mark{width:24px}\n.head col.name{width:300px}\n")
                .append(".head tr.differs td{background:#fff3b0;font-weight:bold}\n")
                .append(".head tr.section th{background:#eeeeee}\n")
                .append(".legend{position:absolute;left:").append(Heatmap.MARGIN).append("px;top:").append(g.legendTop())
                .append("px;width:").append(contentWidth).append("px;height:").append(g.legendRows() * Heatmap.LEGEND_ROW_HEIGHT)
                .append("px;display:flex;flex-wrap:wrap;overflow:hidden}\n")
                .append(".legend .entry{box-sizing:border-box;width:").append(Heatmap.LEGEND_ENTRY_WIDTH).append("px;height:")
                .append(Heatmap.LEGEND_ROW_HEIGHT).append("px;line-height:").append(Heatmap.LEGEND_ROW_HEIGHT)
                .append("px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n")
                .append(".legend .chip{display:inline-block;box-sizing:border-box;min-width:30px;height:16px;line-height:14px;")
                .append("margin-right:6px;vertical-align:middle;font-size:9px;text-align:center;border:1px solid #666666}\n")
                .append(".legend .chip.plain{background:#ffffff;color:#111111;font-weight:bold;padding:0 3px}\n")
                .append(".legend .chip.finding{outline:3px solid #000000;outline-offset:-3px}\n")
                .append(".legend .chip.known{outline:3px dashed #000000;outline-offset:-3px}\n")
                .append(".legend .chip.differs{outline:4px double #000000;outline-offset:-4px}\n")
                .append(".panel{position:absolute;left:").append(Heatmap.MARGIN).append("px;width:").append(g.panelWidth())
                .append("px;height:").append(g.panelHeight()).append("px;margin:0;padding:0}\n")
                .append(".panel h2{position:absolute;left:0;top:0;margin:0;height:").append(Heatmap.PANEL_TITLE_HEIGHT)
                .append("px;line-height:").append(Heatmap.PANEL_TITLE_HEIGHT).append("px;font-size:15px;white-space:nowrap}\n")
                .append(".corner,.colh,.rowh{position:absolute;box-sizing:border-box;padding:0 6px;white-space:nowrap;overflow:hidden;")
                .append("text-overflow:ellipsis;font-weight:bold}\n")
                .append(".corner{left:0;top:").append(Heatmap.PANEL_TITLE_HEIGHT).append("px;width:").append(Heatmap.ROW_HEADER_WIDTH)
                .append("px;height:").append(Heatmap.COLUMN_HEADER_HEIGHT).append("px;line-height:").append(Heatmap.COLUMN_HEADER_HEIGHT)
                .append("px;color:#666666;font-weight:normal}\n")
                .append(".colh{top:").append(Heatmap.PANEL_TITLE_HEIGHT).append("px;width:").append(Heatmap.CELL_WIDTH).append("px;height:")
                .append(Heatmap.COLUMN_HEADER_HEIGHT).append("px;line-height:").append(Heatmap.COLUMN_HEADER_HEIGHT).append("px;text-align:center}\n")
                .append(".rowh{left:0;width:").append(Heatmap.ROW_HEADER_WIDTH).append("px;height:").append(Heatmap.CELL_HEIGHT)
                .append("px;line-height:").append(Heatmap.CELL_HEIGHT).append("px}\n")
                .append(".cell{position:absolute;display:block;box-sizing:border-box;width:").append(Heatmap.CELL_WIDTH).append("px;height:")
                .append(Heatmap.CELL_HEIGHT).append("px;overflow:hidden;text-decoration:none;box-shadow:inset 0 0 0 1px #ffffff}\n")
                .append(".cell span{position:absolute;left:7px;right:7px;height:14px;line-height:14px;white-space:nowrap;")
                .append("font:11px/14px \"DejaVu Sans Condensed\",\"Arial Narrow\",Arial,sans-serif;")
                .append("overflow:hidden;text-overflow:ellipsis}\n")
                // the centre band (between l2 and l3) stays plain fill: a screenshot check reads the colour there
                .append(".cell .l1{top:4px;font-weight:bold}\n.cell .l2{top:18px}\n.cell .l3{top:").append(Heatmap.CELL_HEIGHT - 32)
                .append("px}\n.cell .l4{top:").append(Heatmap.CELL_HEIGHT - 18).append("px}\n")
                .append(".cell .mk{font-weight:bold;border:1px solid currentColor;padding:0 2px;margin-left:4px}\n")
                .append(".cell.finding{outline:3px solid #000000;outline-offset:-3px}\n")
                .append(".cell.known{outline:3px dashed #000000;outline-offset:-3px}\n")
                .append(".cell.differs{outline:4px double #000000;outline-offset:-4px}\n");
        for (int c = 0; c < g.clients().size(); c++) {
            h.append(".cx").append(c).append("{left:").append(Heatmap.ROW_HEADER_WIDTH + c * Heatmap.CELL_WIDTH).append("px}");
        }
        h.append('\n');
        for (int p = 0; p < g.personas().size(); p++) {
            h.append(".ry").append(p).append("{top:").append(Heatmap.PANEL_TITLE_HEIGHT + Heatmap.COLUMN_HEADER_HEIGHT + p * Heatmap.CELL_HEIGHT)
                    .append("px}");
        }
        h.append('\n');
        for (int o = 0; o < g.offloads().size(); o++) {
            h.append(".pz").append(o).append("{top:").append(g.panelTop(o)).append("px}");
        }
        h.append('\n');
        for (Fill f : fills) {
            h.append('.').append(f.cssClass()).append("{background:").append(f.background()).append(";color:").append(f.foreground()).append("}\n");
        }
    }

    /**
     * Writes a page and, next to it, its style sheet ({@code NAME.css}, linked from the page). The inline copy keeps
     * the page self-contained; the linked copy is what survives a content security policy that blocks inline styles
     * ({@code style-src 'self'}, Jenkins' default for archived files). Both are written to temporary files and moved
     * into place: a FIFO or a link of that name is replaced, never opened (it would block, or be followed), and a page
     * that cannot be written leaves no style sheet behind.
     */
    static void write(String html, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path css = styleSheet(file);
        int a = html.indexOf("<style>\n");
        int b = html.indexOf("</style>\n");
        String page = html;
        Path cssTmp = null;
        Path pageTmp = null;
        try {
            if (a >= 0 && b > a) {
                cssTmp = MatrixDocument.readableTempFile(dir, ".css", ".tmp");
                Files.writeString(cssTmp, html.substring(a + "<style>\n".length(), b), StandardCharsets.UTF_8);
                int end = b + "</style>\n".length();
                page = html.substring(0, end) + "<link rel=\"stylesheet\" href=\"" + Html.escape(css.getFileName().toString()) + "\"/>\n"
                        + html.substring(end);
            }
            pageTmp = MatrixDocument.readableTempFile(dir, ".page", ".tmp");
            Files.writeString(pageTmp, page, StandardCharsets.UTF_8);
            if (cssTmp != null) {
                Files.move(cssTmp, css, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(pageTmp, file.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (cssTmp != null) {
                Files.deleteIfExists(cssTmp);
            }
            if (pageTmp != null) {
                Files.deleteIfExists(pageTmp);
            }
        }
    }

    /** The style sheet written next to a page: {@code NAME.css} for {@code NAME.html} (or {@code NAME}). */
    static Path styleSheet(Path page) {
        String name = page.getFileName().toString();
        return page.toAbsolutePath().resolveSibling((name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + ".css");
    }
}
