package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SDR repository of the simulated SMDC: five threshold-based analog sensors as Full Sensor Records (IPMI v2.0
 * table 43-1) and a Management Controller Device Locator record (table 43-7) for the BMC itself, plus the live
 * readings behind them. Immutable apart from the reservation, which is atomic.
 */
public final class SensorRepository {
    public static final int SDR_VERSION = 0x51;
    public static final int FULL_SENSOR = 0x01;
    public static final int MC_LOCATOR = 0x12;
    /** Get SDR record ID meaning "the first record". */
    public static final int FIRST = 0x0000;
    /** Get SDR record ID meaning "the last record", and the next-ID of the last record. */
    public static final int LAST = 0xFFFF;
    public static final int HEADER_BYTES = 5;
    /** IPMB slave address (8-bit form) of the BMC; owner of every sensor. */
    public static final int BMC_ADDRESS = 0x20;
    /** When the factory loaded the SDRs; fixed so FreeIPMI's SDR cache stays valid across runs. */
    public static final int LOADED_AT = (int) Instant.parse("2005-01-20T08:00:00Z").getEpochSecond();

    static final int SENSOR_TYPE_TEMPERATURE = 0x01;
    static final int SENSOR_TYPE_VOLTAGE = 0x02;
    static final int SENSOR_TYPE_FAN = 0x04;
    static final int UNIT_DEGREES_C = 1;
    static final int UNIT_VOLTS = 4;
    static final int UNIT_RPM = 18;
    private static final int EVENT_READING_THRESHOLD = 0x01;
    /** Said free in Get SDR Repository Info; nothing can be added (no Add SDR command), it only has to look real. */
    private static final int FREE_BYTES = 0x0400;
    private static final int MAX_ID_STRING = 16;

    /**
     * Raw threshold values of one sensor and which of them exist.
     *
     * @param readableMask bit 0 LNC, 1 LC, 2 LNR, 3 UNC, 4 UC, 5 UNR (the layout of Get Sensor Thresholds byte 2)
     */
    public record Thresholds(int readableMask, int lnc, int lc, int lnr, int unc, int uc, int unr) {
        public static final int LNC = 0x01;
        public static final int LC = 0x02;
        public static final int LNR = 0x04;
        public static final int UNC = 0x08;
        public static final int UC = 0x10;
        public static final int UNR = 0x20;

        public static Thresholds upper(int unc, int uc, int unr) {
            return new Thresholds(UNC | UC | UNR, 0, 0, 0, unc, uc, unr);
        }

        public static Thresholds lower(int lnc, int lc, int lnr) {
            return new Thresholds(LNC | LC | LNR, lnc, lc, lnr, 0, 0, 0);
        }

        public static Thresholds both(int lnr, int lc, int lnc, int unc, int uc, int unr) {
            return new Thresholds(0x3F, lnc, lc, lnr, unc, uc, unr);
        }

        public boolean readable(int bit) {
            return (readableMask & bit) != 0;
        }

        /**
         * Assertion (and deassertion) event bits 0..11 the sensor supports: going-low events for readable lower
         * thresholds, going-high for upper ones. Also what Get Sensor Event Enable reports as enabled.
         */
        public int eventBits() {
            int bits = 0;
            bits |= readable(LNC) ? 1 : 0;
            bits |= readable(LC) ? 1 << 2 : 0;
            bits |= readable(LNR) ? 1 << 4 : 0;
            bits |= readable(UNC) ? 1 << 7 : 0;
            bits |= readable(UC) ? 1 << 9 : 0;
            bits |= readable(UNR) ? 1 << 11 : 0;
            return bits;
        }

        /** Threshold comparison status (Get Sensor Reading byte 4, bits 5..0) of a raw reading. */
        public int status(int raw) {
            int s = 0;
            s |= readable(LNC) && raw <= lnc ? LNC : 0;
            s |= readable(LC) && raw <= lc ? LC : 0;
            s |= readable(LNR) && raw <= lnr ? LNR : 0;
            s |= readable(UNC) && raw >= unc ? UNC : 0;
            s |= readable(UC) && raw >= uc ? UC : 0;
            s |= readable(UNR) && raw >= unr ? UNR : 0;
            return s;
        }
    }

    /**
     * One linear, unsigned analog sensor: value = M * raw * 10^rExp (B = 0).
     *
     * @param number       sensor number (also its record ID)
     * @param name         ID string, at most 16 characters
     * @param sensorType   0x01 temperature, 0x02 voltage, 0x04 fan
     * @param entityId     entity the sensor measures (0x03 processor, 0x07 system board, 0x1D fan)
     * @param unit         base unit code (1 degrees C, 4 Volts, 18 RPM)
     * @param nominalRaw   the reading when nothing wobbles
     * @param normalMinRaw lowest raw reading the simulation ever reports
     * @param normalMaxRaw highest raw reading the simulation ever reports
     */
    public record Sensor(int number, String name, int sensorType, int entityId, int entityInstance, int unit, int m,
                         int rExp, int nominalRaw, int normalMinRaw, int normalMaxRaw, Thresholds thresholds) {
        public Sensor {
            if (name.isEmpty() || name.length() > MAX_ID_STRING) {
                throw new IllegalArgumentException("SDR ID string must be 1..16 characters: '" + name + "'");
            }
            if (!(normalMinRaw <= nominalRaw && nominalRaw <= normalMaxRaw)) {
                throw new IllegalArgumentException(name + ": nominal reading outside its normal range");
            }
            if (thresholds.status(normalMinRaw) != 0 || thresholds.status(normalMaxRaw) != 0) {
                throw new IllegalArgumentException(name + ": normal range crosses a threshold");
            }
        }

        public double toUnits(int raw) {
            return m * raw * Math.pow(10, rExp);
        }
    }

    /** A Get Sensor Reading answer: raw value and threshold comparison status bits. */
    public record Reading(int raw, int status) {
    }

    /**
     * One stored SDR record.
     *
     * @param bytes the whole record, 5-byte header included
     */
    public record Entry(int recordId, int nextRecordId, byte[] bytes) {
        public Entry {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int recordType() {
            return bytes[3] & 0xFF;
        }

        public int length() {
            return bytes.length;
        }
    }

    private final List<Sensor> sensors;
    private final List<Entry> entries;
    private final AtomicInteger reservation = new AtomicInteger();

    private SensorRepository(List<Sensor> sensors, String controllerName) {
        this.sensors = List.copyOf(sensors);
        List<byte[]> records = new ArrayList<>();
        for (Sensor s : sensors) {
            records.add(fullSensorRecord(s.number(), s));
        }
        records.add(mcLocatorRecord(sensors.size() + 1, BMC_ADDRESS, controllerName));
        List<Entry> chained = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            int next = i + 1 < records.size() ? recordId(records.get(i + 1)) : LAST;
            chained.add(new Entry(recordId(records.get(i)), next, records.get(i)));
        }
        this.entries = List.copyOf(chained);
    }

    /** The SMDC M3289 on a Thunder K8S Pro: CPU and board temperature, CPU fan, 12 V and 3.3 V rails. */
    public static SensorRepository smdcDefaults() {
        return new SensorRepository(List.of(
                new Sensor(1, "CPU Temp", SENSOR_TYPE_TEMPERATURE, 0x03, 1, UNIT_DEGREES_C, 1, 0, 45, 40, 50,
                        Thresholds.upper(70, 78, 85)),
                new Sensor(2, "System Temp", SENSOR_TYPE_TEMPERATURE, 0x07, 1, UNIT_DEGREES_C, 1, 0, 32, 28, 36,
                        Thresholds.upper(55, 60, 65)),
                new Sensor(3, "CPU Fan", SENSOR_TYPE_FAN, 0x1D, 1, UNIT_RPM, 50, 0, 60, 56, 64,
                        Thresholds.lower(20, 15, 10)),
                new Sensor(4, "12V", SENSOR_TYPE_VOLTAGE, 0x07, 1, UNIT_VOLTS, 6, -2, 200, 197, 203,
                        Thresholds.both(170, 180, 190, 210, 220, 230)),
                new Sensor(5, "3.3V", SENSOR_TYPE_VOLTAGE, 0x07, 1, UNIT_VOLTS, 2, -2, 165, 162, 168,
                        Thresholds.both(140, 149, 157, 173, 181, 190))),
                "SMDC BMC");
    }

    public List<Sensor> sensors() {
        return sensors;
    }

    /** All records in repository order (record IDs 1..n). */
    public List<Entry> entries() {
        return entries;
    }

    public int recordCount() {
        return entries.size();
    }

    /** Looks a record up by ID; 0x0000 is the first record and 0xFFFF the last, as Get SDR defines. */
    public Optional<Entry> entry(int recordId) {
        if (recordId == FIRST) {
            return Optional.of(entries.get(0));
        }
        if (recordId == LAST) {
            return Optional.of(entries.get(entries.size() - 1));
        }
        return entries.stream().filter(e -> e.recordId() == recordId).findFirst();
    }

    public Optional<Sensor> sensor(int number) {
        return sensors.stream().filter(s -> s.number() == number).findFirst();
    }

    /** The sensor's reading at a moment: nominal, wobbling by a raw count, never leaving the normal range. */
    public Optional<Reading> reading(int number, long epochSeconds) {
        return sensor(number).map(s -> {
            int raw = Math.max(s.normalMinRaw(), Math.min(s.normalMaxRaw(), s.nominalRaw() + wobble(number, epochSeconds)));
            return new Reading(raw, s.thresholds().status(raw));
        });
    }

    /** -1, 0 or +1, changing every few seconds and differently per sensor, so repeated reads look alive. */
    static int wobble(int number, long epochSeconds) {
        return switch ((int) Math.floorMod(epochSeconds / 7 + number * 3L, 4L)) {
            case 1 -> 1;
            case 3 -> -1;
            default -> 0;
        };
    }

    public int freeBytes() {
        return FREE_BYTES;
    }

    public int lastAdditionSeconds() {
        return LOADED_AT;
    }

    /** The factory cleared the repository just before loading it. */
    public int lastEraseSeconds() {
        return LOADED_AT - 60;
    }

    /** Reserve SDR Repository: a new non-zero ID that cancels the previous one. */
    public int reserve() {
        return reservation.updateAndGet(SensorRepository::nextReservation);
    }

    /** True only for the most recent reservation. */
    public boolean reservationValid(int id) {
        return id != 0 && id == reservation.get();
    }

    static int nextReservation(int current) {
        int next = (current + 1) & 0xFFFF;
        return next == 0 ? 1 : next;
    }

    /** Full Sensor Record (type 0x01) for a threshold-based sensor owned by the BMC at LUN 0. */
    static byte[] fullSensorRecord(int recordId, Sensor s) {
        Thresholds t = s.thresholds();
        int events = t.eventBits();
        byte[] id = idString(s.name());
        ByteWriter body = new ByteWriter()
                .u8(BMC_ADDRESS).u8(0x00).u8(s.number())
                .u8(s.entityId()).u8(s.entityInstance() & 0x7F)
                // init scanning + events, event generation and scanning enabled by default
                .u8(0x63)
                // auto re-arm, no hysteresis, thresholds readable per mask, per-threshold event control
                .u8(0x44)
                .u8(s.sensorType()).u8(EVENT_READING_THRESHOLD)
                .u16le(events | lowerReadingMask(t) << 12)
                .u16le(events | upperReadingMask(t) << 12)
                .u8(t.readableMask()).u8(0x00)
                // unsigned, no rate or modifier unit; base unit; no modifier; linear
                .u8(0x00).u8(s.unit()).u8(0x00).u8(0x00)
                .u8(s.m() & 0xFF).u8((s.m() >> 8 & 0x03) << 6)
                .u8(0x00).u8(0x00)
                .u8(0x00)
                .u8((s.rExp() & 0x0F) << 4)
                // nominal, normal maximum and normal minimum given
                .u8(0x07).u8(s.nominalRaw()).u8(s.normalMaxRaw()).u8(s.normalMinRaw())
                .u8(0xFF).u8(0x00)
                .u8(t.unr()).u8(t.uc()).u8(t.unc()).u8(t.lnr()).u8(t.lc()).u8(t.lnc())
                .u8(0x00).u8(0x00)
                .u16le(0x0000).u8(0x00)
                .u8(0xC0 | id.length).bytes(id);
        return withHeader(recordId, FULL_SENSOR, body.toByteArray());
    }

    /** Management Controller Device Locator (type 0x12): the BMC on channel 0 with its device capabilities. */
    static byte[] mcLocatorRecord(int recordId, int address, String name) {
        byte[] id = idString(name);
        ByteWriter body = new ByteWriter()
                .u8(address).u8(0x00)
                .u8(0x00)
                // chassis device, FRU inventory, SEL, SDR repository, sensor device (as Get Device ID says)
                .u8(0x8F)
                .u8(0x00).u8(0x00).u8(0x00)
                // entity: system management module, instance 1
                .u8(0x06).u8(0x01)
                .u8(0x00)
                .u8(0xC0 | id.length).bytes(id);
        return withHeader(recordId, MC_LOCATOR, body.toByteArray());
    }

    private static byte[] withHeader(int recordId, int type, byte[] body) {
        return new ByteWriter().u16le(recordId).u8(SDR_VERSION).u8(type).u8(body.length).bytes(body).toByteArray();
    }

    private static int recordId(byte[] record) {
        return (record[0] & 0xFF) | (record[1] & 0xFF) << 8;
    }

    private static byte[] idString(String name) {
        if (name.isEmpty() || name.length() > MAX_ID_STRING) {
            throw new IllegalArgumentException("SDR ID string must be 1..16 characters: '" + name + "'");
        }
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Bits 12..14 of the assertion mask: which lower thresholds Get Sensor Reading compares (LNC, LC, LNR). */
    private static int lowerReadingMask(Thresholds t) {
        return t.readableMask() & 0x07;
    }

    /** Bits 12..14 of the deassertion mask: which upper thresholds are compared (UNC, UC, UNR). */
    private static int upperReadingMask(Thresholds t) {
        return t.readableMask() >> 3 & 0x07;
    }
}
