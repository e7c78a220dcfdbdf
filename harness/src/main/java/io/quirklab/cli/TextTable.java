package io.quirklab.cli;

import java.util.Arrays;
import java.util.List;

/**
 * Left-aligned columns for the commands' plain-text output, two spaces apart, no trailing blanks; every cell is shown
 * as {@link Terminal#text} shows it (the values come from files: run ids, personas, environments).
 */
final class TextTable {
    private TextTable() {
    }

    /** Appends {@code rows} (all of one length) to {@code out}, each line starting with {@code indent}. */
    static void append(StringBuilder out, String indent, List<String[]> given) {
        if (given.isEmpty()) {
            return;
        }
        List<String[]> rows = given.stream().map(r -> Arrays.stream(r).map(Terminal::text).toArray(String[]::new)).toList();
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
