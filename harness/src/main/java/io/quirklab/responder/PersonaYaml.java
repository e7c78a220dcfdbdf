package io.quirklab.responder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes persona catalogues in the format {@link PersonaCatalogue} reads: for personas composed at run time (put
 * into a responder whole) and personas cloned from a capture.
 */
public final class PersonaYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final String FIRMWARE = "firmware=";

    private PersonaYaml() {
    }

    /**
     * One persona as written.
     *
     * @param name        unique name
     * @param description one line
     * @param expected    a verdict name, or null for the default (DELIVERED)
     * @param quirks      quirk fields as "key=value" ({@link QuirkNames} spelling)
     * @param firmware    firmware quirk names
     * @param ipmi        "1.5" or "2.0"
     * @param address     dotted address, or null for base + index
     * @param mac         MAC, or null for the default
     */
    public record Entry(String name, String description, String expected, List<String> quirks, List<String> firmware, String ipmi,
                        String address, String mac) {
        public Entry {
            quirks = List.copyOf(quirks);
            firmware = List.copyOf(firmware);
        }
    }

    /** A persona as a responder reports serving it: its quirks list carries "firmware=NAME" entries too. */
    public static Entry of(ControlReply.PersonaView v) {
        List<String> quirks = new ArrayList<>();
        List<String> firmware = new ArrayList<>();
        for (String q : v.quirks() == null ? List.<String>of() : v.quirks()) {
            if (q.startsWith(FIRMWARE)) {
                firmware.add(q.substring(FIRMWARE.length()));
            } else {
                quirks.add(q);
            }
        }
        return new Entry(v.name(), v.description(), v.expected(), quirks, firmware, v.ipmi(), v.address(), v.mac());
    }

    /** The catalogue text of these personas. */
    public static String catalogue(List<Entry> entries) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            if (e.description() != null) {
                m.put("description", e.description());
            }
            if (e.expected() != null) {
                m.put("expected", e.expected());
            }
            Map<String, Object> q = new LinkedHashMap<>();
            for (String kv : e.quirks()) {
                int eq = kv.indexOf('=');
                q.put(kv.substring(0, eq), scalar(kv.substring(eq + 1)));
            }
            if (!q.isEmpty()) {
                m.put("quirks", q);
            }
            if (!e.firmware().isEmpty()) {
                m.put("firmware-quirks", e.firmware());
            }
            if (e.ipmi() != null) {
                m.put("ipmi", e.ipmi());
            }
            if (e.address() != null) {
                m.put("address", e.address());
            }
            if (e.mac() != null) {
                m.put("mac", e.mac());
            }
            list.add(m);
        }
        try {
            return YAML.writeValueAsString(Map.of("personas", list));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a persona catalogue", e);
        }
    }

    /** Numbers and booleans as YAML scalars of their kind, everything else as text. */
    private static Object scalar(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        return v.matches("\\d{1,9}") ? (Object) Integer.valueOf(v) : v;
    }
}
