package io.quirklab.matrix;

import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code faults.html}: which emulated bug hits which persona, for a run with several fault models ({@code axes.faults},
 * the catalogue lab). One panel, personas down, the fault models across after a first column without a fault; a cell
 * sums up the persona's cells under that model over the clients of the fault runs: it is a <em>hit</em> when a client's
 * verdict under the model differs from that client's verdict without a fault, filled with the verdict the model caused
 * (the first changed client's), and named with the clients it hit. Laid out by {@link GridPage} like the heatmap, so it
 * is self-contained, script-free and well-formed XML.
 */
public final class FaultHeatmap {
    /** The first column: the same clients with the fault off. */
    public static final String NO_FAULT = "no fault";
    static final String HIT = "HIT";

    private FaultHeatmap() {
    }

    /**
     * What one persona does under one model.
     *
     * @param cells   its cells under the model (or without a fault), one per client that ran
     * @param hitBy   the clients whose verdict differs from theirs without a fault, in client order
     * @param shown   the cell the page colours by: the first hit's, else the first
     */
    public record Summary(List<Cell> cells, List<String> hitBy, Cell shown) {
        public boolean hit() {
            return !hitBy.isEmpty();
        }
    }

    /** The columns of the page: {@link #NO_FAULT}, then the document's fault models. */
    public static List<String> columns(MatrixDocument doc) {
        List<String> out = new ArrayList<>(List.of(NO_FAULT));
        out.addAll(doc.axes().faults());
        return out;
    }

    /**
     * The summary of one persona under one column: the fault model's cells compared, client by client, with the same
     * client's cell without a fault. Empty when the persona has no cell there.
     */
    public static Optional<Summary> summary(MatrixDocument doc, String persona, String column) {
        List<Cell> cells = new ArrayList<>();
        List<String> hits = new ArrayList<>();
        Cell shown = null;
        for (String client : doc.axes().clients()) {
            Optional<Cell> under = column.equals(NO_FAULT) ? doc.cell(persona, client, OffloadState.OFF) : doc.cell(persona, client, column);
            if (under.isEmpty()) {
                continue;
            }
            cells.add(under.get());
            Optional<Cell> off = doc.cell(persona, client, OffloadState.OFF);
            boolean hit = !column.equals(NO_FAULT) && off.isPresent() && (off.get().verdict() != under.get().verdict()
                    || !Objects.equals(off.get().reason(), under.get().reason()));
            if (hit) {
                hits.add(client);
                shown = shown == null ? under.get() : shown;
            }
        }
        if (cells.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Summary(cells, hits, shown != null ? shown : cells.get(0)));
    }

    /** Every hit of the run as "persona: model, model", in the axes' order; empty for a run without fault models. */
    public static List<String> hits(MatrixDocument doc) {
        List<String> out = new ArrayList<>();
        for (String persona : doc.axes().personas()) {
            List<String> by = doc.axes().faults().stream().filter(f -> summary(doc, persona, f).map(Summary::hit).orElse(false)).toList();
            if (!by.isEmpty()) {
                out.add(persona + ": " + String.join(", ", by));
            }
        }
        return out;
    }

    /** Writes {@link #render} with its style sheet next to it. */
    public static void write(MatrixDocument doc, Path file) throws IOException {
        GridPage.write(render(doc), file);
    }

    /** Where everything is on the page. */
    public static Heatmap.Geometry geometry(MatrixDocument doc) {
        List<String> columns = columns(doc);
        int width = Math.max(Heatmap.MIN_PAGE_WIDTH, 2 * Heatmap.MARGIN + Heatmap.ROW_HEADER_WIDTH + columns.size() * Heatmap.CELL_WIDTH);
        int perRow = Math.max(1, (width - 2 * Heatmap.MARGIN) / Heatmap.LEGEND_ENTRY_WIDTH);
        return new Heatmap.Geometry(Heatmap.TITLE_HEIGHT + 2 * Heatmap.LINE_HEIGHT, (legend().size() + perRow - 1) / perRow,
                List.of(OffloadState.ON), doc.axes().personas(), columns);
    }

    /** The page; refused for a document without fault models (its matrix.html says it all). */
    public static String render(MatrixDocument doc) {
        if (doc.axes().faults().isEmpty()) {
            throw new IllegalArgumentException("the run has one meaning of offload=on; its matrix.html shows it");
        }
        Heatmap.Geometry g = geometry(doc);
        List<GridPage.Fill> fills = new ArrayList<>(Heatmap.verdictFills());
        fills.add(Heatmap.NOT_APPLICABLE);
        fills.add(Heatmap.PLAIN);
        String id = doc.run() == null ? "(no run id)" : Objects.toString(doc.run().id(), "(no run id)");
        long hits = hits(doc).size();
        String clients = String.join(", ", doc.cells().stream().filter(c -> c.fault() != null).map(Cell::client).distinct().toList());
        String header = "<h1>Which emulated bug hits which persona: " + Html.escape(id) + "</h1>\n"
                + line(doc.axes().faults().size() + " fault models, one offload=on run each, with " + clients + "; " + hits
                + " personas hit by at least one")
                + line("a cell is a HIT when a client's verdict under the model differs from its verdict without a fault; docs/catalogue.md "
                + "cites the bug each model emulates");
        return GridPage.render("quirklab fault models " + id, header, g, fills, legend(), key -> cell(doc, key),
                "persona \\ fault model", o -> "offload = on, one run per fault model");
    }

    private static String line(String text) {
        return "<div class=\"l\" title=\"" + Html.escape(text) + "\">" + Html.escape(text) + "</div>\n";
    }

    static List<GridPage.LegendEntry> legend() {
        List<GridPage.LegendEntry> l = new ArrayList<>(Heatmap.legend());
        l.add(new GridPage.LegendEntry("plain finding", HIT, "HIT: the model changed a verdict"));
        return l;
    }

    /** One cell: the key's client slot carries the column (a fault model, or {@link #NO_FAULT}). */
    private static GridPage.CellView cell(MatrixDocument doc, Key key) {
        String column = key.client();
        Optional<Summary> s = summary(doc, key.persona(), column);
        if (s.isEmpty()) {
            return new GridPage.CellView(Heatmap.NOT_APPLICABLE.cssClass(), List.of("n/a"), List.of(), "", key.persona() + " x " + column
                    + ": not in this run", null);
        }
        Summary sum = s.get();
        Cell c = sum.shown();
        String verdict = c.verdict().name() + (c.reason() == null ? "" : " " + c.reason());
        List<String> lines = List.of(verdict, sum.hit() ? "hit: " + String.join(", ", sum.hitBy()) : column.equals(NO_FAULT)
                ? "without a fault" : "as without the fault", c.finding() ? "expected " + c.expected() : "",
                sum.cells().size() + " client" + (sum.cells().size() == 1 ? "" : "s"));
        StringBuilder title = new StringBuilder(key.persona() + " x " + column);
        sum.cells().forEach(x -> title.append('\n').append(x.client()).append(": ").append(x.verdict())
                .append(x.reason() == null ? "" : " (" + x.reason() + ")").append(x.known() == null ? "" : ", known: " + x.known()));
        String href = c.evidence() == null ? null : Html.relativeHref(c.evidence().pcap()).orElse(null);
        return new GridPage.CellView(Heatmap.fill(c.verdict()).cssClass(), lines, sum.hit() ? List.of(HIT) : List.of(),
                sum.hit() ? "finding" : "", title.toString(), href);
    }
}
