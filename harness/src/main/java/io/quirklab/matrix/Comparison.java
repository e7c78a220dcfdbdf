package io.quirklab.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Two matrix documents of the same kind of run compared cell by cell (MATRIX.md): which cells moved away from
 * {@code expected} (regressions), towards it (fixes), changed otherwise, or exist in one file only; and how the runs
 * and their environments differ. Pure: it reads the two documents and nothing else.
 *
 * <p>A cell is the same cell in both files when its (persona, client, offload) key is. Each side is judged against its
 * own {@code expected}. A change of counts, timings, evidence or the {@code known} note alone leaves a cell unchanged.
 */
public final class Comparison {
    /** How one cell differs between the two files. Declared in report order: regressions first. */
    public enum Kind {
        /** Was as expected, now is not. */
        REGRESSION("regressions"),
        /** Was not as expected, now is. */
        FIX("fixes"),
        /** Verdict, reason or expectation changed without crossing {@code expected}. */
        CHANGED("changed"),
        /** Only in the new file. */
        ADDED("added"),
        /** Only in the old file. */
        REMOVED("removed"),
        /** Same verdict, reason and expectation. */
        UNCHANGED("unchanged");

        private final String plural;

        Kind(String plural) {
            this.plural = plural;
        }

        /** "regressions", "fixes", ...: the heading of this kind in reports. */
        public String plural() {
            return plural;
        }
    }

    /**
     * One key in the two files.
     *
     * @param kind   how it changed
     * @param key    the cell's identity
     * @param before the old cell, null when {@link Kind#ADDED}
     * @param after  the new cell, null when {@link Kind#REMOVED}
     */
    public record CellChange(Kind kind, Key key, Cell before, Cell after) {
        public CellChange {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
        }

        /** "DELIVERED -> DROPPED_IN_STACK (UDP_CSUM)", "DELIVERED (only in NEW)", "DELIVERED" when unchanged. */
        public String summary() {
            return switch (kind) {
                case ADDED -> outcome(after) + " (only in NEW)";
                case REMOVED -> outcome(before) + " (only in OLD)";
                case UNCHANGED -> outcome(after);
                default -> outcome(before) + " -> " + outcome(after);
            };
        }

        /** "expected DELIVERED", or "expected DELIVERED -> DROPPED_IN_STACK" when the expectation itself changed. */
        public String expectation() {
            Verdict old = before == null ? null : before.expected();
            Verdict now = after == null ? null : after.expected();
            if (before == null || after == null || Objects.equals(old, now)) {
                return "expected " + (after != null ? now : old);
            }
            return "expected " + old + " -> " + now;
        }
    }

    /**
     * One field of the run or the environment, side by side.
     *
     * @param name   JSON path inside {@code run} or {@code environment}, e.g. {@code dut_interface.driver_version}
     * @param before the old value, null when absent or null
     * @param after  the new value, null when absent or null
     */
    public record Field(String name, String before, String after) {
        public boolean differs() {
            return !Objects.equals(before, after);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MatrixDocument before;
    private final MatrixDocument after;
    private final Grid grid;
    private final List<CellChange> cells;
    private final Map<Key, CellChange> byKey;

    private Comparison(MatrixDocument before, MatrixDocument after, Grid grid, List<CellChange> cells) {
        this.before = before;
        this.after = after;
        this.grid = grid;
        this.cells = List.copyOf(cells);
        this.byKey = new LinkedHashMap<>();
        cells.forEach(c -> byKey.put(c.key(), c));
    }

    /**
     * Compares {@code before} (OLD) with {@code after} (NEW).
     *
     * @throws IllegalArgumentException when a document has two cells with one key
     */
    public static Comparison of(MatrixDocument before, MatrixDocument after) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Grid old = Grid.of(before, "OLD");
        Grid now = Grid.of(after, "NEW");
        Grid merged = now.withAxesOf(old);
        List<CellChange> cells = new ArrayList<>();
        for (Key key : merged.keys()) {
            Cell b = old.cells().get(key);
            Cell a = now.cells().get(key);
            if (a != null || b != null) {
                cells.add(new CellChange(kind(b, a), key, b, a));
            }
        }
        return new Comparison(before, after, merged, cells);
    }

    static Kind kind(Cell before, Cell after) {
        if (before == null) {
            return Kind.ADDED;
        }
        if (after == null) {
            return Kind.REMOVED;
        }
        // Repeated on both sides: a move across expected counts only when the delivered shares' intervals separate.
        boolean separated = before.repeatShare().isEmpty() || after.repeatShare().isEmpty()
                || before.repeatShare().get().separatesFrom(after.repeatShare().get());
        if (separated && !before.finding() && after.finding()) {
            return Kind.REGRESSION;
        }
        if (separated && before.finding() && !after.finding()) {
            return Kind.FIX;
        }
        boolean same = before.verdict() == after.verdict() && Objects.equals(before.reason(), after.reason())
                && Objects.equals(before.expected(), after.expected());
        return same ? Kind.UNCHANGED : Kind.CHANGED;
    }

    public MatrixDocument before() {
        return before;
    }

    public MatrixDocument after() {
        return after;
    }

    /** Every key present in either file, unchanged ones included, in grid order (offload, persona, client). */
    public List<CellChange> cells() {
        return cells;
    }

    /** The cells that are not {@link Kind#UNCHANGED}, regressions first, then in grid order. */
    public List<CellChange> changes() {
        return cells.stream().filter(c -> c.kind() != Kind.UNCHANGED).sorted(Comparator.comparing(CellChange::kind)).toList();
    }

    /** The cells of one kind, in grid order. */
    public List<CellChange> cells(Kind kind) {
        return cells.stream().filter(c -> c.kind() == kind).toList();
    }

    /** The comparison of one key, empty when neither file has it. */
    public Optional<CellChange> cell(Key key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public int count(Kind kind) {
        return (int) cells.stream().filter(c -> c.kind() == kind).count();
    }

    public boolean hasRegressions() {
        return count(Kind.REGRESSION) > 0;
    }

    /** Offload states of both files, NEW's axis order first. */
    public List<OffloadState> offloads() {
        return grid.offloads();
    }

    /** Personas of both files, NEW's axis order first. */
    public List<String> personas() {
        return grid.personas();
    }

    /** Clients of both files, NEW's axis order first. */
    public List<String> clients() {
        return grid.clients();
    }

    /** The schema and every field of {@code run} (id, times, version, lab, fault model), side by side. */
    public List<Field> run() {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("schema", before.schema(), after.schema()));
        fields.addAll(fields(before.run(), after.run()));
        return fields;
    }

    /** Every field of {@code environment} in either file, side by side (OLD's order first). */
    public List<Field> environment() {
        return fields(before.environment(), after.environment());
    }

    /** The environment fields whose values differ. */
    public List<Field> environmentDifferences() {
        return environment().stream().filter(Field::differs).toList();
    }

    private static List<Field> fields(Object before, Object after) {
        Map<String, String> old = flatten(before);
        Map<String, String> now = flatten(after);
        List<String> names = new ArrayList<>(old.keySet());
        now.keySet().stream().filter(n -> !old.containsKey(n)).forEach(names::add);
        return names.stream().map(n -> new Field(n, old.get(n), now.get(n))).toList();
    }

    /** A value's JSON form as path -> text, so a field added to the model is compared without touching this class. */
    private static Map<String, String> flatten(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value != null) {
            flatten("", JSON.valueToTree(value), out);
        }
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            if (node.isEmpty() && !path.isEmpty()) {
                out.put(path, null);
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(path, node.isNull() ? null : node.asText());
        }
    }

    /** "DROPPED_IN_STACK (UDP_CSUM)", or "-" for no cell. */
    static String outcome(Cell c) {
        if (c == null) {
            return "-";
        }
        return c.verdict() + (c.reason() == null ? "" : " (" + c.reason() + ")");
    }
}
