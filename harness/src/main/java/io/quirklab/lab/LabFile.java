package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quirklab.agent.AgentTls;
import io.quirklab.client.ClientKind;
import io.quirklab.client.ToolClient;
import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.lab.vm.Accelerator;
import io.quirklab.lab.vm.GuestKernel;
import io.quirklab.lab.vm.NicModel;
import io.quirklab.matrix.KnownIssues;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.Verdict;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A lab file (YAML): the lab kind, the personas, the clients, the offload axis, the emulated fault model that is
 * offload=on where the kind emulates faults, and the known issues of this lab. {@link #read} validates all of it,
 * persona file included (with the kind's address rules), before anything is created.
 *
 * <pre>
 * kind: virtual
 * personas: my-personas.yaml        # optional, relative to this file; default: the built-in catalogue
 * persona-names: [clean, smdc-tyan] # optional: which of them the matrix runs; default: all
 * clients: [java-lan, ipmitool-lan] # optional; default: every client (those not installed are skipped)
 * offload: [off, on]                # optional; the offload axis in run order; default: off, on
 * fault-model:
 *   name: custom                    # df-clear, id-echo, csum-ffff, trailing-bytes, a catalogue model or custom
 *   expression: "ip ttl 1"          # custom only: an nftables match expression
 * fault-models: [igb-short-frame, ixgbe-udp-zero] # instead: offload=on once per model, each cell with its model
 * fault-clients: [java-lan, freeipmi]             # optional: the clients of those states (default: clients)
 * repeat: 5                         # optional: probe every cell 5 times (1..100; default 1)
 * jobs: 12                          # optional: cells at once (1..64)
 * known-issues:                     # optional: deviations already understood (see KnownIssues)
 *   - { persona: smdc-tyan, client: "*", offload: "on", verdict: DROPPED_IN_STACK, reason: UDP_CSUM, why: "..." }
 * client-paths:                     # optional: tools not on the PATH (FreeIPMI: bmc-info, ipmi-chassis beside it)
 *   ipmiutil: C:\tools\ipmiutil.exe
 * </pre>
 *
 * The other kinds ({@link LabKind}) add their own fields:
 *
 * <pre>
 * kind: second-nic                  # the responder on a second port of this machine, cabled to the DUT port
 * dut-interface: enp3s0             # the NIC under test, with an address in the personas' /24
 * responder: { interface: enp4s0 }  # the second port: up, no IPv4 address
 * persona-base: 198.18.1.10         # default; 198.18.0.0/15 only
 *
 * kind: agent                       # the responder on another host, 'quirklab agent', under a lease
 * dut-interface: enp3s0
 * responder:
 *   url: http://198.18.7.2:8623     # the agent's control address (http or https)
 *   token-env: QUIRKLAB_AGENT_TOKEN # the variable holding its token (default), or token-file: FILE
 *   trust: agent.pem                # https: the agent's certificate
 * persona-base: 198.18.7.10
 *
 * dut-interface: enp3s0             # kind container: an agent the run starts in the responder image
 * responder: { kind: container, interface: eth1, control: 127.0.0.1:8623, image: NAME, arp-timing: rfc5227 }
 *
 * kind: vm                          # the machine under test is a QEMU guest with an emulated NIC and its real driver
 * nic-model: e1000e                 # e1000e, e1000, vmxnet3, rtl8139, virtio-net-pci
 * kernel: "6.1"                     # the guest kernel from Debian's packages: 6.1 or 6.12
 * accelerator: auto                 # optional: auto (a bounded KVM test boot decides), kvm, tcg
 * memory-mb: 512                    # optional
 * qemu: /opt/qemu/bin/qemu-system-x86_64   # optional: another QEMU (relative to this file)
 * persona-base: 198.18.9.10         # default; the tap is .1 and the guest .2 of its /24
 * </pre>
 *
 * @param file         where it was read from, or null for the embedded default
 * @param kind         the lab kind
 * @param personas     the personas the lab serves, read and validated once (the file's, or the built-in catalogue)
 * @param personaFile  the persona file they were read from, or empty for the built-in catalogue
 * @param personaNames the personas the matrix runs, or empty for all
 * @param clients      the matrix's clients, or empty for all
 * @param offload      the offload axis states in run order
 * @param faultModel   the emulated fault model the file names, or empty
 * @param knownIssues  the known issues
 * @param clientPaths  tool family (ipmitool, ipmiutil, freeipmi) -> its binary, for tools not on the PATH
 * @param jobs         cells at once ({@code jobs: N}), or empty for as many as the evidence allows
 * @param repeat       attempts per cell ({@code repeat: N}, default 1): a cell whose attempts disagree is INTERMITTENT
 * @param faultModels  the fault models offload=on runs once each ({@code fault-models:}), or empty for one
 * @param faultClients the clients of those runs ({@code fault-clients:}), or empty for {@code clients}
 */
public record LabFile(Path file, LabKind kind, List<Persona> personas, Optional<Path> personaFile, List<String> personaNames,
                      List<ClientKind> clients, List<OffloadState> offload, Optional<FaultModel> faultModel, KnownIssues knownIssues,
                      Map<String, Path> clientPaths, Optional<Integer> jobs, int repeat, List<FaultModel> faultModels,
                      List<ClientKind> faultClients) {
    /** The most attempts per cell a lab file may ask for. */
    public static final int MAX_REPEAT = 100;
    /** The most cells at once a lab file may ask for. */
    public static final int MAX_JOBS = 64;
    /** What offload=on is on a lab that emulates faults and names none. */
    public static final FaultModel DEFAULT_FAULT = FaultModel.of("df-clear");

    public LabFile {
        personas = List.copyOf(personas);
        personaNames = List.copyOf(personaNames);
        clients = List.copyOf(clients);
        offload = List.copyOf(offload);
        clientPaths = Map.copyOf(clientPaths);
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new IllegalArgumentException("repeat " + repeat + " is outside 1.." + MAX_REPEAT);
        }
        if (faultModel.isPresent() && !kind.emulatesFaults()) {
            throw new IllegalArgumentException("a " + kind.id() + " lab switches the real offload; it takes no fault model");
        }
        faultModels = faultModels == null ? List.of() : List.copyOf(faultModels);
        faultClients = faultClients == null ? List.of() : List.copyOf(faultClients);
        if (!faultModels.isEmpty() && !(kind instanceof LabKind.Virtual)) {
            throw new IllegalArgumentException("several fault models in one run are for the virtual lab, not a " + kind.id() + " lab");
        }
    }

    /** A lab file whose offload=on has one meaning (the shape before fault-models). */
    public LabFile(Path file, LabKind kind, List<Persona> personas, Optional<Path> personaFile, List<String> personaNames,
                   List<ClientKind> clients, List<OffloadState> offload, Optional<FaultModel> faultModel, KnownIssues knownIssues,
                   Map<String, Path> clientPaths, Optional<Integer> jobs, int repeat) {
        this(file, kind, personas, personaFile, personaNames, clients, offload, faultModel, knownIssues, clientPaths, jobs, repeat,
                List.of(), List.of());
    }

    /** The embedded default: the virtual lab with the built-in personas, every client, offload off then on. */
    public static LabFile embedded() {
        LabKind kind = new LabKind.Virtual();
        return new LabFile(null, kind, PersonaCatalogue.builtIn(kind.personaBase()).personas(), Optional.empty(), List.of(), List.of(),
                OffloadState.BOTH, Optional.empty(), KnownIssues.NONE, Map.of(), Optional.empty(), 1);
    }

    /**
     * The emulated fault that is offload=on: the file's, else {@link #DEFAULT_FAULT} on the virtual lab; empty where
     * offload=on is the NIC's real offload.
     */
    public Optional<FaultModel> emulatedFault() {
        if (faultModel.isEmpty() && !faultModels.isEmpty()) {
            return Optional.of(faultModels.get(0)); // the first of several: what a single-model command (bisect, lab fault lab) takes
        }
        return faultModel.isPresent() || !(kind instanceof LabKind.Virtual) ? faultModel : Optional.of(DEFAULT_FAULT);
    }

    /** The same lab with another fault model for offload=on (the command line's --fault); refused where there is none. */
    public LabFile withFault(FaultModel model) {
        if (!kind.emulatesFaults()) {
            throw new IllegalArgumentException("--fault: a " + kind.id() + " lab switches the real offload of its NIC; fault models "
                    + "are emulated on the virtual, agent and container labs");
        }
        // one model asked for on the command line: offload=on is that model, not the file's list
        return new LabFile(file, kind, personas, personaFile, personaNames, clients, offload, Optional.of(model), knownIssues,
                clientPaths, jobs, repeat, List.of(), faultClients);
    }

    /**
     * The same personas and clients served on loopback sockets ({@link LabKind.Socket}): no fault model and no offload
     * axis (only off).
     */
    public LabFile onSockets(LabKind.Socket sockets) {
        return new LabFile(file, sockets, personas, personaFile, personaNames, clients, List.of(OffloadState.OFF), Optional.empty(),
                knownIssues, clientPaths, jobs, repeat, List.of(), List.of());
    }

    /** The same lab with the kind its session resolved (a container lab's agent, once it runs). */
    public LabFile withKind(LabKind other) {
        return new LabFile(file, other, personas, personaFile, personaNames, clients, offload, faultModel, knownIssues, clientPaths,
                jobs, repeat, faultModels, faultClients);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final String FIELDS = "kind, personas, persona-names, clients, offload, fault-model.name, fault-model.expression, "
            + "fault-models, fault-clients, known-issues[].persona/client/offload/fault/verdict/reason/why, dut-interface, responder.interface, responder.url, "
            + "responder.token-env, responder.token-file, responder.trust, responder.kind, responder.control, responder.image, "
            + "responder.arp-timing, persona-base, nic-model, kernel, accelerator, memory-mb, qemu, client-paths.ipmitool/ipmiutil/freeipmi, "
            + "jobs, repeat";
    static final List<String> KINDS = List.of("virtual", "second-nic", "agent", "container", "vm");

    record Raw(String kind, String personas, @JsonProperty("persona-names") List<String> personaNames, List<String> clients,
               List<String> offload, @JsonProperty("fault-model") RawFault faultModel,
               @JsonProperty("known-issues") List<RawKnown> knownIssues, @JsonProperty("dut-interface") String dutInterface,
               RawResponder responder, @JsonProperty("persona-base") String personaBase,
               @JsonProperty("client-paths") Map<String, String> clientPaths, Integer jobs, Integer repeat,
               @JsonProperty("fault-models") List<RawFault> faultModels, @JsonProperty("fault-clients") List<String> faultClients,
               @JsonProperty("nic-model") String nicModel, String kernel, String accelerator, @JsonProperty("memory-mb") Integer memoryMb,
               String qemu) {
    }

    record RawResponder(@JsonProperty("interface") String iface, String url, @JsonProperty("token-env") String tokenEnv,
                        @JsonProperty("token-file") String tokenFile, String kind, String control, String image,
                        @JsonProperty("arp-timing") String arpTiming, String trust) {
    }

    /** A fault model: a mapping {name, expression}, or in a list just its name. */
    record RawFault(String name, String expression) {
        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static RawFault named(String name) {
            return new RawFault(name, null);
        }

        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
        RawFault {
        }
    }

    record RawKnown(String persona, String client, String offload, String verdict, String reason, String why, String fault) {
    }

    /**
     * Reads and validates, persona file included (with the lab's address rules), before anything is created; every
     * error is one line that names the file, the line when known, the field, the value and what is allowed.
     */
    public static LabFile read(Path file) throws IOException {
        return new Reader(file, InputFile.text(file, "lab file", InputFile.LAB_FILE_LIMIT)).read();
    }

    /** One lab file being read: its text, for the line a field is on. */
    private static final class Reader {
        private final Path file;
        private final String text;
        private final Path dir;

        Reader(Path file, String text) {
            this.file = file;
            this.text = text;
            this.dir = file.toAbsolutePath().getParent();
        }

        LabFile read() throws IOException {
            Raw raw = bind();
            LabKind kind = kind(raw);
            Optional<FaultModel> fault = fault(raw.faultModel());
            if (fault.isPresent() && !kind.emulatesFaults()) {
                throw problem("fault-model", "a " + kind.id() + " lab toggles the real offload; fault models are for the virtual lab");
            }
            if (raw.personas() != null && raw.personas().isBlank()) {
                throw problem("personas", "empty; give a persona file (relative to the lab file) or leave it out");
            }
            Optional<Path> personaFile = Optional.ofNullable(raw.personas()).map(dir::resolve);
            List<Persona> personas = personas(personaFile, kind);
            List<String> names = raw.personaNames() == null ? List.of() : raw.personaNames();
            for (String n : names) {
                if (!n.equals("all") && personas.stream().noneMatch(p -> p.name().equals(n))) {
                    throw problem("persona-names", InputFile.token(n) + " is not a persona of " + personaFile.map(Path::toString)
                            .orElse("the built-in catalogue") + " (" + String.join(", ", personas.stream().map(Persona::name).toList()) + ")");
                }
            }
            int repeat = raw.repeat() == null ? 1 : raw.repeat();
            if (repeat < 1 || repeat > MAX_REPEAT) {
                throw problem("repeat", repeat + " is outside 1.." + MAX_REPEAT);
            }
            if (raw.jobs() != null && (raw.jobs() < 1 || raw.jobs() > MAX_JOBS)) {
                throw problem("jobs", raw.jobs() + " is not 1.." + MAX_JOBS + " (cells at once; leave it out for the default)");
            }
            List<FaultModel> faults = faultModels(raw.faultModels());
            if (!faults.isEmpty() && fault.isPresent()) {
                throw problem("fault-models", "give fault-model (one) or fault-models (several), not both");
            }
            if (!faults.isEmpty() && !(kind instanceof LabKind.Virtual)) {
                throw problem("fault-models", "several fault models in one run are for the virtual lab (a " + kind.id() + " lab takes one "
                        + "fault-model)");
            }
            List<ClientKind> faultClients = clients(raw.faultClients(), "fault-clients");
            if (!faultClients.isEmpty() && faults.isEmpty()) {
                throw problem("fault-clients", "only with fault-models (the clients of their offload=on runs)");
            }
            return new LabFile(file, kind, personas, personaFile, names, clients(raw.clients(), "clients"),
                    raw.offload() == null ? OffloadState.BOTH : offload(raw.offload()), fault, knownIssues(raw.knownIssues(), faults),
                    clientPaths(raw.clientPaths()), Optional.ofNullable(raw.jobs()), repeat, faults, faultClients);
        }

        /** fault-models: each a model of its own (custom with its expression), none twice. */
        private List<FaultModel> faultModels(List<RawFault> raw) throws IOException {
            List<FaultModel> out = new ArrayList<>();
            for (RawFault r : raw == null ? List.<RawFault>of() : raw) {
                FaultModel m = fault(r, "fault-models").orElseThrow(() -> problem("fault-models", "an empty entry"));
                if (out.stream().anyMatch(o -> o.name().equals(m.name()) && java.util.Objects.equals(o.expression(), m.expression()))) {
                    throw problem("fault-models", "'" + m.name() + "' is listed twice");
                }
                out.add(m);
            }
            return out;
        }

        private Raw bind() throws IOException {
            Raw raw;
            try {
                raw = YAML.readValue(text, Raw.class);
            } catch (UnrecognizedPropertyException e) {
                String field = ParseProblem.path(e);
                int line = lineOf(e.getPropertyName()).orElse(e.getLocation() != null ? e.getLocation().getLineNr() : -1);
                // the path is named only when the key looks like a name (a line of /etc/shadow read as YAML is one long "key")
                String shown = InputFile.key(e.getPropertyName()).startsWith("'") ? "'" + field + "'" : InputFile.key(e.getPropertyName());
                throw new IOException(file + (line > 0 ? " line " + line : "") + ": " + shown
                        + " is not a lab file field (known fields: " + FIELDS + ")", e);
            } catch (JsonMappingException e) {
                ParseProblem p = ParseProblem.of(e, "YAML");
                String field = p.field() == null ? "(top level)" : p.field();
                int line = lineOf(ParseProblem.lastField(e)).orElse(p.line());
                String what = p.field() == null ? "must be a mapping of lab file fields" : p.what();
                throw new IOException(file + (line > 0 ? " line " + line : "") + ", field '" + field + "' " + what
                        + " (known fields: " + FIELDS + ")", e);
            } catch (IOException e) {
                ParseProblem p = e instanceof JsonProcessingException j ? ParseProblem.of(j, "YAML")
                        : new ParseProblem(-1, null, "unreadable YAML");
                throw new IOException(file + (p.line() > 0 ? " line " + p.line() : "") + ": " + p.what(), e);
            }
            if (raw == null) {
                throw new IOException(file + ": empty lab file");
            }
            return raw;
        }

        /** The kind and its fields; every field another kind owns is refused here. */
        private LabKind kind(Raw raw) throws IOException {
            RawResponder r = raw.responder();
            String id = raw.kind() == null ? "virtual" : raw.kind();
            if (r != null && "container".equals(r.kind()) && (raw.kind() == null || id.equals("container"))) {
                id = "container";
            }
            if (!KINDS.contains(id)) {
                throw problem("kind", InputFile.token(raw.kind()) + " is not supported yet (" + String.join(", ", KINDS) + ")");
            }
            if (!id.equals("vm")) {
                String vmField = raw.nicModel() != null ? "nic-model" : raw.kernel() != null ? "kernel" : raw.accelerator() != null
                        ? "accelerator" : raw.memoryMb() != null ? "memory-mb" : raw.qemu() != null ? "qemu" : null;
                if (vmField != null) {
                    throw problem(vmField, "only for kind vm (a QEMU guest as the machine under test)");
                }
            }
            try {
                return switch (id) {
                    case "vm" -> vm(raw, r);
                    case "second-nic" -> {
                        only(r, "only for kind agent", List.of("interface"));
                        yield new LabKind.SecondNic(raw.dutInterface(), r == null ? null : r.iface(),
                                base(raw.personaBase(), LabKind.SecondNic.DEFAULT_BASE));
                    }
                    case "agent" -> agent(raw, r);
                    case "container" -> {
                        only(r, "a container lab starts its own agent (address: responder.control; the token is generated; plain http)",
                                List.of("interface", "kind", "control", "image", "arp-timing"));
                        yield new LabKind.Container(raw.dutInterface(), r.iface(), r.control(), Optional.ofNullable(r.image()), r.arpTiming(),
                                base(raw.personaBase(), LabKind.Container.DEFAULT_BASE));
                    }
                    default -> {
                        if (r != null) {
                            only(r, "only for kind agent", List.of("interface", "kind", "control", "image", "arp-timing"));
                        }
                        if (raw.dutInterface() != null || r != null || raw.personaBase() != null) {
                            throw new LabKind.Invalid(raw.dutInterface() != null ? "dut-interface" : r != null ? "responder" : "persona-base",
                                    "only for kinds second-nic, agent and container (the virtual lab makes its own interfaces)");
                        }
                        yield new LabKind.Virtual();
                    }
                };
            } catch (LabKind.Invalid e) {
                throw problem(e.field(), e.getMessage());
            }
        }

        private LabKind.Vm vm(Raw raw, RawResponder r) throws IOException {
            if (raw.dutInterface() != null || r != null) {
                throw problem(raw.dutInterface() != null ? "dut-interface" : "responder", "a vm lab makes its own guest NIC, tap and "
                        + "namespace; it takes nic-model, kernel, accelerator, memory-mb, qemu and persona-base");
            }
            NicModel nic;
            GuestKernel kernel;
            Accelerator.Request accelerator;
            try {
                nic = raw.nicModel() == null ? null : NicModel.of(raw.nicModel());
            } catch (IllegalArgumentException e) {
                throw problem("nic-model", InputFile.token(raw.nicModel()) + " is not a NIC model QEMU emulates here (" + NicModel.names() + ")");
            }
            try {
                kernel = raw.kernel() == null ? null : GuestKernel.of(raw.kernel());
            } catch (IllegalArgumentException e) {
                throw problem("kernel", InputFile.token(raw.kernel()) + " is not a guest kernel generation (6.1, 6.12; quote it: \"6.1\")");
            }
            try {
                accelerator = raw.accelerator() == null ? null : Accelerator.Request.of(raw.accelerator());
            } catch (IllegalArgumentException e) {
                throw problem("accelerator", InputFile.token(raw.accelerator()) + " is not an accelerator (auto, kvm, tcg)");
            }
            Optional<Path> qemu = Optional.ofNullable(raw.qemu()).map(dir::resolve);
            if (qemu.isPresent() && (!Files.isRegularFile(qemu.get()) || !Files.isExecutable(qemu.get()))) {
                throw problem("qemu", qemu.get() + " is not an executable file");
            }
            return new LabKind.Vm(nic, kernel, accelerator, raw.memoryMb() == null ? LabKind.Vm.DEFAULT_MEMORY_MB : raw.memoryMb(), qemu,
                    base(raw.personaBase(), LabKind.Vm.DEFAULT_BASE));
        }

        private LabKind.Agent agent(Raw raw, RawResponder r) throws IOException {
            if (r != null && r.iface() != null) {
                throw problem("responder.interface", "an agent lab has no responder port on this machine (the agent names its own "
                        + "with --iface)");
            }
            if (r != null && r.tokenEnv() != null && r.tokenFile() != null) {
                throw problem("responder.token-file", "give token-env or token-file, not both");
            }
            Optional<Path> tokenFile = Optional.ofNullable(r == null ? null : r.tokenFile()).map(dir::resolve);
            if (tokenFile.isPresent()) {
                try {
                    InputFile.requireRegular(tokenFile.get(), "token file");
                } catch (InputFile.Unusable e) {
                    throw problem("responder.token-file", e.getMessage());
                }
            }
            Optional<Path> trust = Optional.ofNullable(r == null ? null : r.trust()).map(dir::resolve);
            LabKind.Agent agent = new LabKind.Agent(raw.dutInterface(), LabKind.Agent.url(r == null ? null : r.url()),
                    r == null ? null : r.tokenEnv(), tokenFile, base(raw.personaBase(), LabKind.Agent.DEFAULT_BASE), trust);
            if (trust.isPresent()) {
                try {
                    AgentTls.trustedCertificates(trust.get());
                } catch (IOException e) {
                    throw problem("responder.trust", e.getMessage());
                }
            }
            return agent;
        }

        /** Refuses the responder fields a kind does not take (the first one set, with {@code why}). */
        private void only(RawResponder r, String why, List<String> allowed) {
            if (r == null) {
                return;
            }
            Map<String, String> given = new LinkedHashMap<>();
            given.put("interface", r.iface());
            given.put("url", r.url());
            given.put("token-env", r.tokenEnv());
            given.put("token-file", r.tokenFile());
            given.put("trust", r.trust());
            given.put("kind", r.kind());
            given.put("control", r.control());
            given.put("image", r.image());
            given.put("arp-timing", r.arpTiming());
            for (Map.Entry<String, String> e : given.entrySet()) {
                if (e.getValue() != null && !allowed.contains(e.getKey())) {
                    throw new LabKind.Invalid("responder." + e.getKey(), why);
                }
            }
        }

        private Inet4Address base(String given, String fallback) {
            String base = given == null ? fallback : given.strip();
            try {
                return AddressText.ipv4(base);
            } catch (AddressText.NotAnAddress e) {
                throw new LabKind.Invalid("persona-base", e.getMessage());
            }
        }

        private Optional<FaultModel> fault(RawFault raw) throws IOException {
            return fault(raw, "fault-model");
        }

        private Optional<FaultModel> fault(RawFault raw, String where) throws IOException {
            if (raw == null) {
                return Optional.empty();
            }
            String name = raw.name();
            String known = String.join(", ", FaultModel.names()) + ", custom";
            String nameField = where.equals("fault-model") ? "fault-model.name" : where;
            if (name == null) {
                throw problem(where.equals("fault-model") ? "name" : where, nameField, "missing; one of " + known);
            }
            if (!FaultModel.names().contains(name.trim().toLowerCase(Locale.ROOT)) && !name.trim().equalsIgnoreCase("custom")) {
                throw problem(where.equals("fault-model") ? "name" : where, nameField, InputFile.token(name) + " is not a fault model ("
                        + known + ")");
            }
            try {
                return Optional.of(new FaultModel(name, raw.expression()));
            } catch (IllegalArgumentException e) {
                // the name is known, so what is wrong is the expression (missing, not allowed, or not one match)
                String expr = raw.expression();
                throw problem(expr == null ? "name" : "expression", "fault-model.expression",
                        expr == null ? "missing; the custom model needs an nftables match expression, e.g. 'ip ttl 1'"
                                : !name.trim().equalsIgnoreCase("custom") ? InputFile.token(expr)
                                + " is not allowed: only the custom model takes an expression"
                                : MatchExpression.problem(expr) == null ? e.getMessage()
                                : InputFile.token(expr) + ": " + MatchExpression.problem(expr));
            }
        }

        /** The whole catalogue up front, with the kind's address rules: nothing is created for a broken one. */
        private List<Persona> personas(Optional<Path> personaFile, LabKind kind) throws IOException {
            try {
                return LabNetwork.personas(personaFile, kind.personaBase(), kind.segment());
            } catch (InputFile.Unusable e) {
                throw problem("personas", e.getMessage());
            } catch (IOException e) {
                throw new IOException(e.getMessage() + (personaFile.isPresent() ? " (the persona file of " + file + ")" : ""), e);
            }
        }

        private List<ClientKind> clients(List<String> raw, String field) throws IOException {
            List<ClientKind> out = new ArrayList<>();
            for (String c : raw == null ? List.<String>of() : raw) {
                ClientKind k = client(String.valueOf(c), field);
                if (out.contains(k)) {
                    throw problem(field, "'" + c + "' is listed twice");
                }
                out.add(k);
            }
            return out;
        }

        private ClientKind client(String c, String field) throws IOException {
            try {
                return ClientKind.parse(c);
            } catch (IllegalArgumentException e) {
                throw problem(field, InputFile.token(c) + " is not a client (" + String.join(", ", ClientKind.ids()) + ")"
                        + (field.startsWith("known") ? " or *" : ""));
            }
        }

        private List<OffloadState> offload(List<String> raw) throws IOException {
            List<OffloadState> out = new ArrayList<>();
            for (String s : raw) {
                OffloadState state = OffloadState.find(String.valueOf(s))
                        .orElseThrow(() -> problem("offload", InputFile.token(s) + " is not an offload state (off, on)"));
                if (out.contains(state)) {
                    throw problem("offload", InputFile.token(s) + " is listed twice");
                }
                out.add(state);
            }
            if (out.isEmpty()) {
                throw problem("offload", "empty; list off, on or both");
            }
            return out;
        }

        private KnownIssues knownIssues(List<RawKnown> raw, List<FaultModel> faults) throws IOException {
            List<KnownIssues.Entry> known = new ArrayList<>();
            List<RawKnown> list = raw == null ? List.of() : raw;
            for (int i = 0; i < list.size(); i++) {
                RawKnown k = list.get(i);
                String where = "known-issues[" + i + "]";
                if (k == null || k.verdict() == null) {
                    throw problem("known-issues", where + ".verdict", "missing; one of " + verdicts());
                }
                Verdict v = Arrays.stream(Verdict.values())
                        .filter(x -> x.name().equals(k.verdict().trim().toUpperCase(Locale.ROOT).replace('-', '_'))).findFirst()
                        .orElseThrow(() -> problem("known-issues", where + ".verdict", InputFile.token(k.verdict()) + " is not a verdict ("
                                + verdicts() + ")"));
                String client = k.client() == null || k.client().equals("*") ? k.client() : client(k.client(), where + ".client").id();
                Optional<OffloadState> off = Optional.empty();
                if (k.offload() != null && !k.offload().equals("*")) {
                    off = Optional.of(OffloadState.find(k.offload()).orElseThrow(() -> problem("known-issues", where + ".offload",
                            InputFile.token(k.offload()) + " is not an offload state (off, on) or *")));
                }
                Reason reason;
                try {
                    reason = Reason.of(k.reason() == null ? null : k.reason().strip());
                } catch (IllegalArgumentException e) {
                    throw problem("known-issues", where + ".reason", InputFile.token(k.reason())
                            + " is not a reason token (upper-case letters, digits and _, e.g. UDP_CSUM)");
                }
                String fault = k.fault() == null || k.fault().equals("*") ? null : k.fault().strip();
                if (fault != null && faults.stream().noneMatch(m -> m.name().equals(fault))) {
                    throw problem("known-issues", where + ".fault", InputFile.token(fault) + " is not one of this lab's fault-models ("
                            + (faults.isEmpty() ? "it has none" : String.join(", ", faults.stream().map(FaultModel::name).toList())) + ")");
                }
                known.add(new KnownIssues.Entry(k.persona(), client, off, v, reason, k.why(), fault));
            }
            return new KnownIssues(known);
        }

        /** client-paths: known families only, each an executable file (relative paths against the lab file). */
        private Map<String, Path> clientPaths(Map<String, String> raw) throws IOException {
            Map<String, Path> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : raw == null ? Map.<String, String>of().entrySet() : raw.entrySet()) {
                if (!ToolClient.FAMILIES.contains(e.getKey())) {
                    throw problem(e.getKey(), "client-paths." + InputFile.token(e.getKey()).replace("'", ""),
                            "not a client with a binary (client-paths takes " + String.join(", ", ToolClient.FAMILIES) + ")");
                }
                if (e.getValue() == null || e.getValue().isBlank()) {
                    throw problem(e.getKey(), "empty path");
                }
                Path p = dir.resolve(e.getValue());
                if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                    throw problem(e.getKey(), p + " is not an executable file");
                }
                out.put(e.getKey(), p);
            }
            return out;
        }

        private static String verdicts() {
            return String.join(", ", Arrays.stream(Verdict.values()).map(Enum::name).toList());
        }

        /** "FILE line N, field 'F': what" for the field (the line of its last key). */
        private IOException problem(String field, String what) {
            return problem(field.substring(field.lastIndexOf('.') + 1), field, what);
        }

        /** Like {@link #problem(String, String)}, naming {@code field} at the line of {@code key}. */
        private IOException problem(String key, String field, String what) {
            int line = lineOf(key).orElse(-1);
            return new IOException(file + (line > 0 ? " line " + line : "") + ", field '" + field + "': " + what);
        }

        /** The line where a key is written; Jackson's YAML locations point past it. */
        private Optional<Integer> lineOf(String key) {
            if (key == null) {
                return Optional.empty();
            }
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).stripLeading();
                if (l.startsWith(key + ":") || l.startsWith("- " + key + ":")) {
                    return Optional.of(i + 1);
                }
            }
            return Optional.empty();
        }
    }
}
