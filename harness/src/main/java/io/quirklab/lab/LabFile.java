package io.quirklab.lab;

import io.quirklab.client.ClientKind;
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
import io.quirklab.responder.PersonaCatalogue;
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
 * An agent lab (the responder on another host, {@code quirklab agent}, driven over its HTTP API under a lease; the
 * offload axis is the DUT NIC's real receive UDP checksum offload, or, with a fault model, the emulated fault on the
 * DUT interface when this machine is Linux) says:
 *
 * <pre>
 * kind: agent
 * dut-interface: enp3s0             # the NIC under test, with an address in the personas' /24
 * responder:
 *   url: http://198.18.7.2:8623     # the agent's control address (http or https)
 *   token-env: QUIRKLAB_AGENT_TOKEN # the variable holding its token (default), or token-file: FILE
 * persona-base: 198.18.7.10         # default; 198.18.0.0/15 only
 * </pre>
 *
 * Any kind can name the tools' binaries when they are not on the PATH (FreeIPMI: bmc-info, with ipmi-chassis next
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
 * @param jobs         cells at once ({@code jobs: N}), or empty for as many as the evidence allows
 * @param agent        for kind agent: the DUT interface, the agent's address and token, the persona addresses
 * @param repeat       attempts per cell ({@code repeat: N}, default 1): a cell whose attempts disagree is INTERMITTENT
 */
public record LabFile(Path file, String kind, Optional<Path> personas, List<String> personaNames, List<ClientKind> clients,
                      List<String> offload, Optional<FaultModel> faultModel, KnownIssues knownIssues, Optional<SecondNic> secondNic,
                      java.util.Map<String, Path> clientPaths, Optional<Integer> jobs, Optional<AgentLab> agent, int repeat) {
    /**
     * A remote responder agent.
     *
     * @param dutInterface the NIC under test (has an address in the personas' /24)
     * @param url          the agent's control address
     * @param tokenEnv     the environment variable with the agent's token
     * @param tokenFile    a file with the token instead, or empty
     * @param personaBase  the first persona's address (198.18.0.0/15 only)
     * @param container    for a container lab: the agent the run starts
     * @param trust        for an https URL: the certificates (PEM) that the agent's certificate must be, or be signed
     *                     by; empty: the JDK's default trust store
     */
    public record AgentLab(String dutInterface, java.net.URI url, String tokenEnv, Optional<Path> tokenFile, String personaBase,
                           Optional<ContainerResponder> container, Optional<Path> trust) {
        public AgentLab(String dutInterface, java.net.URI url, String tokenEnv, Optional<Path> tokenFile, String personaBase) {
            this(dutInterface, url, tokenEnv, tokenFile, personaBase, Optional.empty(), Optional.empty());
        }

        /** The same lab with the token in a file (a container lab's generated token). */
        public AgentLab withTokenFile(Path file) {
            return new AgentLab(dutInterface, url, tokenEnv, Optional.of(file), personaBase, container, trust);
        }
    }

    /**
     * The agent started by the run itself, in the responder image on a (local or remote, DOCKER_HOST) Docker engine
     * with host networking ({@code responder: {kind: container, ...}}).
     *
     * @param iface     the responder host's interface the agent owns
     * @param control   the agent's control address on that host, ADDR:PORT
     * @param image     the image, or empty for the one docker/build-image.sh builds (or reuses)
     * @param arpTiming the agent's ARP timing (rfc5227 or fast)
     */
    public record ContainerResponder(String iface, String control, Optional<String> image, String arpTiming) {
    }

    /** The most attempts per cell a lab file may ask for. */
    public static final int MAX_REPEAT = 100;

    public LabFile {
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new IllegalArgumentException("repeat " + repeat + " is outside 1.." + MAX_REPEAT);
        }
    }

    /** The shape before {@code repeat}: one attempt per cell. */
    public LabFile(Path file, String kind, Optional<Path> personas, List<String> personaNames, List<ClientKind> clients,
                   List<String> offload, Optional<FaultModel> faultModel, KnownIssues knownIssues, Optional<SecondNic> secondNic,
                   java.util.Map<String, Path> clientPaths, Optional<Integer> jobs, Optional<AgentLab> agent) {
        this(file, kind, personas, personaNames, clients, offload, faultModel, knownIssues, secondNic, clientPaths, jobs, agent, 1);
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
            + "known-issues[].persona/client/offload/verdict/reason/why, dut-interface, responder.interface, responder.url, "
            + "responder.token-env, responder.token-file, responder.trust, responder.kind, responder.control, responder.image, responder.arp-timing, "
            + "persona-base, "
            + "client-paths.ipmitool/ipmiutil/freeipmi, jobs, repeat";
    public static final List<String> OFFLOAD_STATES = List.of("off", "on");

    /** Compatible constructor for the first lab-file format: personas and a fault model. */
    public LabFile(Path file, Optional<Path> personas, Optional<FaultModel> faultModel) {
        this(file, "virtual", personas, List.of(), List.of(), OFFLOAD_STATES, faultModel, KnownIssues.NONE, Optional.empty(),
                java.util.Map.of(), Optional.empty(), Optional.empty());
    }

    record Raw(String kind, String personas, @JsonProperty("persona-names") List<String> personaNames, List<String> clients,
               List<String> offload, @JsonProperty("fault-model") RawFault faultModel,
               @JsonProperty("known-issues") List<RawKnown> knownIssues, @JsonProperty("dut-interface") String dutInterface,
               RawResponder responder, @JsonProperty("persona-base") String personaBase,
               @JsonProperty("client-paths") java.util.Map<String, String> clientPaths, Integer jobs, Integer repeat) {
    }

    record RawResponder(@JsonProperty("interface") String iface, String url, @JsonProperty("token-env") String tokenEnv,
                        @JsonProperty("token-file") String tokenFile, String kind, String control, String image,
                        @JsonProperty("arp-timing") String arpTiming, String trust) {
    }

    record RawFault(String name, String expression) {
    }

    record RawKnown(String persona, String client, String offload, String verdict, String reason, String why) {
    }

    /**
     * Reads and validates, persona file included (with the lab's address rules), before anything is created; every
     * error is one line that names the file, the line when known, the field, the value and what is allowed.
     */
    public static LabFile read(Path file) throws IOException {
        String text = io.quirklab.input.InputFile.text(file, "lab file", io.quirklab.input.InputFile.LAB_FILE_LIMIT);
        Raw raw;
        try {
            raw = YAML.readValue(text, Raw.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            String field = io.quirklab.input.ParseProblem.path(e);
            int line = lineOf(file, e.getPropertyName()).orElse(e.getLocation() != null ? e.getLocation().getLineNr() : -1);
            // the path is named only when the key looks like a name (a line of /etc/shadow read as YAML is one long "key")
            String shown = io.quirklab.input.InputFile.key(e.getPropertyName()).startsWith("'") ? "'" + field + "'"
                    : io.quirklab.input.InputFile.key(e.getPropertyName());
            throw new IOException(file + (line > 0 ? " line " + line : "") + ": " + shown
                    + " is not a lab file field (known fields: " + FIELDS + ")", e);
        } catch (JsonMappingException e) {
            io.quirklab.input.ParseProblem p = io.quirklab.input.ParseProblem.of(e, "YAML");
            String field = p.field() == null ? "(top level)" : p.field();
            int line = lineOf(file, io.quirklab.input.ParseProblem.lastField(e)).orElse(p.line());
            String what = p.field() == null ? "must be a mapping of lab file fields" : p.what();
            throw new IOException(file + (line > 0 ? " line " + line : "") + ", field '" + field + "' " + what
                    + " (known fields: " + FIELDS + ")", e);
        } catch (IOException e) {
            io.quirklab.input.ParseProblem p = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? io.quirklab.input.ParseProblem.of(j, "YAML") : new io.quirklab.input.ParseProblem(-1, null, "unreadable YAML");
            throw new IOException(file + (p.line() > 0 ? " line " + p.line() : "") + ": " + p.what(), e);
        }
        if (raw == null) {
            throw new IOException(file + ": empty lab file");
        }
        String kind = raw.kind() == null ? "virtual" : raw.kind();
        if (raw.responder() != null && "container".equals(raw.responder().kind()) && (raw.kind() == null || kind.equals("container"))) {
            kind = "container";
        }
        if (!kind.equals("virtual") && !kind.equals("second-nic") && !kind.equals("agent") && !kind.equals("container")) {
            throw new IOException(at(file, "kind") + "': " + io.quirklab.input.InputFile.token(raw.kind())
                    + " is not supported yet (virtual, second-nic, agent, container)");
        }
        Optional<SecondNic> secondNic = Optional.empty();
        Optional<AgentLab> agent = Optional.empty();
        if (kind.equals("agent")) {
            agent = Optional.of(agentLab(file, raw));
        } else if (kind.equals("container")) {
            agent = Optional.of(containerLab(file, raw));
        } else if (raw.responder() != null && (raw.responder().url() != null || raw.responder().tokenEnv() != null
                || raw.responder().tokenFile() != null || raw.responder().trust() != null)) {
            throw new IOException(at(file, raw.responder().url() != null ? "url" : raw.responder().tokenEnv() != null ? "token-env"
                    : raw.responder().tokenFile() != null ? "token-file" : "trust")
                    + "': only for kind agent");
        }
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
            String base = personaBase(file, raw.personaBase(), "198.18.1.10");
            secondNic = Optional.of(new SecondNic(raw.dutInterface(), raw.responder().iface(), base));
        } else if (kind.equals("virtual") && (raw.dutInterface() != null || raw.responder() != null || raw.personaBase() != null)) {
            throw new IOException(at(file, raw.dutInterface() != null ? "dut-interface" : raw.responder() != null ? "responder" : "persona-base")
                    + "': only for kinds second-nic and agent (the virtual lab makes its own interfaces)");
        }
        Optional<FaultModel> fault = Optional.empty();
        if (raw.faultModel() != null) {
            String name = raw.faultModel().name();
            String known = String.join(", ", FaultModel.BUILT_IN) + ", custom";
            if (name == null) {
                throw new IOException(at(file, "name", "fault-model.name") + "': missing; one of " + known);
            }
            if (!FaultModel.BUILT_IN.contains(name.trim().toLowerCase(Locale.ROOT)) && !name.trim().equalsIgnoreCase("custom")) {
                throw new IOException(at(file, "name", "fault-model.name") + "': " + io.quirklab.input.InputFile.token(name)
                        + " is not a fault model (" + known + ")");
            }
            try {
                fault = Optional.of(new FaultModel(name, raw.faultModel().expression()));
            } catch (IllegalArgumentException e) {
                // the name is known, so what is wrong is the expression (missing, not allowed, or not one match)
                String expr = raw.faultModel().expression();
                throw new IOException(at(file, expr == null ? "name" : "expression", "fault-model.expression") + "': "
                        + (expr == null ? "missing; the custom model needs an nftables match expression, e.g. 'ip ttl 1'"
                        : io.quirklab.input.InputFile.token(expr) + (name.trim().equalsIgnoreCase("custom")
                        ? " is not one nftables match expression (no ; { } # or line breaks)"
                        : " is not allowed: only the custom model takes an expression")), e);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (raw.personas() != null && raw.personas().isBlank()) {
            throw new IOException(at(file, "personas") + "': empty; give a persona file (relative to the lab file) or leave it out");
        }
        Optional<Path> personas = Optional.ofNullable(raw.personas()).map(dir::resolve);
        if (personas.isPresent()) {
            // the whole catalogue up front, with the lab's address rules: nothing is created for a broken one
            try {
                PersonaCatalogue.Segment seg = secondNic.map(n -> LabNetwork.segment(n)).orElse(LabNetwork.VIRTUAL);
                PersonaCatalogue.load(personas.get(), seg.network().equals(LabNetwork.VIRTUAL.network())
                        ? PersonaCatalogue.address(VirtualLab.PERSONA_BASE) : PersonaCatalogue.address(secondNic.get().personaBase()), seg);
            } catch (io.quirklab.input.InputFile.Unusable e) {
                throw new IOException(at(file, "personas") + "': " + e.getMessage(), e);
            } catch (PersonaCatalogue.CatalogueException e) {
                String name = personas.get().getFileName().toString();
                String m = e.getMessage().startsWith(name) ? personas.get() + e.getMessage().substring(name.length()) : e.getMessage();
                throw new IOException(m + " (the persona file of " + file + ")", e);
            }
        }
        List<ClientKind> clients = new ArrayList<>();
        for (String c : raw.clients() == null ? List.<String>of() : raw.clients()) {
            try {
                ClientKind k = ClientKind.parse(String.valueOf(c));
                if (clients.contains(k)) {
                    throw new IllegalArgumentException("'" + c + "' is listed twice");
                }
                clients.add(k);
            } catch (IllegalArgumentException e) {
                throw new IOException(at(file, "clients") + "': " + (e.getMessage().startsWith("unknown client")
                        ? io.quirklab.input.InputFile.token(c) + " is not a client (" + String.join(", ", ClientKind.ids()) + ")"
                        : e.getMessage()), e);
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
                throw new IOException(where + ".verdict': " + io.quirklab.input.InputFile.token(k.verdict()) + " is not a verdict ("
                        + verdicts() + ")", e);
            }
            if (k.client() != null && !k.client().equals("*")) {
                try {
                    ClientKind.parse(k.client());
                } catch (IllegalArgumentException e) {
                    throw new IOException(where + ".client': " + io.quirklab.input.InputFile.token(k.client()) + " is not a client ("
                            + String.join(", ", ClientKind.ids()) + ") or *", e);
                }
            }
            String off = k.offload() == null ? null : normaliseOffload(k.offload());
            String client = k.client() == null || k.client().equals("*") ? k.client() : ClientKind.parse(k.client()).id();
            known.add(new KnownIssues.Entry(k.persona(), client, off, v, k.reason(), k.why()));
        }
        int repeat = raw.repeat() == null ? 1 : raw.repeat();
        if (repeat < 1 || repeat > MAX_REPEAT) {
            throw new IOException(at(file, "repeat") + "': " + repeat + " is outside 1.." + MAX_REPEAT);
        }
        if (raw.jobs() != null && (raw.jobs() < 1 || raw.jobs() > 64)) {
            throw new IOException(at(file, "jobs") + "': " + raw.jobs() + " is not 1..64 (cells at once; leave it out for the default)");
        }
        return new LabFile(file, kind, personas, raw.personaNames() == null ? List.of() : List.copyOf(raw.personaNames()),
                List.copyOf(clients), offload, fault, new KnownIssues(known), secondNic, clientPaths(file, raw.clientPaths()),
                Optional.ofNullable(raw.jobs()), agent, repeat);
    }

    /** {@code responder: {kind: container, interface: IF, control: ADDR:PORT, image: NAME}}: an agent the run starts. */
    private static AgentLab containerLab(Path file, Raw raw) throws IOException {
        if (raw.dutInterface() == null || raw.dutInterface().isBlank()) {
            throw new IOException(file + ", field 'dut-interface': missing; a container lab names the NIC under test");
        }
        RawResponder r = raw.responder();
        if (r.iface() == null || r.iface().isBlank()) {
            throw new IOException(file + ", field 'responder.interface': missing; the responder host's interface the agent owns");
        }
        if (r.url() != null || r.tokenEnv() != null || r.tokenFile() != null || r.trust() != null) {
            throw new IOException(at(file, r.url() != null ? "url" : r.tokenEnv() != null ? "token-env" : r.tokenFile() != null ? "token-file" : "trust")
                    + "': a container lab starts its own agent (address: responder.control; the token is generated; plain http)");
        }
        String control = r.control() == null ? "127.0.0.1:8623" : r.control().strip();
        if (!control.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]{1,5}")) {
            throw new IOException(at(file, "control") + "': " + io.quirklab.input.InputFile.token(control)
                    + " is not ADDRESS:PORT (the agent's control address on the Docker host, e.g. 127.0.0.1:8623)");
        }
        String timing = r.arpTiming() == null ? "rfc5227" : r.arpTiming();
        if (!timing.equals("rfc5227") && !timing.equals("fast")) {
            throw new IOException(at(file, "arp-timing") + "': " + io.quirklab.input.InputFile.token(timing) + " (rfc5227, fast)");
        }
        if (r.image() != null && !r.image().matches("[A-Za-z0-9][A-Za-z0-9._/:-]*")) {
            throw new IOException(at(file, "image") + "': " + io.quirklab.input.InputFile.token(r.image()) + " is not an image name");
        }
        return new AgentLab(raw.dutInterface(), java.net.URI.create("http://" + control), "QUIRKLAB_AGENT_TOKEN", Optional.empty(),
                personaBase(file, raw.personaBase(), "198.18.8.10"),
                Optional.of(new ContainerResponder(r.iface(), control, Optional.ofNullable(r.image()), timing)), Optional.empty());
    }

    private static AgentLab agentLab(Path file, Raw raw) throws IOException {
        if (raw.dutInterface() == null || raw.dutInterface().isBlank()) {
            throw new IOException(file + ", field 'dut-interface': missing; an agent lab names the NIC under test");
        }
        RawResponder r = raw.responder();
        if (r == null || r.url() == null || r.url().isBlank()) {
            throw new IOException(file + ", field 'responder.url': missing; the agent's control address, e.g. http://198.18.7.2:8623");
        }
        if (r.iface() != null) {
            throw new IOException(at(file, "interface") + "': an agent lab has no responder port on this machine (the agent names its "
                    + "own with --iface)");
        }
        java.net.URI url;
        try {
            url = new java.net.URI(r.url().strip());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(at(file, "url") + "': '" + r.url() + "' is not a URL", e);
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 1) {
            throw new IOException(at(file, "url") + "': '" + r.url() + "' is not http(s)://ADDRESS:PORT");
        }
        if (!url.getHost().matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9a-fA-F:]+]")) {
            throw new IOException(at(file, "url") + "': '" + url.getHost() + "' is a name; give the agent's management address "
                    + "(quirklab resolves no names on a lab network)");
        }
        if (r.tokenEnv() != null && r.tokenFile() != null) {
            throw new IOException(at(file, "token-file") + "': give token-env or token-file, not both");
        }
        String env = r.tokenEnv() != null ? r.tokenEnv() : "QUIRKLAB_AGENT_TOKEN";
        if (!env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IOException(at(file, "token-env") + "': '" + env + "' is not an environment variable name");
        }
        Optional<Path> tokenFile = Optional.ofNullable(r.tokenFile()).map(t -> file.toAbsolutePath().getParent().resolve(t));
        if (tokenFile.isPresent()) {
            try {
                io.quirklab.input.InputFile.requireRegular(tokenFile.get(), "token file");
            } catch (io.quirklab.input.InputFile.Unusable e) {
                throw new IOException(at(file, "token-file") + "': " + e.getMessage());
            }
        }
        Optional<Path> trust = Optional.ofNullable(r.trust()).map(t -> file.toAbsolutePath().getParent().resolve(t));
        if (trust.isPresent()) {
            if (!"https".equals(url.getScheme())) {
                throw new IOException(at(file, "trust") + "': the agent's certificate is for an https URL; 'responder.url' is " + url.getScheme());
            }
            try {
                io.quirklab.agent.AgentTls.trustedCertificates(trust.get());
            } catch (IOException e) {
                throw new IOException(at(file, "trust") + "': " + e.getMessage(), e);
            }
        }
        return new AgentLab(raw.dutInterface(), url, env, tokenFile, personaBase(file, raw.personaBase(), "198.18.7.10"), Optional.empty(), trust);
    }

    private static String personaBase(Path file, String given, String fallback) throws IOException {
        String base = given == null ? fallback : given;
        try {
            if (!base.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                throw new IllegalArgumentException(io.quirklab.input.InputFile.token(base) + " is not a dotted IPv4 address");
            }
            java.net.InetAddress a = java.net.InetAddress.getByName(base); // a literal: no name lookup
            byte[] b = a.getAddress();
            if (b.length != 4 || (b[0] & 0xFF) != 198 || ((b[1] & 0xFF) != 18 && (b[1] & 0xFF) != 19)) {
                throw new IllegalArgumentException("'" + base + "' is outside 198.18.0.0/15, the only range quirklab sends test "
                        + "traffic to");
            }
            int last = b[3] & 0xFF;
            if (last == 0 || last == 255) {
                throw new IllegalArgumentException("'" + base + "' is the " + (last == 0 ? "network" : "broadcast")
                        + " address of its /24; the personas start at a host address (e.g. .10)");
            }
        } catch (java.net.UnknownHostException | IllegalArgumentException e) {
            throw new IOException(at(file, "persona-base") + "': " + e.getMessage(), e);
        }
        return base;
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
                throw new IOException(at(file, e.getKey(), "client-paths." + io.quirklab.input.InputFile.token(e.getKey()).replace("'", ""))
                        + "': not a client with a binary (client-paths takes "
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
                throw new IOException(at(file, "offload") + "': " + io.quirklab.input.InputFile.token(s) + " is not an offload state (off, on)");
            }
            if (out.contains(n)) {
                throw new IOException(at(file, "offload") + "': " + io.quirklab.input.InputFile.token(s) + " is listed twice");
            }
            out.add(n);
        }
        if (out.isEmpty()) {
            throw new IOException(at(file, "offload") + "': empty; list off, on or both");
        }
        return List.copyOf(out);
    }

    /** YAML 1.1 readers turn a bare on/off into a boolean; take both spellings. */
    public static String normaliseOffload(String s) {
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

    /** Like {@link #at(Path, String)}, for a sub-field: the line of {@code key}, the name {@code field}. */
    private static String at(Path file, String key, String field) {
        int line = lineOf(file, key).orElse(-1);
        return file + (line > 0 ? " line " + line : "") + ", field '" + field;
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
