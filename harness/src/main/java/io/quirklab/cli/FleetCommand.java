package io.quirklab.cli;

import io.quirklab.matrix.FleetMatrix;
import io.quirklab.matrix.FleetMatrix.Machine;
import io.quirklab.matrix.FleetMatrix.MachineCell;
import io.quirklab.matrix.FleetMatrix.Panel;
import io.quirklab.matrix.FleetPage;
import io.quirklab.report.FleetAllure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quirklab fleet}: the results of several lab machines (or driver versions) together. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"The results of several lab machines (or driver versions of one machine) together."},
        subcommands = {FleetCommand.Merge.class, FleetCommand.Allure.class})
public final class FleetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND: merge, allure");
    }

    /** {@code fleet merge}: one matrix, personas down, machines across. */
    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = {"Merge the matrix documents of several machines into one fleet matrix:",
                    "personas down, machines across (named by OS, NIC model, driver version), one panel",
                    "per offload state, the cells whose verdict differs between machines marked, and one",
                    "line per persona saying where it was delivered and where not.",
                    "RUN_OR_DIR is a matrix.json, a run directory holding one, or a directory of such",
                    "(every */matrix.json and */*/matrix.json below it, in name order).",
                    "Exit 0; 2 with one line naming the file when an input cannot be read."})
    static final class Merge implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "RUN_OR_DIR", description = "matrix.json files, run directories or directories of runs")
        List<Path> inputs;

        @Option(names = "--html", paramLabel = "OUT", description = "Write the fleet heatmap (self-contained HTML, its CSS also next to it).")
        Path html;

        @Option(names = "--json", paramLabel = "OUT", description = "Write the fleet document (quirklab.fleet/1).")
        Path json;

        @Override
        public Integer call() throws IOException {
            List<FleetMatrix.Source> sources = new ArrayList<>();
            for (Path file : matrixFiles(inputs)) {
                sources.add(new FleetMatrix.Source(file.toString(), CompareCommand.read(file)));
            }
            FleetMatrix fleet;
            try {
                fleet = FleetMatrix.merge(sources);
            } catch (IllegalArgumentException e) {
                throw new IOException(CompareCommand.oneLine(e.getMessage()));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(text(fleet));
            if (json != null) {
                fleet.write(json);
                out.println("fleet matrix: " + json);
            }
            if (html != null) {
                FleetPage.write(fleet, html);
                out.println("fleet heatmap: " + html);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code fleet allure}: every node's Allure results in one directory, parentSuite = node. */
    @Command(name = "allure", mixinStandardHelpOptions = true,
            description = {"Gather the Allure results of several lab nodes into one results directory for one",
                    "report: each node's results are copied with their parentSuite set to the node's name",
                    "(the environment kept as label 'environment') and history ids made per node.",
                    "Exit 0; 2 with one line when an input is missing or a result file is broken."})
    static final class Allure implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NODE=DIR", description = "a node's name and its allure-results directory")
        List<String> nodes;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the merged results directory (created)")
        Path out;

        @Override
        public Integer call() throws IOException {
            Map<String, Path> byNode = new LinkedHashMap<>();
            for (String n : nodes) {
                int eq = n.indexOf('=');
                if (eq <= 0 || eq == n.length() - 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "'" + n + "' is not NODE=DIR");
                }
                if (byNode.put(n.substring(0, eq), Path.of(n.substring(eq + 1))) != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "node '" + n.substring(0, eq) + "' given twice");
                }
            }
            PrintWriter w = spec.commandLine().getOut();
            for (Map.Entry<String, Path> e : byNode.entrySet()) {
                FleetAllure.Copied copied = FleetAllure.copy(e.getKey(), e.getValue(), out);
                w.println(e.getKey() + ": " + copied.results() + " results, " + copied.files() + " files from " + e.getValue());
            }
            w.println("merged Allure results: " + out);
            w.flush();
            return 0;
        }
    }

    /** The matrix files the arguments name; an argument that names none is one line naming it. */
    static List<Path> matrixFiles(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isRegularFile(in)) {
                files.add(in);
            } else if (Files.isDirectory(in)) {
                if (Files.isRegularFile(in.resolve("matrix.json"))) {
                    files.add(in.resolve("matrix.json"));
                    continue;
                }
                List<Path> found;
                try (Stream<Path> s = Files.find(in, 3, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("matrix.json"))) {
                    found = s.sorted().toList();
                }
                if (found.isEmpty()) {
                    throw new IOException(in + ": no matrix.json in it or in the run directories below it");
                }
                files.addAll(found);
            } else {
                throw new IOException(in + ": no such file or directory");
            }
        }
        return files;
    }

    /** The fleet as the command prints it: the machines, the differing cells per offload state, the summaries. */
    static String text(FleetMatrix fleet) {
        StringBuilder out = new StringBuilder();
        List<String[]> machines = new ArrayList<>();
        machines.add(new String[] {"MACHINE", "NAME", "RUN", "FROM"});
        for (Machine m : fleet.machines()) {
            machines.add(new String[] {m.id(), m.name(), m.runId() == null ? "-" : m.runId(), m.source()});
        }
        TextTable.append(out, "", machines);
        for (Panel p : fleet.panels()) {
            out.append("\noffload=").append(p.offload()).append(": ");
            if (p.differing().isEmpty()) {
                out.append("every machine agrees\n");
                continue;
            }
            out.append("differing personas: ").append(String.join(", ", p.differing())).append('\n');
            List<String[]> rows = new ArrayList<>();
            List<String> head = new ArrayList<>(List.of("PERSONA x CLIENT"));
            fleet.machines().forEach(m -> head.add(m.id()));
            rows.add(head.toArray(String[]::new));
            for (String persona : p.differing()) {
                for (String client : fleet.axes().clients()) {
                    List<String> row = new ArrayList<>(List.of(persona + " x " + client));
                    boolean differs = false;
                    for (Machine m : fleet.machines()) {
                        MachineCell c = p.cell(m.id(), persona, client);
                        row.add(c == null ? "n/a" : c.verdict().name() + (c.reason() == null ? "" : " " + c.reason()));
                        differs |= c != null && c.differs();
                    }
                    if (differs) {
                        rows.add(row.toArray(String[]::new));
                    }
                }
            }
            TextTable.append(out, "  ", rows);
        }
        out.append('\n');
        fleet.summaries().forEach(s -> out.append(s.persona()).append(": ").append(s.summary()).append('\n'));
        return out.toString();
    }
}
