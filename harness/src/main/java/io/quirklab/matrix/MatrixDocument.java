package io.quirklab.matrix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.stats.Proportion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The matrix document ({@code matrix.json}, MATRIX.md): one run's environment, axes and cells. It is the contract
 * between the suites, the reports, {@code quirklab compare} and baselines, so readers reject an unknown major
 * version and ignore fields they do not know (fields may be added within a major version).
 *
 * @param schema      {@value #SCHEMA}
 * @param run         when, which version, which lab
 * @param environment where it ran
 * @param axes        the personas, clients and offload states, in display order
 * @param cells       one per (persona, client, offload)
 * @param analysis    what the finished run says about its offload-sensitive personas, or null (older documents, runs
 *                    without an offload axis)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MatrixDocument(String schema, Run run, Environment environment, Axes axes, List<Cell> cells,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Analysis analysis) {
    /** A document without an analysis (a run in progress, the shape before it). */
    public MatrixDocument(String schema, Run run, Environment environment, Axes axes, List<Cell> cells) {
        this(schema, run, environment, axes, cells, null);
    }

    /**
     * The run's own answer (MATRIX.md "analysis"): which personas' verdict depends on the offload state, the quirk
     * dimensions they share, those the personas delivered in every state rule out, and the bisect command that settles it.
     *
     * @param offloadSensitive personas whose delivery differs between offload states (for some client)
     * @param shared           dimensions ("dont-fragment=false") every offload-sensitive persona has against clean
     * @param ruledOut         dimensions of the offload-sensitive personas that a delivered persona also has, "dim (persona)"
     * @param candidates       shared dimensions not ruled out
     * @param bisect           the command that would settle it, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Analysis(@JsonProperty("offload_sensitive") List<String> offloadSensitive, List<String> shared,
                           @JsonProperty("ruled_out") List<String> ruledOut, List<String> candidates, String bisect) {
        public Analysis {
            offloadSensitive = offloadSensitive == null ? List.of() : List.copyOf(offloadSensitive);
            shared = shared == null ? List.of() : List.copyOf(shared);
            ruledOut = ruledOut == null ? List.of() : List.copyOf(ruledOut);
            candidates = candidates == null ? List.of() : List.copyOf(candidates);
        }

        /** The summary's lines (run prints them, the heatmap shows them above the grid). */
        public List<String> lines() {
            if (offloadSensitive.isEmpty()) {
                return List.of("analysis: no persona's delivery depends on the offload state");
            }
            List<String> out = new ArrayList<>();
            out.add("offload-sensitive personas: " + String.join(", ", offloadSensitive));
            out.add("quirks they share: " + (shared.isEmpty() ? "none" : String.join(", ", shared)));
            out.add("ruled out by delivered personas: " + (ruledOut.isEmpty() ? "none" : String.join(", ", ruledOut)));
            out.add("candidates: " + (candidates.isEmpty() ? "none left (a combination, or a field no persona isolates)"
                    : String.join(", ", candidates)));
            if (bisect != null) {
                out.add("to settle it: " + bisect);
            }
            return out;
        }
    }
    public static final String SCHEMA = "quirklab.matrix/1";
    static final String SCHEMA_PREFIX = "quirklab.matrix/";
    static final int MAJOR = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One run.
     *
     * @param id               run id (also the directory name under reports/runs)
     * @param started          ISO-8601 instant
     * @param finished         ISO-8601 instant, null while running
     * @param quirklabVersion  the harness version
     * @param lab              the lab in use
     * @param offloadChanges   the real offload switches the run made, one per state (empty on the virtual lab, whose
     *                         offload axis is an emulated fault model)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Run(String id, String started, String finished, @JsonProperty("quirklab_version") String quirklabVersion, Lab lab,
                      @JsonProperty("offload_changes") List<OffloadStateChange> offloadChanges) {
        public Run {
            offloadChanges = offloadChanges == null ? List.of() : List.copyOf(offloadChanges);
        }

        public Run(String id, String started, String finished, String quirklabVersion, Lab lab) {
            this(id, started, finished, quirklabVersion, lab, List.of());
        }
    }

    /**
     * One switch of a real offload setting for an offload state.
     *
     * @param state        the offload state it served ("on", "off")
     * @param iface        the DUT interface
     * @param setting      the stable key (rx_udp4_checksum)
     * @param from         the OS's value before
     * @param to           the value asked for
     * @param now          the value read back afterwards
     * @param verified     the read-back value is the one asked for
     * @param linkWaitMs   how long link and address took to be back
     * @param sideEffects  other settings that changed with it ("lso: on -> off")
     * @param description  one line
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OffloadStateChange(OffloadState state, String iface, String setting, String from, String to, String now, boolean verified,
                                     @JsonProperty("link_wait_ms") long linkWaitMs, @JsonProperty("side_effects") List<String> sideEffects,
                                     String description) {
        public OffloadStateChange {
            sideEffects = sideEffects == null ? List.of() : List.copyOf(sideEffects);
        }
    }

    /**
     * The lab of one run.
     *
     * @param kind       virtual, second-nic, ...
     * @param file       the lab file, as given
     * @param faultModel the virtual lab's fault model for offload=on, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lab(String kind, String file, @JsonProperty("fault_model") String faultModel) {
    }

    /**
     * Where a run happened (ARCHITECTURE.md "environment").
     *
     * @param os           operating system
     * @param host         host name
     * @param java         Java runtime version
     * @param dutInterface the interface under test
     * @param clients      client family -> version ("ipmitool" -> "1.8.19")
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Environment(Os os, String host, String java, @JsonProperty("dut_interface") DutInterface dutInterface,
                              Map<String, String> clients) {
        public Environment {
            clients = clients == null ? Map.of() : new LinkedHashMap<>(clients);
        }

        /** "Debian GNU/Linux 12 / veth (virtual) / 6.1.0-26-amd64": OS + NIC + driver, for Allure's parentSuite. */
        public String label() {
            String osName = os == null ? "unknown OS" : Objects.toString(os.name(), os.family());
            if (dutInterface == null) {
                return osName;
            }
            String nic = dutInterface.model() != null ? dutInterface.model() : dutInterface.name();
            String driver = dutInterface.driver() == null ? "" : " / " + dutInterface.driver()
                    + (dutInterface.driverVersion() == null ? "" : " " + dutInterface.driverVersion());
            return osName + " / " + nic + driver;
        }
    }

    /**
     * @param family  linux, windows, macos
     * @param name    "Debian GNU/Linux 12", "Windows 11 Pro"
     * @param version "12", "10.0.22631"
     * @param build   kernel release on Linux, build.UBR on Windows
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Os(String family, String name, String version, String build) {
    }

    /**
     * The DUT interface. Fields a platform does not offer are null.
     *
     * @param name           interface name (Linux "enp3s0", Windows alias "Ethernet 2", macOS "en0")
     * @param mac            MAC address, lower case with colons
     * @param model          NIC model ("Intel(R) I211 Gigabit Network Connection"), "veth (virtual)" for virtual NICs
     * @param pciId          PCI vendor:device ("8086:1539")
     * @param driver         driver name (Linux module, Windows driver description, macOS driver/kext)
     * @param driverVersion  driver version (Linux: the module's version, else what ethtool -i says)
     * @param driverDate     driver date (Windows, YYYY-MM-DD)
     * @param driverFile     driver file ("e1r68x64.sys", the Linux module file)
     * @param firmware       NIC firmware version
     * @param linkSpeed      link speed as the OS states it ("1000 Mb/s", "1 Gbps")
     * @param offloads       stable offload keys ({@code io.quirklab.host.OffloadKeys}: "rx_udp4_checksum", "tso", "lso",
     *                       "rss", ...) -> "on"/"off" (or the OS's own value for global switches)
     * @param pciSubsystemId PCI subsystem vendor:device ("8086:0000"), tells board makers apart
     * @param driverProvider who ships the driver (Windows "Intel", "Microsoft")
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DutInterface(String name, String mac, String model, @JsonProperty("pci_id") String pciId, String driver,
                               @JsonProperty("driver_version") String driverVersion, @JsonProperty("driver_date") String driverDate,
                               @JsonProperty("driver_file") String driverFile, String firmware,
                               @JsonProperty("link_speed") String linkSpeed, Map<String, String> offloads,
                               @JsonProperty("pci_subsystem_id") String pciSubsystemId,
                               @JsonProperty("driver_provider") String driverProvider) {
        public DutInterface {
            offloads = offloads == null ? Map.of() : new LinkedHashMap<>(offloads);
        }

        /** The shape before pci_subsystem_id and driver_provider were added. */
        public DutInterface(String name, String mac, String model, String pciId, String driver, String driverVersion, String driverDate,
                            String driverFile, String firmware, String linkSpeed, Map<String, String> offloads) {
            this(name, mac, model, pciId, driver, driverVersion, driverDate, driverFile, firmware, linkSpeed, offloads, null, null);
        }
    }

    /**
     * The axes in display order.
     *
     * @param personas persona names
     * @param clients  client ids
     * @param offload  offload states
     * @param faults   the emulated fault models offload=on ran once each, in run order; empty (omitted) for a run with one
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Axes(List<String> personas, List<String> clients, List<OffloadState> offload,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> faults) {
        public Axes {
            personas = List.copyOf(personas);
            clients = List.copyOf(clients);
            offload = List.copyOf(offload);
            faults = faults == null ? List.of() : List.copyOf(faults);
        }

        /** Axes of a run with one meaning of offload=on. */
        public Axes(List<String> personas, List<String> clients, List<OffloadState> offload) {
            this(personas, clients, offload, List.of());
        }
    }

    /**
     * One cell.
     *
     * @param persona     persona name
     * @param client      client id (java-lan, ipmitool-lanplus, ...)
     * @param offload     offload state
     * @param verdict     the verdict from the evidence
     * @param reason      reason token or null
     * @param expected    the verdict a correct stack gives (persona's expected)
     * @param attempts    requests the client sent
     * @param delivered   requests that got an answer to the client
     * @param durationMs  wall time of the cell
     * @param explanation which evidence gave the verdict, in a sentence
     * @param known       why the deviation is already known (known-issues file or baseline), or null
     * @param evidence    the observations
     * @param interval    repeated cells: the 95 % interval (Wilson) of the share of attempts delivered, [low, high]; null
     *                    for a cell probed once
     * @param attemptVerdicts repeated cells: the verdict of each attempt, in order; null for a cell probed once
     * @param fault       the emulated fault model in force, for an offload=on cell of a run with several ({@code axes.faults});
     *                    null (omitted) otherwise
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cell(String persona, String client, OffloadState offload, Verdict verdict, Reason reason, Verdict expected, int attempts,
                       long delivered, @JsonProperty("duration_ms") long durationMs, String explanation, String known,
                       CellEvidence evidence, @JsonInclude(JsonInclude.Include.NON_NULL) List<Double> interval,
                       @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("attempt_verdicts") List<Verdict> attemptVerdicts,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String fault) {
        /** A cell probed once (the shape before repeats). */
        public Cell(String persona, String client, OffloadState offload, Verdict verdict, Reason reason, Verdict expected, int attempts,
                    long delivered, long durationMs, String explanation, String known, CellEvidence evidence) {
            this(persona, client, offload, verdict, reason, expected, attempts, delivered, durationMs, explanation, known, evidence,
                    null, null, null);
        }

        /** A cell of a run with one meaning of offload=on (the shape before several fault models). */
        public Cell(String persona, String client, OffloadState offload, Verdict verdict, Reason reason, Verdict expected, int attempts,
                    long delivered, long durationMs, String explanation, String known, CellEvidence evidence, List<Double> interval,
                    List<Verdict> attemptVerdicts) {
            this(persona, client, offload, verdict, reason, expected, attempts, delivered, durationMs, explanation, known, evidence,
                    interval, attemptVerdicts, null);
        }

        /** The same cell under a fault model of several. */
        public Cell withFault(String model) {
            return new Cell(persona, client, offload, verdict, reason, expected, attempts, delivered, durationMs, explanation, known,
                    evidence, interval, attemptVerdicts, model);
        }

        /** Attempts delivered of attempts made, with the interval: empty for a cell probed once. */
        public Optional<Proportion> repeatShare() {
            if (attemptVerdicts == null || attemptVerdicts.isEmpty()) {
                return Optional.empty();
            }
            int k = (int) attemptVerdicts.stream().filter(Verdict::delivered).count();
            return Optional.of(Proportion.wilson(k, attemptVerdicts.size()));
        }

        /** The same cell with another known-issue note. */
        public Cell withKnown(String why) {
            return new Cell(persona, client, offload, verdict, reason, expected, attempts, delivered, durationMs, explanation, why,
                    evidence, interval, attemptVerdicts, fault);
        }

        public Key key() {
            return new Key(persona, client, offload, fault);
        }

        /** The verdict differs from what a correct stack does. */
        public boolean finding() {
            return verdict != expected;
        }
    }

    /**
     * The identity of a cell across files: persona, client, offload state and, in a run with several fault models, the
     * model of an offload=on cell (null otherwise).
     */
    public record Key(String persona, String client, OffloadState offload, String fault) {
        public Key(String persona, String client, OffloadState offload) {
            this(persona, client, offload, null);
        }

        @Override
        public String toString() {
            return persona + " x " + client + " x " + (fault == null ? "offload=" + offload : "fault=" + fault);
        }

        /** File-name form: persona__client__offload (or __FAULT for a cell under one of several fault models). */
        public String slug() {
            return persona + "__" + client + "__" + (fault == null ? offload.token() : fault);
        }
    }

    /**
     * What one cell observed. Paths are relative to the matrix file's directory.
     *
     * @param repliesSent             replies the responder sent (its journal)
     * @param requestsSeen            requests the responder saw
     * @param repliesOnDutWire        replies the DUT capture saw, null without a capture
     * @param dutWireUdpChecksumValid every reply on the DUT wire had a valid UDP checksum, null without a capture
     * @param counters                OS counter deltas ("Udp.InCsumErrors" -> 4)
     * @param nicCounters             NIC counter deltas (ethtool -S)
     * @param dropReasons             kernel/OS drop reasons with counts
     * @param reasonSource            which source gave the reason (snmp, kfree_skb, pktmon, netstat, capture), or null
     * @param clientExit              the tool's exit code, null for the Java client
     * @param clientMessage           the client's one-line outcome
     * @param pcap                    the exchange as seen at the DUT interface
     * @param responderPcap           the responder's view of the exchange
     * @param evidenceFile            the full evidence record (JSON)
     * @param clientOutput            the client's output
     * @param nicChecksum             the NIC's own checksum verdict on the cell's replies, where the machine under test
     *                                reports it per cell (a guest's driver), or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CellEvidence(@JsonProperty("replies_sent") int repliesSent, @JsonProperty("requests_seen") int requestsSeen,
                               @JsonProperty("replies_on_dut_wire") Integer repliesOnDutWire,
                               @JsonProperty("dut_wire_udp_checksum_valid") Boolean dutWireUdpChecksumValid,
                               Map<String, Long> counters, @JsonProperty("nic_counters") Map<String, Long> nicCounters,
                               @JsonProperty("drop_reasons") Map<String, Long> dropReasons,
                               @JsonProperty("reason_source") ReasonSource reasonSource,
                               @JsonProperty("client_exit") Integer clientExit, @JsonProperty("client_message") String clientMessage,
                               String pcap, @JsonProperty("responder_pcap") String responderPcap,
                               @JsonProperty("evidence_file") String evidenceFile, @JsonProperty("client_output") String clientOutput,
                               @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("nic_checksum") NicChecksum nicChecksum) {
        public CellEvidence {
            counters = counters == null ? Map.of() : new LinkedHashMap<>(counters);
            nicCounters = nicCounters == null ? Map.of() : new LinkedHashMap<>(nicCounters);
            dropReasons = dropReasons == null ? Map.of() : new LinkedHashMap<>(dropReasons);
        }

        /** The evidence of a lab whose NIC gives no verdict of its own per cell (the shape before nic_checksum). */
        public CellEvidence(int repliesSent, int requestsSeen, Integer repliesOnDutWire, Boolean dutWireUdpChecksumValid,
                            Map<String, Long> counters, Map<String, Long> nicCounters, Map<String, Long> dropReasons,
                            ReasonSource reasonSource, Integer clientExit, String clientMessage, String pcap, String responderPcap,
                            String evidenceFile, String clientOutput) {
            this(repliesSent, requestsSeen, repliesOnDutWire, dutWireUdpChecksumValid, counters, nicCounters, dropReasons, reasonSource,
                    clientExit, clientMessage, pcap, responderPcap, evidenceFile, clientOutput, null);
        }
    }

    /**
     * The NIC's own verdict on one cell's replies, beside the wire's truth ({@code dut_wire_udp_checksum_valid}): its
     * driver's checksum counters over the cell and, per packet, what the driver told the stack.
     *
     * @param nic      the NIC and driver ("e1000e on guest kernel 6.1.0-57-amd64")
     * @param errors   the driver's receive checksum-error counter
     * @param good     its counter of checksums it verified good
     * @param ipSummed packets by what the driver told the stack ({@code skb->ip_summed}: "UNNECESSARY" -> 1)
     * @param packets  each received IPv4 packet in order
     * @param source   where it was read
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NicChecksum(String nic, NicCounter errors, NicCounter good, @JsonProperty("ip_summed") Map<String, Long> ipSummed,
                              List<NicPacket> packets, String source) {
        public NicChecksum {
            ipSummed = ipSummed == null ? Map.of() : new LinkedHashMap<>(ipSummed);
            packets = packets == null ? List.of() : List.copyOf(packets);
        }

        /** "csum err +1 · NONE": the heatmap's short form. */
        public String brief() {
            String counter = errors == null ? "?" : errors.told() ? "csum err " + (errors.delta() >= 0 ? "+" : "") + errors.delta() : "not told";
            return "NIC " + counter + (ipSummed.isEmpty() ? "" : " · " + String.join(" ", ipSummed.keySet()));
        }
    }

    /**
     * A NIC counter over one cell: its name and change, or why the NIC cannot tell (then no number: a zero from a NIC that
     * does not check would read as "nothing wrong").
     *
     * @param counter the driver's counter ({@code rx_csum_offload_errors}), when told
     * @param delta   its change, when told
     * @param notTold why the NIC cannot tell, when not told
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NicCounter(String counter, Long delta, @JsonProperty("not_told") String notTold) {
        public static NicCounter told(String counter, long delta) {
            return new NicCounter(counter, delta, null);
        }

        public static NicCounter notTold(String why) {
            return new NicCounter(null, null, why);
        }

        public boolean told() {
            return notTold == null && delta != null;
        }
    }

    /**
     * One packet the NIC received in a cell.
     *
     * @param ipSummed   what the driver told the stack of its checksum
     * @param length     its length from the IP header on
     * @param dropReason the stack's drop reason for it, or null when it went up
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NicPacket(@JsonProperty("ip_summed") String ipSummed, int length,
                            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("drop_reason") String dropReason) {
    }

    public MatrixDocument {
        cells = cells == null ? List.of() : List.copyOf(cells);
    }

    /** The cell with this key. */
    public Optional<Cell> cell(Key key) {
        return cells.stream().filter(c -> c.key().equals(key)).findFirst();
    }

    public Optional<Cell> cell(String persona, String client, OffloadState offload) {
        return cell(new Key(persona, client, offload));
    }

    /** The cell of one persona and client under one of several fault models. */
    public Optional<Cell> cell(String persona, String client, String fault) {
        return cell(new Key(persona, client, OffloadState.ON, fault));
    }

    /** A copy with other cells (a run in progress, a filtered view). */
    public MatrixDocument withCells(List<Cell> newCells) {
        return new MatrixDocument(schema, run, environment, axes, newCells, analysis);
    }

    public MatrixDocument withRun(Run newRun) {
        return new MatrixDocument(schema, newRun, environment, axes, cells, analysis);
    }

    public MatrixDocument withAnalysis(Analysis newAnalysis) {
        return new MatrixDocument(schema, run, environment, axes, cells, newAnalysis);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the matrix document", e);
        }
    }

    /** Writes atomically (a temporary file moved into place), so a reader never sees half a document. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = MatrixDocument.readableTempFile(dir, ".matrix", ".tmp");
        try {
            Files.writeString(tmp, toJson() + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A temporary file for an atomic write, readable by others (rw-r--r--) where the file system has POSIX permissions:
     * reports are shared (Jenkins archives them, colleagues open them), and createTempFile would make them owner-only.
     */
    public static Path readableTempFile(Path dir, String prefix, String suffix) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, prefix, suffix, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--")));
        }
        return Files.createTempFile(dir, prefix, suffix);
    }

    /**
     * Reads a matrix document; an unknown major version, a missing schema or a broken file is an IOException that
     * names the file and what is wrong.
     */
    public static MatrixDocument read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": no such matrix file");
        }
        // UTF-8 text first: Jackson would guess UTF-16/32 from NUL bytes and fail in its own words
        String text = InputFile.text(file, "matrix document", InputFile.MATRIX_LIMIT);
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ParseProblem p = ParseProblem.of(e, "JSON");
            throw new IOException(file + (p.line() > 0 ? " line " + p.line() : "") + ": not a JSON document (" + p.what() + ")", e);
        } catch (IOException e) {
            throw new IOException(file + ": not a JSON document", e);
        }
        return parse(tree, file.toString());
    }

    /** Parses a document already read; {@code origin} names it in errors. */
    public static MatrixDocument parse(JsonNode tree, String origin) throws IOException {
        if (tree == null || !tree.isObject()) {
            throw new IOException(origin + ": not a matrix document (expected a JSON object)");
        }
        String schema = tree.path("schema").asText("");
        if (!schema.startsWith(SCHEMA_PREFIX)) {
            throw new IOException(origin + ": not a quirklab matrix document (schema is " + InputFile.token(schema)
                    + ", expected " + SCHEMA + ")");
        }
        String version = schema.substring(SCHEMA_PREFIX.length());
        int major;
        try {
            major = Integer.parseInt(version.split("\\.")[0]);
        } catch (NumberFormatException e) {
            throw new IOException(origin + ": unreadable schema version " + InputFile.token(version));
        }
        if (major != MAJOR) {
            throw new IOException(origin + ": matrix schema major version " + major + " is not supported by this quirklab "
                    + "(it reads " + SCHEMA + "); use a quirklab release that knows version " + major);
        }
        MatrixDocument doc;
        try {
            doc = JSON.treeToValue(tree, MatrixDocument.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(origin + ": malformed matrix document: " + ParseProblem.of(e, "JSON").describe(), e);
        } catch (IOException e) {
            throw new IOException(origin + ": malformed matrix document", e);
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < doc.cells().size(); i++) {
            Cell c = doc.cells().get(i);
            if (c.persona() == null || c.client() == null || c.offload() == null || c.verdict() == null || c.expected() == null) {
                problems.add("cells[" + i + "] lacks persona, client, offload, verdict or expected");
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException(origin + ": " + String.join("; ", problems));
        }
        return doc;
    }
}
