package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-run state of agent labs: a run that died is cleaned by the next run (or quirklab restore); a live run's
 * directory, and another machine's on a shared file system, are never touched - so no run waits for or refuses another.
 */
class AgentLabSessionTest {
    @Test
    void onlyDeadRunsOfThisHostAreSwept(@TempDir Path runs) throws Exception {
        String me = AgentLabSession.hostName();
        long pid = ProcessHandle.current().pid();
        Path dead = run(runs, "dead", "2147483000 1 " + me);
        Path live = run(runs, "live", pid + " " + RestoreJournal.startTicks(pid) + " " + me);
        Path elsewhere = run(runs, "elsewhere", "2147483000 1 another-machine");
        Path recycled = run(runs, "recycled", pid + " " + (RestoreJournal.startTicks(pid) + 1) + " " + me);
        List<String> said = new ArrayList<>();
        AgentLabSession.sweep(runs, said::add);
        assertThat(dead).doesNotExist();
        assertThat(recycled).as("same PID, other start time: not the owner any more").doesNotExist();
        assertThat(live.resolve("leftover")).exists();
        assertThat(elsewhere.resolve("leftover")).exists();
        assertThat(said).anyMatch(l -> l.contains("removed file " + dead.resolve("leftover")));
    }

    static Path run(Path runs, String name, String owner) throws Exception {
        Path d = Files.createDirectories(runs.resolve(name));
        Files.writeString(d.resolve("owner"), owner + "\n");
        Path leftover = Files.writeString(d.resolve("leftover"), "x");
        new RestoreJournal(d.resolve("restore-journal.jsonl"), new CommandRunner()).record(new JournalEntry.File(leftover));
        return d;
    }
}
