package io.quirklab.responder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The responder's log stays under twice its cap however much is logged, and keeps the newest lines. */
class RotatingLogTest {
    @Test
    void aFloodOfLinesStaysUnderTwiceTheCap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("responder.log");
        long cap = 64 << 10;
        try (RotatingLog log = new RotatingLog(file, cap)) {
            for (int i = 0; i < 50_000; i++) {
                log.accept("error handling a frame " + i + " " + "x".repeat(i % 7 == 0 ? 9000 : 60));
            }
            assertThat(log.rotations()).isGreaterThan(10);
        }
        assertThat(Files.size(file)).isLessThanOrEqualTo(cap);
        assertThat(Files.size(RotatingLog.rotated(file))).isLessThanOrEqualTo(cap);
        assertThat(Files.readString(file)).contains("error handling a frame 49999 ");
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(2);
        }
    }
}
