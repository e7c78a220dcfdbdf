package io.quirklab.scenarios;

import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.lab.LabLock;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Safe by default on the virtual lab: one run per lab (a second run and lab restore are refused by name while the first
 * goes on, and the first's results are unaffected), lab up keeps one lab across runs, and persona addresses the host
 * would route elsewhere are refused before any link exists.
 */
@DisplayName("one run per lab, addresses checked first")
class LabSafetyIT {
    Path stateDir;
    Path reports;

    @BeforeEach
    void prerequisites() throws Exception {
        LabFixture.requirePrerequisites();
        stateDir = Scratch.dir("quirklab-safety-state");
        reports = Scratch.dir("quirklab-safety-reports");
    }

    private static boolean dutLink() {
        return Files.exists(Path.of("/sys/class/net", VirtualLab.DUT_IF));
    }

    private static void await(String what, Duration max, java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await(what).atMost(max).pollInterval(Duration.ofMillis(50)).until(condition);
    }

    @Test
    void aSecondRunAndLabRestoreAreRefusedWhileTheFirstRuns() throws Exception {
        // the first run in a child process: clean (delivered at once) and smdc-tyan (a timeout with offload on), java-lan
        Process first = new ProcessBuilder(LabFixture.cliProcess("run", "--personas", "clean,smdc-tyan", "--clients", "java-lan",
                "--state-dir", stateDir.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString()))
                .redirectErrorStream(true).redirectOutput(stateDir.resolveSibling(stateDir.getFileName() + ".first.log").toFile()).start();
        try {
            await("the first run to hold the lab and bring it up", Duration.ofSeconds(60),
                    () -> LabLock.holder(stateDir).map(h -> h.pid() == first.pid()).orElse(false)
                            && Files.exists(stateDir.resolve("lab.json")) || !first.isAlive());
            assertThat(first.isAlive()).as("the first run is still going").isTrue();

            LabFixture.Cli second = LabFixture.cli("run", "--personas", "clean", "--clients", "java-lan", "--state-dir",
                    stateDir.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString());
            assertThat(second.exit()).as(second.out() + second.err()).isEqualTo(2);
            assertThat(second.err()).contains("is in use by another quirklab run: pid " + first.pid() + " (quirklab run --personas "
                    + "clean,smdc-tyan --clients java-lan").contains(" since ");
            assertThat(second.err().strip().lines()).hasSize(1);

            LabFixture.Cli restore = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "restore");
            assertThat(restore.exit()).as(restore.out() + restore.err()).isEqualTo(2);
            assertThat(restore.err()).contains("in use by another quirklab run: pid " + first.pid());
            assertThat(dutLink()).as("lab restore left the running lab alone").isTrue();

            assertThat(first.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("the first run ends").isTrue();
            String log = Files.readString(stateDir.resolveSibling(stateDir.getFileName() + ".first.log"));
            assertThat(first.exitValue()).as(log).isZero();
        } finally {
            if (first.isAlive()) {
                first.destroyForcibly().waitFor();
                LabFixture.cli("lab", "--state-dir", stateDir.toString(), "restore");
            }
        }
        // the first run's results are what they would have been alone
        Path runDir;
        try (var dirs = Files.list(reports.resolve("runs"))) {
            List<Path> all = dirs.toList();
            assertThat(all).as("only the first run recorded anything").hasSize(1);
            runDir = all.get(0);
        }
        MatrixDocument doc = MatrixDocument.read(runDir.resolve("matrix.json"));
        assertThat(doc.cells()).hasSize(4);
        assertThat(doc.cells()).noneMatch(c -> c.verdict() == Verdict.HARNESS_ERROR);
        assertThat(doc.cell("clean", "java-lan", OffloadState.ON).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(doc.cell("smdc-tyan", "java-lan", OffloadState.OFF).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(doc.cell("smdc-tyan", "java-lan", OffloadState.ON).orElseThrow().verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        LabFixture.assertNoTrace(stateDir);
        assertThat(stateDir.resolve(LabLock.FILE)).doesNotExist();
    }

    @Test
    void labUpKeepsOneLabAcrossRuns() throws Exception {
        assertThat(LabFixture.cli("lab", "--state-dir", stateDir.toString(), "up").exit()).isZero();
        try {
            long responder = new VirtualLab(stateDir, l -> { }).readState().orElseThrow().responderPid();
            for (int i = 0; i < 2; i++) {
                LabFixture.Cli run = LabFixture.cli("run", "--personas", "clean", "--clients", "java-lan", "--offload", "off",
                        "--state-dir", stateDir.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString());
                assertThat(run.exit()).as(run.out() + run.err()).isZero();
                assertThat(run.out()).contains("using the virtual lab that is already up");
                // still the same lab: same responder, link up, nobody holding it
                assertThat(new VirtualLab(stateDir, l -> { }).readState().orElseThrow().responderPid()).isEqualTo(responder);
                assertThat(dutLink()).isTrue();
                assertThat(LabLock.holder(stateDir)).isEmpty();
            }
            // probe checks the name before anything happens
            Path probeOut = reports.resolve("probe-out");
            LabFixture.Cli probe = LabFixture.cli("probe", "no-such-persona", "--state-dir", stateDir.toString(), "--out", probeOut.toString());
            assertThat(probe.exit()).isEqualTo(2);
            assertThat(probe.err().strip()).startsWith("quirklab: no persona 'no-such-persona' on this lab (known: bad-ip-csum, ")
                    .contains(", clean, ").contains(", smdc-tyan, ");
            assertThat(probeOut).doesNotExist();

            // a run with a state directory of its own finds this lab up: it is told whose it is and how to take it
            // down, and touches nothing of it
            Path other = Scratch.dir("quirklab-safety-other");
            LabFixture.Cli elsewhere = LabFixture.cli("run", "--personas", "clean", "--clients", "java-lan", "--offload", "off",
                    "--state-dir", other.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString());
            assertThat(elsewhere.exit()).as(elsewhere.out() + elsewhere.err()).isNotZero();
            assertThat(elsewhere.out() + elsewhere.err()).contains("is not in this lab's journal")
                    .contains("'quirklab lab down --state-dir " + stateDir.toAbsolutePath() + "' removes it");
            assertThat(new VirtualLab(stateDir, l -> { }).readState().orElseThrow().responderPid()).isEqualTo(responder);
            assertThat(dutLink()).isTrue();
            assertThat(other.resolve("lab.json")).doesNotExist();
            assertThat(other.resolve("restore-journal.jsonl")).doesNotExist();

            // a holder that died (here: a process of ours that has exited) and made nothing: the lab it used stays
            Process dead = new ProcessBuilder("true").start();
            dead.waitFor();
            Files.writeString(stateDir.resolve(LabLock.FILE), "{\"pid\":" + dead.pid() + ",\"startTicks\":1,\"command\":\"quirklab run "
                    + "--killed\",\"since\":\"2026-12-01T00:00:00Z\"}");
            LabFixture.Cli after = LabFixture.cli("run", "--personas", "clean", "--clients", "java-lan", "--offload", "off",
                    "--state-dir", stateDir.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString());
            assertThat(after.exit()).as(after.out() + after.err()).isZero();
            assertThat(after.out()).contains("the run that held this lab is gone (pid " + dead.pid() + " (quirklab run --killed)")
                    .contains("using the virtual lab that is already up").doesNotContain("removed network link");
            assertThat(new VirtualLab(stateDir, l -> { }).readState().orElseThrow().responderPid()).isEqualTo(responder);

            // a dead holder that made the lab (lab up killed once it had): what it journaled is its own, and goes. The lab
            // here was made in this JVM (the CLI runs in-process), so its journal is rewritten as the dead process's.
            Path journal = new VirtualLab(stateDir, l -> { }).journal().file();
            String owned = Files.readString(journal).replaceAll("\"ownerPid\":\\d+,\"ownerTicks\":\\d+",
                    "\"ownerPid\":" + dead.pid() + ",\"ownerTicks\":1");
            assertThat(owned).contains("\"kind\":\"netns\"").contains("\"ownerPid\":" + dead.pid());
            Files.writeString(journal, owned);
            Files.writeString(stateDir.resolve(LabLock.FILE), "{\"pid\":" + dead.pid() + ",\"startTicks\":1,\"command\":\"quirklab lab up"
                    + "\",\"since\":\"2026-12-01T00:00:00Z\"}");
            LabFixture.Cli fresh = LabFixture.cli("run", "--personas", "clean", "--clients", "java-lan", "--offload", "off",
                    "--state-dir", stateDir.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString());
            assertThat(fresh.exit()).as(fresh.out() + fresh.err()).isZero();
            assertThat(fresh.out()).contains("the run that held this lab is gone (pid " + dead.pid() + " (quirklab lab up)")
                    .contains("removed network link " + VirtualLab.DUT_IF).contains("created " + VirtualLab.DUT_IF);
            // it found no lab (the dead one's was restored), so it brought one up and took it down again
            assertThat(dutLink()).isFalse();
        } finally {
            LabFixture.cli("lab", "--state-dir", stateDir.toString(), "down");
        }
        LabFixture.assertNoTrace(stateDir);
        assertThat(stateDir.resolve(LabLock.FILE)).doesNotExist();
    }

    @Test
    void addressesTheHostRoutesElsewhereAreRefusedBeforeAnyLinkExists() throws Exception {
        Path personas = stateDir.resolveSibling(stateDir.getFileName() + "-personas.yaml");
        // a route of this host's own for part of the lab's /24, on a veth pair of the test's (qlab-rt0/qlab-rt1)
        LabFixture.RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "add", "qlab-rt0", "type", "veth", "peer", "name", "qlab-rt1"));
        try {
            LabFixture.RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "set", "qlab-rt1", "up"));
            LabFixture.RUN.require(Duration.ofSeconds(10), List.of("ip", "link", "set", "qlab-rt0", "up"));
            LabFixture.RUN.require(Duration.ofSeconds(10), List.of("ip", "route", "add", "198.18.0.64/26", "dev", "qlab-rt0"));
            Files.writeString(personas, "personas:\n  - name: clean\n  - name: routed-away\n    address: 198.18.0.70\n");
            LabFixture.Cli up = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "up", "--personas", personas.toString());
            assertThat(up.exit()).as(up.out() + up.err()).isEqualTo(2);
            assertThat(up.err()).contains("persona 'routed-away' address 198.18.0.70: this host already routes it elsewhere "
                    + "(198.18.0.64/26 dev qlab-rt0").contains("would not stay in the virtual lab");
            assertThat(dutLink()).as("no link was made").isFalse();
            assertThat(stateDir.resolve("restore-journal.jsonl")).doesNotExist();
        } finally {
            LabFixture.RUN.run(Duration.ofSeconds(10), List.of("ip", "link", "del", "qlab-rt0"));
        }
        for (String[] bad : new String[][] {{"198.18.0.255", "is the broadcast address"}, {"198.18.0.1", "is the DUT's own address"},
            {"198.18.3.4", "is outside the virtual lab's subnet 198.18.0.0/24"}}) {
            Files.writeString(personas, "personas:\n  - name: odd\n    address: " + bad[0] + "\n");
            LabFixture.Cli up = LabFixture.cli("lab", "--state-dir", stateDir.toString(), "up", "--personas", personas.toString());
            assertThat(up.exit()).as(up.out() + up.err()).isEqualTo(2);
            assertThat(up.err()).contains("'" + bad[0] + "' " + bad[1]);
            assertThat(dutLink()).as("no link was made for " + bad[0]).isFalse();
        }
        LabFixture.assertNoTrace(stateDir);
    }
}
