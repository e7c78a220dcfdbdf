package io.quirklab.scenarios;

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
        Path stateDir = Files.createTempDirectory("quirklab-run-state");
        LabFixture.Cli run = LabFixture.cli("run", "--personas", "clean,smdc-tyan", "--clients", "java,ipmitool", "--state-dir",
                stateDir.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        // One row per persona x client: offload=off, then offload=on (df-clear), then the expectation.
        assertThat(run.out())
                .containsPattern("clean\\s+java\\s+DELIVERED\\s+DELIVERED\\s+DELIVERED")
                .containsPattern("clean\\s+ipmitool\\s+DELIVERED\\s+DELIVERED\\s+DELIVERED")
                .containsPattern("smdc-tyan\\s+java\\s+DELIVERED\\s+DROPPED_IN_STACK \\(UDP_CSUM\\)\\s+DELIVERED")
                .containsPattern("smdc-tyan\\s+ipmitool\\s+DELIVERED\\s+DROPPED_IN_STACK \\(UDP_CSUM\\)\\s+DELIVERED")
                .containsPattern("8 cells in [0-9.]+ s \\([0-9.]+ cells/s\\)");
        LabFixture.assertNoTrace(stateDir);
    }
}
