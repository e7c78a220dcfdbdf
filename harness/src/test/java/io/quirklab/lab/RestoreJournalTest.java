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
}
