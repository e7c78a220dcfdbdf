package io.quirklab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.host.HostAdapter;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.RunCapture;
import io.quirklab.observe.TestDrops;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.QueueTap;
import io.quirklab.testing.TestFrames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's observers: a reply's drop just after a window closed is the window's (the capture counts the reply), and a
 * Windows run's run-wide PktMon stream when pktmon streams, else the fallback the header names.
 */
class LiveObserversTest {
    static final int CLIENT_PORT = 40000;

    @TempDir
    Path dir;

    /**
     * The client gives up as its last reply arrives: the reply is captured just before the window's end and the stack
     * drops it just after (here two milliseconds after close was called). The window counts the reply and its drop; before,
     * the drop fell outside the window and the cell read "the client read replies it did not accept" (CatalogueIT, once).
     */
    @Test
    void aReplysDropJustAfterTheWindowClosedIsTheWindowsOwn() throws Exception {
        QueueTap wire = new QueueTap();
        byte[] reply = new TestFrames.Request(TestFrames.PERSONA, TestFrames.DUT, 623, CLIENT_PORT, 0x4242, 0, 64, 0, new byte[0],
                "reply".getBytes(StandardCharsets.US_ASCII)).frame();
        TestDrops tracer = new TestDrops(TestFrames.PERSONA.getHostAddress(), TestFrames.DUT.getHostAddress());
        tracer.drop(0, "WARM_UP", CLIENT_PORT); // long before any window
        CommandRunner runner = new CommandRunner();
        try (LiveObservers o = LiveObservers.of("qlab-dut", HostAdapter.forOs("Linux", runner), runner, RunCapture.start(wire, 1000, 1 << 20),
                tracer)) {
            assertThat(o.perFlow()).isTrue();
            DutObservers.Window w = o.open(TestFrames.PERSONA, dir);
            Thread.sleep(5);
            wire.arrive(reply);
            Thread.sleep(20); // the capture has read it
            // two milliseconds after the window closes (half its slack), by a drop source already warm: the first drop's
            // class loading alone took longer than a millisecond
            tracer.drop(System.nanoTime() + 2_000_000, "UDP_CSUM", CLIENT_PORT);
            DutObservers.Observed seen = w.close(Set.of(CLIENT_PORT));
            assertThat(seen.frames().summary().replies()).as("replies in the window").isEqualTo(1);
            assertThat(seen.os().drops()).as("drops in the window").extracting(OsReport.Drop::reason, OsReport.Drop::count)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("UDP_CSUM", 1L));
        }
    }

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
