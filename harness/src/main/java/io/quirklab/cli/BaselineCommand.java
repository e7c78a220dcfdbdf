package io.quirklab.cli;

import io.quirklab.input.InputFile;
import io.quirklab.input.ResultsTree;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code quirklab baseline}: named copies of a run's matrix.json under {@code reports/baselines}, for {@code compare}. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = {"Keep a run's matrix.json as a named baseline for quirklab compare.",
                "Baselines are DIR/baselines/NAME.json (DIR from --reports); they hold the",
                "matrix only, not the run's evidence files."},
        subcommands = {BaselineCommand.Save.class, BaselineCommand.ListBaselines.class})
public final class BaselineCommand implements Runnable {
    /** Baseline names: a file name without directories; not starting with a dot. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    @CommandLine.Mixin
    LabOptions.ReportsOption reports;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND: save, list");
    }

    Path baselines() {
        return reports.dir.resolve("baselines");
    }

    /** A run found under DIR/runs. */
    record RunFile(Path file, MatrixDocument document, Instant started) {
    }

    /**
     * The newest {@code reports/runs/*}{@code /matrix.json} by its {@code run.started}; runs that cannot be read or have no
     * start time are skipped with a note to {@code skipped}.
     */
    static RunFile latestRun(Path reports, Consumer<String> skipped) throws IOException {
        Path runs = reports.resolve("runs");
        List<RunFile> found = new ArrayList<>();
        if (Files.isDirectory(runs)) {
            // a node's stash came from elsewhere: no link followed out of its runs (a matrix.json linked to /etc/shadow)
            ResultsTree tree = ResultsTree.of(runs, "runs directory");
            List<Path> dirs;
            try (Stream<Path> s = Files.list(runs)) {
                dirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
            }
            for (Path dir : dirs) {
                Path file = dir.resolve("matrix.json");
                if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    MatrixDocument doc = CompareCommand.read(tree.check(file, "matrix document"));
                    Optional<Instant> started = started(doc);
                    if (started.isEmpty()) {
                        skipped.accept("skipping " + file + ": no readable run.started");
                        continue;
                    }
                    found.add(new RunFile(file, doc, started.get()));
                } catch (IOException e) {
                    skipped.accept("skipping " + e.getMessage());
                }
            }
        }
        return found.stream().max(Comparator.comparing(RunFile::started).thenComparing(r -> r.file().toString()))
                .orElseThrow(() -> new IOException("no run to save: no readable " + runs.resolve("*").resolve("matrix.json")
                        + " (give one with --run RUN_DIR_OR_MATRIX_JSON)"));
    }

    static Optional<Instant> started(MatrixDocument doc) {
        if (doc.run() == null || doc.run().started() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(doc.run().started()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Command(name = "save", mixinStandardHelpOptions = true,
            description = {"Store a run's matrix.json as DIR/baselines/NAME.json.",
                    "The run is the newest DIR/runs/*/matrix.json by run.started, or the one",
                    "--run names. Refuses to replace a baseline unless --force."})
    static final class Save implements Callable<Integer> {
        @ParentCommand
        BaselineCommand parent;

        @Parameters(paramLabel = "NAME", description = "Letters, digits, '.', '_' and '-', e.g. i211-igb-5.4.0")
        String name;

        @Option(names = "--run", paramLabel = "RUN_DIR_OR_MATRIX_JSON", description = "The run to save: its directory or its matrix.json.")
        Path run;

        @Option(names = "--force", description = "Replace an existing baseline of that name.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("baseline name '" + name + "' is not allowed: use letters, digits, '.', '_' and '-'"
                        + " (not starting with '.')");
            }
            RunFile source;
            if (run != null) {
                Path file = Files.isDirectory(run) ? run.resolve("matrix.json") : run;
                MatrixDocument doc = CompareCommand.read(file);
                source = new RunFile(file, doc, started(doc).orElse(null));
            } else {
                source = latestRun(parent.reports.dir, note -> parent.spec.commandLine().getErr().println("baseline: " + note));
            }
            Path target = parent.baselines().resolve(name + ".json");
            boolean replacing = Files.exists(target);
            if (replacing && !force) {
                throw new IOException("baseline " + name + " exists (" + target + "); --force replaces it");
            }
            Files.createDirectories(target.getParent());
            // the file as it was, unknown fields included; moved into place so a reader never sees half of it
            Path tmp = MatrixDocument.readableTempFile(target.getParent(), ".baseline", ".tmp");
            try (InputStream in = InputFile.open(source.file(), InputFile.Kind.MATRIX)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            MatrixDocument doc = source.document();
            parent.spec.commandLine().getOut().printf("baseline %s %s: %s%n  from %s%n  run %s, %s, %d cells%n", name, replacing ? "replaced" : "saved", target,
                    source.file(), Terminal.text(CompareCommand.runId(doc)), Terminal.text(CompareCommand.label(doc)), doc.cells().size());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the baselines: run id, environment and cell count.")
    static final class ListBaselines implements Callable<Integer> {
        @ParentCommand
        BaselineCommand parent;

        @Override
        public Integer call() throws IOException {
            Path dir = parent.baselines();
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)).sorted().forEach(files::add);
                }
            }
            if (files.isEmpty()) {
                parent.spec.commandLine().getOut().println("no baselines in " + dir + " (quirklab baseline save NAME stores one)");
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "RUN", "ENVIRONMENT", "CELLS"});
            List<String> unreadable = new ArrayList<>();
            for (Path f : files) {
                String name = f.getFileName().toString().replaceFirst("\\.json$", "");
                try {
                    MatrixDocument doc = CompareCommand.read(f);
                    rows.add(new String[] {name, CompareCommand.runId(doc), CompareCommand.label(doc), Integer.toString(doc.cells().size())});
                } catch (IOException e) {
                    unreadable.add(name + ": unreadable: " + e.getMessage());
                }
            }
            StringBuilder out = new StringBuilder();
            TextTable.append(out, "", rows);
            unreadable.forEach(u -> out.append(Terminal.text(u)).append('\n'));
            parent.spec.commandLine().getOut().print(out);
            return 0;
        }
    }
}
