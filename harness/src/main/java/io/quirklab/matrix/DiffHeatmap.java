package io.quirklab.matrix;

import io.quirklab.matrix.Comparison.CellChange;
import io.quirklab.matrix.Comparison.Kind;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The page of {@code quirklab compare --html}: the {@link Heatmap} grid over both files' axes, each cell filled by
 * how it changed (regression, fix, changed, added, removed, unchanged) and showing "old -> new"; above it the two
 * runs and environments side by side, differing fields marked. Self-contained, no script, same geometry rules as
 * {@link Heatmap} (see {@link #geometry}). Cells do not link to evidence: the page is usually written away from both
 * matrix files, whose evidence paths are relative to themselves.
 */
public final class DiffHeatmap {
    private static final Map<Kind, GridPage.Fill> FILLS = new EnumMap<>(Map.of(
            Kind.REGRESSION, new GridPage.Fill("k-regression", "#d55e00", "#ffffff"),
            Kind.FIX, new GridPage.Fill("k-fix", "#009e73", "#000000"),
            Kind.CHANGED, new GridPage.Fill("k-changed", "#f0e442", "#000000"),
            Kind.ADDED, new GridPage.Fill("k-added", "#56b4e9", "#000000"),
            Kind.REMOVED, new GridPage.Fill("k-removed", "#cc79a7", "#000000"),
            Kind.UNCHANGED, new GridPage.Fill("k-unchanged", "#f2f2f2", "#555555")));

    /** "old -> new" across two lines of a cell; the arrow character leaves room for the longest verdict and reason. */
    private static final String ARROW = "\u2192 ";

    private DiffHeatmap() {
    }

    /** The fill of a change kind, "#rrggbb". A key in neither file is {@link Heatmap#NOT_APPLICABLE_COLOUR}. */
    public static String colour(Kind kind) {
        return FILLS.get(Objects.requireNonNull(kind, "kind")).background();
    }

    /** Where each cell is on {@link #render}'s page. */
    public static Heatmap.Geometry geometry(Comparison comparison) {
        int rows = 2 + comparison.run().size() + comparison.environment().size() + 1;
        Grid grid = new Grid(comparison.offloads(), comparison.personas(), comparison.clients(), Map.of());
        return Heatmap.Geometry.of(Heatmap.TITLE_HEIGHT + rows * Heatmap.LINE_HEIGHT, Kind.values().length + 1, grid);
    }

    /** Writes {@link #render} to {@code file} (UTF-8) with its style sheet next to it, creating the directory. */
    public static void write(Comparison comparison, Path file) throws IOException {
        GridPage.write(render(comparison), file);
    }

    /** The diff page of {@code comparison}. */
    public static String render(Comparison comparison) {
        Heatmap.Geometry g = geometry(comparison);
        List<GridPage.Fill> fills = new ArrayList<>(FILLS.values());
        fills.add(Heatmap.NOT_APPLICABLE);
        fills.add(Heatmap.PLAIN);
        List<GridPage.LegendEntry> legend = new ArrayList<>();
        FILLS.forEach((k, f) -> legend.add(new GridPage.LegendEntry(f.cssClass(), "", k.name() + " (" + comparison.count(k) + ")")));
        legend.add(new GridPage.LegendEntry(Heatmap.NOT_APPLICABLE.cssClass(), "n/a", "in neither file"));
        return GridPage.render("quirklab compare " + id(comparison.before()) + " -> " + id(comparison.after()), header(comparison), g,
                fills, legend, key -> cell(key, comparison.cell(key)));
    }

    private static GridPage.CellView cell(Key key, Optional<CellChange> change) {
        if (change.isEmpty()) {
            return new GridPage.CellView(Heatmap.NOT_APPLICABLE.cssClass(), List.of("n/a"), List.of(), "",
                    key + ": in neither file", null);
        }
        CellChange c = change.get();
        List<String> lines = switch (c.kind()) {
            case UNCHANGED -> List.of("unchanged", "", Comparison.outcome(c.after()), c.expectation());
            case ADDED -> List.of("ADDED", "", ARROW + Comparison.outcome(c.after()), c.expectation());
            case REMOVED -> List.of("REMOVED", Comparison.outcome(c.before()), ARROW + "(not in NEW)", c.expectation());
            default -> List.of(c.kind().name(), Comparison.outcome(c.before()), ARROW + Comparison.outcome(c.after()), c.expectation());
        };
        String title = key + "\n" + c.kind().name() + ": " + c.summary() + ", " + c.expectation()
                + side("OLD", c.before()) + side("NEW", c.after());
        return new GridPage.CellView(FILLS.get(c.kind()).cssClass(), lines, List.of(), "", title, null);
    }

    private static String side(String label, Cell c) {
        if (c == null) {
            return "\n" + label + ": no such cell";
        }
        return "\n" + label + ": " + Comparison.outcome(c) + ", " + c.delivered() + "/" + c.attempts() + " delivered"
                + (c.explanation() == null ? "" : "; " + c.explanation()) + (c.known() == null ? "" : "; known: " + c.known());
    }

    private static String header(Comparison comparison) {
        StringBuilder h = new StringBuilder();
        h.append("<h1>Delivery matrix comparison</h1>\n<table>\n<colgroup><col class=\"mark\"/><col class=\"name\"/><col/><col/></colgroup>\n");
        h.append("<tr class=\"section\"><th></th><th>field</th><th>OLD ").append(Html.escape(id(comparison.before())))
                .append("</th><th>NEW ").append(Html.escape(id(comparison.after()))).append("</th></tr>\n");
        rows(h, comparison.run(), "run.");
        h.append("<tr class=\"section\"><th></th><th>environment</th><th>")
                .append(Html.escape(label(comparison.before()))).append("</th><th>").append(Html.escape(label(comparison.after())))
                .append("</th></tr>\n");
        rows(h, comparison.environment(), "");
        List<String> counts = new ArrayList<>();
        for (Kind k : Kind.values()) {
            counts.add(comparison.count(k) + " " + k.plural());
        }
        h.append("<tr class=\"section\"><th></th><th>cells</th><th colspan=\"2\">").append(Html.escape(String.join(", ", counts)))
                .append("</th></tr>\n</table>\n");
        return h.toString();
    }

    private static void rows(StringBuilder h, List<Comparison.Field> fields, String prefix) {
        for (Comparison.Field f : fields) {
            String name = f.name().equals("schema") ? f.name() : prefix + f.name();
            h.append(f.differs() ? "<tr class=\"differs\"><td title=\"differs\">&#8800;</td>" : "<tr><td></td>")
                    .append("<td title=\"").append(Html.escape(name)).append("\">").append(Html.escape(name)).append("</td>")
                    .append("<td title=\"").append(Html.escape(Heatmap.text(f.before()))).append("\">").append(Html.escape(Heatmap.text(f.before())))
                    .append("</td><td title=\"").append(Html.escape(Heatmap.text(f.after()))).append("\">")
                    .append(Html.escape(Heatmap.text(f.after()))).append("</td></tr>\n");
        }
    }

    private static String id(MatrixDocument doc) {
        return doc.run() == null ? "(no run id)" : Heatmap.text(doc.run().id());
    }

    private static String label(MatrixDocument doc) {
        return doc.environment() == null ? "-" : doc.environment().label();
    }
}
