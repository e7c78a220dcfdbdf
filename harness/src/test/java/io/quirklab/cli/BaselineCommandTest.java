package io.quirklab.cli;

import io.quirklab.matrix.OffloadState;
import static io.quirklab.testing.Matrices.cell;
import static io.quirklab.testing.Matrices.environment;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quirklab baseline save/list against a reports directory of hand-built runs. */
class BaselineCommandTest {
    @TempDir
    Path reports;

    private Console console;

    @BeforeEach
    void setUp() {
        console = new Console();
    }

    @AfterEach
    void tearDown() {
        console.close();
    }

    /** A run directory reports/runs/DIR with a matrix.json of {@code cells} cells started at {@code started}. */
    private Path run(String dir, String id, String started, String driverVersion, int cells) throws IOException {
        MatrixDocument.Run run = new MatrixDocument.Run(id, started, null, "0.1.0", new MatrixDocument.Lab("virtual", null, "df-clear"));
        List<MatrixDocument.Cell> list = java.util.stream.IntStream.range(0, cells)
                .mapToObj(i -> cell("p" + i, "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED)).toList();
        MatrixDocument doc = new MatrixDocument(MatrixDocument.SCHEMA, run, environment(driverVersion), null, list);
        Path file = reports.resolve("runs").resolve(dir).resolve("matrix.json");
        doc.write(file);
        return file;
    }

    private int baseline(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "baseline";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--reports";
        all[args.length + 2] = reports.toString();
        return console.run(all);
    }

    @Test
    void saveTakesTheRunThatStartedLastAndSaysWhatItSavedFromWhere() throws IOException {
        run("aaa", "run-late", "2026-11-22T12:00:00Z", "5.6.0-k", 3);
        Path offset = run("bbb", "run-offset", "2026-11-22T13:00:00+02:00", "5.7.0-k", 2); // 11:00Z: older than aaa
        Path latest = run("ccc", "run-newest", "2026-11-23T08:00:00Z", "5.8.0-k", 4);
        run("zzz", "run-early", "2026-11-01T00:00:00Z", "5.4.0-k", 1);
        Files.createDirectories(reports.resolve("runs/broken"));
        Files.writeString(reports.resolve("runs/broken/matrix.json"), "{");
        Files.createDirectories(reports.resolve("runs/probe-only"));
        assertThat(offset).exists();

        assertThat(baseline("save", "i211-igb-5.8")).as(console.err()).isZero();
        Path saved = reports.resolve("baselines/i211-igb-5.8.json");
        assertThat(Files.readString(saved)).isEqualTo(Files.readString(latest));
        assertThat(console.out()).contains("baseline i211-igb-5.8 saved: " + saved, "from " + latest,
                "run run-newest, Debian GNU/Linux 12 / Intel I211 / igb 5.8.0-k, 4 cells");
        assertThat(console.err()).contains("baseline: skipping " + reports.resolve("runs/broken/matrix.json")).doesNotContain("probe-only");
    }

    @Test
    void saveRefusesToReplaceABaselineUnlessForced() throws IOException {
        run("a", "run-a", "2026-11-22T12:00:00Z", "5.6.0-k", 3);
        assertThat(baseline("save", "ref")).isZero();
        Path second = run("b", "run-b", "2026-11-22T13:00:00Z", "5.7.0-k", 1);
        console.reset();
        assertThat(baseline("save", "ref")).isEqualTo(2);
        assertThat(console.err().strip()).isEqualTo("quirklab: baseline ref exists (" + reports.resolve("baselines/ref.json") + "); --force replaces it");
        assertThat(MatrixDocument.read(reports.resolve("baselines/ref.json")).run().id()).isEqualTo("run-a");
        assertThat(baseline("save", "ref", "--force")).isZero();
        assertThat(console.out()).contains("baseline ref replaced");
        assertThat(Files.readString(reports.resolve("baselines/ref.json"))).isEqualTo(Files.readString(second));
        try (var files = Files.list(reports.resolve("baselines"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ref.json");
        }
    }

    @Test
    void saveTakesARunDirectoryOrFileWhenGiven() throws IOException {
        Path old = run("old", "run-old", "2026-11-01T00:00:00Z", "5.4.0-k", 2);
        run("new", "run-new", "2026-11-22T00:00:00Z", "5.6.0-k", 3);
        assertThat(baseline("save", "by-dir", "--run", old.getParent().toString())).isZero();
        assertThat(baseline("save", "by-file", "--run", old.toString())).isZero();
        assertThat(Files.readString(reports.resolve("baselines/by-dir.json"))).isEqualTo(Files.readString(old));
        assertThat(Files.readString(reports.resolve("baselines/by-file.json"))).isEqualTo(Files.readString(old));
        console.reset();
        assertThat(baseline("save", "nothing", "--run", reports.resolve("runs").toString())).isEqualTo(2);
        assertThat(console.err().strip()).isEqualTo("quirklab: " + reports.resolve("runs/matrix.json") + ": no such matrix file");
    }

    @Test
    void badNamesAndMissingRunsAreRefusedInOneLine() {
        for (String name : List.of("../escape", "a/b", ".hidden", "with space", "")) {
            console.reset();
            assertThat(baseline("save", name)).as(name).isEqualTo(2);
            assertThat(console.err().strip()).startsWith("quirklab: baseline name '" + name + "' is not allowed").doesNotContain("\n");
        }
        console.reset();
        assertThat(baseline("save", "first")).isEqualTo(2);
        assertThat(console.err().strip()).startsWith("quirklab: no run to save: no readable " + reports.resolve("runs"))
                .endsWith("(give one with --run RUN_DIR_OR_MATRIX_JSON)");
        assertThat(reports.resolve("baselines")).doesNotExist();
    }

    @Test
    void listShowsRunIdEnvironmentAndCellCount() throws IOException {
        assertThat(baseline("list")).isZero();
        assertThat(console.out()).startsWith("no baselines in " + reports.resolve("baselines"));
        Path a = run("a", "run-a", "2026-11-22T12:00:00Z", "5.6.0-k", 3);
        Path b = run("b", "run-b", "2026-11-22T13:00:00Z", "5.7.0-k", 12);
        assertThat(baseline("save", "i211-5.6", "--run", a.toString())).isZero();
        assertThat(baseline("save", "i211-5.7", "--run", b.toString())).isZero();
        Files.writeString(reports.resolve("baselines/junk.json"), "[]");
        console.reset();
        assertThat(baseline("list")).isZero();
        assertThat(console.out().lines().toList()).containsExactly(
                "NAME      RUN    ENVIRONMENT                                     CELLS",
                "i211-5.6  run-a  Debian GNU/Linux 12 / Intel I211 / igb 5.6.0-k  3",
                "i211-5.7  run-b  Debian GNU/Linux 12 / Intel I211 / igb 5.7.0-k  12",
                "junk: unreadable: " + reports.resolve("baselines/junk.json") + ": not a matrix document (expected a JSON object)");
    }
}
