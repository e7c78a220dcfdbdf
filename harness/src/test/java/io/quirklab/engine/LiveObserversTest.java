package io.quirklab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.host.HostAdapter;
import io.quirklab.observe.DutObservers;
import io.quirklab.observe.FlowDrops;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.RunCapture;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.FrameTap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
     * drops it just after (here a millisecond after close was called). The window counts the reply and its drop; before,
     * the drop fell outside the window and the cell read "the client read replies it did not accept" (CatalogueIT, once).
     */
    @Test
    void aReplysDropJustAfterTheWindowClosedIsTheWindowsOwn() throws Exception {
        BlockingQueue<FrameTap.Captured> wire = new LinkedBlockingQueue<>();
        FrameTap tap = new FrameTap() {
            @Override
            public Optional<Captured> next(Duration timeout) {
                try {
                    return Optional.ofNullable(wire.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }

            @Override
            public void close() {
            }
        };
        byte[] reply = new TestFrames.Request(TestFrames.PERSONA, TestFrames.DUT, 623, CLIENT_PORT, 0x4242, 0, 64, 0, new byte[0],
                "reply".getBytes(StandardCharsets.US_ASCII)).frame();
        LateDrops tracer = new LateDrops();
        CommandRunner runner = new CommandRunner();
        try (LiveObservers o = LiveObservers.of("qlab-dut", HostAdapter.forOs("Linux", runner), runner, RunCapture.start(tap, 1000, 1 << 20),
                tracer)) {
            assertThat(o.perFlow()).isTrue();
            DutObservers.Window w = o.open(TestFrames.PERSONA, dir);
            Thread.sleep(5);
            wire.add(new FrameTap.Captured(System.currentTimeMillis() * 1000, reply));
            Thread.sleep(20); // the capture has read it
            tracer.dropAt = System.nanoTime() + 1_000_000; // a millisecond after the window closes
            DutObservers.Observed seen = w.close(Set.of(CLIENT_PORT));
            assertThat(seen.frames().summary().replies()).as("replies in the window").isEqualTo(1);
            assertThat(seen.os().drops()).as("drops in the window").extracting(OsReport.Drop::reason, OsReport.Drop::count)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("UDP_CSUM", 1L));
        }
    }

    /** A run-wide drop source that reads one reply's drop at {@link #dropAt} and has read everything it is asked about. */
    static final class LateDrops implements FlowDrops {
        volatile long dropAt;

        @Override
        public String source() {
            return OsReport.KFREE_SKB;
        }

        @Override
        public String describe() {
            return "a drop a millisecond after the window";
        }

        @Override
        public boolean awaitUpTo(long monoNanos, Duration max) {
            return true;
        }

        @Override
        public List<Drop> drops(String src, String dst, Set<Integer> dstPorts, long fromNanos, long toNanos) {
            Drop d = new Drop(dropAt, "UDP_CSUM", "kfree_skb reason UDP_CSUM", new OsReport.Flow(src, 623, "198.18.0.1", CLIENT_PORT), null);
            return dropAt >= fromNanos && dropAt <= toNanos && src.equals("198.18.0.10") ? List.of(d) : List.of();
        }

        @Override
        public long count() {
            return 1;
        }

        @Override
        public long awaitMore(long seen, Duration max) {
            return 1;
        }

        @Override
        public String ended() {
            return null;
        }

        @Override
        public void close() {
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
