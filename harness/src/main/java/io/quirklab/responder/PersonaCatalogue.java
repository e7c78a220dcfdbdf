package io.quirklab.responder;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.matrix.Verdict;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Personas read from YAML: the built-in catalogue (resource {@value #BUILT_IN}) or a lab's own file.
 *
 * <pre>
 * personas:
 *   - name: smdc-tyan
 *     description: "one line: what it is and why it exists"
 *     expected: DELIVERED              # a Verdict; default DELIVERED
 *     quirks: { template: request }    # keys of the quirk table, QuirkField.ALL
 *     firmware-quirks: []              # FirmwareQuirk.cliName() values
 *     ipmi: "1.5"                      # "1.5" (1.5 only, like the SMDC) or "2.0" (1.5 and RMCP+); default "2.0"
 *     address: 198.18.0.11             # optional: base + index
 *     mac: 02:51:4c:00:00:02           # optional: MacAddress.local(index + 1)
 *     max-sessions: 4                  # session table size, 1..63; default 32
 *     idle-timeout: 60                 # seconds an idle session lives, 1..3600; default 60
 *     address6: 2001:2::10             # optional: reached over IPv6 at this address (2001:2::/48, the lab's /64)
 * include: [built-in]                  # optional: the built-in personas first, this file's after them
 * </pre>
 *
 * Every persona gets {@link BmcConfig#smdcDefaults()} with its firmware quirks. The file is bound with Jackson to
 * {@link Document}, every value {@link Located} with its line whatever its shape, then checked persona by persona;
 * anything wrong is rejected with a {@link CatalogueException} naming the file, the persona, the field, the value, what
 * is allowed and the line. {@link PersonaYaml} writes the same format.
 */
public final class PersonaCatalogue {
    public static final String BUILT_IN = "personas.yaml";
    /** Where persona addresses start unless a caller says otherwise (the virtual lab's responder range). */
    public static final String DEFAULT_BASE = "198.18.0.10";

    /**
     * Session table of a persona that does not say: generous, so clients that never close their sessions (OpenIPMI's
     * tools, pyghmi) cannot fill it within one idle timeout. smdc-tyan keeps the real card's 4 in its entry.
     */
    public static final int DEFAULT_MAX_SESSIONS = 32;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    public static final String IPMI_15 = "1.5";
    public static final String IPMI_20 = "2.0";
    /** What {@code include:} names to put the built-in personas before a file's own. */
    public static final String INCLUDE_BUILT_IN = "built-in";
    /** The IPv6 range test traffic may use (RFC 5180 benchmarking): 2001:2::/48. */
    public static final String TEST_RANGE6 = "2001:2::/48";
    // The parser refuses duplicate keys; every value binds (Located), so its errors are the only ones binding throws.
    // Not YAMLFactory.builder(): its parser reads an empty value as "" where this one reads null, as the file means.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    private static final ObjectReader DOCUMENT = YAML.readerFor(new TypeReference<Located<Document>>() {
    });
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

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
        return parse(BUILT_IN, builtInText(), base);
    }

    /** The built-in catalogue's text. */
    public static String builtInText() {
        try (InputStream in = PersonaCatalogue.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUILT_IN + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lab segment personas live on: a /24 inside 198.18.0.0/15 whose network and broadcast addresses and the DUT's
     * own address no persona may take (the clients would send to them somewhere else, or to themselves); and, where the
     * lab has one, a /64 inside 2001:2::/48 with the same refusals (its subnet-router anycast address, the DUT's).
     *
     * @param network  the /24's network address
     * @param dut      the DUT's address on it, when known
     * @param label    how messages name the lab ("the virtual lab", "the second-nic lab on enp3s0")
     * @param network6 the /64's prefix, or empty where the lab carries no IPv6 personas
     * @param dut6     the DUT's IPv6 address on it, when known
     */
    public record Segment(Inet4Address network, Optional<Inet4Address> dut, String label, Optional<Inet6Address> network6,
                          Optional<Inet6Address> dut6) {
        public static final int PREFIX = 24;
        public static final int PREFIX6 = 64;

        /** A segment without IPv6. */
        public Segment(Inet4Address network, Optional<Inet4Address> dut, String label) {
            this(network, dut, label, Optional.empty(), Optional.empty());
        }

        /** The /24 that holds {@code any}. */
        public static Segment around(Inet4Address any, Optional<Inet4Address> dut, String label) {
            long v = value(any) & 0xFFFFFF00L;
            return new Segment(of(v), dut, label);
        }

        /** The same segment with the /64 that holds {@code dut6}, the DUT's IPv6 address on it. */
        public Segment withIpv6(Inet6Address dut6) {
            return new Segment(network, dut, label, Optional.of(subnet64(dut6)), Optional.of(dut6));
        }

        /** The same segment with the /64 that holds {@code any}, the DUT's address on it unknown. */
        public Segment withIpv6Subnet(Inet6Address any) {
            return new Segment(network, dut, label, Optional.of(subnet64(any)), Optional.empty());
        }

        private static Inet6Address subnet64(Inet6Address a) {
            byte[] net = Arrays.copyOf(a.getAddress(), 16);
            Arrays.fill(net, 8, 16, (byte) 0);
            return address6(net);
        }

        public String cidr() {
            return network.getHostAddress() + "/" + PREFIX;
        }

        /** The /64 as text, or empty. */
        public Optional<String> cidr6() {
            return network6.map(n -> compact(n) + "/" + PREFIX6);
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

        /** Why a persona may not have this IPv6 address, or empty when it may: the IPv4 rules, on the lab's /64. */
        public Optional<String> refusal(Inet6Address a) {
            if (network6.isEmpty()) {
                return Optional.of("is IPv6, and " + label + " has no IPv6 segment (IPv6 personas run on the virtual lab)");
            }
            byte[] b = a.getAddress();
            byte[] n = network6.get().getAddress();
            if (!Arrays.equals(Arrays.copyOf(b, 8), Arrays.copyOf(n, 8))) {
                return Optional.of("is outside " + label + "'s IPv6 subnet " + cidr6().orElseThrow() + ": the clients would send to it "
                        + "through another interface, out of the lab");
            }
            if (Arrays.equals(b, n)) {
                return Optional.of("is the subnet-router anycast address of " + label + "'s subnet " + cidr6().orElseThrow());
            }
            if (dut6.isPresent() && dut6.get().equals(a)) {
                return Optional.of("is the DUT's own address on " + label + " (" + compact(a) + ")");
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

    /** An IPv6 address from its 16 bytes. */
    static Inet6Address address6(byte[] b) {
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An IPv6 address as people and tools write it (RFC 5952: the longest run of zero groups as ::, lower case), where
     * Java writes every group ("2001:2:0:0:0:0:0:10").
     */
    public static String compact(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                out.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            out.append(Integer.toHexString(g[i]));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }

    /** True for an address inside 2001:2::/48 (RFC 5180), the only IPv6 range quirklab sends test traffic to. */
    public static boolean isTestAddress(Inet6Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x02 && b[4] == 0 && b[5] == 0;
    }

    /** Personas from a YAML file; errors name the file by its file name. */
    public static PersonaCatalogue load(Path file, Inet4Address base) throws IOException {
        return load(file, base, null);
    }

    /**
     * Personas from a YAML file a user gave, read with {@link InputFile}'s checks (size, text, UTF-8);
     * with a segment, every address must be usable on it.
     */
    public static PersonaCatalogue load(Path file, Inet4Address base, Segment segment) throws IOException {
        String text = InputFile.text(file, "persona file", InputFile.PERSONA_FILE_LIMIT);
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

    /** An IPv6 literal (no name lookup). */
    public static InetAddress address6(String literal) {
        if (!literal.contains(":")) {
            throw new IllegalArgumentException(literal + " is not an IPv6 literal");
        }
        return AddressText.ip(literal);
    }

    public static Inet4Address address(String dotted) {
        return AddressText.ipv4(dotted);
    }

    /**
     * The bound file: the personas list and any other top-level key.
     *
     * @param personas the {@code personas:} value
     * @param unknown  any other key, for the error that names it
     */
    record Document(Located<List<Located<Entry>>> personas, Located<List<Located<String>>> include,
                    @JsonAnySetter Map<String, Located<Object>> unknown) {
    }

    /** One bound persona; the components are the persona fields a catalogue knows, in the order messages list them. */
    record Entry(Located<String> name, Located<String> description, Located<String> expected,
                 Located<Map<String, Located<String>>> quirks,
                 @JsonProperty("firmware-quirks") Located<List<Located<String>>> firmwareQuirks, Located<String> ipmi,
                 Located<String> address, Located<String> mac, @JsonProperty("max-sessions") Located<String> maxSessions,
                 @JsonProperty("idle-timeout") Located<String> idleTimeout, Located<String> address6,
                 @JsonAnySetter Map<String, Located<Object>> unknown) {
    }

    /** The persona fields as the file spells them: Entry's components but the unknown ones. */
    static final List<String> PERSONA_FIELDS = Arrays.stream(Entry.class.getRecordComponents())
            .filter(c -> !c.getAccessor().isAnnotationPresent(JsonAnySetter.class)).map(PersonaCatalogue::key).toList();

    private static String key(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null ? p.value() : c.getName();
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
            Located<Document> root;
            try (JsonParser p = YAML.createParser(yaml)) {
                if (p.nextToken() == null) {
                    throw error(0, null, "is empty; expected a 'personas:' list");
                }
                root = DOCUMENT.readValue(p);
            } catch (JsonProcessingException wrapped) {
                JsonProcessingException e = parseError(wrapped);
                Matcher dup = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                if (dup.matches()) {
                    throw error(line, keyName(dup.group(1)), "appears twice");
                }
                throw error(line, null, ParseProblem.of(e, "YAML").what());
            } catch (IOException e) {
                throw error(0, null, "unreadable YAML");
            }
            if (root.empty()) {
                throw error(root.line(), null, "expected a mapping with a 'personas:' list");
            }
            Document doc = root.value();
            Optional<Map.Entry<String, Located<Object>>> stray = first(doc.unknown());
            if (stray.isPresent()) {
                throw error(stray.get().getValue().line(), null, "unknown top-level field " + InputFile.key(stray.get().getKey())
                        + " (known: personas, include)");
            }
            Located<List<Located<Entry>>> list = doc.personas();
            if (list == null || list.empty()) {
                throw error(list == null ? root.line() : list.line(), "personas", "must be a list of personas");
            }
            List<Persona> out = new ArrayList<>(included(doc.include()));
            int first = out.size();
            Map<String, Persona> byAddress = new HashMap<>();
            Map<MacAddress, Persona> byMac = new HashMap<>();
            out.forEach(p -> {
                byAddress.put(p.address().getHostAddress(), p);
                byMac.put(p.mac(), p);
            });
            for (int i = 0; i < list.value().size(); i++) {
                Located<Entry> n = list.value().get(i);
                Persona p = persona(n, first + i);
                for (Persona q : out) {
                    if (q.name().equals(p.name())) {
                        throw error(n.line(), "name", "'" + p.name() + "' is used twice");
                    }
                }
                Persona clash = byAddress.putIfAbsent(p.address().getHostAddress(), p);
                if (clash != null) {
                    throw error(line(n, n.value().address()), "address",
                            "'" + p.address().getHostAddress() + "' is already taken by persona '" + clash.name() + "'");
                }
                if (p.address6() != null) {
                    clash = byAddress.putIfAbsent(compact(p.address6()), p);
                    if (clash != null) {
                        throw error(line(n, n.value().address6()), "address6",
                                "'" + compact(p.address6()) + "' is already taken by persona '" + clash.name() + "'");
                    }
                }
                clash = byMac.putIfAbsent(p.mac(), p);
                if (clash != null) {
                    throw error(line(n, n.value().mac()), "mac", "'" + p.mac() + "' is already taken by persona '" + clash.name() + "'");
                }
                out.add(p);
            }
            return out;
        }

        /** The personas {@code include:} names (only the built-in catalogue), read with this file's base and segment. */
        private List<Persona> included(Located<List<Located<String>>> include) {
            if (include == null || include.fits() && include.empty()) {
                return List.of();
            }
            if (include.empty()) {
                throw error(include.line(), "include", "must be a list, e.g. [" + INCLUDE_BUILT_IN + "]");
            }
            List<Persona> out = new ArrayList<>();
            for (Located<String> item : include.value()) {
                if (item.empty() || !INCLUDE_BUILT_IN.equals(item.value())) {
                    throw error(item.line(), "include", (item.empty() ? "an empty entry" : tok(item.value()))
                            + " is not a catalogue this file can include (only " + INCLUDE_BUILT_IN + ")");
                }
                if (!out.isEmpty()) {
                    throw error(item.line(), "include", "'" + INCLUDE_BUILT_IN + "' is listed twice");
                }
                out.addAll(new Reader(BUILT_IN, base, segment).read(builtInText()));
            }
            return out;
        }

        private Persona persona(Located<Entry> n, int index) {
            persona = "#" + (index + 1);
            if (n.empty()) {
                throw error(n.line(), null, "expected a mapping with name, description, expected, quirks, ...");
            }
            Entry e = n.value();
            Located<String> name = e.name();
            if (name == null || name.empty() || name.value().isBlank()) {
                throw error(name == null ? n.line() : name.line(), "name", "is missing (every persona needs a unique name)");
            }
            if (!name.value().matches("[a-z0-9][a-z0-9-]*")) {
                throw error(name.line(), "name", tok(name.value()) + " is not a name (lower-case letters, digits and '-')");
            }
            persona = "'" + name.value() + "'";
            Optional<Map.Entry<String, Located<Object>>> stray = first(e.unknown());
            if (stray.isPresent()) {
                throw error(stray.get().getValue().line(), keyName(stray.get().getKey()),
                        "is not a persona field (known: " + String.join(", ", PERSONA_FIELDS) + ")");
            }
            String description = text("description", e.description()).orElse("");
            Verdict expected = text("expected", e.expected()).map(v -> enumValue("expected", e.expected().line(), v, Verdict.class))
                    .orElse(Verdict.DELIVERED);
            QuirkProfile quirks = quirks(e.quirks());
            Set<FirmwareQuirk> firmware = firmwareQuirks(e.firmwareQuirks());
            Inet4Address address = text("address", e.address()).map(a -> personaAddress(e.address().line(), a))
                    .orElseGet(() -> offset(n, index));
            MacAddress mac = text("mac", e.mac()).map(m -> mac(e.mac().line(), m)).orElseGet(() -> MacAddress.local(index + 1));
            int maxSessions = bounded("max-sessions", e.maxSessions(), 1, 63, DEFAULT_MAX_SESSIONS, "sessions");
            int idleTimeout = bounded("idle-timeout", e.idleTimeout(), 1, 3600, DEFAULT_IDLE_TIMEOUT_SECONDS, "seconds");
            String ipmi = text("ipmi", e.ipmi()).orElse(IPMI_20);
            if (!ipmi.equals(IPMI_20) && !ipmi.equals(IPMI_15)) {
                throw error(e.ipmi().line(), "ipmi", tok(ipmi) + " is not an IPMI version (1.5: IPMI 1.5 only; 2.0: 1.5 and RMCP+)");
            }
            Inet6Address address6 = text("address6", e.address6()).map(a -> personaAddress6(e.address6().line(), a)).orElse(null);
            for (QuirkField<?> f : quirks.set().keySet()) {
                if (!f.family().fits(address6 != null)) {
                    throw error(line(e.quirks(), e.quirks().value().get(f.name())), f.name(), address6 != null
                            ? "is an IPv4 quirk, and this persona is reached over IPv6 (address6)"
                            : "is an IPv6 quirk; give the persona an address6 in " + TEST_RANGE6 + " to reach it over IPv6");
                }
            }
            return new Persona(name.value(), description, address, mac, quirks, bmc(firmware, maxSessions, idleTimeout, ipmi), expected,
                    address6);
        }

        private Inet6Address personaAddress6(int line, String text) {
            if (!text.matches("[0-9A-Fa-f:]{2,39}") || !text.contains(":")) {
                throw error(line, "address6", tok(text) + " is not an IPv6 address like 2001:2::10");
            }
            Inet6Address a;
            try {
                a = (Inet6Address) AddressText.ip(text); // a literal: no name lookup
            } catch (IllegalArgumentException | ClassCastException e) {
                throw error(line, "address6", tok(text) + " is not an IPv6 address like 2001:2::10");
            }
            if (!isTestAddress(a)) {
                throw error(line, "address6", "'" + text + "' is outside " + TEST_RANGE6 + ", the only IPv6 range test traffic may use");
            }
            if (segment != null) {
                Optional<String> no = segment.refusal(a);
                if (no.isPresent()) {
                    throw error(line, "address6", "'" + text + "' " + no.get());
                }
            }
            return a;
        }

        /** The quirk profile of a {@code quirks:} mapping, field by field in table order, each rule checked after its field. */
        private QuirkProfile quirks(Located<Map<String, Located<String>>> q) {
            if (q == null || q.fits() && q.empty()) {
                return QuirkProfile.CLEAN;
            }
            String known = String.join(", ", QuirkField.names());
            if (q.empty()) {
                throw error(q.line(), "quirks", "must be a mapping of quirk fields (" + known + ")");
            }
            for (Map.Entry<String, Located<String>> e : q.value().entrySet()) {
                if (QuirkField.named(e.getKey()).isEmpty()) {
                    throw error(e.getValue().line(), keyName(e.getKey()), "is not a quirk (known: " + known + ")");
                }
            }
            QuirkProfile.Builder b = QuirkProfile.builder();
            for (QuirkField<?> f : QuirkField.ALL) {
                Located<String> v = q.value().get(f.name());
                if (v != null && !v.fits()) {
                    throw error(v.line(), f.name(), "must be a single value");
                }
                if (v != null && !v.empty()) {
                    try {
                        f.setText(v.value(), b);
                    } catch (QuirkField.Refusal r) {
                        throw refused(v.line(), f.name(), r);
                    }
                }
                Optional<QuirkProfile.Broken> broken = QuirkProfile.broken(f, b.values());
                if (broken.isPresent()) {
                    QuirkField<?> at = broken.get().field();
                    throw refused(line(q, q.value().get(at.name())), at.name(), broken.get().why());
                }
            }
            return b.build();
        }

        private Set<FirmwareQuirk> firmwareQuirks(Located<List<Located<String>>> n) {
            Set<FirmwareQuirk> out = EnumSet.noneOf(FirmwareQuirk.class);
            if (n == null || n.fits() && n.empty()) {
                return out;
            }
            if (n.empty()) {
                throw error(n.line(), "firmware-quirks",
                        "must be a list, e.g. [session-id-zero] (known: " + FirmwareQuirk.names() + ")");
            }
            for (Located<String> item : n.value()) {
                if (item.empty()) {
                    throw error(item.line(), "firmware-quirks", "must be a list of names (known: " + FirmwareQuirk.names() + ")");
                }
                String t = item.value();
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
            Inet4Address a;
            try {
                a = AddressText.ipv4(text);
            } catch (AddressText.NotAnAddress e) {
                throw error(line, "address", e.getMessage());
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

        private Inet4Address offset(Located<Entry> n, int index) {
            long v = Segment.value(base) + index;
            if (v > 0xFFFFFFFFL || !isTestAddress(Segment.of(v))) {
                throw error(n.line(), "address", "is missing, and base " + base.getHostAddress() + " + " + index
                        + " would leave 198.18.0.0/15");
            }
            Inet4Address addr = Segment.of(v);
            Optional<String> no = segment == null ? Optional.empty() : segment.refusal(addr);
            if (no.isPresent()) {
                throw error(n.line(), "address", "is missing, and base " + base.getHostAddress() + " + " + index + " = "
                        + addr.getHostAddress() + " " + no.get());
            }
            return addr;
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
        private int bounded(String field, Located<String> value, int min, int max, int absent, String unit) {
            Optional<String> t = text(field, value);
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
                throw error(value.line(), field, "'" + t.get() + "' is not a whole number of " + unit + " from " + min + " to " + max);
            }
            return v;
        }

        /** A single value, or empty when absent or null. */
        private Optional<String> text(String field, Located<String> v) {
            if (v == null || v.fits() && v.empty()) {
                return Optional.empty();
            }
            if (!v.fits()) {
                throw error(v.line(), field, "must be a single value");
            }
            return Optional.of(v.value());
        }

        private <E extends Enum<E>> E enumValue(String field, int line, String text, Class<E> type) {
            try {
                return new QuirkField.Choice<>(type).parse(text);
            } catch (QuirkField.Refusal r) {
                throw refused(line, field, r);
            }
        }

        private CatalogueException refused(int line, String field, QuirkField.Refusal r) {
            return error(line, field, (r.token() == null ? "" : tok(r.token()) + " ") + r.problem());
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

        /** The parser's own error inside a binding error that only adds a path (every value binds, so it is the parser's). */
        private static JsonProcessingException parseError(JsonProcessingException e) {
            JsonProcessingException out = e;
            while (out instanceof JsonMappingException && out.getCause() instanceof JsonProcessingException cause) {
                out = cause;
            }
            return out;
        }

        /** The line of a field's value, or of its mapping when the field is absent. */
        private static int line(Located<?> map, Located<?> value) {
            return value == null ? map.line() : value.line();
        }

        /** The first of the unknown keys in the file (Jackson collects them in no promised order). */
        private static Optional<Map.Entry<String, Located<Object>>> first(Map<String, Located<Object>> unknown) {
            return unknown == null ? Optional.empty()
                    : unknown.entrySet().stream().min(Comparator.comparingLong(u -> u.getValue().at()));
        }
    }

    /**
     * The BMC a catalogue entry describes: the SMDC's defaults with its firmware quirks, session table and IPMI version.
     *
     * @param ipmi {@value #IPMI_15} or {@value #IPMI_20}
     */
    public static BmcConfig bmc(Set<FirmwareQuirk> firmware, int maxSessions, int idleTimeoutSeconds, String ipmi) {
        BmcConfig bmc = BmcConfig.smdcDefaults().withQuirks(firmware).withMaxSessions(maxSessions)
                .withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
        return ipmi.equals(IPMI_20) ? bmc.withIpmi20() : bmc;
    }

    /** A value of the file as a message may quote it (clipped, control characters escaped). */
    private static String tok(String s) {
        return InputFile.token(s);
    }

    /** A key of the file as a message names it in "field '...'": itself when it looks like a name. */
    private static String keyName(String s) {
        return s.matches("[A-Za-z0-9_.-]{1,40}") ? s : "?";
    }
}
