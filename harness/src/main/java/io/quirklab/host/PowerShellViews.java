package io.quirklab.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PowerShell's default views of cmdlet output, as people paste them: {@code Format-List} ("Name : value" lines, one
 * blank line between objects) and {@code Format-Table} (a header, a row of dashes that fixes the columns, then rows).
 * Both become the JSON objects {@code ConvertTo-Json} would have given, so the adapters' JSON readers
 * ({@link WindowsHost#offloads(JsonNode, JsonNode)}, {@link WindowsHost#dutInterface}) serve them unchanged. As far as
 * they go: a list view cut by the console keeps what it shows, a table's truncated cells ("Intel(R) Ethernet Con...")
 * stay truncated. Prompt lines ({@code PS C:\...>}) and a "#" every line starts with (a paste marked as comment) are
 * skipped.
 */
final class PowerShellViews {
    private static final Pattern LIST_LINE = Pattern.compile("^(\\S[^:]*?)\\s*:(?:\\s(.*))?$");
    private static final Pattern DASHES = Pattern.compile("^\\s*-+(\\s+-+)*\\s*$");
    private static final Pattern PROMPT = Pattern.compile("^\\s*PS [^>]*>.*$");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PowerShellViews() {
    }

    /** The lines without a "#" prefix they all share, and without prompts. */
    static List<String> lines(String text) {
        List<String> all = List.of(text.split("\\R"));
        boolean hashed = all.stream().filter(l -> !l.isBlank()).allMatch(l -> l.startsWith("#")) && all.stream().anyMatch(l -> !l.isBlank());
        List<String> out = new ArrayList<>();
        for (String l : all) {
            String line = hashed && l.startsWith("#") ? l.substring(1) : l;
            if (!PROMPT.matcher(line).matches()) {
                out.add(line);
            }
        }
        return out;
    }

    /** Whether the text has a table header (a line followed by a line of dashes). */
    static boolean isTable(String text) {
        List<String> l = lines(text);
        for (int i = 1; i < l.size(); i++) {
            if (DASHES.matcher(l.get(i)).matches() && !l.get(i - 1).isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** Format-List: objects of "Name : value" properties; a line indented past the colon continues the value. */
    static ArrayNode list(String text) {
        ArrayNode out = NODES.arrayNode();
        ObjectNode current = null;
        String lastKey = null;
        int valueColumn = -1;
        for (String line : lines(text)) {
            if (line.isBlank()) {
                current = null;
                continue;
            }
            Matcher m = LIST_LINE.matcher(line);
            if (m.matches()) {
                if (current == null) {
                    current = out.addObject();
                }
                lastKey = m.group(1).trim();
                valueColumn = line.indexOf(':') + 2;
                current.put(lastKey, m.group(2) == null ? "" : m.group(2).trim());
            } else if (current != null && lastKey != null && line.length() > valueColumn && line.substring(0, valueColumn).isBlank()) {
                current.put(lastKey, current.path(lastKey).asText() + line.trim()); // wrapped value
            }
        }
        return out;
    }

    /**
     * Format-Table: every table in the text (a paste often holds a before and an after), each as an array of objects
     * keyed by the header's column names. A column runs from its dashes to the next column's.
     */
    static List<ArrayNode> tables(String text) {
        List<String> l = lines(text);
        List<ArrayNode> out = new ArrayList<>();
        for (int i = 1; i < l.size(); i++) {
            if (!DASHES.matcher(l.get(i)).matches() || l.get(i - 1).isBlank()) {
                continue;
            }
            List<int[]> columns = new ArrayList<>();
            Matcher d = Pattern.compile("-+").matcher(l.get(i));
            while (d.find()) {
                columns.add(new int[] {d.start(), d.end()});
            }
            String header = l.get(i - 1);
            List<String> names = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                names.add(cell(header, columns, c));
            }
            ArrayNode rows = NODES.arrayNode();
            int j = i + 1;
            for (; j < l.size() && !l.get(j).isBlank(); j++) {
                if (j + 1 < l.size() && DASHES.matcher(l.get(j + 1)).matches()) {
                    break; // the next table's header
                }
                ObjectNode row = rows.addObject();
                for (int c = 0; c < columns.size(); c++) {
                    row.put(names.get(c), cell(l.get(j), columns, c));
                }
            }
            out.add(rows);
            i = j - 1;
        }
        return out;
    }

    private static String cell(String line, List<int[]> columns, int c) {
        int from = columns.get(c)[0];
        int to = c + 1 < columns.size() ? columns.get(c + 1)[0] : line.length();
        return from >= line.length() ? "" : line.substring(from, Math.min(to, line.length())).trim();
    }

    /** JSON text as the cmdlets' ConvertTo-Json prints it, or null when it is not JSON (a log line "[0]0004.00F8::..." is not). */
    static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
