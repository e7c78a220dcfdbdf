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
        j.record(new JournalEntry.File(a));
        j.record(new JournalEntry.File(b));
        assertThat(j.entries()).extracting(e -> ((JournalEntry.File) e).path()).containsExactly(a.toString(), b.toString());
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
        j.record(new JournalEntry.File(dir.resolve("never-created")));
        j.record(new JournalEntry.Link("qlt-nosuchlink0"));
        j.record(new JournalEntry.Netns("qlt-nosuchns0"));
        assertThat(j.undoAll()).hasSize(3).allMatch(l -> l.startsWith("removed"));
        assertThat(j.undoAll()).isEmpty();
    }

    @Test
    void aTornLastLineIsIgnoredButCorruptionElsewhereIsReported() throws IOException {
        Path f = dir.resolve("j.jsonl");
        RestoreJournal j = new RestoreJournal(f, new CommandRunner());
        j.record(new JournalEntry.File(dir.resolve("x")));
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
            j.record(new JournalEntry.Process("impostor", p.pid(), RestoreJournal.startTicks(p.pid()) + 1));
            j.undoAll();
            assertThat(p.isAlive()).isTrue();
            j.record(new JournalEntry.Process("sleeper", p.pid(), RestoreJournal.startTicks(p.pid())));
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
        j.record(new JournalEntry.File(mine));
        j.record(new JournalEntry.File(theirs).ownedBy(4_000_000L, 17));
        assertThat(j.entries().get(0).ownerPid()).isEqualTo(self);
        assertThat(j.entries().get(0).ownerTicks()).isEqualTo(RestoreJournal.startTicks(self));

        assertThat(j.undoWhere(e -> e.writtenBy(4_000_000L, 17))).containsExactly("removed file " + theirs);
        assertThat(theirs).doesNotExist();
        assertThat(mine).exists();
        assertThat(j.entries()).extracting(e -> ((JournalEntry.File) e).path()).containsExactly(mine.toString());
        // the same PID with another start time is another process: not its entry
        assertThat(j.entries().get(0).writtenBy(self, RestoreJournal.startTicks(self) + 1)).isFalse();
        // an entry of an older journal, without an owner, is anyone's
        assertThat(new JournalEntry.File("x", null, null, null).writtenBy(1, 1)).isTrue();
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

    @Test
    void aJournalLeftByTheVersionBeforeTypedEntriesIsReadAndUndone() throws IOException {
        // lines as quirklab wrote them before entries were typed (one record with nullable fields, keyed by "kind"),
        // and one of a kind this version does not know
        Path gone = Files.writeString(dir.resolve("gone"), "g");
        Path j = Files.writeString(dir.resolve("old.jsonl"), String.join("\n",
                "{\"kind\":\"netns\",\"name\":\"qlt-oldns0\",\"created\":\"2026-12-01T10:00:00Z\",\"ownerPid\":4000001,\"ownerTicks\":17}",
                "{\"kind\":\"nft-table\",\"name\":\"qlt_old\",\"family\":\"netdev\",\"created\":\"2026-12-01T10:00:00Z\"}",
                "{\"kind\":\"process\",\"name\":\"responder\",\"pid\":4000002,\"startTicks\":99,\"created\":\"2026-12-01T10:00:00Z\","
                        + "\"started\":\"2026-12-01T10:00:00Z\",\"ownerPid\":4000001,\"ownerTicks\":17}",
                "{\"kind\":\"mount\",\"name\":\"tracefs\",\"path\":\"" + dir.resolve("not-mounted") + "\",\"created\":\"x\"}",
                "{\"kind\":\"file\",\"path\":\"" + gone + "\",\"created\":\"x\"}",
                "{\"kind\":\"wormhole\",\"name\":\"w1\",\"created\":\"x\"}") + "\n");
        RestoreJournal journal = new RestoreJournal(j, new CommandRunner());
        List<JournalEntry> entries = journal.entries();
        assertThat(entries).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Netns", "NftTable", "Process", "Mount", "File", "Unknown");
        assertThat(entries.get(0).writtenBy(4000001, 17)).isTrue();
        assertThat(entries.get(0).writtenBy(4000001, 18)).isFalse();
        JournalEntry.Process p = (JournalEntry.Process) entries.get(2);
        assertThat(p.pid()).isEqualTo(4000002);
        assertThat(p.startTicks()).isEqualTo(99);
        assertThat(((JournalEntry.Mount) entries.get(3)).fsType()).isEqualTo("tracefs");
        List<String> report = journal.undoAll();
        assertThat(report).contains("removed file " + gone, "removed network namespace qlt-oldns0", "removed responder (pid 4000002)")
                .anyMatch(l -> l.startsWith("could not remove wormhole w1: unknown kind 'wormhole'"));
        assertThat(gone).doesNotExist();
        // what could not be undone is kept, in the spelling it came in
        assertThat(Files.readString(j)).contains("\"kind\":\"wormhole\"").doesNotContain("Unknown");
        assertThat(journal.entries()).singleElement().isInstanceOf(JournalEntry.Unknown.class);
    }
}
