package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.Reason;
import io.quirklab.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Windows cells in parallel: one real-time PktMon console read for the whole run on a fake clock, two cells of
 * different personas open at the same time, and each told only its own drops.
 */
class PktmonDropStreamTest {
    private static final String A = "198.18.0.10";
    private static final String B = "198.18.0.11";
    /** The console prints a line this long after the time it prints. */
    private static final Duration CONSOLE = Duration.ofMillis(30);

    /** Local time of day and a monotonic clock on another epoch, both moved by the test. */
    private static final class FakeClock implements PktmonDropStream.Clock {
        static final long EPOCH = 7_000_000_000_000L;
        long nanosOfDay;

        @Override
        public long monoNanos() {
            return EPOCH + nanosOfDay;
        }

        @Override
        public long nanosOfDay() {
            return nanosOfDay;
        }

        void set(String time) {
            nanosOfDay = LocalTime.parse(time).toNanoOfDay();
        }

        static long mono(String time) {
            return EPOCH + LocalTime.parse(time).toNanoOfDay();
        }
    }

    /** A cell's window on the monotonic clock. */
    private record Cell(String persona, long open, long close) {
        List<FlowDrops.Drop> drops(FlowDrops s) {
            return s.drops(persona, null, Set.of(), open, close);
        }
    }

    /** Feeds the console's lines up to (not including) the first printed at or after {@code until}, the clock following them. */
    private static int feed(PktmonDropStream s, FakeClock clock, List<String> lines, int from, String until) {
        int i = from;
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() > 18 && Character.isDigit(line.charAt(0)) && line.charAt(2) == ':') {
                String printed = line.substring(0, 18);
                if (until != null && printed.compareTo(until) >= 0) {
                    break;
                }
                long shown = LocalTime.parse(printed).toNanoOfDay() + CONSOLE.toNanos();
                clock.nanosOfDay = Math.max(clock.nanosOfDay, shown);
            }
            s.accept(line);
        }
        return i;
    }

    @Test
    void cellsOfTwoPersonasOverlapAndEachGetsItsOwnDrops() {
        List<String> lines = List.of(new String(TestData.bytes("pktmon-realtime-lab/two-personas.txt"), StandardCharsets.UTF_8)
                .split("\\R"));
        FakeClock clock = new FakeClock();
        PktmonDropStream s = PktmonDropStream.reading(clock);
        Cell a = new Cell(A, FakeClock.mono("10:15:04.000"), FakeClock.mono("10:15:04.500"));
        Cell b = new Cell(B, FakeClock.mono("10:15:04.050"), FakeClock.mono("10:15:04.700"));
        assertThat(a.open()).isLessThan(b.close());
        assertThat(b.open()).isLessThan(a.close());

        int at = feed(s, clock, lines, 0, "10:15:04.800");
        // A's window has closed; nothing printed after it yet and less than PktMon's delivery time since: not caught up
        assertThat(s.awaitUpTo(a.close(), Duration.ZERO)).isFalse();
        clock.nanosOfDay = LocalTime.parse("10:15:04.500").plus(PktmonDropStream.DELIVERY).toNanoOfDay() + 1;
        assertThat(s.awaitUpTo(a.close(), Duration.ZERO)).isTrue();
        assertThat(s.awaitUpTo(b.close(), Duration.ZERO)).isFalse();

        clock.set("10:15:05.600"); // the last drop reaches the console late: its printed time still places it
        feed(s, clock, lines, at, null);
        s.finish();
        assertThat(s.awaitUpTo(b.close(), Duration.ZERO)).isTrue();

        assertThat(a.drops(s)).extracting(d -> d.packet().toString())
                .containsExactly("198.18.0.10.623 > 198.18.0.1.50123", "198.18.0.10.623 > 198.18.0.1.50123");
        assertThat(a.drops(s)).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM.token());
            assertThat(d.detail()).isEqualTo("INET: checksum is invalid");
            assertThat(d.component()).isEqualTo("49");
        });
        assertThat(a.drops(s)).extracting(FlowDrops.Drop::monoNanos)
                .containsExactly(FakeClock.mono("10:15:04.1001004"), FakeClock.mono("10:15:04.3001004"));
        // B's first drop has no packet line: its flow is its PktGroupId's, from the packet event before it
        assertThat(b.drops(s)).extracting(d -> d.packet().toString())
                .containsExactly("198.18.0.11.623 > 198.18.0.1.50200", "198.18.0.11.623 > 198.18.0.1.50200");
        assertThat(b.drops(s)).allSatisfy(d -> assertThat(d.reason()).isEqualTo(Reason.NO_PORT.token()));
        // the drops of A's persona before and after its window are other cells'
        assertThat(s.drops(A, null, Set.of(), Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(4);
        assertThat(s.drops(A, null, Set.of(50123), a.open(), a.close())).hasSize(2);
        assertThat(s.drops(A, null, Set.of(50124), a.open(), a.close())).isEmpty();
        // a drop of a flow outside the lab is read but no cell's; one without any flow is only counted
        assertThat(s.count()).isEqualTo(7);
        assertThat(s.drops("192.168.5.88", null, Set.of(), a.open(), b.close())).hasSize(1);
        assertThat(s.withoutFlow()).isEqualTo(1);
        assertThat(s.source()).isEqualTo(OsReport.PKTMON);
    }

    @Test
    void aTimeJustBeforeMidnightIsAMomentAgoAfterIt() {
        FakeClock clock = new FakeClock();
        clock.set("00:00:00.100");
        PktmonDropStream s = PktmonDropStream.reading(clock);
        s.accept("23:59:59.900000000 Drop: PktGroupId 1, PktNumber 1, Appearance 0, Direction Rx , Type IP , Component 49, Filter 1, "
                + "DropReason INET: checksum is invalid , DropLocation 0xE0004612, OriginalSize 76, LoggedSize 76");
        s.accept("        Drop: ip: 198.18.0.10.623 > 198.18.0.1.50123: UDP, length 48");
        assertThat(s.drops(A, null, Set.of(), Long.MIN_VALUE, Long.MAX_VALUE)).singleElement()
                .extracting(FlowDrops.Drop::monoNanos).isEqualTo(clock.monoNanos() - Duration.ofMillis(200).toNanos());
    }

    @Test
    void aClosedStreamEndsItsWaiters() throws InterruptedException {
        PktmonDropStream s = PktmonDropStream.reading(new FakeClock());
        s.close();
        assertThat(s.ended()).isEqualTo("closed");
        assertThat(s.awaitMore(0, Duration.ofSeconds(5))).isZero();
        assertThat(s.awaitUpTo(FakeClock.mono("10:00:00"), Duration.ofSeconds(5))).isFalse();
    }
}
