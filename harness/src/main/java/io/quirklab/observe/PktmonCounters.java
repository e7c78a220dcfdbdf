package io.quirklab.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pktmon counters --json}, read while the capture still runs ({@code pktmon stop} clears the counters). Its
 * shape is not documented; seen in the field: an array of groups, each with {@code Components}, each component with
 * {@code Id}, {@code Name} and {@code Counters}, each counter with a {@code Type} ("Flow", "Drop"), {@code Inbound}
 * and {@code Outbound} packet counts and, for drops, the last drop reason. The walk is tolerant: any object with a
 * {@code Counters} array is a component, a counter whose type mentions "drop" counts drops, any text field whose
 * name mentions "reason" is the last drop reason; unknown fields are ignored.
 *
 * @param dropsByComponent "49 Intel(R) I211 ..." -> drop packets in both directions (components without drops left out)
 * @param lastDropReason   component -> its most recent drop reason, where given
 */
public record PktmonCounters(Map<String, Long> dropsByComponent, Map<String, String> lastDropReason) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public PktmonCounters {
        dropsByComponent = Collections.unmodifiableMap(new TreeMap<>(dropsByComponent));
        lastDropReason = Collections.unmodifiableMap(new TreeMap<>(lastDropReason));
    }

    /** Parses the JSON; an empty text is no counters, broken JSON is an IOException saying so. */
    public static PktmonCounters parse(String json) throws IOException {
        Map<String, Long> drops = new TreeMap<>();
        Map<String, String> reasons = new TreeMap<>();
        if (json.isBlank()) {
            return new PktmonCounters(drops, reasons);
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("pktmon counters --json is not JSON: " + e.getOriginalMessage(), e);
        }
        walk(root, drops, reasons);
        return new PktmonCounters(drops, reasons);
    }

    private static void walk(JsonNode node, Map<String, Long> drops, Map<String, String> reasons) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(n -> walk(n, drops, reasons));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode counters = field(node, "counters");
        if (counters != null && counters.isArray()) {
            component(node, counters, drops, reasons);
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getKey().equalsIgnoreCase("counters")) {
                walk(f.getValue(), drops, reasons);
            }
        }
    }

    private static void component(JsonNode comp, JsonNode counters, Map<String, Long> drops, Map<String, String> reasons) {
        JsonNode id = field(comp, "id");
        JsonNode name = field(comp, "name");
        String label = ((id == null ? "" : id.asText()) + " " + (name == null ? "" : name.asText())).trim();
        label = label.isEmpty() ? "component" : label;
        for (JsonNode c : counters) {
            JsonNode type = field(c, "type");
            if (type == null || !type.asText().toLowerCase(Locale.ROOT).contains("drop")) {
                continue;
            }
            long n = packets(field(c, "inbound")) + packets(field(c, "outbound"));
            if (n > 0) {
                drops.merge(label, n, Long::sum);
            }
            String reason = reasonIn(c);
            if (reason != null && !reason.isBlank()) {
                reasons.put(label, reason.trim());
            }
        }
    }

    private static long packets(JsonNode direction) {
        if (direction == null) {
            return 0;
        }
        if (direction.isNumber() || direction.isTextual()) {
            return direction.asLong(0);
        }
        JsonNode p = field(direction, "packets");
        return p == null ? 0 : p.asLong(0);
    }

    /** The first text field, at any depth, whose name mentions "reason". */
    private static String reasonIn(JsonNode node) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (f.getKey().toLowerCase(Locale.ROOT).contains("reason") && f.getValue().isTextual()) {
                return f.getValue().asText();
            }
            if (f.getValue().isObject()) {
                String r = reasonIn(f.getValue());
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /** A field by name, ignoring case ("Counters", "counters"). */
    private static JsonNode field(JsonNode node, String name) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (f.getKey().equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        return null;
    }

    /**
     * A row of the text form ({@code pktmon counters}): "ID NAME  COUNTER DIR PACKETS BYTES | DIR PACKETS BYTES
     * [REASON]"; rows without an id continue the component above. Numbers may carry thousands separators.
     */
    private static final java.util.regex.Pattern TEXT_ROW = java.util.regex.Pattern.compile(
            "^\\s*(?:(\\d+)\\s+(\\S.*?)\\s{2,})?(\\S+?):?\\s+(\\S+)\\s+([\\d,.\u00a0\u202f']+)\\s+[\\d,.\u00a0\u202f']+\\s*\\|"
                    + "\\s*(\\S+)\\s+([\\d,.\u00a0\u202f']+)\\s+[\\d,.\u00a0\u202f']+\\s*(.*?)\\s*$");

    /**
     * The text form of {@code pktmon counters} (its default table): a counter whose name mentions "drop" counts drops
     * for the component of its row or the last row with an id; text after the last column is the drop reason. The
     * layout is Microsoft's documented one; lines that do not fit are skipped.
     */
    public static PktmonCounters parseText(String text) {
        Map<String, Long> drops = new TreeMap<>();
        Map<String, String> reasons = new TreeMap<>();
        String component = null;
        for (String line : text.split("\\R")) {
            java.util.regex.Matcher m = TEXT_ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (m.group(1) != null) {
                component = m.group(1) + " " + m.group(2).trim();
            }
            if (component == null || !m.group(3).toLowerCase(Locale.ROOT).contains("drop")) {
                continue;
            }
            long n = count(m.group(5)) + count(m.group(7));
            if (n > 0) {
                drops.merge(component, n, Long::sum);
            }
            String reason = m.group(8).replaceFirst("(?i)^drop ?reason\\s*:?\\s*", "").trim();
            if (!reason.isEmpty()) {
                reasons.put(component, reason);
            }
        }
        return new PktmonCounters(drops, reasons);
    }

    private static long count(String digits) {
        String d = digits.replaceAll("[^0-9]", "");
        return d.isEmpty() || d.length() > 18 ? 0 : Long.parseLong(d);
    }

    /** Whether {@code text} looks like the text form of {@code pktmon counters} (a row with a "|" between directions). */
    public static boolean recognizesText(String text) {
        return text.lines().anyMatch(l -> TEXT_ROW.matcher(l).matches());
    }

    /** All drops counted, every component together. */
    public long totalDrops() {
        return dropsByComponent.values().stream().mapToLong(Long::longValue).sum();
    }
}
