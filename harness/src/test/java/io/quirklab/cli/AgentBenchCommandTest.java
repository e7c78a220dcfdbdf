package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small, bounded version of the agent's memory benchmark: the journal ring stays at its bound, the rest evicted. */
class AgentBenchCommandTest {
    @Test
    void theJournalRingStaysAtItsBoundThroughTheRun() {
        StringWriter out = new StringWriter();
        var cl = QuirklabCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        int rc = cl.execute("agent-bench", "--exchanges", "20000", "--seconds", "60", "--journal-entries", "1000");
        assertThat(rc).as(out.toString()).isZero();
        List<String> rows = out.toString().lines().filter(l -> l.matches("\\s*[0-9,]+\\s+[-0-9.]+\\s+.*")).toList();
        String[] last = rows.get(rows.size() - 1).trim().split("\\s+");
        assertThat(last[0].replace(",", "")).isEqualTo("20000");
        // every exchange is a request and a reply in the journal: 40000 entries, 1000 kept
        assertThat(last[3].replace(",", "")).isEqualTo("1000");
        assertThat(last[4].replace(",", "")).isEqualTo("39000");
        assertThat(out.toString()).contains("20,000 exchanges in");
    }
}
