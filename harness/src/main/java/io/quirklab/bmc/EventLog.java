package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The System Event Log of the simulated SMDC: standard 16-byte system event records (IPMI v2.0 section 32.1) from
 * the BMC itself. Thread-safe: every method locks the log.
 */
public final class EventLog {
    public static final int SEL_VERSION = 0x51;
    public static final int RECORD_BYTES = 16;
    public static final int SYSTEM_EVENT_RECORD = 0x02;
    /** Get SEL Entry record ID meaning "the first entry". */
    public static final int FIRST = 0x0000;
    /** Get SEL Entry record ID meaning "the last entry", and the next-ID of the last entry. */
    public static final int LAST = 0xFFFF;
    /** Timestamp value for "never" in Get SEL Info. */
    public static final int UNSPECIFIED_TIME = 0xFFFFFFFF;
    /** Entries the log holds; 8 KiB of SEL storage as on small BMCs of the time. */
    public static final int CAPACITY = 512;
    /** Generator ID of events the BMC logs itself: IPMB address 0x20, channel 0, LUN 0. */
    public static final int GENERATOR_BMC = 0x0020;
    /** Event message format revision for IPMI 1.5 and 2.0. */
    public static final int EVM_REV = 0x04;

    public static final int SENSOR_TYPE_TEMPERATURE = 0x01;
    public static final int SENSOR_TYPE_POWER_UNIT = 0x09;
    public static final int EVENT_TYPE_THRESHOLD = 0x01;
    public static final int EVENT_TYPE_SENSOR_SPECIFIC = 0x6F;
    /** Event direction bit of the event/reading type byte. */
    public static final int DEASSERTION = 0x80;
    /** Power Unit sensor the power events come from; it has no SDR, so clients print it by number. */
    static final int POWER_UNIT_SENSOR = 0x10;

    /**
     * One system event record.
     *
     * @param timestamp    seconds since 1970 (unsigned 32-bit on the wire)
     * @param eventDirType bit 7 deassertion, bits 6..0 event/reading type code
     * @param data1        event data 1 (for threshold events: 0x50 | offset means data 2 = reading, data 3 = threshold)
     */
    public record Event(int recordId, int timestamp, int sensorType, int sensorNumber, int eventDirType, int data1,
                        int data2, int data3) {
        public boolean deassertion() {
            return (eventDirType & DEASSERTION) != 0;
        }

        /** The 16 bytes Get SEL Entry returns. */
        public byte[] bytes() {
            return new ByteWriter().u16le(recordId).u8(SYSTEM_EVENT_RECORD).u32le(timestamp).u16le(GENERATOR_BMC)
                    .u8(EVM_REV).u8(sensorType).u8(sensorNumber).u8(eventDirType).u8(data1).u8(data2).u8(data3)
                    .toByteArray();
        }
    }

    /** An entry found by Get SEL Entry, with the ID of the one after it (0xFFFF after the last). */
    public record Lookup(Event event, int nextRecordId) {
    }

    private final Clock clock;
    private final List<Event> events = new ArrayList<>();
    private int nextId = 1;
    private int lastAddition = UNSPECIFIED_TIME;
    private int lastErase;
    private boolean overflow;
    private int reservation;
    /** Set SEL Time moves the SEL's clock by this many seconds against the BMC's. */
    private long offsetSeconds;

    private EventLog(Clock clock, int lastErase) {
        this.clock = clock;
        this.lastErase = lastErase;
    }

    /**
     * The SMDC's log as found in the lab: cleared five days ago, then a power-down, a CPU temperature excursion over
     * its upper non-critical threshold (70 C) and its recovery.
     */
    public static EventLog smdcDefaults(Clock clock) {
        int now = epochSeconds(clock);
        EventLog log = new EventLog(clock, now - days(5));
        // Power Unit, sensor-specific offset 0: power off / power down
        log.append(now - days(3), SENSOR_TYPE_POWER_UNIT, POWER_UNIT_SENSOR, EVENT_TYPE_SENSOR_SPECIFIC, 0x00, 0xFF, 0xFF);
        // CPU Temp upper non-critical going high (offset 7); data 2 = reading 72 C, data 3 = threshold 70 C
        log.append(now - days(2), SENSOR_TYPE_TEMPERATURE, 1, EVENT_TYPE_THRESHOLD, 0x57, 72, 70);
        log.append(now - days(2) + 12 * 60, SENSOR_TYPE_TEMPERATURE, 1, DEASSERTION | EVENT_TYPE_THRESHOLD, 0x57, 69, 70);
        return log;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }

    /** Looks an entry up by ID; 0x0000 is the first entry and 0xFFFF the last, as Get SEL Entry defines. */
    public synchronized Optional<Lookup> find(int recordId) {
        if (events.isEmpty()) {
            return Optional.empty();
        }
        int index = switch (recordId) {
            case FIRST -> 0;
            case LAST -> events.size() - 1;
            default -> indexOf(recordId);
        };
        if (index < 0) {
            return Optional.empty();
        }
        int next = index + 1 < events.size() ? events.get(index + 1).recordId() : LAST;
        return Optional.of(new Lookup(events.get(index), next));
    }

    /** Logs an event from the BMC stamped with the clock; a full log drops it and raises the overflow flag. */
    public synchronized Optional<Event> add(int sensorType, int sensorNumber, int eventDirType, int data1, int data2,
                                            int data3) {
        return append(now(), sensorType, sensorNumber, eventDirType, data1, data2, data3);
    }

    /** Logs an event that happened at {@code timestamp} (SEL time), e.g. a watchdog expiry noticed later. */
    public synchronized Optional<Event> addAt(int timestamp, int sensorType, int sensorNumber, int eventDirType,
                                              int data1, int data2, int data3) {
        return append(timestamp, sensorType, sensorNumber, eventDirType, data1, data2, data3);
    }

    /** The SEL's time now, as Get SEL Time answers it. */
    public synchronized int now() {
        return toSelTime(clock.millis());
    }

    /** A moment of the BMC's clock in SEL time. */
    public synchronized int toSelTime(long millis) {
        return (int) (millis / 1000 + offsetSeconds);
    }

    /** Set SEL Time: from now on the SEL's clock reads {@code seconds} and counts on from there. */
    public synchronized void setTime(int seconds) {
        offsetSeconds = (seconds & 0xFFFFFFFFL) - clock.millis() / 1000;
    }

    /** Clear SEL: every entry goes, the erase is stamped; the reservation stays valid for the erasure status polls. */
    public synchronized void clear() {
        events.clear();
        overflow = false;
        lastErase = now();
    }

    /** A BMC reset cancels the reservation. */
    public synchronized void cancelReservation() {
        reservation = 0;
    }

    private synchronized Optional<Event> append(int timestamp, int sensorType, int sensorNumber, int eventDirType,
                                                int data1, int data2, int data3) {
        if (events.size() >= CAPACITY) {
            overflow = true;
            return Optional.empty();
        }
        Event e = new Event(nextId, timestamp, sensorType & 0xFF, sensorNumber & 0xFF, eventDirType & 0xFF,
                data1 & 0xFF, data2 & 0xFF, data3 & 0xFF);
        // IDs 0x0000 and 0xFFFF mean first/last in Get SEL Entry, so they are never handed out
        nextId = nextId + 1 >= LAST ? 1 : nextId + 1;
        events.add(e);
        lastAddition = timestamp;
        return Optional.of(e);
    }

    public synchronized int freeBytes() {
        return (CAPACITY - events.size()) * RECORD_BYTES;
    }

    public synchronized int lastAdditionSeconds() {
        return lastAddition;
    }

    public synchronized int lastEraseSeconds() {
        return lastErase;
    }

    public synchronized boolean overflow() {
        return overflow;
    }

    /** Reserve SEL: a new non-zero ID that cancels the previous one. */
    public synchronized int reserve() {
        reservation = SensorRepository.nextReservation(reservation);
        return reservation;
    }

    /** True only for the most recent reservation. */
    public synchronized boolean reservationValid(int id) {
        return id != 0 && id == reservation;
    }

    private int indexOf(int recordId) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).recordId() == recordId) {
                return i;
            }
        }
        return -1;
    }

    private static int epochSeconds(Clock clock) {
        return (int) (clock.millis() / 1000);
    }

    private static int days(int n) {
        return (int) Duration.ofDays(n).toSeconds();
    }
}
