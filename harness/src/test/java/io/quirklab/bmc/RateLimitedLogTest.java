package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 16: the smdc log stays bounded by time, not by the number of datagrams. */
class RateLimitedLogTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2005-06-01T12:00:00Z"));

    @Test
    void aFloodAddsItsRateAndOneSummaryLineASecond() {
        List<String> lines = new ArrayList<>();
        RateLimitedLog log = new RateLimitedLog(lines::add, 50, clock);
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 50_000; i++) {
                int n = i;
                log.accept(() -> "exchange " + n);
            }
            clock.advance(Duration.ofSeconds(1));
        }
        log.flush();

        assertThat(lines).hasSize(10 * 50 + 10);
        assertThat(lines).filteredOn(l -> l.startsWith("...")).hasSize(10)
                .first().asString().startsWith("... 49,950 more exchanges in");
        assertThat(log.suppressed()).isZero();
    }

    @Test
    void suppressedLinesAreNeverBuilt() {
        List<String> lines = new ArrayList<>();
        RateLimitedLog log = new RateLimitedLog(lines::add, 2, clock);
        int[] built = {0};
        for (int i = 0; i < 1000; i++) {
            log.accept(() -> "line " + built[0]++);
        }
        assertThat(built[0]).isEqualTo(2);
        assertThat(log.suppressed()).isEqualTo(998);
    }

    @Test
    void aQuietServerLogsEveryExchange() {
        List<String> lines = new ArrayList<>();
        RateLimitedLog log = new RateLimitedLog(lines::add, 50, clock);
        for (int i = 0; i < 200; i++) {
            log.accept("exchange " + i);
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(lines).hasSize(200).doesNotContain("...");
    }
}
