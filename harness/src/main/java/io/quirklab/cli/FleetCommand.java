package io.quirklab.cli;

import io.quirklab.lab.LabInventory;
import io.quirklab.matrix.Comparison;
import io.quirklab.matrix.DiffHeatmap;
import io.quirklab.matrix.FleetMatrix.Machine;
import io.quirklab.matrix.FleetMatrix.MachineCell;
import io.quirklab.matrix.FleetMatrix.Panel;
import io.quirklab.matrix.FleetMatrix;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code quirklab fleet}: the results of several lab machines (or driver versions) together. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"The results of several lab machines (or driver versions of one machine) together."},
        subcommands = {FleetCommand.Merge.class, FleetCommand.Allure.class, FleetCommand.Report.class})
public final class FleetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND: merge, allure, report");
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
            OutputFile.checkPage("--html", html);
            OutputFile.check("--json", json);
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
                w.println(Terminal.text(e.getKey()) + ": " + copied.results() + " results, " + copied.files() + " files from " + e.getValue());
            }
            w.println("merged Allure results: " + out);
            w.flush();
            return 0;
        }
    }

    /**
     * {@code fleet report}: the Jenkinsfile's merge stage. For every node of the inventory it takes the results the
     * node's cell stashed ({@code FROM/LABEL/reports/allure-results}, {@code FROM/LABEL/reports/runs/RUN/matrix.json}),
     * gathers the Allure results (parentSuite = node), compares the node's newest matrix with its baseline as
     * {@code quirklab compare --fail-on-regression} does, and merges every node's matrix into the fleet matrix.
     */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"The fleet pipeline's merge stage: for every node of the lab inventory, its stashed",
                    "results under FROM/LABEL/reports/: Allure results gathered into OUT/allure-results",
                    "(parentSuite = node), its newest matrix compared with the node's baseline",
                    "(OUT/compare/LABEL.txt and .html), and all matrices merged into OUT/fleet.json,",
                    "OUT/fleet.html and OUT/fleet.txt. A node without results or baseline is noted.",
                    "Exit 0; 1 when a node's matrix regressed against its baseline; 2 with one line",
                    "when the inventory or a result cannot be read, or no node has a matrix."})
    static final class Report implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--inventory", paramLabel = "FILE", description = "The lab inventory (default: ${DEFAULT-VALUE}).",
                defaultValue = LabInventory.DEFAULT)
        Path inventory;

        @Option(names = "--from", required = true, paramLabel = "DIR", description = "One directory per node label, as unstashed.")
        Path from;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged results go (created).")
        Path out;

        @Override
        public Integer call() throws IOException {
            PrintWriter w = spec.commandLine().getOut();
            LabInventory inv = LabInventory.read(inventory);
            List<FleetMatrix.Source> sources = new ArrayList<>();
            List<String> regressed = new ArrayList<>();
            for (LabInventory.Node node : inv.nodes()) {
                Path reports = from.resolve(node.label()).resolve("reports");
                if (!Files.isDirectory(reports)) {
                    w.println(node.label() + ": no results in " + reports + " (its cell did not run or stash)");
                    continue;
                }
                Path allure = reports.resolve("allure-results");
                if (Files.isDirectory(allure)) {
                    FleetAllure.Copied c = FleetAllure.copy(node.label(), allure, out.resolve("allure-results"));
                    w.println(node.label() + ": " + c.results() + " Allure results");
                } else {
                    w.println(node.label() + ": no Allure results in " + allure);
                }
                BaselineCommand.RunFile run;
                try {
                    run = BaselineCommand.latestRun(reports, note -> spec.commandLine().getErr().println(node.label() + ": " + note));
                } catch (IOException e) {
                    w.println(node.label() + ": no matrix (no readable " + reports.resolve("runs/*/matrix.json") + ")");
                    continue;
                }
                sources.add(new FleetMatrix.Source(run.file().toString(), run.document()));
                if (node.baseline().isEmpty()) {
                    w.println(node.label() + ": run " + Terminal.text(CompareCommand.runId(run.document())) + ", no baseline yet (not compared)");
                    continue;
                }
                Path baseline = node.baseline().get();
                Comparison comparison;
                try {
                    comparison = Comparison.of(CompareCommand.read(baseline), run.document());
                } catch (IllegalArgumentException e) {
                    throw new IOException(CompareCommand.oneLine(e.getMessage()));
                }
                Path compare = Files.createDirectories(out.resolve("compare"));
                Files.writeString(compare.resolve(node.label() + ".txt"),
                        CompareCommand.text(comparison, baseline.toString(), run.file().toString()));
                DiffHeatmap.write(comparison, compare.resolve(node.label() + ".html"));
                int regressions = comparison.count(Comparison.Kind.REGRESSION);
                w.println(node.label() + ": run " + Terminal.text(CompareCommand.runId(run.document())) + " against " + baseline.getFileName() + ": "
                        + regressions + " regressions, " + comparison.count(Comparison.Kind.FIX) + " fixes ("
                        + compare.resolve(node.label() + ".txt") + ")");
                if (regressions > 0) {
                    regressed.add(node.label());
                }
            }
            if (sources.isEmpty()) {
                throw new IOException(from + ": no node of " + inventory + " has a matrix there");
            }
            FleetMatrix fleet;
            try {
                fleet = FleetMatrix.merge(sources);
            } catch (IllegalArgumentException e) {
                throw new IOException(CompareCommand.oneLine(e.getMessage()));
            }
            fleet.write(out.resolve("fleet.json"));
            FleetPage.write(fleet, out.resolve("fleet.html"));
            Files.writeString(out.resolve("fleet.txt"), text(fleet));
            w.println("fleet matrix: " + out.resolve("fleet.json") + ", " + out.resolve("fleet.html"));
            w.println(regressed.isEmpty() ? "no regressions" : "regressions on " + String.join(", ", regressed));
            w.flush();
            return regressed.isEmpty() ? 0 : 1;
        }
    }

    /** The matrix files the arguments name; an argument that names none is one line naming it. */
    static List<Path> matrixFiles(List<Path> inputs) throws IOException {
        return FleetMatrix.matrixFiles(inputs);
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
            out.append("differing personas: ").append(Terminal.text(String.join(", ", p.differing()))).append('\n');
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
        fleet.summaries().forEach(s -> out.append(Terminal.text(s.persona())).append(": ").append(Terminal.text(s.summary())).append('\n'));
        return out.toString();
    }
}
