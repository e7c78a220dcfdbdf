package io.quirklab.matrix;

import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document's cells indexed by key, with the axes in display order: the document's axes first, then any value a
 * cell uses that the axes lack (so no cell is ever left out of a view). A run with several fault models shows its
 * offload=on cells on their own page ({@link FaultHeatmap}): here they and the offload=on panel are left out.
 */
record Grid(List<OffloadState> offloads, List<String> personas, List<String> clients, Map<Key, Cell> cells) {
    Grid {
        offloads = List.copyOf(offloads);
        personas = List.copyOf(personas);
        clients = List.copyOf(clients);
        cells = Collections.unmodifiableMap(new LinkedHashMap<>(cells));
    }

    /** Indexes {@code doc}; two cells with the same key are an error naming {@code origin} and the key. */
    static Grid of(MatrixDocument doc, String origin) {
        MatrixDocument.Axes axes = doc.axes();
        List<OffloadState> offloads = new ArrayList<>(axes == null ? List.of() : axes.offload());
        List<String> personas = new ArrayList<>(axes == null ? List.of() : axes.personas());
        List<String> clients = new ArrayList<>(axes == null ? List.of() : axes.clients());
        Map<Key, Cell> cells = new LinkedHashMap<>();
        boolean severalFaults = axes != null && !axes.faults().isEmpty();
        if (severalFaults) {
            offloads.remove(OffloadState.ON);
        }
        for (Cell c : doc.cells()) {
            if (severalFaults && c.fault() != null) {
                continue;
            }
            if (cells.putIfAbsent(c.key(), c) != null) {
                throw new IllegalArgumentException(origin + ": two cells for " + c.key());
            }
            addIfMissing(offloads, c.offload());
            addIfMissing(personas, c.persona());
            addIfMissing(clients, c.client());
        }
        return new Grid(offloads, personas, clients, cells);
    }

    /** The axes of both, this one's order first; the cells of this one. */
    Grid withAxesOf(Grid other) {
        List<OffloadState> o = new ArrayList<>(offloads);
        List<String> p = new ArrayList<>(personas);
        List<String> c = new ArrayList<>(clients);
        other.offloads.forEach(v -> addIfMissing(o, v));
        other.personas.forEach(v -> addIfMissing(p, v));
        other.clients.forEach(v -> addIfMissing(c, v));
        return new Grid(o, p, c, cells);
    }

    /** Every key of the grid in display order: offload, then persona, then client. */
    List<Key> keys() {
        List<Key> keys = new ArrayList<>();
        for (OffloadState o : offloads) {
            for (String p : personas) {
                for (String c : clients) {
                    keys.add(new Key(p, c, o));
                }
            }
        }
        return keys;
    }

    private static <T> void addIfMissing(List<T> list, T value) {
        if (!list.contains(value)) {
            list.add(value);
        }
    }
}
