package io.quirklab.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongRunningTest {
    @Test
    void isToldToItsJournalAtOnceLogsAppendedAndEndsPolitely(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("x.log"), "before\n");
        AtomicReference<ProcessHandle> journaled = new AtomicReference<>();
        // it says so when SIGTERM comes, which tells a polite end from a kill
        LongRunning p = LongRunning.start(List.of("bash", "-c", "trap 'echo term; exit 0' TERM; echo up; while :; do sleep 0.05; done"),
                LongRunning.Output.LOG, log, false, journaled::set);
        try {
            assertThat(journaled.get().pid()).isEqualTo(p.pid());
            assertThat(p.owner().pid()).isEqualTo(p.pid());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.readString(log).contains("up") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(p.alive()).isTrue();
        } finally {
            assertThat(p.stop(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(p.alive()).isFalse();
        assertThat(Files.readString(log)).startsWith("before\n").contains("up\n").contains("term");
    }

    @Test
    void aPipedOneIsReadByTheCallerAndItsStdinIsAPipeOnlyWhenAsked(@TempDir Path dir) throws Exception {
        try (LongRunning cat = LongRunning.start(List.of("cat"), LongRunning.Output.PIPE, null, true, h -> { })) {
            cat.process().getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            cat.process().getOutputStream().close();
            assertThat(new String(cat.process().getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        }
        // without a pipe its input is /dev/null: cat ends at once with nothing to say
        try (LongRunning cat = LongRunning.start(List.of("cat"), LongRunning.Output.PIPE, null, false, h -> { })) {
            assertThat(cat.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(cat.process().getInputStream().readAllBytes()).isEmpty();
        }
    }
}
