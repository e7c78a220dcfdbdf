package io.quirklab.cli;

import static io.quirklab.testing.Matrices.cell;
import static io.quirklab.testing.Matrices.document;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Verdict;
import io.quirklab.testing.Matrices;
import io.quirklab.testing.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: a matrix.json whose run id, persona and environment carry ESC sequences (clear the screen, set the window
 * title, hide text) and line breaks that would forge lines, through every command that prints them. No raw control
 * character reaches the output (a line end only where the command ends a line), no forged line starts a line, and the
 * values are shown, escaped.
 */
class ControlCharactersTest {
    /** What must never start a line of output: the text after a line break inside a value. */
    static final String FORGED = "FORGED";
    static final String RUN_ID = "run-\u001b[2J\u001b[H\nFORGED run line\r\u001b]0;owned\u0007";
    static final String PERSONA = "clean\u001b[8m\nFORGED persona";
    static final String DRIVER = "5.4.0\u001b[31m\r\nFORGED environment\u009b2J\u202e";

    @TempDir
    Path dir;

    private Path hostile() throws IOException {
        MatrixDocument.Environment env = Matrices.environment(DRIVER);
        Path f = dir.resolve("hostile.json");
        document(RUN_ID, env, List.of(cell(PERSONA, "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                cell("clean", "ipmitool-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED))).write(f);
        return f;
    }

    private Path plain() throws IOException {
        Path f = dir.resolve("plain.json");
        document("run-plain", Matrices.environment("5.6.0-k"), List.of(
                cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                cell("clean", "ipmitool-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED))).write(f);
        return f;
    }

    /** {@code quirklab ARGS} run as a terminal would show it: standard output and error together, and the exit code. */
    private static Ran run(String... args) {
        StringWriter both = new StringWriter();
        PrintWriter w = new PrintWriter(both, true);
        int rc = QuirklabCommand.execute(QuirklabCommand.commandLine(w, w), args);
        return new Ran(rc, both.toString());
    }

    record Ran(int rc, String text) {
    }

    /** No control character but line ends and tabs; no forged line; the values are there, escaped. */
    private static void assertSafe(String what, Ran ran, String... escaped) {
        String t = ran.text();
        t.codePoints().forEach(c -> assertThat(c == '\n' || c == '\t' || c >= 0x20 && c != 0x7F && (c < 0x80 || c >= 0xA0) && c != 0x202E)
                .as(what + ": raw U+%04X in:%n%s", c, t).isTrue());
        assertThat(t.lines()).as(what + ": a forged line in:\n" + t).noneMatch(l -> l.stripLeading().startsWith(FORGED));
        assertThat(t).as(what).contains(escaped);
        System.out.printf("%-28s exit %d, %5d characters, escaped as %s%n", what, ran.rc(), t.length(), String.join(" ", escaped));
    }

    @Test
    void compareFleetMergeAndBaselinesShowTheValuesEscaped() throws IOException {
        Path hostile = hostile();
        Path plain = plain();
        Ran compare = run("compare", hostile.toString(), plain.toString());
        assertSafe("compare", compare, "run-\\x1b[2J\\x1b[H\\x0aFORGED run line\\x0d\\x1b]0;owned\\x07", "clean\\x1b[8m\\x0aFORGED persona",
                "5.4.0\\x1b[31m\\x0d\\x0aFORGED environment\\x9b2J\\u202e");
        assertThat(compare.rc()).isZero();
        assertSafe("compare --html", run("compare", plain.toString(), hostile.toString(), "--html", dir.resolve("diff.html").toString()),
                "\\x1b[2J");
        assertThat(Files.readString(dir.resolve("diff.html"))).doesNotContain("\u001b");

        Ran merge = run("fleet", "merge", hostile.toString(), plain.toString());
        assertSafe("fleet merge", merge, "run-\\x1b[2J", "clean\\x1b[8m\\x0aFORGED persona");
        assertThat(merge.rc()).isZero();

        Path reports = dir.resolve("reports");
        assertSafe("baseline save", run("baseline", "save", "b1", "--run", hostile.toString(), "--reports", reports.toString()),
                "run-\\x1b[2J", "5.4.0\\x1b[31m");
        Files.writeString(reports.resolve("baselines/evil\u001b[2J.json"), "{\"schema\": \"quirklab.matrix/1\", \"cells\": 3}");
        assertSafe("baseline list", run("baseline", "list", "--reports", reports.toString()), "run-\\x1b[2J", "5.4.0\\x1b[31m",
                "evil\\x1b[2J");
    }

    @Test
    void fleetReportShowsANodesRunIdEscapedAndWritesNoControlCharacterIntoItsTexts() throws IOException {
        Path labs = Files.createDirectories(dir.resolve("labs"));
        Files.writeString(labs.resolve("lab.yaml"), "kind: virtual\n");
        Files.copy(plain(), labs.resolve("baseline.json"));
        Files.writeString(labs.resolve("inventory.yaml"), "nodes:\n  - {label: linux-a, os: linux, nic: a, lab: lab.yaml, baseline: baseline.json}\n");
        Path run = Files.createDirectories(dir.resolve("nodes/linux-a/reports/runs/r1"));
        Files.copy(hostile(), run.resolve("matrix.json"));
        Path out = dir.resolve("out");
        Ran report = run("fleet", "report", "--inventory", labs.resolve("inventory.yaml").toString(), "--from", dir.resolve("nodes").toString(),
                "--out", out.toString());
        assertSafe("fleet report", report, "run run-\\x1b[2J");
        List<Path> written = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".html")).forEach(written::add);
        }
        assertThat(written).isNotEmpty();
        for (Path p : written) {
            assertThat(Files.readString(p)).as(p.toString()).doesNotContain("\u001b").doesNotContain("\u009b");
        }
    }

    @Test
    void explainShowsWhatItQuotesOfAFileEscaped() throws IOException {
        String log = Files.readString(TestData.path("etw/pktmon-with-tcpip-checksum-drop.txt"), StandardCharsets.UTF_8);
        assertThat(log).contains("tcpip.sys");
        Path f = Files.writeString(dir.resolve("pktmon\u001b[2J.txt"), log.replace("tcpip.sys", "tcpip.sys\u001b]0;owned\u0007\u001b[2J"));
        Ran explain = run("explain", f.toString());
        // explain's reading drops colour sequences (CSI) from pastes itself; what it keeps is shown escaped
        assertSafe("explain", explain, "pktmon\\x1b[2J.txt", "tcpip.sys\\x1b]0;owned\\x07");
    }

    @Test
    void errorsAndPicocliMessagesQuoteWhatTheyWereGivenEscaped() throws IOException {
        assertSafe("unknown option", run("compare", "a.json", "b.json", "--x\u001b[2J"), "--x\\x1b[2J");
        assertSafe("missing file", run("compare", dir.resolve("a\u001b[2J\nFORGED.json").toString(), "b.json"), "a\\x1b[2J");
        Path capture = Files.writeString(dir.resolve("x.pcap"), "");
        assertSafe("--bmc", run("persona", "from-pcap", capture.toString(), "--bmc", "1.2.3.4\u001b[2J"), "1.2.3.4\\x1b[2J");
    }
}
