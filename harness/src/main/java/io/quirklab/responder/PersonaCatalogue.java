package io.quirklab.responder;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.matrix.Verdict;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Personas read from YAML: the built-in catalogue (resource {@value #BUILT_IN}) or a lab's own file.
 *
 * <pre>
 * personas:
 *   - name: smdc-tyan
 *     description: "one line: what it is and why it exists"
 *     expected: DELIVERED              # a Verdict; default DELIVERED
 *     quirks: { template: request }    # kebab-case QuirkProfile fields
 *     firmware-quirks: []              # FirmwareQuirk.cliName() values
 *     ipmi: "1.5"                      # "1.5" (1.5 only, like the SMDC) or "2.0" (1.5 and RMCP+); default "2.0"
 *     address: 198.18.0.11             # optional: base + index
 *     mac: 02:51:4c:00:00:02           # optional: MacAddress.local(index + 1)
 *     max-sessions: 4                  # session table size, 1..63; default 32
 *     idle-timeout: 60                 # seconds an idle session lives, 1..3600; default 60
 * </pre>
 *
 * Every persona gets {@link BmcConfig#smdcDefaults()} with its firmware quirks. Anything wrong is rejected with a
 * {@link CatalogueException} naming the file, the persona, the field, the value, what is allowed and the line.
 */
public final class PersonaCatalogue {
    public static final String BUILT_IN = "personas.yaml";
    /** Where persona addresses start unless a caller says otherwise (the virtual lab's responder range). */
    public static final String DEFAULT_BASE = "198.18.0.10";

    private static final List<String> PERSONA_FIELDS =
            List.of("name", "description", "expected", "quirks", "firmware-quirks", "ipmi", "address", "mac",
                    "max-sessions", "idle-timeout");
    /**
     * Session table of a persona that does not say: generous, so clients that never close their sessions (OpenIPMI's
     * tools, pyghmi) cannot fill it within one idle timeout. smdc-tyan keeps the real card's 4 in its entry.
     */
    public static final int DEFAULT_MAX_SESSIONS = 32;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    private static final YAMLFactory YAML = new YAMLFactory();

    private final List<Persona> personas;

    /** A YAML file (or the built-in catalogue) is wrong; the message says where and how. */
    public static final class CatalogueException extends IllegalArgumentException {
        public CatalogueException(String message) {
            super(message);
        }
    }

    private PersonaCatalogue(List<Persona> personas) {
        this.personas = List.copyOf(personas);
    }

    /** The built-in personas from {@value #DEFAULT_BASE} upward. */
    public static PersonaCatalogue builtIn() {
        return builtIn(address(DEFAULT_BASE));
    }

    /** The built-in personas, addresses from {@code base} upward. */
    public static PersonaCatalogue builtIn(Inet4Address base) {
        try (InputStream in = PersonaCatalogue.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUILT_IN + " missing from the jar");
            }
            return parse(BUILT_IN, new String(in.readAllBytes(), StandardCharsets.UTF_8), base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lab segment personas live on: a /24 inside 198.18.0.0/15 whose network and broadcast addresses and the DUT's
     * own address no persona may take (the clients would send to them somewhere else, or to themselves).
     *
     * @param network the /24's network address
     * @param dut     the DUT's address on it, when known
     * @param label   how messages name the lab ("the virtual lab", "the second-nic lab on enp3s0")
     */
    public record Segment(Inet4Address network, Optional<Inet4Address> dut, String label) {
        public static final int PREFIX = 24;

        /** The /24 that holds {@code any}. */
        public static Segment around(Inet4Address any, Optional<Inet4Address> dut, String label) {
            long v = value(any) & 0xFFFFFF00L;
            return new Segment(of(v), dut, label);
        }

        public String cidr() {
            return network.getHostAddress() + "/" + PREFIX;
        }

        /** Why a persona may not have this address, or empty when it may. */
        public Optional<String> refusal(Inet4Address a) {
            long v = value(a);
            long net = value(network);
            if ((v & 0xFFFFFF00L) != net) {
                return Optional.of("is outside " + label + "'s subnet " + cidr() + ": the clients would send to it through another "
                        + "interface, out of the lab");
            }
            if (v == net) {
                return Optional.of("is the network address of " + label + "'s subnet " + cidr());
            }
            if (v == net + 255) {
                return Optional.of("is the broadcast address of " + label + "'s subnet " + cidr());
            }
            if (dut.isPresent() && dut.get().equals(a)) {
                return Optional.of("is the DUT's own address on " + label + " (" + a.getHostAddress() + ")");
            }
            return Optional.empty();
        }

        static long value(Inet4Address a) {
            byte[] b = a.getAddress();
            return (b[0] & 0xFFL) << 24 | (b[1] & 0xFFL) << 16 | (b[2] & 0xFFL) << 8 | (b[3] & 0xFFL);
        }

        static Inet4Address of(long v) {
            try {
                return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Personas from a YAML file; errors name the file by its file name. */
    public static PersonaCatalogue load(Path file, Inet4Address base) throws IOException {
        return load(file, base, null);
    }

    /**
     * Personas from a YAML file a user gave, read with {@link io.quirklab.input.InputFile}'s checks (size, text, UTF-8);
     * with a segment, every address must be usable on it.
     */
    public static PersonaCatalogue load(Path file, Inet4Address base, Segment segment) throws IOException {
        String text = io.quirklab.input.InputFile.text(file, "persona file", io.quirklab.input.InputFile.PERSONA_FILE_LIMIT);
        return parse(file.getFileName().toString(), text, base, segment);
    }

    /**
     * Personas from YAML text.
     *
     * @param source the name errors give the text, e.g. "personas.yaml"
     * @param yaml   the text
     * @param base   the address of the first persona without an explicit one; persona i defaults to base + i
     */
    public static PersonaCatalogue parse(String source, String yaml, Inet4Address base) {
        return parse(source, yaml, base, null);
    }

    /** Personas from YAML text whose addresses must all be usable on {@code segment} (null: 198.18.0.0/15 only). */
    public static PersonaCatalogue parse(String source, String yaml, Inet4Address base, Segment segment) {
        if (!isTestAddress(base)) {
            throw new IllegalArgumentException("base address " + base.getHostAddress() + " is outside 198.18.0.0/15");
        }
        return new PersonaCatalogue(new Reader(source, base, segment).read(yaml));
    }

    public List<Persona> personas() {
        return personas;
    }

    public List<String> names() {
        return personas.stream().map(Persona::name).toList();
    }

    public Optional<Persona> find(String name) {
        return personas.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The persona of that name, or an error listing the known names. */
    public Persona get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "no persona '" + name + "' (known: " + String.join(", ", names()) + ")"));
    }

    /** The network safety rule for personas: 198.18.0.0/15 only (RFC 2544 benchmarking space). */
    public static boolean isTestAddress(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) == 198 && (b[1] & 0xFE) == 18;
    }

    public static Inet4Address address(String dotted) {
        try {
            return (Inet4Address) InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    /** A YAML value with the line it starts on: a scalar (text, null for YAML null), a mapping or a sequence. */
    private record Node(int line, String text, Map<String, Node> fields, List<Node> items) {
        boolean isScalar() {
            return fields == null && items == null;
        }
    }

    /** One pass over one text; knows the source name and the persona being read, for error messages. */
    private static final class Reader {
        private final String source;
        private final Inet4Address base;
        private final Segment segment;
        private String persona;

        Reader(String source, Inet4Address base, Segment segment) {
            this.source = source;
            this.base = base;
            this.segment = segment;
        }

        List<Persona> read(String yaml) {
            Node root;
            try (JsonParser p = YAML.createParser(yaml)) {
                if (p.nextToken() == null) {
                    throw error(0, null, "is empty; expected a 'personas:' list");
                }
                root = node(p);
            } catch (JsonProcessingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                throw error(line, null, io.quirklab.input.ParseProblem.of(e, "YAML").what());
            } catch (IOException e) {
                throw error(0, null, "unreadable YAML");
            }
            if (root.fields() == null) {
                throw error(root.line(), null, "expected a mapping with a 'personas:' list");
            }
            for (Map.Entry<String, Node> e : root.fields().entrySet()) {
                if (!e.getKey().equals("personas")) {
                    throw error(e.getValue().line(), null, "unknown top-level field " + io.quirklab.input.InputFile.key(e.getKey())
                            + " (known: personas)");
                }
            }
            Node list = root.fields().get("personas");
            if (list == null || list.items() == null) {
                throw error(list == null ? root.line() : list.line(), "personas", "must be a list of personas");
            }
            List<Persona> out = new ArrayList<>();
            Map<String, Persona> byAddress = new HashMap<>();
            Map<MacAddress, Persona> byMac = new HashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                Node n = list.items().get(i);
                Persona p = persona(n, i);
                for (Persona q : out) {
                    if (q.name().equals(p.name())) {
                        throw error(n.line(), "name", "'" + p.name() + "' is used twice");
                    }
                }
                Persona clash = byAddress.putIfAbsent(p.address().getHostAddress(), p);
                if (clash != null) {
                    throw error(line(n, "address"), "address",
                            "'" + p.address().getHostAddress() + "' is already taken by persona '" + clash.name() + "'");
                }
                clash = byMac.putIfAbsent(p.mac(), p);
                if (clash != null) {
                    throw error(line(n, "mac"), "mac", "'" + p.mac() + "' is already taken by persona '" + clash.name() + "'");
                }
                out.add(p);
            }
            return out;
        }

        private Persona persona(Node n, int index) {
            persona = "#" + (index + 1);
            if (n.fields() == null) {
                throw error(n.line(), null, "expected a mapping with name, description, expected, quirks, ...");
            }
            Node name = n.fields().get("name");
            if (name == null || !name.isScalar() || name.text() == null || name.text().isBlank()) {
                throw error(name == null ? n.line() : name.line(), "name", "is missing (every persona needs a unique name)");
            }
            if (!name.text().matches("[a-z0-9][a-z0-9-]*")) {
                throw error(name.line(), "name", tok(name.text()) + " is not a name (lower-case letters, digits and '-')");
            }
            persona = "'" + name.text() + "'";
            for (Map.Entry<String, Node> e : n.fields().entrySet()) {
                if (!PERSONA_FIELDS.contains(e.getKey())) {
                    throw error(e.getValue().line(), keyName(e.getKey()),
                            "is not a persona field (known: " + String.join(", ", PERSONA_FIELDS) + ")");
                }
            }
            String description = text(n, "description").orElse("");
            Verdict expected = text(n, "expected").map(v -> enumValue("expected", line(n, "expected"), v, Verdict.class))
                    .orElse(Verdict.DELIVERED);
            QuirkProfile quirks = quirks(n.fields().get("quirks"));
            Set<FirmwareQuirk> firmware = firmwareQuirks(n.fields().get("firmware-quirks"));
            Inet4Address address = text(n, "address").map(a -> personaAddress(line(n, "address"), a))
                    .orElseGet(() -> offset(n, index));
            MacAddress mac = text(n, "mac").map(m -> mac(line(n, "mac"), m)).orElseGet(() -> MacAddress.local(index + 1));
            BmcConfig bmc = BmcConfig.smdcDefaults().withQuirks(firmware)
                    .withMaxSessions(bounded(n, "max-sessions", 1, 63, DEFAULT_MAX_SESSIONS, "sessions"))
                    .withIdleTimeout(java.time.Duration.ofSeconds(
                            bounded(n, "idle-timeout", 1, 3600, DEFAULT_IDLE_TIMEOUT_SECONDS, "seconds")));
            String ipmi = text(n, "ipmi").orElse("2.0");
            if (ipmi.equals("2.0")) {
                bmc = bmc.withIpmi20();
            } else if (!ipmi.equals("1.5")) {
                throw error(line(n, "ipmi"), "ipmi", tok(ipmi) + " is not an IPMI version (1.5: IPMI 1.5 only; 2.0: 1.5 and RMCP+)");
            }
            return new Persona(name.text(), description, address, mac, quirks, bmc, expected);
        }

        private QuirkProfile quirks(Node q) {
            if (q == null || q.isScalar() && q.text() == null) {
                return QuirkProfile.CLEAN;
            }
            if (q.fields() == null) {
                throw error(q.line(), "quirks", "must be a mapping of quirk fields (" + String.join(", ", QUIRK_FIELDS) + ")");
            }
            for (Map.Entry<String, Node> e : q.fields().entrySet()) {
                if (!QUIRK_FIELDS.contains(e.getKey())) {
                    throw error(e.getValue().line(), keyName(e.getKey()), "is not a quirk (known: " + String.join(", ", QUIRK_FIELDS) + ")");
                }
            }
            Quirks f = new Quirks(q);
            QuirkProfile.IpId ipId = f.choice("ip-id", QuirkProfile.IpId.class);
            Integer ipIdValue = f.integer("ip-id-value", 0, 0xFFFF);
            if (ipId == QuirkProfile.IpId.FIXED && ipIdValue == null) {
                throw error(line(q, "ip-id"), "ip-id", "'fixed' needs ip-id-value (0..65535)");
            }
            if (ipId != QuirkProfile.IpId.FIXED && ipIdValue != null) {
                throw error(line(q, "ip-id-value"), "ip-id-value", "only means something with ip-id: fixed");
            }
            return new QuirkProfile(f.choice("template", QuirkProfile.Template.class), ipId, ipIdValue,
                    f.bool("dont-fragment"), f.bool("evil-bit"), f.choice("fragment", QuirkProfile.Fragment.class),
                    f.integer("ttl", 1, 255), f.integer("tos", 0, 255), f.choice("ip-options", QuirkProfile.IpOptions.class),
                    f.choice("ip-checksum", QuirkProfile.IpChecksum.class), f.integer("trailing-bytes", 0, 64),
                    f.choice("udp-checksum", QuirkProfile.UdpChecksum.class), f.integer("source-port", 1, 0xFFFF),
                    f.choice("payload-parity", QuirkProfile.PayloadParity.class),
                    f.choice("eth-padding", QuirkProfile.EthPadding.class), f.integer("vlan-id", 1, 4094),
                    f.choice("destination", QuirkProfile.Destination.class), f.integer("delay-millis", 0, 5000),
                    f.bool("duplicate"));
        }

        /** Typed access to one quirks mapping. */
        private final class Quirks {
            private final Node map;

            Quirks(Node map) {
                this.map = map;
            }

            private Optional<Node> scalar(String field) {
                Node v = map.fields().get(field);
                if (v == null || v.isScalar() && v.text() == null) {
                    return Optional.empty();
                }
                if (!v.isScalar()) {
                    throw error(v.line(), field, "must be a single value");
                }
                return Optional.of(v);
            }

            <E extends Enum<E>> E choice(String field, Class<E> type) {
                return scalar(field).map(v -> enumValue(field, v.line(), v.text(), type)).orElse(null);
            }

            Boolean bool(String field) {
                return scalar(field).map(v -> switch (v.text()) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw error(v.line(), field, tok(v.text()) + " is not one of true, false");
                }).orElse(null);
            }

            Integer integer(String field, int min, int max) {
                return scalar(field).map(v -> {
                    int value;
                    try {
                        String t = v.text().trim().toLowerCase(Locale.ROOT);
                        value = t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
                    } catch (NumberFormatException e) {
                        throw error(v.line(), field, tok(v.text()) + " is not a whole number in " + min + ".." + max);
                    }
                    if (value < min || value > max) {
                        throw error(v.line(), field, value + " is outside " + min + ".." + max);
                    }
                    return value;
                }).orElse(null);
            }
        }

        private Set<FirmwareQuirk> firmwareQuirks(Node n) {
            Set<FirmwareQuirk> out = EnumSet.noneOf(FirmwareQuirk.class);
            if (n == null || n.isScalar() && n.text() == null) {
                return out;
            }
            if (n.items() == null) {
                throw error(n.line(), "firmware-quirks",
                        "must be a list, e.g. [session-id-zero] (known: " + FirmwareQuirk.names() + ")");
            }
            for (Node item : n.items()) {
                if (!item.isScalar() || item.text() == null) {
                    throw error(item.line(), "firmware-quirks", "must be a list of names (known: " + FirmwareQuirk.names() + ")");
                }
                String t = item.text();
                FirmwareQuirk q = Arrays.stream(FirmwareQuirk.values()).filter(v -> v.cliName().equals(t)).findFirst()
                        .orElseThrow(() -> error(item.line(), "firmware-quirks",
                                tok(t) + " is not one of " + FirmwareQuirk.names()));
                if (!out.add(q)) {
                    throw error(item.line(), "firmware-quirks", tok(t) + " is listed twice");
                }
            }
            return out;
        }

        private Inet4Address personaAddress(int line, String text) {
            if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw error(line, "address", tok(text) + " is not a dotted IPv4 address");
            }
            Inet4Address a;
            try {
                a = (Inet4Address) InetAddress.getByName(text);
            } catch (UnknownHostException | ClassCastException e) {
                throw error(line, "address", tok(text) + " is not a dotted IPv4 address");
            }
            if (!isTestAddress(a)) {
                throw error(line, "address", "'" + text + "' is outside 198.18.0.0/15, the only range test traffic may use");
            }
            if (segment != null) {
                Optional<String> no = segment.refusal(a);
                if (no.isPresent()) {
                    throw error(line, "address", "'" + text + "' " + no.get());
                }
            }
            return a;
        }

        private Inet4Address offset(Node n, int index) {
            byte[] b = base.getAddress();
            long v = ((b[0] & 0xFFL) << 24 | (b[1] & 0xFFL) << 16 | (b[2] & 0xFFL) << 8 | (b[3] & 0xFFL)) + index;
            byte[] a = {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
            try {
                Inet4Address addr = (Inet4Address) InetAddress.getByAddress(a);
                if (v > 0xFFFFFFFFL || !isTestAddress(addr)) {
                    throw error(n.line(), "address", "is missing, and base " + base.getHostAddress() + " + " + index
                            + " would leave 198.18.0.0/15");
                }
                Optional<String> no = segment == null ? Optional.empty() : segment.refusal(addr);
                if (no.isPresent()) {
                    throw error(n.line(), "address", "is missing, and base " + base.getHostAddress() + " + " + index + " = "
                            + addr.getHostAddress() + " " + no.get());
                }
                return addr;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        private MacAddress mac(int line, String text) {
            MacAddress m;
            try {
                m = MacAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(line, "mac", tok(text) + " is not a MAC address like 02:51:4c:00:00:0a");
            }
            if ((m.bytes()[0] & 1) != 0 || Arrays.equals(m.bytes(), new byte[6])) {
                throw error(line, "mac", "'" + text + "' is not a unicast address");
            }
            return m;
        }

        /** A whole number field within [min, max], or its default when absent. */
        private int bounded(Node persona, String field, int min, int max, int absent, String unit) {
            Optional<String> t = text(persona, field);
            if (t.isEmpty()) {
                return absent;
            }
            int v;
            try {
                v = Integer.parseInt(t.get().trim());
            } catch (NumberFormatException e) {
                v = Integer.MIN_VALUE;
            }
            if (v < min || v > max) {
                throw error(line(persona, field), field, "'" + t.get() + "' is not a whole number of " + unit + " from " + min + " to " + max);
            }
            return v;
        }

        private Optional<String> text(Node persona, String field) {
            Node v = persona.fields().get(field);
            if (v == null || v.isScalar() && v.text() == null) {
                return Optional.empty();
            }
            if (!v.isScalar()) {
                throw error(v.line(), field, "must be a single value");
            }
            return Optional.of(v.text());
        }

        private <E extends Enum<E>> E enumValue(String field, int line, String text, Class<E> type) {
            String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            Map<String, E> byName = Arrays.stream(type.getEnumConstants())
                    .collect(Collectors.toMap(PersonaCatalogue::kebab, Function.identity(), (a, b) -> a, LinkedHashMap::new));
            E v = byName.get(wanted);
            if (v == null) {
                throw error(line, field, tok(text) + " is not one of " + String.join(", ", byName.keySet()));
            }
            return v;
        }

        private CatalogueException error(int line, String field, String what) {
            StringBuilder m = new StringBuilder(source).append(": ");
            if (persona != null) {
                m.append("persona ").append(persona).append(field == null ? ": " : ", ");
            }
            if (field != null) {
                m.append("field '").append(field).append("'").append(what.startsWith("'") || what.matches("^-?\\d.*") ? ": " : " ");
            }
            m.append(what);
            if (line > 0) {
                m.append(" (line ").append(line).append(')');
            }
            return new CatalogueException(m.toString());
        }

        private static int line(Node map, String field) {
            Node v = map.fields().get(field);
            return v == null ? map.line() : v.line();
        }

        private Node node(JsonParser p) throws IOException {
            int line = p.currentTokenLocation().getLineNr();
            JsonToken t = p.currentToken();
            if (t == JsonToken.START_OBJECT) {
                Map<String, Node> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    Node value = node(p);
                    if (fields.putIfAbsent(key, value) != null) {
                        throw error(keyLine, keyName(key), "appears twice");
                    }
                }
                return new Node(line, null, fields, null);
            }
            if (t == JsonToken.START_ARRAY) {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(p));
                }
                return new Node(line, null, null, items);
            }
            return new Node(line, t == JsonToken.VALUE_NULL ? null : p.getText(), null, null);
        }
    }

    private static final List<String> QUIRK_FIELDS = List.of("template", "ip-id", "ip-id-value", "dont-fragment", "evil-bit",
            "fragment", "ttl", "tos", "ip-options", "ip-checksum", "trailing-bytes", "udp-checksum", "source-port",
            "payload-parity", "eth-padding", "vlan-id", "destination", "delay-millis", "duplicate");

    /** A value of the file as a message may quote it (clipped, control characters escaped). */
    private static String tok(String s) {
        return io.quirklab.input.InputFile.token(s);
    }

    /** A key of the file as a message names it in "field '...'": itself when it looks like a name. */
    private static String keyName(String s) {
        return s.matches("[A-Za-z0-9_.-]{1,40}") ? s : "?";
    }

    /** An enum constant's YAML spelling: MORE_FRAGMENTS is more-fragments. */
    static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
