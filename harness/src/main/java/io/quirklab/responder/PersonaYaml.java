package io.quirklab.responder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.matrix.Verdict;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes persona catalogues in the format {@link PersonaCatalogue} reads: typed personas handed to another process
 * (read back equal), personas composed at run time and personas cloned from a capture. Quirk values are written
 * through the {@link QuirkField} table.
 */
public final class PersonaYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    /** How a served persona's quirk list marks a firmware quirk ("firmware=session-id-zero"). */
    public static final String FIRMWARE_PREFIX = "firmware=";
    private static final String FIRMWARE = FIRMWARE_PREFIX;

    private PersonaYaml() {
    }

    /**
     * One persona as written; null leaves a field to the catalogue's default.
     *
     * @param name               unique name
     * @param description        one line, or null
     * @param expected           the verdict, or null (DELIVERED)
     * @param quirks             the quirk profile
     * @param firmware           firmware quirks
     * @param ipmi               {@value PersonaCatalogue#IPMI_15} or {@value PersonaCatalogue#IPMI_20}, or null (2.0)
     * @param address            dotted address, or null (base + index)
     * @param mac                MAC, or null (by index)
     * @param maxSessions        the session table's size, or null
     * @param idleTimeoutSeconds how long an idle session lives, or null
     * @param address6           its IPv6 address, or null (IPv4 only)
     */
    public record Entry(String name, String description, Verdict expected, QuirkProfile quirks, Set<FirmwareQuirk> firmware,
                        String ipmi, String address, String mac, Integer maxSessions, Integer idleTimeoutSeconds, String address6) {
        public Entry {
            firmware = firmware.isEmpty() ? EnumSet.noneOf(FirmwareQuirk.class) : EnumSet.copyOf(firmware);
        }

        /** IPv4 only. */
        public Entry(String name, String description, Verdict expected, QuirkProfile quirks, Set<FirmwareQuirk> firmware, String ipmi,
                     String address, String mac, Integer maxSessions, Integer idleTimeoutSeconds) {
            this(name, description, expected, quirks, firmware, ipmi, address, mac, maxSessions, idleTimeoutSeconds, null);
        }

        /** The same entry at other addresses (a composed persona in a free slot). */
        public Entry at(String newAddress, String newMac, String newAddress6) {
            return new Entry(name, description, expected, quirks, firmware, ipmi, newAddress, newMac, maxSessions, idleTimeoutSeconds,
                    newAddress6);
        }

        /** Without session table settings (the catalogue's defaults). */
        public Entry(String name, String description, Verdict expected, QuirkProfile quirks, Set<FirmwareQuirk> firmware, String ipmi,
                     String address, String mac) {
            this(name, description, expected, quirks, firmware, ipmi, address, mac, null, null);
        }
    }

    /** The catalogue document as written: the keys {@link PersonaCatalogue.Entry} reads. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Written(String name, String description, String expected, Map<String, Object> quirks,
                           @JsonProperty("firmware-quirks") List<String> firmwareQuirks, String ipmi, String address, String mac,
                           @JsonProperty("max-sessions") Integer maxSessions, @JsonProperty("idle-timeout") Integer idleTimeout,
                           String address6) {
    }

    /**
     * A persona with everything it has written out, so the catalogue reads it back equal; refused for a BMC the catalogue
     * cannot describe (own users, authentication types, identity or Kg).
     */
    public static Entry of(Persona p) {
        BmcConfig bmc = p.bmc();
        String ipmi = bmc.ipmi20() ? PersonaCatalogue.IPMI_20 : PersonaCatalogue.IPMI_15;
        int idle = Math.toIntExact(bmc.idleTimeout().toSeconds());
        if (!PersonaCatalogue.bmc(bmc.quirks(), bmc.maxSessions(), idle, ipmi).equals(bmc)) {
            throw new IllegalArgumentException("persona " + p.name() + " has BMC settings a persona catalogue cannot carry "
                    + "(users, authentication types, identity or Kg)");
        }
        return new Entry(p.name(), p.description(), p.expected(), p.quirks(), bmc.quirks(), ipmi, p.address().getHostAddress(),
                p.mac().toString(), bmc.maxSessions(), idle, p.address6() == null ? null : p.address6().getHostAddress());
    }

    /** A persona as a responder reports serving it: its quirks list carries "firmware=NAME" entries too. */
    public static Entry of(ControlReply.PersonaView v) {
        List<String> quirks = new ArrayList<>();
        Set<FirmwareQuirk> firmware = EnumSet.noneOf(FirmwareQuirk.class);
        for (String q : v.quirks() == null ? List.<String>of() : v.quirks()) {
            if (q.startsWith(FIRMWARE)) {
                firmware.add(FirmwareQuirk.parse(q.substring(FIRMWARE.length())));
            } else {
                quirks.add(q);
            }
        }
        return new Entry(v.name(), v.description(), v.expected() == null ? null : Verdict.valueOf(v.expected()),
                QuirkProfile.fromDescription(quirks), firmware, v.ipmi(), v.address(), v.mac(), v.maxSessions(), v.idleTimeoutSeconds(),
                v.address6());
    }

    /** How a responder reports a persona's quirks: the profile's "key=value" lines, then "firmware=NAME" per firmware quirk. */
    public static List<String> served(Persona p) {
        List<String> q = new ArrayList<>(p.quirks().describe());
        p.bmc().quirks().forEach(f -> q.add(FIRMWARE + f.cliName()));
        return q;
    }

    /** The catalogue text of these personas; {@link PersonaCatalogue#parse} reads each back equal. */
    public static String personas(List<Persona> personas) {
        return catalogue(personas.stream().map(PersonaYaml::of).toList());
    }

    /** The catalogue text of these entries. */
    public static String catalogue(List<Entry> entries) {
        List<Written> list = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> q = new LinkedHashMap<>();
            e.quirks().set().forEach((f, v) -> q.put(f.name(), f.yamlOf(v)));
            list.add(new Written(e.name(), e.description(), e.expected() == null ? null : e.expected().name(), q.isEmpty() ? null : q,
                    e.firmware().isEmpty() ? null : e.firmware().stream().map(FirmwareQuirk::cliName).toList(), e.ipmi(), e.address(),
                    e.mac(), e.maxSessions(), e.idleTimeoutSeconds(), e.address6()));
        }
        try {
            return YAML.writeValueAsString(Map.of("personas", list));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a persona catalogue", e);
        }
    }
}
