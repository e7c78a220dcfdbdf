package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quirklab.lab.VirtualLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** kill -9 in the middle of lab up, of a probe or of a parallel matrix run leaves nothing behind after lab restore. */
@DisplayName("killed runs")
class KilledRunIT {
    Path stateDir;

    @BeforeEach
    void prerequisites() throws Exception {
        LabFixture.requirePrerequisites();
        stateDir = Scratch.dir("quirklab-kill-state");
    }

    private void awaitPath(Path p, Duration max) {
        await("the half-built lab's " + p).atMost(max).pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(p));
    }

    @Test
    void killDuringLabUp() throws Exception {
        Process up = new ProcessBuilder(LabFixture.cliProcess("lab", "--state-dir", stateDir.toString(), "up"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // Kill it once the veth exists: half-built, with the responder starting.
        awaitPath(Path.of("/sys/class/net", VirtualLab.DUT_IF), Duration.ofSeconds(30));
        up.destroyForcibly().waitFor();
        LabFixture.Cli restore = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "restore");
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        assertThat(restore.out()).contains("removed network link " + VirtualLab.DUT_IF);
        LabFixture.assertNoTrace(stateDir);
    }

    @Test
    void killDuringAProbeThenNextLabUpCleansFirst() throws Exception {
        assertThat(LabFixture.cli("lab", "--state-dir", stateDir.toString(), "up").exit()).isZero();
        LabFixture.cli("lab", "--state-dir", stateDir.toString(), "fault", "df-clear");
        // A probe of a dropped cell takes seconds; kill it while it waits for replies.
        Process probe = new ProcessBuilder(LabFixture.cliProcess("probe", "smdc-tyan", "--client", "ipmitool", "--state-dir",
                stateDir.toString(), "--out", stateDir.resolve("probe").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // the probe creates its evidence directory as its exchange begins; the dropped replies keep it waiting for seconds
        await("the probe's exchange").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .failFast("the probe ended before it was killed", () -> !probe.isAlive())
                .until(() -> Files.isDirectory(stateDir.resolve("probe")));
        assertThat(probe.isAlive()).as("probe still running when killed").isTrue();
        probe.destroyForcibly().waitFor();
        // The next lab up after a crash first removes the leftovers; here the lab itself is still fine.
        LabFixture.Cli up = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "up");
        assertThat(up.exit()).as(up.err()).isZero();
        LabFixture.Cli restore = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "restore");
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        assertThat(restore.out()).contains("removed nftables table netdev qlab_fault");
        LabFixture.assertNoTrace(stateDir);
    }

    @Test
    void killDuringAParallelRunKeepsEveryRecordedCellAndRestoreLeavesNothing() throws Exception {
        boolean tracefsBefore = io.quirklab.lab.RestoreJournal.mounted(Path.of("/sys/kernel/tracing"));
        Path reports = stateDir.resolve("reports");
        Path output = stateDir.resolve("run.out");
        Process run = new ProcessBuilder(LabFixture.cliProcess("run", "--jobs", "12", "--clients", "java-lan,ipmitool-lan", "--lab",
                MatrixSession.labFilePath().toString(), "--state-dir", stateDir.toString(), "--reports", reports.toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        int seen = await("ten cells recorded in matrix.json").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .failFast("the run ended before it was killed", () -> !run.isAlive())
                .until(() -> recorded(reports), n -> n >= 10);
        Path matrix = matrixOf(reports).orElseThrow();
        assertThat(run.isAlive()).as("the run is still going when killed").isTrue();
        assertThat(seen).as("cells recorded before the kill").isGreaterThanOrEqualTo(10);
        run.destroyForcibly().waitFor();
        // the run served per-cell persona instances (extra addresses and responder state) when it was killed
        assertThat(Files.readString(output)).contains("each on an instance of its own").containsPattern("\\d+ copies served");

        // Every cell recorded before the kill is still there, in a document that reads.
        var doc = io.quirklab.matrix.MatrixDocument.read(matrix);
        assertThat(doc.cells().size()).isGreaterThanOrEqualTo(seen).isLessThan(200);
        LabFixture.Cli restore = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "restore");
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        LabFixture.assertNoTrace(stateDir);
        assertThat(io.quirklab.lab.RestoreJournal.mounted(Path.of("/sys/kernel/tracing"))).as("tracefs mounted as before").isEqualTo(tracefsBefore);
        // a bpftrace whose reader died ends at its next write
        await("no kfree_skb tracer left").atMost(Duration.ofSeconds(5)).until(() -> LabFixture.commandLinesOfThisGroup()
                .noneMatch(c -> c.contains("kfree_skb")));
    }

    private static java.util.Optional<Path> matrixOf(Path reports) throws java.io.IOException {
        if (!Files.isDirectory(reports.resolve("runs"))) {
            return java.util.Optional.empty();
        }
        try (var dirs = Files.list(reports.resolve("runs"))) {
            return dirs.findFirst().map(d -> d.resolve("matrix.json")).filter(Files::exists);
        }
    }

    /** Cells recorded so far (matrix.json is written whole and moved into place, so every read sees a whole document). */
    private static int recorded(Path reports) throws java.io.IOException {
        java.util.Optional<Path> m = matrixOf(reports);
        return m.isEmpty() ? 0 : io.quirklab.matrix.MatrixDocument.read(m.get()).cells().size();
    }
}
