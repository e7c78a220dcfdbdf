package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import io.quirklab.matrix.KnownIssues;
import io.quirklab.matrix.Verdict;

/**
 * A lab file (YAML): the lab kind, the personas, the clients, the offload axis, the emulated fault model that is the
 * virtual lab's offload=on state, and the known issues of this lab.
 *
 * <pre>
 * kind: virtual
 * personas: my-personas.yaml        # optional, relative to this file; default: the built-in catalogue
 * persona-names: [clean, smdc-tyan] # optional: which of them the matrix runs; default: all
 * clients: [java-lan, ipmitool-lan] # optional; default: every client (those not installed are skipped)
 * offload: [off, on]                # optional; the offload axis in run order; default: off, on
 * fault-model:
 *   name: custom                    # df-clear, id-echo, csum-ffff, trailing-bytes or custom
 *   expression: "ip ttl 1"          # custom only: an nftables match expression
 * repeat: 5                         # optional: probe every cell 5 times (1..100; default 1)
 * known-issues:                     # optional: deviations already understood (see KnownIssues)
 *   - { persona: smdc-tyan, client: "*", offload: "on", verdict: DROPPED_IN_STACK, reason: UDP_CSUM, why: "..." }
 * </pre>
 *
 * A second-nic lab (the responder on a second port of this machine, cabled to the DUT port; the offload axis is the
 * DUT NIC's real receive UDP checksum offload) has no fault model and says instead:
 *
 * <pre>
 * kind: second-nic
 * dut-interface: enp3s0             # the NIC under test, with an address in the personas' /24
 * responder:
 *   interface: enp4s0               # the second port: up, no IPv4 address
 * persona-base: 198.18.1.10         # default; 198.18.0.0/15 only
 * </pre>
 *
 * Either kind can name the tools' binaries when they are not on the PATH (FreeIPMI: bmc-info, with ipmi-chassis next
 * to it):
 *
 * <pre>
 * client-paths:
 *   ipmiutil: C:\tools\ipmiutil.exe
 *   ipmitool: /opt/ipmitool/bin/ipmitool
 * </pre>
 *
 * @param file         where it was read from
 * @param kind         the lab kind ("virtual")
 * @param personas     persona catalogue, resolved against the file's directory, or empty for the built-in one
 * @param personaNames the personas the matrix runs, or empty for all
 * @param clients      the matrix's clients, or empty for all
 * @param offload      the offload axis states in run order
 * @param faultModel   the fault model, or empty
 * @param knownIssues  the known issues
 * @param secondNic    for kind second-nic: the DUT interface, the responder's port and the persona addresses
 * @param clientPaths  tool family (ipmitool, ipmiutil, freeipmi) -> its binary, for tools not on the PATH
 * @param repeat       attempts per cell ({@code repeat: N}, default 1): a cell whose attempts disagree is INTERMITTENT
 */
public record LabFile(Path file, String kind, Optional<Path> personas, List<String> personaNames, List<Probe.ClientKind> clients,
                      List<String> offload, Optional<FaultModel> faultModel, KnownIssues knownIssues, Optional<SecondNic> secondNic,
                      java.util.Map<String, Path> clientPaths, int repeat) {
    /** The most attempts per cell a lab file may ask for. */
    public static final int MAX_REPEAT = 100;

    public LabFile {
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new IllegalArgumentException("repeat " + repeat + " is outside 1.." + MAX_REPEAT);
        }
    }

    /** The shape before {@code repeat}: one attempt per cell. */
    public LabFile(Path file, String kind, Optional<Path> personas, List<String> personaNames, List<Probe.ClientKind> clients,
                   List<String> offload, Optional<FaultModel> faultModel, KnownIssues knownIssues, Optional<SecondNic> secondNic,
                   java.util.Map<String, Path> clientPaths) {
        this(file, kind, personas, personaNames, clients, offload, faultModel, knownIssues, secondNic, clientPaths, 1);
    }

    /**
     * A second port of this machine, cabled to the DUT port: the responder injects there.
     *
     * @param dutInterface       the NIC under test (has an address in the personas' /24)
     * @param responderInterface the second port (up, no IPv4 address)
     * @param personaBase        the first persona's address (198.18.0.0/15 only)
     */
    public record SecondNic(String dutInterface, String responderInterface, String personaBase) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final String FIELDS = "kind, personas, persona-names, clients, offload, fault-model.name, fault-model.expression, "
            + "known-issues[].persona/client/offload/verdict/reason/why, dut-interface, responder.interface, persona-base, "
            + "client-paths.ipmitool/ipmiutil/freeipmi, repeat";
    public static final List<String> OFFLOAD_STATES = List.of("off", "on");

    /** Compatible constructor for the first lab-file format: personas and a fault model. */
    public LabFile(Path file, Optional<Path> personas, Optional<FaultModel> faultModel) {
        this(file, "virtual", personas, List.of(), List.of(), OFFLOAD_STATES, faultModel, KnownIssues.NONE, Optional.empty(),
                java.util.Map.of());
    }

    record Raw(String kind, String personas, @JsonProperty("persona-names") List<String> personaNames, List<String> clients,
               List<String> offload, @JsonProperty("fault-model") RawFault faultModel,
               @JsonProperty("known-issues") List<RawKnown> knownIssues, @JsonProperty("dut-interface") String dutInterface,
               RawResponder responder, @JsonProperty("persona-base") String personaBase,
               @JsonProperty("client-paths") java.util.Map<String, String> clientPaths, Integer repeat) {
    }

    record RawResponder(@JsonProperty("interface") String iface) {
    }

    record RawFault(String name, String expression) {
    }

    record RawKnown(String persona, String client, String offload, String verdict, String reason, String why) {
    }

    /** Reads and validates; every error names the file, the field and, when known, the line. */
    public static LabFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such lab file");
        }
        Raw raw;
        try {
            raw = YAML.readValue(file.toFile(), Raw.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("(top level)").replace(".[", "[");
            String last = e.getPath().stream().map(r -> r.getFieldName()).filter(java.util.Objects::nonNull)
                    .reduce((a, b) -> b).orElse(null);
            int line = lineOf(file, last).orElse(e.getLocation() != null ? e.getLocation().getLineNr() : -1);
            throw new IOException(file + (line > 0 ? " line " + line : "") + ", field '" + field + "': "
                    + e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "")
                    + " (known fields: " + FIELDS + ")", e);
        } catch (IOException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new IOException(file + ": empty lab file");
        }
        String kind = raw.kind() == null ? "virtual" : raw.kind();
        if (!kind.equals("virtual") && !kind.equals("second-nic")) {
            throw new IOException(at(file, "kind") + "': '" + raw.kind() + "' is not supported yet (virtual, second-nic)");
        }
        Optional<SecondNic> secondNic = Optional.empty();
        if (kind.equals("second-nic")) {
            if (raw.dutInterface() == null || raw.dutInterface().isBlank()) {
                throw new IOException(file + ", field 'dut-interface': missing; a second-nic lab names the NIC under test");
            }
            if (raw.responder() == null || raw.responder().iface() == null || raw.responder().iface().isBlank()) {
                throw new IOException(file + ", field 'responder.interface': missing; the second port, cabled to the DUT port");
            }
            if (raw.responder().iface().equals(raw.dutInterface())) {
                throw new IOException(at(file, "interface") + "': the responder needs another port than the DUT interface");
            }
            if (raw.faultModel() != null) {
                throw new IOException(at(file, "fault-model") + "': a second-nic lab toggles the real offload; fault models are "
                        + "for the virtual lab");
            }
            String base = raw.personaBase() == null ? "198.18.1.10" : raw.personaBase();
            try {
                java.net.InetAddress a = java.net.InetAddress.getByName(base);
                byte[] b = a.getAddress();
                if (b.length != 4 || (b[0] & 0xFF) != 198 || ((b[1] & 0xFF) != 18 && (b[1] & 0xFF) != 19)) {
                    throw new IllegalArgumentException("'" + base + "' is outside 198.18.0.0/15, the only range quirklab sends test "
                            + "traffic to");
                }
            } catch (java.net.UnknownHostException | IllegalArgumentException e) {
                throw new IOException(at(file, "persona-base") + "': " + e.getMessage(), e);
            }
            secondNic = Optional.of(new SecondNic(raw.dutInterface(), raw.responder().iface(), base));
        } else if (raw.dutInterface() != null || raw.responder() != null || raw.personaBase() != null) {
            throw new IOException(at(file, raw.dutInterface() != null ? "dut-interface" : raw.responder() != null ? "responder" : "persona-base")
                    + "': only for kind second-nic (the virtual lab makes its own interfaces)");
        }
        Optional<FaultModel> fault = Optional.empty();
        if (raw.faultModel() != null) {
            try {
                if (raw.faultModel().name() == null) {
                    throw new IllegalArgumentException("missing; one of " + String.join(", ", FaultModel.BUILT_IN) + ", custom");
                }
                fault = Optional.of(new FaultModel(raw.faultModel().name(), raw.faultModel().expression()));
            } catch (IllegalArgumentException e) {
                throw new IOException(at(file, "fault-model") + ".name': " + e.getMessage(), e);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Optional<Path> personas = Optional.ofNullable(raw.personas()).map(dir::resolve);
        if (personas.isPresent() && !Files.isRegularFile(personas.get())) {
            throw new IOException(at(file, "personas") + "': no such file " + personas.get());
        }
        List<Probe.ClientKind> clients = new ArrayList<>();
        for (String c : raw.clients() == null ? List.<String>of() : raw.clients()) {
            try {
                Probe.ClientKind k = Probe.ClientKind.parse(String.valueOf(c));
                if (clients.contains(k)) {
                    throw new IllegalArgumentException("'" + c + "' is listed twice");
                }
                clients.add(k);
            } catch (IllegalArgumentException e) {
                throw new IOException(at(file, "clients") + "': " + e.getMessage(), e);
            }
        }
        List<String> offload = raw.offload() == null ? OFFLOAD_STATES : offloadStates(file, raw.offload());
        List<KnownIssues.Entry> known = new ArrayList<>();
        List<RawKnown> rawKnown = raw.knownIssues() == null ? List.of() : raw.knownIssues();
        for (int i = 0; i < rawKnown.size(); i++) {
            RawKnown k = rawKnown.get(i);
            String where = at(file, "known-issues") + "[" + i + "]";
            if (k == null || k.verdict() == null) {
                throw new IOException(where + ".verdict': missing; one of " + verdicts());
            }
            Verdict v;
            try {
                v = Verdict.valueOf(k.verdict().trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ".verdict': '" + k.verdict() + "' is not a verdict (" + verdicts() + ")", e);
            }
            if (k.client() != null && !k.client().equals("*")) {
                try {
                    Probe.ClientKind.parse(k.client());
                } catch (IllegalArgumentException e) {
                    throw new IOException(where + ".client': " + e.getMessage() + " or *", e);
                }
            }
            String off = k.offload() == null ? null : normaliseOffload(k.offload());
            String client = k.client() == null || k.client().equals("*") ? k.client() : Probe.ClientKind.parse(k.client()).id();
            known.add(new KnownIssues.Entry(k.persona(), client, off, v, k.reason(), k.why()));
        }
        int repeat = raw.repeat() == null ? 1 : raw.repeat();
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new IOException(at(file, "repeat") + "': " + repeat + " is outside 1.." + MAX_REPEAT);
        }
        return new LabFile(file, kind, personas, raw.personaNames() == null ? List.of() : List.copyOf(raw.personaNames()),
                List.copyOf(clients), offload, fault, new KnownIssues(known), secondNic, clientPaths(file, raw.clientPaths()), repeat);
    }

    /** client-paths: known families only, each an executable file (relative paths against the lab file). */
    private static java.util.Map<String, Path> clientPaths(Path file, java.util.Map<String, String> raw) throws IOException {
        java.util.Map<String, Path> out = new java.util.LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        Path dir = file.toAbsolutePath().getParent();
        for (java.util.Map.Entry<String, String> e : raw.entrySet()) {
            if (!io.quirklab.client.ToolClient.FAMILIES.contains(e.getKey())) {
                throw new IOException(at(file, e.getKey()) + "': not a client with a binary (client-paths takes "
                        + String.join(", ", io.quirklab.client.ToolClient.FAMILIES) + ")");
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IOException(at(file, e.getKey()) + "': empty path");
            }
            Path p = dir.resolve(e.getValue());
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new IOException(at(file, e.getKey()) + "': " + p + " is not an executable file");
            }
            out.put(e.getKey(), p);
        }
        return out;
    }

    private static List<String> offloadStates(Path file, List<String> raw) throws IOException {
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            String n = normaliseOffload(String.valueOf(s));
            if (!OFFLOAD_STATES.contains(n)) {
                throw new IOException(at(file, "offload") + "': '" + s + "' is not an offload state (off, on)");
            }
            if (out.contains(n)) {
                throw new IOException(at(file, "offload") + "': '" + s + "' is listed twice");
            }
            out.add(n);
        }
        if (out.isEmpty()) {
            throw new IOException(at(file, "offload") + "': empty; list off, on or both");
        }
        return List.copyOf(out);
    }

    /** YAML 1.1 readers turn a bare on/off into a boolean; take both spellings. */
    static String normaliseOffload(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true" -> "on";
            case "false" -> "off";
            default -> t;
        };
    }

    private static String verdicts() {
        return String.join(", ", java.util.Arrays.stream(Verdict.values()).map(Enum::name).toList());
    }

    /** "FILE line N, field 'F" (the caller closes the quote, so it can name a sub-field) for a key. */
    private static String at(Path file, String key) {
        int line = lineOf(file, key).orElse(-1);
        return file + (line > 0 ? " line " + line : "") + ", field '" + key;
    }

    /** The line where a key is written; Jackson's YAML locations point past it. */
    private static Optional<Integer> lineOf(Path file, String key) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            var lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).stripLeading();
                if (l.startsWith(key + ":") || l.startsWith("- " + key + ":")) {
                    return Optional.of(i + 1);
                }
            }
        } catch (IOException ignored) {
            // the location Jackson gave will do
        }
        return Optional.empty();
    }
}
