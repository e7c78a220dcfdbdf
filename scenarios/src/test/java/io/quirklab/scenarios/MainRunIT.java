package io.quirklab.scenarios;

import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The main job reproduces the seed in its summary and leaves nothing behind. */
@DisplayName("quirklab run on the virtual lab")
class MainRunIT {
    @Test
    void reproducesTheSeedAndCleansUp() throws Exception {
        LabFixture.requirePrerequisites();
        Path stateDir = Scratch.dir("quirklab-run-state");
        Path reports = Scratch.dir("quirklab-run-reports");
        LabFixture.Cli run = LabFixture.cli("run", "--personas", "clean,smdc-tyan", "--clients", "java-lan,ipmitool-lan",
                "--state-dir", stateDir.toString(), "--reports", reports.toString(), "--lab", MatrixSession.labFilePath().toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        // One table per offload state, personas down, clients across; "~" marks the seed's drop as a known deviation.
        String off = run.out().substring(run.out().indexOf("offload=off\n"), run.out().indexOf("offload=on\n"));
        String on = run.out().substring(run.out().indexOf("offload=on\n"));
        assertThat(off).containsPattern("clean\\s+ok\\s+ok\\s+DELIVERED").containsPattern("smdc-tyan\\s+ok\\s+ok\\s+DELIVERED");
        assertThat(on).containsPattern("clean\\s+ok\\s+ok\\s+DELIVERED")
                .containsPattern("smdc-tyan\\s+~drop UDP_CSUM\\s+~drop UDP_CSUM\\s+DELIVERED");
        assertThat(run.out()).containsPattern("8 cells in [0-9.]+ s \\([0-9.]+ cells/s, [0-9]+ at once\\): 6 as expected, 2 known deviations, 0 findings");
        Path runDir;
        try (var dirs = Files.list(reports.resolve("runs"))) {
            runDir = dirs.findFirst().orElseThrow();
        }
        var doc = io.quirklab.matrix.MatrixDocument.read(runDir.resolve("matrix.json"));
        assertThat(doc.cells()).hasSize(8);
        assertThat(doc.cell("smdc-tyan", "ipmitool-lan", OffloadState.ON).orElseThrow().reason()).hasToString("UDP_CSUM");
        // the reason comes from the kernel's own evidence, and the record says which source gave it
        var seed = doc.cell("smdc-tyan", "ipmitool-lan", OffloadState.ON).orElseThrow().evidence();
        assertThat(seed.reasonSource().token()).isIn("snmp", "kfree_skb");
        if (ReasonSource.KFREE_SKB.equals(seed.reasonSource())) {
            // per packet: the kernel dropped this flow's replies for their checksum
            assertThat(seed.dropReasons()).containsKey("UDP_CSUM");
        } else {
            assertThat(seed.counters()).containsKey("Udp.InCsumErrors");
        }
        assertThat(runDir.resolve(doc.cell("smdc-tyan", "ipmitool-lan", OffloadState.ON).orElseThrow().evidence().pcap())).isNotEmptyFile();
        LabFixture.assertNoTrace(stateDir);
    }
}
