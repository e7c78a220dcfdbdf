package io.quirklab.matrix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.DutInterface;
import io.quirklab.matrix.MatrixDocument.Environment;
import io.quirklab.matrix.MatrixDocument.Key;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.input.ResultsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fleet matrix ({@code quirklab fleet merge}, document {@value #SCHEMA}): the matrix documents of several machines
 * (or several driver versions of one machine) side by side. Per offload state it holds every machine's cells and the
 * personas whose verdicts differ between machines ({@code differing}); per persona one line that says where it was
 * delivered and where not.
 *
 * @param schema    {@value #SCHEMA}
 * @param machines  one per merged matrix document, in the order given
 * @param axes      personas, clients and offload states over all documents, first document's order first
 * @param panels    one per offload state, in axes order
 * @param summaries one per persona, in axes order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FleetMatrix(String schema, List<Machine> machines, MatrixDocument.Axes axes, List<Panel> panels,
                          List<PersonaSummary> summaries) {
    public static final String SCHEMA = "quirklab.fleet/1";
    private static final String SCHEMA_PREFIX = "quirklab.fleet/";

    private static final String MATRIX_FILE = "matrix.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One machine: one merged matrix document.
     *
     * @param id          short column id (M1, M2, ...)
     * @param name        OS / NIC model / driver and version, plus what tells duplicates apart ("[fault id-echo]")
     * @param shortName   NIC/driver file version, plus the same disambiguation: what the summaries say
     * @param source      the matrix file it came from, as given
     * @param runId       the run id of that document
     * @param lab         the lab of that run
     * @param environment the environment of that run, as recorded
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Machine(String id, String name, @JsonProperty("short_name") String shortName, String source,
                          @JsonProperty("run_id") String runId, MatrixDocument.Lab lab, Environment environment) {
    }

    /**
     * One cell of one machine in one offload state.
     *
     * @param persona  persona name
     * @param client   client id
     * @param verdict  the machine's verdict
     * @param reason   its reason token, or null
     * @param expected the verdict a correct stack gives
     * @param attempts requests sent
     * @param delivered requests answered
     * @param differs  another machine has another verdict for this persona and client in this state
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MachineCell(String persona, String client, Verdict verdict, Reason reason, Verdict expected, int attempts,
                              long delivered, boolean differs) {
    }

    /**
     * One offload state.
     *
     * @param offload   the state ("on", "off")
     * @param cells     machine id -> that machine's cells in this state
     * @param differing personas with at least one cell whose verdict differs between machines, in axes order
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Panel(OffloadState offload, Map<String, List<MachineCell>> cells, List<String> differing) {
        public Panel {
            cells = new LinkedHashMap<>(cells);
            differing = List.copyOf(differing);
        }

        /** The cell of one machine, or null when its run did not have it. */
        public MachineCell cell(String machineId, String persona, String client) {
            return cells.getOrDefault(machineId, List.of()).stream()
                    .filter(c -> c.persona().equals(persona) && c.client().equals(client)).findFirst().orElse(null);
        }
    }

    /** One persona's line: where it was delivered and where not. */
    public record PersonaSummary(String persona, String summary) {
    }

    /** A matrix document and the file it came from. */
    public record Source(String origin, MatrixDocument document) {
    }

    public FleetMatrix {
        machines = List.copyOf(machines);
        panels = List.copyOf(panels);
        summaries = List.copyOf(summaries);
    }

    /** The panel of an offload state. */
    public Panel panel(OffloadState offload) {
        return panels.stream().filter(p -> p.offload().equals(offload)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no offload state '" + offload + "' in the fleet matrix"));
    }

    public String summary(String persona) {
        return summaries.stream().filter(s -> s.persona().equals(persona)).map(PersonaSummary::summary).findFirst().orElse(null);
    }

    /**
     * Merges matrix documents, one machine each.
     *
     * @throws IllegalArgumentException when there is none, or a document has two cells with one key (naming its file)
     */
    public static FleetMatrix merge(List<Source> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no matrix documents to merge");
        }
        List<String> personas = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        List<OffloadState> offloads = new ArrayList<>();
        List<Map<Key, Cell>> indexed = new ArrayList<>();
        for (Source s : sources) {
            Grid g = Grid.of(s.document(), s.origin());
            addAll(offloads, g.offloads());
            addAll(personas, g.personas());
            addAll(clients, g.clients());
            indexed.add(g.cells());
        }
        List<Machine> machines = machines(sources);
        List<Panel> panels = new ArrayList<>();
        for (OffloadState offload : offloads) {
            Map<String, List<MachineCell>> cells = new LinkedHashMap<>();
            Set<String> differing = new LinkedHashSet<>();
            for (String persona : personas) {
                for (String client : clients) {
                    Key key = new Key(persona, client, offload);
                    Set<Verdict> verdicts = new LinkedHashSet<>();
                    indexed.forEach(m -> {
                        if (m.containsKey(key)) {
                            verdicts.add(m.get(key).verdict());
                        }
                    });
                    if (verdicts.size() > 1) {
                        differing.add(persona);
                    }
                }
            }
            for (int i = 0; i < machines.size(); i++) {
                List<MachineCell> list = new ArrayList<>();
                for (String persona : personas) {
                    for (String client : clients) {
                        Cell c = indexed.get(i).get(new Key(persona, client, offload));
                        if (c != null) {
                            list.add(new MachineCell(persona, client, c.verdict(), c.reason(), c.expected(), c.attempts(), c.delivered(),
                                    differs(indexed, new Key(persona, client, offload))));
                        }
                    }
                }
                cells.put(machines.get(i).id(), list);
            }
            panels.add(new Panel(offload, cells, List.copyOf(differing)));
        }
        MatrixDocument.Axes axes = new MatrixDocument.Axes(personas, clients, offloads);
        List<PersonaSummary> summaries = new ArrayList<>();
        for (String persona : personas) {
            summaries.add(new PersonaSummary(persona, Summary.of(persona, machines, panels)));
        }
        return new FleetMatrix(SCHEMA, machines, axes, panels, summaries);
    }

    private static boolean differs(List<Map<Key, Cell>> indexed, Key key) {
        return indexed.stream().map(m -> m.get(key)).filter(Objects::nonNull).map(Cell::verdict).distinct().count() > 1;
    }

    /** Names every machine by OS, NIC and driver; duplicates get the first field that tells them apart. */
    private static List<Machine> machines(List<Source> sources) {
        List<String> names = new ArrayList<>();
        List<String> shortNames = new ArrayList<>();
        for (Source s : sources) {
            Environment env = s.document().environment();
            names.add(env == null ? "(no environment)" : env.label());
            shortNames.add(shortName(env));
        }
        List<String> suffixes = disambiguation(sources, names);
        List<Machine> machines = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            MatrixDocument doc = sources.get(i).document();
            String suffix = suffixes.get(i);
            machines.add(new Machine("M" + (i + 1), names.get(i) + suffix, shortNames.get(i) + suffix, sources.get(i).origin(),
                    doc.run() == null ? null : doc.run().id(), doc.run() == null ? null : doc.run().lab(), doc.environment()));
        }
        return machines;
    }

    /** Fields that tell two runs of one OS/NIC/driver apart, most telling first. */
    private static final List<Map.Entry<String, Function<MatrixDocument, String>>> DISTINGUISHERS = List.of(
            Map.entry("fault", d -> d.run() == null || d.run().lab() == null ? null : d.run().lab().faultModel()),
            Map.entry("host", d -> d.environment() == null ? null : d.environment().host()),
            Map.entry("firmware", d -> dut(d) == null ? null : dut(d).firmware()),
            Map.entry("driver date", d -> dut(d) == null ? null : dut(d).driverDate()),
            Map.entry("build", d -> d.environment() == null || d.environment().os() == null ? null : d.environment().os().build()),
            Map.entry("lab", d -> d.run() == null || d.run().lab() == null ? null : d.run().lab().file()),
            Map.entry("run", d -> d.run() == null ? null : d.run().id()));

    private static List<String> disambiguation(List<Source> sources, List<String> names) {
        List<String> suffixes = new ArrayList<>(java.util.Collections.nCopies(sources.size(), ""));
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            byName.computeIfAbsent(names.get(i), n -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : byName.values()) {
            if (group.size() < 2) {
                continue;
            }
            boolean done = false;
            for (var d : DISTINGUISHERS) {
                List<String> values = group.stream().map(i -> d.getValue().apply(sources.get(i).document())).toList();
                if (values.stream().noneMatch(Objects::isNull) && new LinkedHashSet<>(values).size() == values.size()) {
                    for (int k = 0; k < group.size(); k++) {
                        suffixes.set(group.get(k), " [" + d.getKey() + " " + values.get(k) + "]");
                    }
                    done = true;
                    break;
                }
            }
            if (!done) { // the same run merged twice: still two columns, told apart by position
                for (int k = 0; k < group.size(); k++) {
                    suffixes.set(group.get(k), " #" + (k + 1));
                }
            }
        }
        return suffixes;
    }

    private static DutInterface dut(MatrixDocument d) {
        return d.environment() == null ? null : d.environment().dutInterface();
    }

    /** "I211/e1r68x64 12.18.9.23": the NIC without the vendor's boilerplate, the driver file (or name), its version. */
    static String shortName(Environment env) {
        DutInterface dut = env == null ? null : env.dutInterface();
        if (dut == null) {
            return env == null || env.os() == null ? "(unknown machine)" : Heatmap.text(env.os().name());
        }
        String nic = Objects.toString(dut.model() != null ? dut.model() : dut.name(), "?")
                .replaceAll("\\((R|TM)\\)", "").replaceAll("(?i)\\b(Intel|Gigabit|Ethernet|Network|Connection|Controller|Adapter)\\b", "")
                .replaceAll("\\s+", " ").strip();
        if (nic.isEmpty()) {
            nic = Objects.toString(dut.model(), "?");
        }
        String driver = dut.driverFile() != null ? dut.driverFile().replaceAll("(?i)\\.(sys|ko(\\.xz|\\.zst)?)$", "") : dut.driver();
        return nic + (driver == null ? "" : "/" + driver) + (dut.driverVersion() == null ? "" : " " + dut.driverVersion());
    }

    private static <T> void addAll(List<T> into, List<T> values) {
        values.forEach(v -> {
            if (!into.contains(v)) {
                into.add(v);
            }
        });
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the fleet matrix", e);
        }
    }

    /** Writes atomically, readable by others, like a matrix document. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = MatrixDocument.readableTempFile(dir, ".fleet", ".tmp");
        try {
            Files.writeString(tmp, toJson() + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a fleet document back; another major version or a broken file is an IOException naming the file. */
    public static FleetMatrix read(Path file) throws IOException {
        String text = InputFile.text(file, "fleet matrix", InputFile.Kind.MATRIX.limit());
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a JSON document: " + ParseProblem.of(e, "JSON").describe(), e);
        }
        String schema = tree == null ? "" : tree.path("schema").asText("");
        if (!schema.startsWith(SCHEMA_PREFIX) || !schema.substring(SCHEMA_PREFIX.length()).split("\\.")[0].equals("1")) {
            throw new IOException(file + ": not a fleet matrix this quirklab reads (schema is " + InputFile.token(schema) + ", expected "
                    + SCHEMA + ")");
        }
        try {
            return JSON.treeToValue(tree, FleetMatrix.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": malformed fleet matrix: " + ParseProblem.of(e, "JSON").describe(), e);
        }
    }

    /**
     * The matrix files the arguments name: a matrix.json, a run directory holding one, or a directory of such (every
     * matrix.json at most three levels below it, in path order). Links are not followed and directories that cannot be
     * read or vanish while walked (/proc/PID under /) are passed over; an argument that names none is one line naming it.
     */
    public static List<Path> matrixFiles(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                if (Files.isRegularFile(in.resolve(MATRIX_FILE), LinkOption.NOFOLLOW_LINKS)) {
                    files.add(in.resolve(MATRIX_FILE));
                    continue;
                }
                List<Path> found = ResultsTree.find(in, 3, p -> p.getFileName().toString().equals(MATRIX_FILE));
                if (found.isEmpty()) {
                    throw new IOException(in + ": no " + MATRIX_FILE + " in it or in the run directories below it");
                }
                files.addAll(found);
            } else if (Files.exists(in)) {
                files.add(in); // a file the user named: the input gate reads it (and says what it is when not a regular file)
            } else {
                throw new IOException(in + ": no such file or directory");
            }
        }
        return files;
    }

    /** The one-line summaries. */
    static final class Summary {
        private Summary() {
        }

        /**
         * Where a persona was delivered and where not: one outcome per machine and offload state (the verdict over
         * all clients, or the clients per verdict when they disagree); the most common outcome is "everywhere else".
         */
        static String of(String persona, List<Machine> machines, List<Panel> panels) {
            // (machine, offload) -> outcome, in panel then machine order
            Map<OffloadState, Map<String, String>> outcomes = new LinkedHashMap<>(); // offload -> machine id -> outcome
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Panel p : panels) {
                for (Machine m : machines) {
                    List<MachineCell> cells = p.cells().getOrDefault(m.id(), List.of()).stream()
                            .filter(c -> c.persona().equals(persona)).toList();
                    if (cells.isEmpty()) {
                        continue;
                    }
                    String outcome = outcome(cells);
                    outcomes.computeIfAbsent(p.offload(), o -> new LinkedHashMap<>()).put(m.id(), outcome);
                    counts.merge(outcome, 1, Integer::sum);
                }
            }
            if (counts.isEmpty()) {
                return "not run on any machine";
            }
            if (counts.size() == 1) {
                return counts.keySet().iterator().next() + " everywhere";
            }
            boolean sameOnEveryMachine = outcomes.values().stream().allMatch(byMachine -> new LinkedHashSet<>(byMachine.values()).size() == 1);
            if (sameOnEveryMachine) {
                return outcomes.entrySet().stream().map(e -> e.getValue().values().iterator().next() + " with offload " + e.getKey())
                        .collect(Collectors.joining(", ")) + ", on every machine";
            }
            // the most common outcome is "everywhere else"; on a tie, the one a correct stack gives (delivered, mostly)
            String expected = panels.stream().flatMap(p -> p.cells().values().stream()).flatMap(List::stream)
                    .filter(c -> c.persona().equals(persona)).map(MachineCell::expected).filter(Objects::nonNull).findFirst()
                    .map(Summary::word).orElse("");
            String majority = counts.entrySet().stream()
                    .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(e -> e.getKey().equals(expected)))
                    .orElseThrow().getKey();
            Map<String, String> names = machines.stream().collect(Collectors.toMap(Machine::id, Machine::shortName));
            List<String> parts = new ArrayList<>();
            for (String outcome : counts.keySet()) {
                if (outcome.equals(majority)) {
                    continue;
                }
                List<String> where = new ArrayList<>();
                outcomes.forEach((offload, byMachine) -> {
                    List<String> on = byMachine.entrySet().stream().filter(e -> e.getValue().equals(outcome)).map(e -> names.get(e.getKey()))
                            .toList();
                    if (!on.isEmpty()) {
                        where.add(String.join(", ", on) + " with offload " + offload);
                    }
                });
                parts.add(outcome + " on " + String.join(" and on ", where));
            }
            return String.join("; ", parts) + "; " + majority + " everywhere else";
        }

        private static String outcome(List<MachineCell> cells) {
            Map<String, List<String>> byWord = new LinkedHashMap<>();
            cells.forEach(c -> byWord.computeIfAbsent(word(c.verdict()), w -> new ArrayList<>()).add(c.client()));
            if (byWord.size() == 1) {
                return byWord.keySet().iterator().next();
            }
            return byWord.entrySet().stream().map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")")
                    .collect(Collectors.joining(", "));
        }

        static String word(Verdict v) {
            return switch (v) {
                case DELIVERED -> "delivered";
                case DELIVERED_NIC_FLAGGED -> "delivered, NIC flagged";
                case DROPPED_IN_STACK -> "dropped";
                case LOST_BEFORE_DUT -> "lost before the DUT";
                case NO_REQUEST -> "no request";
                case CLIENT_REJECTED -> "rejected by the client";
                case HARNESS_ERROR -> "harness error";
                case INTERMITTENT -> "intermittent";
            };
        }
    }
}
