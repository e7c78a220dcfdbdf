package io.quirklab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.host.HostAdapter;
import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Windows run's observers: the run-wide PktMon stream when pktmon streams, else the fallback the header names. */
class LiveObserversTest {
    @Test
    void aWindowsHostWithoutPktmonFallsBackToASessionPerCellAndTheHeaderSaysSo() {
        List<String> ran = new ArrayList<>();
        CommandRunner runner = new CommandRunner(StandardCharsets.UTF_8, inv -> {
            ran.add(inv.shown());
            throw new IOException("Cannot run program \"" + inv.command().get(0) + "\": not found");
        });
        List<String> progress = new ArrayList<>();
        try (LiveObservers o = LiveObservers.start("Ethernet 2", HostAdapter.forOs("Windows 11", runner), runner, null, progress::add)) {
            assertThat(ran).first().asString().startsWith("pktmon filter remove");
            assertThat(o.perFlow()).isFalse();
            assertThat(o.describe()).contains("no run-wide PktMon stream (pktmon is not available")
                    .contains("the fallback, a PktMon session per cell, cells one at a time");
            assertThat(progress).noneMatch(l -> l.contains("one real-time PktMon session"));
        }
    }
}
