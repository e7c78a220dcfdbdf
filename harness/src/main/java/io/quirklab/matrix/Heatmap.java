package io.quirklab.matrix;

import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Environment;
import io.quirklab.matrix.MatrixDocument.Key;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@code matrix.html}: one run's delivery matrix as a heatmap. One panel per offload state (axes order), personas
 * down, clients across, each cell filled with its verdict's colour and showing verdict, reason, expectation and
 * counts; a combination the run lacks is a neutral "n/a" cell. The page is self-contained (inline CSS, no script, so
 * Jenkins' content security policy lets it through) and laid out at fixed pixel positions that {@link Geometry}
 * reports, so a screenshot can be checked cell by cell.
 */
public final class Heatmap {
    /** Page margin. */
    public static final int MARGIN = 16;
    /** Height of the page title line. */
    public static final int TITLE_HEIGHT = 32;
    /** Height of one header line or table row. */
    public static final int LINE_HEIGHT = 20;
    /** Height of one row of the legend. */
    public static final int LEGEND_ROW_HEIGHT = 24;
    /** Width of one legend entry. */
    public static final int LEGEND_ENTRY_WIDTH = 240;
    /** Gap between header, legend and panels, and between panels. */
    public static final int GAP = 16;
    /** Height of a panel's "offload = on" title. */
    public static final int PANEL_TITLE_HEIGHT = 32;
    /** Height of the client names above a panel's cells. */
    public static final int COLUMN_HEADER_HEIGHT = 36;
    /** Width of the persona names left of a panel's cells. */
    public static final int ROW_HEADER_WIDTH = 200;
    /** Width of one cell. */
    public static final int CELL_WIDTH = 192;
    /** Height of one cell. */
    public static final int CELL_HEIGHT = 72;
    /** The narrowest page, so the header has room. */
    public static final int MIN_PAGE_WIDTH = 1024;

    /** Fill of a combination the run has no cell for. */
    public static final String NOT_APPLICABLE_COLOUR = "#d9d9d9";

    /** One colour per verdict: the Okabe-Ito palette, which stays distinguishable with the common colour-vision deficiencies. */
    private static final Map<Verdict, GridPage.Fill> FILLS = new EnumMap<>(Map.of(
            Verdict.DELIVERED, new GridPage.Fill("v-delivered", "#009e73", "#000000"),
            Verdict.DELIVERED_NIC_FLAGGED, new GridPage.Fill("v-delivered-nic-flagged", "#56b4e9", "#000000"),
            Verdict.DROPPED_IN_STACK, new GridPage.Fill("v-dropped-in-stack", "#d55e00", "#ffffff"),
            Verdict.LOST_BEFORE_DUT, new GridPage.Fill("v-lost-before-dut", "#e69f00", "#000000"),
            Verdict.NO_REQUEST, new GridPage.Fill("v-no-request", "#f0e442", "#000000"),
            Verdict.CLIENT_REJECTED, new GridPage.Fill("v-client-rejected", "#cc79a7", "#000000"),
            Verdict.HARNESS_ERROR, new GridPage.Fill("v-harness-error", "#0072b2", "#ffffff"),
            Verdict.INTERMITTENT, new GridPage.Fill("v-intermittent", "#999999", "#000000")));
    static final GridPage.Fill NOT_APPLICABLE = new GridPage.Fill("na", NOT_APPLICABLE_COLOUR, "#444444");
    static final GridPage.Fill PLAIN = new GridPage.Fill("plain", "#ffffff", "#111111");

    /** Lines of the information block under the title (run, lab, OS, interface, driver, offloads, clients, totals). */
    static final int INFO_LINES = 8;

    private Heatmap() {
    }

    /**
     * A rectangle on the rendered page in CSS pixels (= screen pixels at device scale 1), origin at the top left.
     */
    public record Rect(int x, int y, int width, int height) {
        public int centreX() {
            return x + width / 2;
        }

        public int centreY() {
            return y + height / 2;
        }

        public boolean contains(int px, int py) {
            return px >= x && px < x + width && py >= y && py < y + height;
        }
    }

    /**
     * Where everything is on a rendered heatmap page (this one's or {@link DiffHeatmap}'s).
     *
     * @param headerHeight height of the header block (title and information) below the top margin
     * @param legendRows   rows of legend entries
     * @param offloads     panels, top to bottom
     * @param personas     rows of each panel
     * @param clients      columns of each panel
     */
    public record Geometry(int headerHeight, int legendRows, List<OffloadState> offloads, List<String> personas, List<String> clients) {
        public Geometry {
            offloads = List.copyOf(offloads);
            personas = List.copyOf(personas);
            clients = List.copyOf(clients);
        }

        static Geometry of(int headerHeight, int legendEntries, Grid grid) {
            int width = width(grid.clients().size());
            int perRow = Math.max(1, (width - 2 * MARGIN) / LEGEND_ENTRY_WIDTH);
            return new Geometry(headerHeight, (legendEntries + perRow - 1) / perRow, grid.offloads(), grid.personas(), grid.clients());
        }

        private static int width(int clients) {
            return Math.max(MIN_PAGE_WIDTH, 2 * MARGIN + ROW_HEADER_WIDTH + clients * CELL_WIDTH);
        }

        /** Page width: the window width a screenshot needs. */
        public int width() {
            return width(clients.size());
        }

        /** Page height: the window height a screenshot needs. */
        public int height() {
            return panelTop(offloads.size()) - GAP + MARGIN;
        }

        /** Top of the legend. */
        public int legendTop() {
            return MARGIN + headerHeight + GAP;
        }

        public int panelWidth() {
            return ROW_HEADER_WIDTH + clients.size() * CELL_WIDTH;
        }

        public int panelHeight() {
            return PANEL_TITLE_HEIGHT + COLUMN_HEADER_HEIGHT + personas.size() * CELL_HEIGHT;
        }

        /** Top of the panel with this index (index = count gives the end of the last panel plus a gap). */
        int panelTop(int index) {
            return legendTop() + legendRows * LEGEND_ROW_HEIGHT + GAP + index * (panelHeight() + GAP);
        }

        /** The panel of one offload state. */
        public Rect panel(OffloadState offload) {
            return new Rect(MARGIN, panelTop(index(offloads, offload, "offload state")), panelWidth(), panelHeight());
        }

        /** The cell (offload, persona, client); an axis value the page does not show is an IllegalArgumentException. */
        public Rect cell(OffloadState offload, String persona, String client) {
            Rect panel = panel(offload);
            int row = index(personas, persona, "persona");
            int column = index(clients, client, "client");
            return new Rect(panel.x() + ROW_HEADER_WIDTH + column * CELL_WIDTH,
                    panel.y() + PANEL_TITLE_HEIGHT + COLUMN_HEADER_HEIGHT + row * CELL_HEIGHT, CELL_WIDTH, CELL_HEIGHT);
        }

        public Rect cell(Key key) {
            return cell(key.offload(), key.persona(), key.client());
        }

        private static <T> int index(List<T> axis, T value, String what) {
            int i = axis.indexOf(value);
            if (i < 0) {
                throw new IllegalArgumentException("no " + what + " '" + value + "' on this page (it shows " + axis + ")");
            }
            return i;
        }
    }

    /** The fills of every verdict, for pages that colour cells by verdict (the fleet matrix). */
    static List<GridPage.Fill> verdictFills() {
        return List.copyOf(FILLS.values());
    }

    static GridPage.Fill fill(Verdict verdict) {
        return FILLS.get(Objects.requireNonNull(verdict, "verdict"));
    }

    /** The fill of a verdict, "#rrggbb". */
    public static String colour(Verdict verdict) {
        return FILLS.get(Objects.requireNonNull(verdict, "verdict")).background();
    }

    /**
     * The geometry of {@code doc}'s page: its axes, plus any value a cell uses that the axes lack (appended).
     *
     * @throws IllegalArgumentException when the document has two cells with one key
     */
    public static Geometry geometry(MatrixDocument doc) {
        return Geometry.of(TITLE_HEIGHT + INFO_LINES * LINE_HEIGHT, legend().size(), Grid.of(doc, origin(doc)));
    }

    /** Writes {@link #render} to {@code file} (UTF-8) with its style sheet next to it, creating the directory. */
    public static void write(MatrixDocument doc, Path file) throws IOException {
        GridPage.write(render(doc), file);
    }

    /** The style sheet a page written by any heatmap has next to it ({@code NAME.css}): an output the command line checks too. */
    public static Path styleSheet(Path page) {
        return GridPage.styleSheet(page);
    }

    /**
     * The page for {@code doc}. Evidence links are relative, as in the document, so the page belongs next to its
     * {@code matrix.json}.
     *
     * @throws IllegalArgumentException when the document has two cells with one key
     */
    public static String render(MatrixDocument doc) {
        Grid grid = Grid.of(doc, origin(doc));
        Geometry g = geometry(doc);
        String id = doc.run() == null ? "(no run id)" : Objects.toString(doc.run().id(), "(no run id)");
        List<GridPage.Fill> fills = new ArrayList<>(FILLS.values());
        fills.add(NOT_APPLICABLE);
        fills.add(PLAIN);
        return GridPage.render("quirklab delivery matrix " + id, header(doc, grid, g), g, fills, legend(),
                key -> cell(key, grid.cells().get(key)));
    }

    private static String origin(MatrixDocument doc) {
        return doc.run() == null || doc.run().id() == null ? "matrix document" : "run " + doc.run().id();
    }

    static List<GridPage.LegendEntry> legend() {
        List<GridPage.LegendEntry> l = new ArrayList<>();
        FILLS.forEach((v, f) -> l.add(new GridPage.LegendEntry(f.cssClass(), "", v.name())));
        l.add(new GridPage.LegendEntry(NOT_APPLICABLE.cssClass(), "n/a", "not in this run"));
        l.add(new GridPage.LegendEntry("plain finding", "", "FINDING: verdict != expected"));
        l.add(new GridPage.LegendEntry("plain known", "", "KNOWN: deviation already known"));
        return l;
    }

    private static GridPage.CellView cell(Key key, Cell c) {
        if (c == null) {
            return new GridPage.CellView(NOT_APPLICABLE.cssClass(), List.of("n/a"), List.of(), "",
                    key + ": not in this run (the combination was not run or does not apply)", null);
        }
        List<String> badges = new ArrayList<>();
        String marks = "";
        if (c.finding()) {
            badges.add("FINDING");
            marks = "finding";
        }
        if (c.known() != null) {
            badges.add("KNOWN");
            marks = marks.isEmpty() ? "known" : marks + " known";
        }
        String verdict = c.verdict().name() + c.repeatShare().filter(s -> c.verdict() == Verdict.INTERMITTENT)
                .map(s -> " " + s.k() + "/" + s.n()).orElse("");
        // the NIC's own verdict, where the lab has one per cell, shares the third line with a finding's expectation
        String nic = c.evidence() == null || c.evidence().nicChecksum() == null ? "" : c.evidence().nicChecksum().brief();
        String third = c.finding() ? "expected " + c.expected() + (nic.isEmpty() ? "" : " · " + nic) : nic;
        List<String> lines = List.of(verdict, c.reason() == null ? "" : "reason " + c.reason(), third,
                c.delivered() + "/" + c.attempts() + " delivered");
        String href = c.evidence() == null ? null : Html.relativeHref(c.evidence().pcap()).orElse(null);
        return new GridPage.CellView(FILLS.get(c.verdict()).cssClass(), lines, badges, marks, title(key, c), href);
    }

    private static String title(Key key, Cell c) {
        StringBuilder t = new StringBuilder(key.toString()).append('\n')
                .append(Comparison.outcome(c)).append(", expected ").append(c.expected())
                .append(c.finding() ? " (a finding)" : "").append('\n')
                .append(c.delivered()).append(" of ").append(c.attempts()).append(" delivered in ").append(c.durationMs()).append(" ms");
        if (c.explanation() != null) {
            t.append('\n').append(c.explanation());
        }
        if (c.known() != null) {
            t.append("\nknown: ").append(c.known());
        }
        if (c.evidence() != null) {
            if (c.evidence().clientMessage() != null) {
                t.append("\nclient: ").append(c.evidence().clientMessage());
            }
            if (!c.evidence().counters().isEmpty()) {
                t.append("\ncounters: ").append(c.evidence().counters());
            }
            MatrixDocument.NicChecksum nic = c.evidence().nicChecksum();
            if (nic != null) {
                t.append("\nNIC's own verdict (").append(nic.nic()).append("): errors ").append(describe(nic.errors()))
                        .append(", good ").append(describe(nic.good())).append("; ip_summed per packet ").append(nic.ipSummed())
                        .append(" (").append(nic.source()).append(')');
            }
            if (c.evidence().pcap() != null) {
                t.append("\npcap: ").append(c.evidence().pcap());
            }
        }
        return t.toString();
    }

    private static String describe(MatrixDocument.NicCounter n) {
        if (n == null) {
            return "-";
        }
        return n.told() ? n.counter() + " " + (n.delta() >= 0 ? "+" : "") + n.delta() : "not told (" + n.notTold() + ")";
    }

    private static String header(MatrixDocument doc, Grid grid, Geometry g) {
        MatrixDocument.Run run = doc.run();
        MatrixDocument.Lab lab = run == null ? null : run.lab();
        Environment env = doc.environment();
        MatrixDocument.Os os = env == null ? null : env.os();
        MatrixDocument.DutInterface dut = env == null ? null : env.dutInterface();
        long findings = doc.cells().stream().filter(Cell::finding).count();
        long known = doc.cells().stream().filter(c -> c.known() != null).count();
        long errors = doc.cells().stream().filter(c -> c.verdict() == Verdict.HARNESS_ERROR).count();
        int combinations = g.offloads().size() * g.personas().size() * g.clients().size();
        List<String> lines = List.of(
                "run: started " + text(run == null ? null : run.started()) + ", finished " + text(run == null ? null : run.finished())
                        + ", quirklab " + text(run == null ? null : run.quirklabVersion()),
                "lab: " + text(lab == null ? null : lab.kind()) + " (" + text(lab == null ? null : lab.file()) + "), fault model "
                        + text(lab == null ? null : lab.faultModel()),
                "OS: " + (os == null ? "-" : text(os.name()) + " " + text(os.version()) + " (" + text(os.family()) + "), kernel/build "
                        + text(os.build())) + ", host " + text(env == null ? null : env.host()) + ", Java " + text(env == null ? null : env.java()),
                "DUT interface: " + (dut == null ? "-" : text(dut.name()) + ", " + text(dut.model()) + ", PCI " + text(dut.pciId())
                        + ", MAC " + text(dut.mac()) + ", link " + text(dut.linkSpeed())),
                "driver: " + (dut == null ? "-" : text(dut.driver()) + " " + text(dut.driverVersion())
                        + (dut.driverDate() == null ? "" : ", dated " + dut.driverDate()) + (dut.driverFile() == null ? "" : ", file " + dut.driverFile())
                        + ", firmware " + text(dut.firmware())),
                "offloads: " + (dut == null || dut.offloads().isEmpty() ? "-" : join(dut.offloads(), "=")),
                "clients: " + (env == null || env.clients().isEmpty() ? "-" : join(env.clients(), " ")),
                String.format("totals: %d cells, %d findings, %d known, %d harness errors, %d n/a of %d combinations",
                        doc.cells().size(), findings, known, errors, combinations - grid.cells().size(), combinations));
        StringBuilder h = new StringBuilder();
        String id = run == null ? null : run.id();
        h.append("<h1>Delivery matrix ").append(Html.escape(text(id))).append("</h1>\n");
        for (String line : lines) {
            h.append("<div class=\"l\" title=\"").append(Html.escape(line)).append("\">").append(Html.escape(line)).append("</div>\n");
        }
        if (doc.analysis() != null) {
            h.append("<h2>What the run says</h2>\n");
            for (String line : doc.analysis().lines()) {
                h.append("<div class=\"l analysis\" title=\"").append(Html.escape(line)).append("\">").append(Html.escape(line))
                        .append("</div>\n");
            }
        }
        return h.toString();
    }

    static String text(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    private static String join(Map<String, String> map, String separator) {
        return map.entrySet().stream().map(e -> e.getKey() + separator + text(e.getValue())).collect(Collectors.joining(", "));
    }
}
