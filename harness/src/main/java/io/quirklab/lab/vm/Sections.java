package io.quirklab.lab.vm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output of one guest script that gathers several things at once, each after an "@@name" line: one round trip
 * instead of one per file. Pure.
 */
final class Sections {
    static final String MARK = "@@";

    private Sections() {
    }

    /** The shell line that starts section {@code name}. */
    static String start(String name) {
        return "echo '" + MARK + name + "'";
    }

    /** Section name to its text (lines joined with \n); text before the first mark is dropped. */
    static Map<String, String> parse(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            if (line.startsWith(MARK)) {
                if (current != null) {
                    out.put(current, text.toString());
                }
                current = line.substring(MARK.length()).trim();
                text.setLength(0);
            } else if (current != null) {
                text.append(line).append('\n');
            }
        }
        if (current != null) {
            out.put(current, text.toString().replaceAll("\n+$", "\n"));
        }
        return out;
    }
}
