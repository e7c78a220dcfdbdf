package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quirklab.bmc.SensorRepository.Entry;
import io.quirklab.bmc.SensorRepository.Sensor;
import io.quirklab.bmc.SensorRepository.Thresholds;
import io.quirklab.ipmi.SensorRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SensorRepositoryTest {
    private final SensorRepository sdr = SensorRepository.smdcDefaults();

    @Test
    void recordLengthByteCountsTheBytesAfterTheHeader() {
        for (Entry e : sdr.entries()) {
            byte[] r = e.bytes();
            assertThat(u8(r, 4)).as("record %d", e.recordId()).isEqualTo(r.length - SensorRepository.HEADER_BYTES);
            assertThat(u8(r, 2)).isEqualTo(0x51);
            assertThat(u16(r, 0)).isEqualTo(e.recordId());
        }
    }

    @Test
    void recordsAreNumberedOneToSixAndChainedToFfff() {
        List<Entry> entries = sdr.entries();
        assertThat(entries).extracting(Entry::recordId).containsExactly(1, 2, 3, 4, 5, 6);
        for (int i = 0; i + 1 < entries.size(); i++) {
            assertThat(entries.get(i).nextRecordId()).isEqualTo(entries.get(i + 1).recordId());
        }
        assertThat(entries.get(entries.size() - 1).nextRecordId()).isEqualTo(0xFFFF);
        assertThat(sdr.recordCount()).isEqualTo(6);
    }

    @Test
    void recordIdZeroIsTheFirstAndFfffTheLast() {
        assertThat(sdr.entry(0x0000)).get().extracting(Entry::recordId).isEqualTo(1);
        assertThat(sdr.entry(0xFFFF)).get().extracting(Entry::recordId).isEqualTo(6);
        assertThat(sdr.entry(3)).get().extracting(Entry::recordId).isEqualTo(3);
        assertThat(sdr.entry(7)).isEmpty();
    }

    @Test
    void fullSensorRecordsAreThresholdSensorsOwnedByTheBmc() {
        for (Sensor s : sdr.sensors()) {
            byte[] r = sdr.entry(s.number()).orElseThrow().bytes();
            assertThat(u8(r, 3)).isEqualTo(0x01);
            assertThat(u8(r, 5)).as("owner").isEqualTo(0x20);
            assertThat(u8(r, 6)).as("LUN").isZero();
            assertThat(u8(r, 7)).as("sensor number").isEqualTo(s.number());
            assertThat(u8(r, 13)).as("event/reading type").isEqualTo(0x01);
            assertThat(u8(r, 11) >> 2 & 0x03).as("thresholds readable").isEqualTo(0x01);
            assertThat(u16(r, 14)).as("assertion events + lower reading mask")
                    .isEqualTo(s.thresholds().eventBits() | (s.thresholds().readableMask() & 0x07) << 12);
            assertThat(u16(r, 16)).as("deassertion events + upper reading mask")
                    .isEqualTo(s.thresholds().eventBits() | (s.thresholds().readableMask() >> 3) << 12);
            assertThat(u8(r, 18)).as("readable threshold mask").isEqualTo(s.thresholds().readableMask()).isNotZero();
            assertThat(u8(r, 20) >> 6).as("unsigned analog").isZero();
            assertThat(u8(r, 47)).as("ID type/length").isEqualTo(0xC0 | s.name().length());
            assertThat(new String(r, 48, r.length - 48, StandardCharsets.ISO_8859_1)).isEqualTo(s.name());
        }
    }

    @Test
    void sensorsAreTheFiveSmdcSensors() {
        assertThat(sdr.sensors()).extracting(Sensor::name)
                .containsExactly("CPU Temp", "System Temp", "CPU Fan", "12V", "3.3V");
        assertThat(sdr.sensors()).extracting(Sensor::entityId).containsExactly(0x03, 0x07, 0x1D, 0x07, 0x07);
        assertThat(sdr.sensors()).extracting(Sensor::unit).containsExactly(1, 1, 18, 4, 4);
    }

    @Test
    void conversionFromTheRecordBytesGivesTwelveVoltsForRaw200() {
        byte[] r = sdr.entry(4).orElseThrow().bytes();
        assertThat(u8(r, 21)).as("Volts").isEqualTo(4);
        assertThat(u8(r, 31)).as("nominal reading").isEqualTo(200);
        assertThat(convert(r, 200)).isCloseTo(12.00, within(1e-9));
    }

    @Test
    void fanAndThreeVoltConversions() {
        assertThat(convert(sdr.entry(3).orElseThrow().bytes(), 60)).isCloseTo(3000, within(1e-9));
        assertThat(convert(sdr.entry(5).orElseThrow().bytes(), 165)).isCloseTo(3.30, within(1e-9));
        assertThat(convert(sdr.entry(1).orElseThrow().bytes(), 45)).isCloseTo(45, within(1e-9));
    }

    @Test
    void theClientDecoderReadsTheSameRecords() {
        SensorRecord twelve = SensorRecord.decode(sdr.entry(4).orElseThrow().bytes());
        assertThat(twelve.name()).isEqualTo("12V");
        assertThat(twelve.sensorNumber()).isEqualTo(4);
        assertThat(twelve.isAnalogSensor()).isTrue();
        assertThat(twelve.convert(200)).isCloseTo(12.00, within(1e-9));
        SensorRecord mc = SensorRecord.decode(sdr.entry(6).orElseThrow().bytes());
        assertThat(mc.recordType()).isEqualTo(SensorRecord.MC_LOCATOR);
        assertThat(mc.name()).isEqualTo("SMDC BMC");
    }

    @Test
    void thresholdsInTheRecordMatchTheSensorAndAreOrdered() {
        for (Sensor s : sdr.sensors()) {
            byte[] r = sdr.entry(s.number()).orElseThrow().bytes();
            Thresholds t = s.thresholds();
            if (t.readable(Thresholds.UNC)) {
                assertThat(new int[] {u8(r, 36), u8(r, 37), u8(r, 38)}).containsExactly(t.unr(), t.uc(), t.unc());
                assertThat(s.normalMaxRaw()).isLessThan(t.unc());
                assertThat(t.unc()).isLessThan(t.uc());
                assertThat(t.uc()).isLessThan(t.unr());
            }
            if (t.readable(Thresholds.LNC)) {
                assertThat(new int[] {u8(r, 39), u8(r, 40), u8(r, 41)}).containsExactly(t.lnr(), t.lc(), t.lnc());
                assertThat(s.normalMinRaw()).isGreaterThan(t.lnc());
                assertThat(t.lnc()).isGreaterThan(t.lc());
                assertThat(t.lc()).isGreaterThan(t.lnr());
            }
        }
    }

    @Test
    void readingsWobbleButNeverCrossAThreshold() {
        for (Sensor s : sdr.sensors()) {
            Set<Integer> seen = new HashSet<>();
            for (long t = 1_700_000_000L; t < 1_700_000_000L + 600; t++) {
                SensorRepository.Reading r = sdr.reading(s.number(), t).orElseThrow();
                assertThat(r.status()).as("%s at %d", s.name(), t).isZero();
                assertThat(r.raw()).isBetween(s.nominalRaw() - 1, s.nominalRaw() + 1);
                seen.add(r.raw());
            }
            assertThat(seen).as(s.name()).hasSizeGreaterThan(1);
        }
        assertThat(sdr.reading(6, 0)).as("the MC locator is no sensor").isEmpty();
        assertThat(sdr.reading(0x99, 0)).isEmpty();
    }

    @Test
    void thresholdStatusSetsTheCrossedBits() {
        Thresholds t = Thresholds.both(170, 180, 190, 210, 220, 230);
        assertThat(t.status(200)).isZero();
        assertThat(t.status(190)).isEqualTo(Thresholds.LNC);
        assertThat(t.status(175)).isEqualTo(Thresholds.LNC | Thresholds.LC);
        assertThat(t.status(0)).isEqualTo(Thresholds.LNC | Thresholds.LC | Thresholds.LNR);
        assertThat(t.status(221)).isEqualTo(Thresholds.UNC | Thresholds.UC);
        assertThat(Thresholds.upper(70, 78, 85).status(0)).as("unreadable lower thresholds never trip").isZero();
    }

    @Test
    void mcLocatorDescribesTheBmc() {
        byte[] r = sdr.entry(6).orElseThrow().bytes();
        assertThat(u8(r, 3)).isEqualTo(0x12);
        assertThat(u8(r, 5)).as("slave address").isEqualTo(0x20);
        assertThat(u8(r, 8) & 0x0F).as("sensor, SDR, SEL, FRU device").isEqualTo(0x0F);
        assertThat(u8(r, 15)).isEqualTo(0xC0 | 8);
        assertThat(new String(r, 16, 8, StandardCharsets.ISO_8859_1)).isEqualTo("SMDC BMC");
        assertThat(r.length).isEqualTo(24);
    }

    @Test
    void aNewReservationCancelsTheOldOne() {
        assertThat(sdr.reservationValid(0)).isFalse();
        int first = sdr.reserve();
        assertThat(first).isNotZero();
        assertThat(sdr.reservationValid(first)).isTrue();
        int second = sdr.reserve();
        assertThat(second).isNotEqualTo(first);
        assertThat(sdr.reservationValid(first)).isFalse();
        assertThat(sdr.reservationValid(second)).isTrue();
        assertThat(SensorRepository.nextReservation(0xFFFF)).as("0 is never a reservation").isEqualTo(1);
    }

    @Test
    void idStringsLongerThanSixteenAreRefused() {
        assertThatThrownBy(() -> new Sensor(9, "A Very Long Sensor Name", 1, 7, 1, 1, 1, 0, 30, 29, 31,
                Thresholds.upper(50, 60, 70))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entryBytesCannotBeChangedFromOutside() {
        Entry e = sdr.entry(1).orElseThrow();
        e.bytes()[0] = 0x55;
        assertThat(e.bytes()[0]).isEqualTo((byte) 1);
    }

    /** y = (M x + B 10^Bexp) 10^Rexp with the factors taken from the record bytes (unsigned readings). */
    static double convert(byte[] r, int raw) {
        int m = tenBitSigned(u8(r, 24), u8(r, 25));
        int b = tenBitSigned(u8(r, 26), u8(r, 27));
        int rExp = fourBitSigned(u8(r, 29) >> 4);
        int bExp = fourBitSigned(u8(r, 29) & 0x0F);
        return (m * raw + b * Math.pow(10, bExp)) * Math.pow(10, rExp);
    }

    private static int tenBitSigned(int ls, int ms) {
        int v = ls | (ms >> 6) << 8;
        return v >= 0x200 ? v - 0x400 : v;
    }

    private static int fourBitSigned(int v) {
        return v >= 8 ? v - 16 : v;
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u16(byte[] b, int at) {
        return u8(b, at) | u8(b, at + 1) << 8;
    }
}
