package io.quirklab.cli;

import io.quirklab.matrix.Comparison;
import io.quirklab.matrix.Comparison.CellChange;
import io.quirklab.matrix.Comparison.Field;
import io.quirklab.matrix.Comparison.Kind;
import io.quirklab.matrix.DiffHeatmap;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quirklab compare}: two matrix documents cell by cell, and their runs and environments side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two matrix documents (a run's matrix.json or a baseline).",
                "Prints the run and environment fields that differ, then the cells that moved",
                "away from their expected verdict (regressions), towards it (fixes), changed",
                "otherwise, or exist in one file only.",
                "Exit 0; 1 with --fail-on-regression when a cell regressed; 2 when a file",
                "cannot be read."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD.json", description = "The reference: a baseline or an earlier run's matrix.json.")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW.json", description = "The run to judge.")
    Path newFile;

    @Option(names = "--html", paramLabel = "OUT", description = "Also write the diff heatmap (self-contained HTML) to OUT.")
    Path html;

    @Option(names = "--fail-on-regression", description = "Exit 1 when a cell regressed.")
    boolean failOnRegression;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        OutputFile.checkPage("--html", html);
        MatrixDocument before = read(oldFile);
        MatrixDocument after = read(newFile);
        Comparison comparison;
        try {
            comparison = Comparison.of(before, after);
        } catch (IllegalArgumentException e) {
            // "OLD: two cells for ..." -> the file's name
            throw new IOException(e.getMessage().replaceFirst("^OLD", oldFile.toString()).replaceFirst("^NEW", newFile.toString()));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(text(comparison, oldFile.toString(), newFile.toString()));
        if (html != null) {
            DiffHeatmap.write(comparison, html);
            out.println("diff heatmap: " + html);
        }
        return failOnRegression && comparison.hasRegressions() ? 1 : 0;
    }

    /** Reads a matrix document; any problem is one line naming the file (the command line turns it into exit 2). */
    static MatrixDocument read(Path file) throws IOException {
        try {
            return MatrixDocument.read(file);
        } catch (IOException e) {
            String message = Objects.toString(e.getMessage(), e.toString());
            throw new IOException(message.contains(file.toString()) ? oneLine(message) : file + ": " + oneLine(message));
        }
    }

    /** Parser messages span lines (source excerpt, reference chain); a command's error is one. */
    static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The comparison as the command prints it: files, run, environment differences, then the cells by kind. */
    static String text(Comparison c, String oldName, String newName) {
        StringBuilder out = new StringBuilder();
        List<String[]> files = List.of(
                new String[] {"OLD", oldName, "run " + runId(c.before()), label(c.before())},
                new String[] {"NEW", newName, "run " + runId(c.after()), label(c.after())});
        TextTable.append(out, "", files);
        out.append('\n');
        List<String[]> run = new ArrayList<>();
        run.add(new String[] {"run", "OLD", "NEW"});
        for (Field f : c.run()) {
            run.add(new String[] {(f.differs() ? "* " : "  ") + f.name(), value(f.before()), value(f.after())});
        }
        TextTable.append(out, "", run);
        List<Field> env = c.environmentDifferences();
        if (env.isEmpty()) {
            out.append("\nenvironment: identical (").append(c.environment().size()).append(" fields)\n");
        } else {
            out.append("\nenvironment: ").append(env.size()).append(" of ").append(c.environment().size()).append(" fields differ\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"FIELD", "OLD", "NEW"});
            env.forEach(f -> rows.add(new String[] {f.name(), value(f.before()), value(f.after())}));
            TextTable.append(out, "  ", rows);
        }
        for (Kind kind : Kind.values()) {
            if (kind == Kind.UNCHANGED) {
                continue;
            }
            List<CellChange> cells = c.cells(kind);
            out.append('\n').append(kind.plural()).append(" (").append(cells.size()).append(")").append(cells.isEmpty() ? "\n" : ":\n");
            List<String[]> rows = new ArrayList<>();
            cells.forEach(ch -> rows.add(new String[] {ch.key().toString(), ch.summary(), ch.expectation()}));
            TextTable.append(out, "  ", rows);
        }
        List<String> counts = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            counts.add(kind.plural() + " " + c.count(kind));
        }
        out.append("\nsummary: ").append(String.join(", ", counts)).append('\n');
        return out.toString();
    }

    private static String value(String v) {
        return v == null ? "-" : v;
    }

    static String runId(MatrixDocument doc) {
        return doc.run() == null || doc.run().id() == null ? "(no run id)" : doc.run().id();
    }

    static String label(MatrixDocument doc) {
        return doc.environment() == null ? "(no environment)" : doc.environment().label();
    }
}
