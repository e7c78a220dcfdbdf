package io.quirklab.cli;

import io.quirklab.matrix.OffloadState;
import static io.quirklab.testing.Matrices.cell;
import static io.quirklab.testing.Matrices.document;
import static io.quirklab.testing.Matrices.environment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quirklab compare: what it prints, its exit codes, the diff heatmap, one-line errors for files it cannot read. */
class CompareCommandTest {
    @TempDir
    Path dir;

    private Console console;
    private Path oldFile;
    private Path newFile;

    @BeforeEach
    void setUp() throws IOException {
        console = new Console();
        oldFile = dir.resolve("i211-5.4.json");
        newFile = dir.resolve("runs/new/matrix.json");
        document("run-old", environment("5.4.0-k"), List.of(
                cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                cell("df-clear", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                cell("id-zero", "java-lan", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DELIVERED))).write(oldFile);
        document("run-new", environment("5.6.0-k"), List.of(
                cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                cell("df-clear", "java-lan", OffloadState.ON, Verdict.CLIENT_REJECTED, null, Verdict.DELIVERED),
                cell("vlan-tagged", "java-lan", OffloadState.OFF, Verdict.DROPPED_IN_STACK, "VLAN", Verdict.DROPPED_IN_STACK))).write(newFile);
    }

    @AfterEach
    void tearDown() {
        console.close();
    }

    @Test
    void printsEnvironmentDifferencesAndCellsByKindRegressionsFirst() {
        assertThat(console.run("compare", oldFile.toString(), newFile.toString())).isZero();
        String out = console.out();
        assertThat(out).containsPattern("(?m)^OLD  \\Q" + oldFile + "\\E +run run-old  Debian GNU/Linux 12 / Intel I211 / igb 5\\.4\\.0-k$")
                .containsPattern("(?m)^NEW  \\Q" + newFile + "\\E +run run-new  Debian GNU/Linux 12 / Intel I211 / igb 5\\.6\\.0-k$");
        assertThat(out).containsPattern("(?m)^\\* id +run-old +run-new$").containsPattern("(?m)^  lab\\.fault_model +df-clear +df-clear$");
        assertThat(out).contains("environment: 1 of ", "  dut_interface.driver_version  5.4.0-k  5.6.0-k",
                "regressions (1):\n  smdc-tyan x ipmitool-lan x offload=on  DELIVERED -> DROPPED_IN_STACK (UDP_CSUM)  expected DELIVERED\n",
                "fixes (1):\n  smdc-tyan x java-lan x offload=on  DROPPED_IN_STACK (UDP_CSUM) -> DELIVERED  expected DELIVERED\n",
                "changed (1):\n  df-clear x java-lan x offload=on  DROPPED_IN_STACK (UDP_CSUM) -> CLIENT_REJECTED  expected DELIVERED\n",
                "added (1):\n  vlan-tagged x java-lan x offload=off  DROPPED_IN_STACK (VLAN) (only in NEW)  expected DROPPED_IN_STACK\n",
                "removed (1):\n  id-zero x java-lan x offload=off  DELIVERED (only in OLD)  expected DELIVERED\n",
                "summary: regressions 1, fixes 1, changed 1, added 1, removed 1, unchanged 1\n");
        assertThat(out.indexOf("regressions (1)")).isLessThan(out.indexOf("fixes (1)"));
        assertThat(out.indexOf("environment:")).isLessThan(out.indexOf("regressions (1)"));
        assertThat(out).doesNotContain("clean x java-lan");
        assertThat(out.lines()).noneMatch(l -> l.endsWith(" "));
        assertThat(console.err()).isEmpty();
    }

    @Test
    void failOnRegressionExitsOneOnlyWhenSomethingRegressed() {
        assertThat(console.run("compare", oldFile.toString(), newFile.toString(), "--fail-on-regression")).isEqualTo(1);
        assertThat(console.run("compare", newFile.toString(), newFile.toString(), "--fail-on-regression")).isZero();
        assertThat(console.out()).contains("regressions (0)\n", "environment: identical (");
        // the reverse direction has the fix as a regression
        assertThat(console.run("compare", newFile.toString(), oldFile.toString(), "--fail-on-regression")).isEqualTo(1);
    }

    @Test
    void htmlWritesTheDiffHeatmap() throws IOException {
        Path html = dir.resolve("out/diff.html");
        assertThat(console.run("compare", oldFile.toString(), newFile.toString(), "--html", html.toString())).isZero();
        assertThat(console.out()).contains("diff heatmap: " + html);
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("k-regression", "run-old", "run-new", "5.6.0-k").doesNotContain("<script");
    }

    @Test
    void htmlIntoADirectoryOrADeviceIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path pages = Files.createDirectories(dir.resolve("pages"));
        assertThat(console.run("compare", oldFile.toString(), newFile.toString(), "--html", pages.toString())).isEqualTo(2);
        assertThat(console.err()).isEqualTo("quirklab: --html " + pages + ": is a directory, not a file to write (name a new file or a "
                + "regular one)\n");
        assertThat(console.out()).as("not even the comparison").isEmpty();
        assertThat(dir.resolve("pages.css")).doesNotExist();
        try (var left = Files.list(pages)) {
            assertThat(left).isEmpty();
        }

        Path full = Path.of("/dev/full");
        Require.capability(Require.TOOLS, Files.exists(full), "Test requires /dev/full");
        console.reset();
        assertThat(console.run("compare", oldFile.toString(), newFile.toString(), "--html", full.toString())).isEqualTo(2);
        assertThat(console.err()).startsWith("quirklab: --html /dev/full: is a character device, not a file to write");
        assertThat(Path.of("/dev/full.css")).doesNotExist();
    }

    /** The style sheet next to the page ({@code NAME.css}) is an output too: a FIFO of that name neither blocks nor is written. */
    @Test
    void aStyleSheetNameThatIsAFifoOrALinkIsRefusedAndNothingIsLeftBehind() throws Exception {
        Path fifo = dir.resolve("page.css");
        CommandRunner.Result made = new CommandRunner().run(Duration.ofSeconds(10), List.of("mkfifo", fifo.toString()));
        assertThat(made.ok()).as(made.stderr()).isTrue();
        long t0 = System.nanoTime();
        assertThat(console.run("compare", oldFile.toString(), newFile.toString(), "--html", dir.resolve("page.html").toString())).isEqualTo(2);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms: a FIFO opened would block").isLessThan(5_000);
        assertThat(console.err()).isEqualTo("quirklab: --html " + dir.resolve("page.html") + ": its style sheet " + fifo
                + " would replace a named pipe (FIFO) (name the page so that page.css is new or a regular file)\n");
        assertThat(dir.resolve("page.html")).doesNotExist();
        Files.delete(fifo);
        Path secret = Files.writeString(dir.resolve("secret.txt"), "keep me\n");
        Files.createSymbolicLink(fifo, secret);
        console.reset();
        assertThat(console.run("compare", oldFile.toString(), newFile.toString(), "--html", dir.resolve("page.html").toString())).isEqualTo(2);
        assertThat(console.err()).contains("would replace a symbolic link");
        assertThat(secret).hasContent("keep me");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left").noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    private void assertOneLineError(Path file, String... fragments) {
        console.reset();
        assertThat(console.run("compare", file.toString(), newFile.toString())).isEqualTo(2);
        String err = console.err();
        assertThat(err.strip()).as(err).doesNotContain("\n").startsWith("quirklab: " + file).contains(fragments)
                .doesNotContain("Exception", "\tat ");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void unreadableForeignOrWrongMajorFilesGiveOneLineAndExitTwo() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{ this is not json\n");
        assertOneLineError(broken, "not a JSON document");

        Path foreign = dir.resolve("package.json");
        ObjectNode other = json.createObjectNode();
        other.put("name", "left-pad");
        json.writeValue(foreign.toFile(), other);
        assertOneLineError(foreign, "not a quirklab matrix document");

        Path future = dir.resolve("future.json");
        ObjectNode v2 = json.readValue(newFile.toFile(), ObjectNode.class);
        v2.put("schema", "quirklab.matrix/2");
        json.writeValue(future.toFile(), v2);
        assertOneLineError(future, "major version 2 is not supported");

        Path badVerdict = dir.resolve("bad-verdict.json");
        ObjectNode bad = json.readValue(newFile.toFile(), ObjectNode.class);
        ((ObjectNode) bad.withArray("cells").get(0)).put("verdict", "EXPLODED");
        json.writeValue(badVerdict.toFile(), bad);
        assertOneLineError(badVerdict, "malformed matrix document", "EXPLODED");

        assertOneLineError(dir.resolve("missing.json"), "no such matrix file");
    }

    /** Issue 24: a matrix document is one JSON document; what comes after it is refused, not ignored. */
    @Test
    void textAfterTheDocumentIsRefusedInWords() throws IOException {
        String doc = Files.readString(newFile).strip();
        Path second = Files.writeString(dir.resolve("two-documents.json"), doc + "\n{\"schema\": \"quirklab.matrix/1\"}\n");
        assertOneLineError(second, "more after the end of the JSON document");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), doc + " garbage\n");
        assertOneLineError(garbage, "not a JSON document", "'garbage'");
        Path array = Files.writeString(dir.resolve("array.json"), doc + "[]");
        assertOneLineError(array, "more after the end of the JSON document");
    }

    @Test
    void twoCellsWithOneKeyNameTheFile() throws IOException {
        MatrixDocument doc = MatrixDocument.read(newFile);
        Path twice = dir.resolve("twice.json");
        doc.withCells(List.of(doc.cells().get(0), doc.cells().get(0))).write(twice);
        assertOneLineError(twice, "two cells for clean x java-lan x offload=on");
    }

    @Test
    void needsTwoFiles() {
        assertThat(console.run("compare", oldFile.toString())).isEqualTo(2);
        assertThat(console.err()).contains("Missing required parameter: 'NEW.json'");
    }
}
