package io.quirklab.bmc;

import static io.quirklab.bmc.SensorRepositoryTest.u16;
import static io.quirklab.bmc.SensorRepositoryTest.u8;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.EventLog.Event;
import io.quirklab.bmc.EventLog.Lookup;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:03Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final EventLog sel = EventLog.smdcDefaults(clock);

    @Test
    void holdsThreeStandardSystemEventRecordsFromTheBmc() {
        assertThat(sel.size()).isEqualTo(3);
        for (Event e : sel.events()) {
            byte[] b = e.bytes();
            assertThat(b).hasSize(16);
            assertThat(u16(b, 0)).isEqualTo(e.recordId());
            assertThat(u8(b, 2)).as("record type").isEqualTo(0x02);
            assertThat(u8(b, 7)).as("generator: IPMB 0x20").isEqualTo(0x20);
            assertThat(u8(b, 8)).as("channel 0 LUN 0").isZero();
            assertThat(u8(b, 9)).as("EvM rev").isEqualTo(0x04);
        }
        assertThat(sel.events()).extracting(Event::recordId).containsExactly(1, 2, 3);
    }

    @Test
    void timestampsAreInThePastAndInOrder() {
        long now = NOW.getEpochSecond();
        List<Event> events = sel.events();
        long previous = sel.lastEraseSeconds();
        for (Event e : events) {
            long ts = u16(e.bytes(), 3) | (long) u16(e.bytes(), 5) << 16;
            assertThat(ts).isEqualTo(e.timestamp()).isLessThan(now).isGreaterThan(previous);
            previous = ts;
        }
        assertThat(sel.lastAdditionSeconds()).isEqualTo(events.get(2).timestamp());
    }

    @Test
    void theFirstEventIsAPowerUnitEvent() {
        Event power = sel.events().get(0);
        assertThat(power.sensorType()).isEqualTo(EventLog.SENSOR_TYPE_POWER_UNIT);
        assertThat(power.eventDirType()).isEqualTo(0x6F);
        assertThat(power.data1() & 0x0F).as("offset 0: power off / power down").isZero();
    }

    @Test
    void cpuTempGoesOverItsUpperNonCriticalThresholdAndBack() {
        Event high = sel.events().get(1);
        Event back = sel.events().get(2);
        SensorRepository.Sensor cpu = SensorRepository.smdcDefaults().sensor(1).orElseThrow();
        assertThat(cpu.name()).isEqualTo("CPU Temp");
        assertThat(high.sensorType()).isEqualTo(0x01);
        assertThat(high.sensorNumber()).isEqualTo(1);
        assertThat(high.eventDirType()).as("assertion, threshold").isEqualTo(0x01);
        assertThat(high.data1() & 0x0F).as("upper non-critical going high").isEqualTo(0x07);
        assertThat(high.data1() >> 4).as("data 2 = reading, data 3 = threshold").isEqualTo(0x05);
        assertThat(high.data3()).isEqualTo(cpu.thresholds().unc());
        assertThat(high.data2()).isGreaterThan(high.data3());
        assertThat(back.deassertion()).isTrue();
        assertThat(back.sensorNumber()).isEqualTo(1);
        assertThat(back.data1()).isEqualTo(high.data1());
    }

    @Test
    void lookupFollowsTheChainAndKnowsFirstAndLast() {
        assertThat(sel.find(0x0000)).get().extracting(l -> l.event().recordId()).isEqualTo(1);
        assertThat(sel.find(0xFFFF)).get().extracting(l -> l.event().recordId()).isEqualTo(3);
        List<Integer> walked = new ArrayList<>();
        int id = EventLog.FIRST;
        while (id != EventLog.LAST) {
            Lookup l = sel.find(id).orElseThrow();
            walked.add(l.event().recordId());
            id = l.nextRecordId();
        }
        assertThat(walked).containsExactly(1, 2, 3);
        assertThat(sel.find(42)).isEmpty();
    }

    @Test
    void addStampsWithTheClockAndAppends() {
        Event e = sel.add(0x01, 2, 0x01, 0x57, 56, 55).orElseThrow();
        assertThat(e.recordId()).isEqualTo(4);
        assertThat(e.timestamp()).isEqualTo((int) NOW.getEpochSecond());
        assertThat(sel.find(3)).get().extracting(Lookup::nextRecordId).isEqualTo(4);
        assertThat(sel.lastAdditionSeconds()).isEqualTo((int) NOW.getEpochSecond());
        assertThat(sel.freeBytes()).isEqualTo((EventLog.CAPACITY - 4) * 16);
    }

    @Test
    void aFullLogDropsEventsAndRaisesOverflow() {
        while (sel.size() < EventLog.CAPACITY) {
            sel.add(0x01, 1, 0x01, 0x57, 72, 70);
        }
        assertThat(sel.overflow()).isFalse();
        assertThat(sel.freeBytes()).isZero();
        assertThat(sel.add(0x01, 1, 0x01, 0x57, 72, 70)).isEmpty();
        assertThat(sel.overflow()).isTrue();
        assertThat(sel.size()).isEqualTo(EventLog.CAPACITY);
    }

    @Test
    void concurrentAddsGetDistinctIds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        sel.add(0x01, 2, 0x01, 0x57, 56, 55);
                        sel.find(EventLog.LAST);
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Integer> ids = new HashSet<>();
        sel.events().forEach(e -> ids.add(e.recordId()));
        assertThat(ids).hasSize(3 + 200);
    }

    @Test
    void aNewReservationCancelsTheOldOne() {
        int first = sel.reserve();
        int second = sel.reserve();
        assertThat(first).isNotZero();
        assertThat(second).isNotEqualTo(first).isNotZero();
        assertThat(sel.reservationValid(first)).isFalse();
        assertThat(sel.reservationValid(second)).isTrue();
        assertThat(sel.reservationValid(0)).isFalse();
    }
}
