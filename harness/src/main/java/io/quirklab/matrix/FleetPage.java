package io.quirklab.matrix;

import io.quirklab.matrix.FleetMatrix.Machine;
import io.quirklab.matrix.FleetMatrix.MachineCell;
import io.quirklab.matrix.FleetMatrix.Panel;
import io.quirklab.matrix.MatrixDocument.Key;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The page of {@code quirklab fleet merge --html}: one panel per offload state, personas down, machines across (one
 * column per client and machine, the machines of one client side by side so a difference is next to its cause),
 * each cell in its verdict's colour, cells whose verdict differs between machines outlined twice and badged
 * "DIFFERS"; above it the machines and one summary line per persona. Self-contained, no script, the same layout
 * rules as {@link Heatmap} (see {@link #geometry}).
 */
public final class FleetPage {
    static final String DIFFERS = "DIFFERS";

    private FleetPage() {
    }

    /** The column of one client on one machine, as the page's geometry names it. */
    public static String column(String client, String machineId) {
        return client + " @ " + machineId;
    }

    /** The columns in display order: per client, every machine. */
    public static List<String> columns(FleetMatrix fleet) {
        List<String> columns = new ArrayList<>();
        for (String client : fleet.axes().clients()) {
            fleet.machines().forEach(m -> columns.add(column(client, m.id())));
        }
        return columns;
    }

    /** Where each cell is: {@code geometry.cell(offload, persona, column(client, machineId))}. */
    public static Heatmap.Geometry geometry(FleetMatrix fleet) {
        int lines = fleet.machines().size() + 1 + fleet.summaries().size();
        Grid grid = new Grid(fleet.axes().offload(), fleet.axes().personas(), columns(fleet), Map.of());
        return Heatmap.Geometry.of(Heatmap.TITLE_HEIGHT + lines * Heatmap.LINE_HEIGHT, legend().size(), grid);
    }

    /** Writes {@link #render} to {@code file} with its style sheet next to it (Jenkins' content policy). */
    public static void write(FleetMatrix fleet, Path file) throws IOException {
        GridPage.write(render(fleet), file);
    }

    public static String render(FleetMatrix fleet) {
        Heatmap.Geometry g = geometry(fleet);
        List<GridPage.Fill> fills = new ArrayList<>(Heatmap.verdictFills());
        fills.add(Heatmap.NOT_APPLICABLE);
        fills.add(Heatmap.PLAIN);
        return GridPage.render("quirklab fleet matrix (" + fleet.machines().size() + " machines)", header(fleet), g, fills, legend(),
                key -> cell(fleet, key));
    }

    private static List<GridPage.LegendEntry> legend() {
        List<GridPage.LegendEntry> l = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            l.add(new GridPage.LegendEntry(Heatmap.fill(v).cssClass(), "", v.name()));
        }
        l.add(new GridPage.LegendEntry(Heatmap.NOT_APPLICABLE.cssClass(), "n/a", "not run on that machine"));
        l.add(new GridPage.LegendEntry("plain differs", "", DIFFERS + ": machines disagree"));
        return l;
    }

    private static GridPage.CellView cell(FleetMatrix fleet, Key key) {
        String column = key.client();
        int at = column.lastIndexOf(" @ ");
        String client = column.substring(0, at);
        String machineId = column.substring(at + 3);
        Machine machine = fleet.machines().stream().filter(m -> m.id().equals(machineId)).findFirst().orElseThrow();
        Panel panel = fleet.panel(key.offload());
        MachineCell c = panel.cell(machineId, key.persona(), client);
        String where = key.persona() + " x " + client + " x offload=" + key.offload() + " on " + machineId + " " + machine.name();
        if (c == null) {
            return new GridPage.CellView(Heatmap.NOT_APPLICABLE.cssClass(), List.of("n/a", "", machine.shortName()), List.of(), "",
                    where + ": not run on that machine", null);
        }
        List<String> lines = List.of(c.verdict().name(), c.reason() == null ? "" : "reason " + c.reason(), machine.shortName(),
                c.delivered() + "/" + c.attempts() + " delivered");
        StringBuilder title = new StringBuilder(where).append('\n').append(c.verdict().name())
                .append(c.reason() == null ? "" : " (" + c.reason() + ")").append(", expected ").append(c.expected());
        if (c.differs()) {
            title.append("\ndiffers between machines:");
            for (Machine m : fleet.machines()) {
                MachineCell other = panel.cell(m.id(), key.persona(), client);
                title.append("\n  ").append(m.id()).append(' ').append(m.shortName()).append(": ")
                        .append(other == null ? "n/a" : other.verdict().name());
            }
        }
        return new GridPage.CellView(Heatmap.fill(c.verdict()).cssClass(), lines, c.differs() ? List.of(DIFFERS) : List.of(),
                c.differs() ? "differs" : "", title.toString(), null);
    }

    private static String header(FleetMatrix fleet) {
        StringBuilder h = new StringBuilder();
        h.append("<h1>Fleet delivery matrix: ").append(fleet.machines().size()).append(" machines</h1>\n");
        for (Machine m : fleet.machines()) {
            line(h, "machine", m.id() + ": " + m.name() + " (run " + Heatmap.text(m.runId()) + ", " + m.source() + ")");
        }
        List<String> differing = new ArrayList<>();
        for (Panel p : fleet.panels()) {
            differing.add("offload " + p.offload() + ": " + (p.differing().isEmpty() ? "none" : String.join(", ", p.differing())));
        }
        line(h, "differing", "personas whose verdicts differ between machines: " + String.join("; ", differing));
        for (FleetMatrix.PersonaSummary s : fleet.summaries()) {
            line(h, "summary", s.persona() + ": " + s.summary());
        }
        return h.toString();
    }

    private static void line(StringBuilder h, String cls, String text) {
        h.append("<div class=\"l ").append(cls).append("\" title=\"").append(Html.escape(text)).append("\">").append(Html.escape(text))
                .append("</div>\n");
    }
}
