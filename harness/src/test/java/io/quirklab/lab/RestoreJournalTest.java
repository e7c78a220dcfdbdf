package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreJournalTest {
    @TempDir
    Path dir;

    @Test
    void undoesNewestFirstAndForgetsWhatIsGone() throws IOException {
        RestoreJournal j = new RestoreJournal(dir.resolve("j.jsonl"), new CommandRunner());
        Path a = Files.writeString(dir.resolve("a"), "a");
        Path b = Files.writeString(dir.resolve("b"), "b");
        j.record(RestoreJournal.Entry.file(a));
        j.record(RestoreJournal.Entry.file(b));
        assertThat(j.entries()).extracting(RestoreJournal.Entry::path).containsExactly(a.toString(), b.toString());
        List<String> report = j.undoAll();
        assertThat(report).containsExactly("removed file " + b, "removed file " + a);
        assertThat(a).doesNotExist();
        assertThat(b).doesNotExist();
        assertThat(j.isEmpty()).isTrue();
        assertThat(j.file()).doesNotExist();
    }

    @Test
    void undoIsIdempotent() {
        RestoreJournal j = new RestoreJournal(dir.resolve("j.jsonl"), new CommandRunner());
        j.record(RestoreJournal.Entry.file(dir.resolve("never-created")));
        j.record(RestoreJournal.Entry.link("qlt-nosuchlink0"));
        j.record(RestoreJournal.Entry.netns("qlt-nosuchns0"));
        assertThat(j.undoAll()).hasSize(3).allMatch(l -> l.startsWith("removed"));
        assertThat(j.undoAll()).isEmpty();
    }

    @Test
    void aTornLastLineIsIgnoredButCorruptionElsewhereIsReported() throws IOException {
        Path f = dir.resolve("j.jsonl");
        RestoreJournal j = new RestoreJournal(f, new CommandRunner());
        j.record(RestoreJournal.Entry.file(dir.resolve("x")));
        Files.writeString(f, Files.readString(f) + "{\"kind\":\"li");
        assertThat(j.entries()).hasSize(1);
        Files.writeString(f, "garbage\n" + Files.readString(f));
        assertThatThrownBy(j::entries).isInstanceOf(UncheckedIOException.class).hasMessageContaining("line 1 is corrupt");
    }

    @Test
    void endsOnlyTheProcessItStartedAndNotARecycledPid() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            RestoreJournal j = new RestoreJournal(dir.resolve("j.jsonl"), new CommandRunner());
            // Same PID but a different start time: not ours any more, must be left alone.
            j.record(RestoreJournal.Entry.process("impostor", p.pid(), RestoreJournal.startTicks(p.pid()) + 1));
            j.undoAll();
            assertThat(p.isAlive()).isTrue();
            j.record(RestoreJournal.Entry.process("sleeper", p.pid(), RestoreJournal.startTicks(p.pid())));
            assertThat(j.undoAll()).contains("removed sleeper (pid " + p.pid() + ")");
            assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void undoesOnlyWhatTheDeadOwnerWroteAndKeepsTheRest() throws IOException {
        RestoreJournal j = new RestoreJournal(dir.resolve("j.jsonl"), new CommandRunner());
        long self = ProcessHandle.current().pid();
        Path mine = Files.writeString(dir.resolve("mine"), "m");
        Path theirs = Files.writeString(dir.resolve("theirs"), "t");
        j.record(RestoreJournal.Entry.file(mine));
        j.record(RestoreJournal.Entry.file(theirs).ownedBy(4_000_000L, 17));
        assertThat(j.entries().get(0).ownerPid()).isEqualTo(self);
        assertThat(j.entries().get(0).ownerTicks()).isEqualTo(RestoreJournal.startTicks(self));

        assertThat(j.undoWhere(e -> e.writtenBy(4_000_000L, 17))).containsExactly("removed file " + theirs);
        assertThat(theirs).doesNotExist();
        assertThat(mine).exists();
        assertThat(j.entries()).extracting(RestoreJournal.Entry::path).containsExactly(mine.toString());
        // the same PID with another start time is another process: not its entry
        assertThat(j.entries().get(0).writtenBy(self, RestoreJournal.startTicks(self) + 1)).isFalse();
        // an entry of an older journal, without an owner, is anyone's
        assertThat(new RestoreJournal.Entry("file", null, null, null, null, null, "x", null, null, null, null).writtenBy(1, 1)).isTrue();
    }

    @Test
    void aZombieIsNotAlive() throws Exception {
        // sh starts a short sleep and becomes a long one that never waits for it: the short one stays a zombie
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        try {
            long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().strip());
            long ticks = RestoreJournal.startTicks(child);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!io.quirklab.process.ProcessOwner.zombie(child) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(io.quirklab.process.ProcessOwner.zombie(child)).as("the child became a zombie").isTrue();
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).as("the JDK still calls it alive").contains(true);
            assertThat(RestoreJournal.alive(child, ticks)).isFalse();
            assertThat(io.quirklab.process.ProcessOwner.of(child).map(io.quirklab.process.ProcessOwner::alive)).contains(false);
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }
}
