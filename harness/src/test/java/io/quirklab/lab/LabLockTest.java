package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One run per lab: a live holder refuses others by name; a dead one's lab is restored and its lock taken over. */
@Timeout(60)
class LabLockTest {
    @TempDir
    Path dir;

    /** A live process standing in for another run (a sleep of our own, ended by PID). */
    private Process otherRun() throws Exception {
        return new ProcessBuilder("sleep", "60").start();
    }

    private void writeHolder(long pid, long ticks, String command) throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve(LabLock.FILE), new ObjectMapper().writeValueAsBytes(
                new LabLock.Holder(pid, ticks, command, "2026-12-01T21:40:00Z")));
    }

    @Test
    void aRunHoldsTheLabAndGivesItBack() throws Exception {
        Path state = dir.resolve("state");
        try (LabLock hold = LabLock.take(state, l -> { }, dead -> List.of())) {
            assertThat(LabLock.holder(state)).contains(hold.self());
            assertThat(hold.self().pid()).isEqualTo(ProcessHandle.current().pid());
            // a second session in this very process is another run too
            assertThatThrownBy(() -> LabLock.take(state, l -> { }, dead -> List.of())).isInstanceOf(LabLock.Busy.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        assertThat(LabLock.holder(state)).isEmpty();
        assertThat(state).doesNotExist(); // nothing else lived there: no trace
    }

    @Test
    void aLiveHolderIsRefusedByNameAndADeadOnesLabIsRestored() throws Exception {
        Process other = otherRun();
        try {
            writeHolder(other.pid(), RestoreJournal.startTicks(other.pid()), "quirklab run --personas clean --clients java-lan");
            AtomicInteger restored = new AtomicInteger();
            assertThatThrownBy(() -> LabLock.take(dir, l -> { }, dead -> {
                restored.incrementAndGet();
                return List.of();
            })).isInstanceOf(LabLock.Busy.class)
                    .hasMessage("the lab in " + dir + " is in use by another quirklab run: pid " + other.pid()
                            + " (quirklab run --personas clean --clients java-lan) since 2026-12-01T21:40:00Z; wait for it to end, or "
                            + "stop it (kill " + other.pid() + ") and run quirklab lab restore");
            assertThat(restored).hasValue(0);
            assertThat(LabLock.otherHolder(dir)).map(LabLock.Holder::pid).contains(other.pid());
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // the holder is dead now: its lab is restored before the lock changes hands
        List<String> progress = new ArrayList<>();
        AtomicInteger restored = new AtomicInteger();
        try (LabLock hold = LabLock.take(dir, progress::add, dead -> {
            assertThat(dead.pid()).as("the dead holder is handed over").isEqualTo(other.pid());
            restored.incrementAndGet();
            return List.of("removed network link qlab-dut");
        })) {
            assertThat(restored).hasValue(1);
            assertThat(progress.get(0)).startsWith("the run that held this lab is gone (pid " + other.pid());
            assertThat(progress).contains("  removed network link qlab-dut");
        }
    }

    @Test
    void withoutStartTicksTheStartTimeTellsARecycledPid() throws Exception {
        Process other = otherRun();
        try {
            String started = ProcessHandle.of(other.pid()).orElseThrow().info().startInstant().orElseThrow().toString();
            // as a Windows or macOS run writes it: no /proc start ticks, the process start time instead
            Files.write(dir.resolve(LabLock.FILE), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
                    new LabLock.Holder(other.pid(), -1, "quirklab run", "2026-12-01T21:40:00Z", started)));
            assertThat(LabLock.holder(dir)).map(LabLock.Holder::pid).contains(other.pid());
            Files.write(dir.resolve(LabLock.FILE), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
                    new LabLock.Holder(other.pid(), -1, "quirklab run", "2026-12-01T21:40:00Z", "2001-01-01T00:00:00Z")));
            assertThat(LabLock.holder(dir)).as("the same PID, started long ago: another process").isEmpty();
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRecycledPidIsNotTheHolder() throws Exception {
        Process other = otherRun();
        try {
            // the same PID with another start time is some other process that got the number
            writeHolder(other.pid(), RestoreJournal.startTicks(other.pid()) - 1, "quirklab run");
            assertThat(LabLock.holder(dir)).isEmpty();
            LabLock.take(dir, l -> { }, dead -> List.of()).close();
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void ofRunsStartingTogetherExactlyOneGetsTheLab() throws Exception {
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        List<LabLock> held = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    held.add(LabLock.take(dir, l -> { }, dead -> List.of()));
                    won.incrementAndGet();
                } catch (LabLock.Busy b) {
                    busy.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(won).hasValue(1);
        assertThat(busy).hasValue(n - 1);
        for (LabLock l : held) {
            l.close();
        }
    }

    @Test
    void labRestoreDownAndFaultRefuseALiveHolder() throws Exception {
        Process other = otherRun();
        try {
            writeHolder(other.pid(), RestoreJournal.startTicks(other.pid()), "quirklab run --personas clean");
            for (String[] args : new String[][] {{"restore"}, {"down"}, {"fault", "off"}}) {
                List<String> cmd = new ArrayList<>(List.of("lab", "--state-dir", dir.toString()));
                cmd.addAll(List.of(args));
                java.io.StringWriter err = new java.io.StringWriter();
                var cl = io.quirklab.cli.QuirklabCommand.commandLine();
                cl.setErr(new java.io.PrintWriter(err, true));
                int rc = cl.execute(cmd.toArray(String[]::new));
                assertThat(rc).as(String.join(" ", args)).isEqualTo(2);
                assertThat(err.toString()).as(String.join(" ", args)).isEqualTo("quirklab: the lab in " + dir
                        + " is in use by another quirklab run: pid " + other.pid() + " (quirklab run --personas clean) since "
                        + "2026-12-01T21:40:00Z; wait for it to end, or stop it (kill " + other.pid() + ") and run quirklab lab restore"
                        + System.lineSeparator());
            }
            // the holder's record is untouched
            assertThat(LabLock.holder(dir)).map(LabLock.Holder::pid).contains(other.pid());
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
