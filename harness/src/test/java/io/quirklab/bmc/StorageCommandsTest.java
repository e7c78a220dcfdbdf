package io.quirklab.bmc;

import static io.quirklab.bmc.SensorRepositoryTest.u16;
import static io.quirklab.bmc.SensorRepositoryTest.u8;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.Privilege;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageCommandsTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:03Z");
    /** Every command StorageCommands registers, as {netFn, cmd}. */
    private static final int[][] COMMANDS = {{NetFn.STORAGE, Cmd.GET_FRU_INVENTORY_AREA_INFO},
            {NetFn.STORAGE, Cmd.READ_FRU_DATA}, {NetFn.STORAGE, Cmd.GET_SDR_REPOSITORY_INFO},
            {NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY}, {NetFn.STORAGE, Cmd.GET_SDR}, {NetFn.STORAGE, Cmd.GET_SEL_INFO},
            {NetFn.STORAGE, Cmd.RESERVE_SEL}, {NetFn.STORAGE, Cmd.GET_SEL_ENTRY}, {NetFn.STORAGE, Cmd.GET_SEL_TIME},
            {NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING}, {NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_THRESHOLDS},
            {NetFn.SENSOR_EVENT, StorageCommands.GET_SENSOR_EVENT_ENABLE}};
    private final BmcModel model = new BmcModel(BmcIdentity.tyanSmdc(), Clock.fixed(NOW, ZoneOffset.UTC));
    private final CommandContext ctx = new CommandContext(model, null, Privilege.ADMINISTRATOR, null);
    private final CommandTable table = new CommandTable();

    StorageCommandsTest() {
        StorageCommands.register(table);
    }

    private Reply call(int netFn, int cmd, int... data) {
        byte[] d = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            d[i] = (byte) data[i];
        }
        return table.lookup(netFn, cmd).orElseThrow().handler().handle(ctx, d);
    }

    private Reply getSdr(int reservation, int recordId, int offset, int count) {
        return call(NetFn.STORAGE, Cmd.GET_SDR, reservation & 0xFF, reservation >> 8, recordId & 0xFF, recordId >> 8,
                offset, count);
    }

    private Reply getSel(int reservation, int recordId, int offset, int count) {
        return call(NetFn.STORAGE, Cmd.GET_SEL_ENTRY, reservation & 0xFF, reservation >> 8, recordId & 0xFF,
                recordId >> 8, offset, count);
    }

    private static Reply ok(Reply r) {
        assertThat(r.completionCode()).as(CompletionCode.describe(r.completionCode())).isZero();
        return r;
    }

    @Test
    void registersTwelveCommandsForUsersAndTwoForOperators() {
        assertThat(table.size()).isEqualTo(COMMANDS.length + 2).isEqualTo(14);
        assertThat(table.lookup(NetFn.STORAGE, StorageCommands.CLEAR_SEL).orElseThrow().minPrivilege()).isEqualTo(Privilege.OPERATOR);
        assertThat(table.lookup(NetFn.STORAGE, StorageCommands.SET_SEL_TIME).orElseThrow().minPrivilege()).isEqualTo(Privilege.OPERATOR);
        for (int[] c : COMMANDS) {
            CommandTable.Entry e = table.lookup(c[0], c[1]).orElseThrow();
            assertThat(e.minPrivilege()).as(e.name()).isEqualTo(Privilege.USER);
            assertThat(e.sessionless()).isFalse();
        }
        assertThat(table.lookup(NetFn.STORAGE, 0x41)).as("Get SEL Allocation Info is left to the 0xC1 path").isEmpty();
    }

    @Test
    void sdrRepositoryInfoCountsTheRecordsAndOffersReservations() {
        byte[] d = ok(call(NetFn.STORAGE, Cmd.GET_SDR_REPOSITORY_INFO)).data();
        assertThat(d).hasSize(14);
        assertThat(u8(d, 0)).isEqualTo(0x51);
        assertThat(u16(d, 1)).isEqualTo(model.sdr().recordCount()).isEqualTo(6);
        assertThat(u8(d, 13) & 0x02).as("Reserve SDR Repository supported").isNotZero();
        assertThat(u8(d, 13) & 0x01).as("no allocation info").isZero();
    }

    @Test
    void ipmitoolStyleHeaderThenSixteenByteChunksReassemblesEveryRecord() {
        int reservation = u16(ok(call(NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY)).data(), 0);
        List<Integer> ids = new ArrayList<>();
        int next = SensorRepository.FIRST;
        while (next != SensorRepository.LAST) {
            byte[] header = ok(getSdr(reservation, next, 0, 5)).data();
            assertThat(header).hasSize(2 + 5);
            int recordId = u16(header, 2);
            int length = u8(header, 6);
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.write(header, 2, 5);
            for (int i = 0; i < length; i += 16) {
                int n = Math.min(16, length - i);
                byte[] chunk = ok(getSdr(reservation, recordId, 5 + i, n)).data();
                assertThat(chunk).hasSize(2 + n);
                record.write(chunk, 2, n);
            }
            assertThat(record.toByteArray()).containsExactly(model.sdr().entry(recordId).orElseThrow().bytes());
            ids.add(recordId);
            next = u16(header, 0);
        }
        assertThat(ids).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void freeIpmiStyleWholeRecordReadNeedsNoReservation() {
        byte[] d = ok(getSdr(0, 0x0000, 0, 0xFF)).data();
        SensorRepository.Entry first = model.sdr().entry(1).orElseThrow();
        assertThat(u16(d, 0)).isEqualTo(2);
        assertThat(Arrays.copyOfRange(d, 2, d.length)).containsExactly(first.bytes());
        assertThat(u8(d, 2 + 4)).as("length byte").isEqualTo(d.length - 2 - 5);
    }

    @Test
    void lastRecordByFfffEndsTheChain() {
        byte[] d = ok(getSdr(0, 0xFFFF, 0, 0xFF)).data();
        assertThat(u16(d, 0)).isEqualTo(0xFFFF);
        assertThat(u16(d, 2)).isEqualTo(6);
        assertThat(u8(d, 5)).as("MC device locator").isEqualTo(0x12);
    }

    @Test
    void partialReadWithAWrongOrStaleReservationIsCancelled() {
        int old = u16(ok(call(NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY)).data(), 0);
        int current = u16(ok(call(NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY)).data(), 0);
        assertThat(getSdr(old, 1, 5, 16).completionCode()).isEqualTo(CompletionCode.RESERVATION_CANCELLED);
        assertThat(getSdr(0x1234, 1, 5, 16).completionCode()).isEqualTo(CompletionCode.RESERVATION_CANCELLED);
        assertThat(getSdr(0, 1, 5, 16).completionCode()).isEqualTo(CompletionCode.RESERVATION_CANCELLED);
        ok(getSdr(current, 1, 5, 16));
        ok(getSdr(old, 1, 0, 5));
    }

    @Test
    void readingPastTheRecordCannotReturnTheBytes() {
        int reservation = u16(ok(call(NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY)).data(), 0);
        int length = model.sdr().entry(6).orElseThrow().length();
        assertThat(getSdr(reservation, 6, 16, length - 15).completionCode())
                .isEqualTo(CompletionCode.CANNOT_RETURN_REQUESTED_BYTES);
        assertThat(getSdr(reservation, 6, length + 1, 0xFF).completionCode())
                .isEqualTo(CompletionCode.CANNOT_RETURN_REQUESTED_BYTES);
        byte[] tail = ok(getSdr(reservation, 6, 16, 0xFF)).data();
        assertThat(tail).hasSize(2 + length - 16);
    }

    @Test
    void unknownRecordIsNotPresent() {
        assertThat(getSdr(0, 7, 0, 5).completionCode()).isEqualTo(CompletionCode.NOT_PRESENT);
        assertThat(getSel(0, 0x0042, 0, 0xFF).completionCode()).isEqualTo(CompletionCode.NOT_PRESENT);
    }

    @Test
    void selInfoDescribesThreeEntries() {
        byte[] d = ok(call(NetFn.STORAGE, Cmd.GET_SEL_INFO)).data();
        assertThat(d).hasSize(14);
        assertThat(u8(d, 0)).isEqualTo(0x51);
        assertThat(u16(d, 1)).isEqualTo(3);
        assertThat(u16(d, 3)).isEqualTo(model.sel().freeBytes());
        long lastAdd = u16(d, 5) | (long) u16(d, 7) << 16;
        assertThat(lastAdd).isEqualTo(model.sel().lastAdditionSeconds()).isLessThan(NOW.getEpochSecond());
        assertThat(u8(d, 13)).as("reserve only, no overflow").isEqualTo(0x02);
    }

    @Test
    void selEntriesWalkWholeAndInPieces() {
        List<byte[]> whole = new ArrayList<>();
        int next = EventLog.FIRST;
        while (next != EventLog.LAST) {
            byte[] d = ok(getSel(0, next, 0, 0xFF)).data();
            assertThat(d).hasSize(2 + 16);
            whole.add(Arrays.copyOfRange(d, 2, d.length));
            next = u16(d, 0);
        }
        assertThat(whole).hasSize(3);
        assertThat(u8(whole.get(1), 2)).isEqualTo(0x02);

        int reservation = u16(ok(call(NetFn.STORAGE, Cmd.RESERVE_SEL)).data(), 0);
        byte[] head = ok(getSel(reservation, 2, 0, 8)).data();
        byte[] rest = ok(getSel(reservation, 2, 8, 8)).data();
        byte[] joined = new byte[16];
        System.arraycopy(head, 2, joined, 0, 8);
        System.arraycopy(rest, 2, joined, 8, 8);
        assertThat(joined).containsExactly(whole.get(1));
        assertThat(getSel(reservation ^ 0x5A5A, 2, 8, 8).completionCode())
                .isEqualTo(CompletionCode.RESERVATION_CANCELLED);
        assertThat(getSel(reservation, 2, 8, 9).completionCode())
                .isEqualTo(CompletionCode.CANNOT_RETURN_REQUESTED_BYTES);
    }

    @Test
    void selTimeIsTheClock() {
        byte[] d = ok(call(NetFn.STORAGE, Cmd.GET_SEL_TIME)).data();
        assertThat(d).hasSize(4);
        assertThat(u16(d, 0) | (long) u16(d, 2) << 16).isEqualTo(NOW.getEpochSecond());
    }

    @Test
    void sensorReadingOfTheTwelveVoltRail() {
        byte[] d = ok(call(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING, 4)).data();
        assertThat(d).hasSize(3);
        assertThat(u8(d, 0)).isBetween(199, 201);
        assertThat(u8(d, 1)).as("events and scanning enabled, reading available").isEqualTo(0xC0);
        assertThat(u8(d, 2) & 0x3F).as("no threshold crossed").isZero();
        byte[] record = model.sdr().entry(4).orElseThrow().bytes();
        assertThat(SensorRepositoryTest.convert(record, u8(d, 0))).isBetween(11.9, 12.1);
    }

    @Test
    void unknownSensorIsNotPresent() {
        assertThat(call(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING, 0x99).completionCode())
                .isEqualTo(CompletionCode.NOT_PRESENT);
        assertThat(call(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING, 6).completionCode())
                .isEqualTo(CompletionCode.NOT_PRESENT);
        assertThat(call(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_THRESHOLDS, 0x99).completionCode())
                .isEqualTo(CompletionCode.NOT_PRESENT);
    }

    @Test
    void sensorThresholdsMatchTheRecord() {
        byte[] d = ok(call(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_THRESHOLDS, 4)).data();
        byte[] r = model.sdr().entry(4).orElseThrow().bytes();
        assertThat(u8(d, 0)).isEqualTo(u8(r, 18)).isEqualTo(0x3F);
        // answer order LNC LC LNR UNC UC UNR; the record stores UNR UC UNC LNR LC LNC from byte 37
        assertThat(new int[] {u8(d, 1), u8(d, 2), u8(d, 3), u8(d, 4), u8(d, 5), u8(d, 6)})
                .containsExactly(u8(r, 41), u8(r, 40), u8(r, 39), u8(r, 38), u8(r, 37), u8(r, 36));
        byte[] cpu = ok(call(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_THRESHOLDS, 1)).data();
        assertThat(u8(cpu, 0)).as("upper thresholds only").isEqualTo(0x38);
        assertThat(new int[] {u8(cpu, 1), u8(cpu, 2), u8(cpu, 3)}).containsOnly(0);
    }

    @Test
    void sensorEventEnableMatchesTheRecordsEventMasks() {
        byte[] d = ok(call(NetFn.SENSOR_EVENT, StorageCommands.GET_SENSOR_EVENT_ENABLE, 3)).data();
        byte[] r = model.sdr().entry(3).orElseThrow().bytes();
        assertThat(d).hasSize(5);
        assertThat(u8(d, 0)).as("event messages and scanning enabled").isEqualTo(0xC0);
        assertThat(u16(d, 1)).isEqualTo(u16(r, 14) & 0x0FFF).isEqualTo(0x15);
        assertThat(u16(d, 3)).isEqualTo(u16(r, 16) & 0x0FFF);
        assertThat(call(NetFn.SENSOR_EVENT, StorageCommands.GET_SENSOR_EVENT_ENABLE, 0x99).completionCode())
                .isEqualTo(CompletionCode.NOT_PRESENT);
    }

    @Test
    void fruAreaInfoGivesTheImageSizeInBytes() {
        byte[] d = ok(call(NetFn.STORAGE, Cmd.GET_FRU_INVENTORY_AREA_INFO, 0)).data();
        assertThat(d).hasSize(3);
        assertThat(u16(d, 0)).isEqualTo(model.fru().size());
        assertThat(u8(d, 2)).as("byte access").isZero();
        assertThat(call(NetFn.STORAGE, Cmd.GET_FRU_INVENTORY_AREA_INFO, 1).completionCode())
                .isEqualTo(CompletionCode.NOT_PRESENT);
    }

    @ParameterizedTest(name = "asking {0} bytes at a time")
    @CsvSource({"16", "32", "255"})
    void fruReadsReassembleTheImageFollowingTheCountReturned(int ask) {
        int size = model.fru().size();
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        int offset = 0;
        while (offset < size) {
            int want = Math.min(ask, size - offset);
            byte[] d = ok(call(NetFn.STORAGE, Cmd.READ_FRU_DATA, 0, offset & 0xFF, offset >> 8, want)).data();
            int got = u8(d, 0);
            assertThat(got).isEqualTo(d.length - 1).isPositive().isLessThanOrEqualTo(Math.min(want, 32));
            image.write(d, 1, got);
            offset += got;
        }
        assertThat(image.toByteArray()).containsExactly(model.fru().image());
    }

    @Test
    void fruReadPastTheEndOrOfAnotherDeviceFails() {
        int size = model.fru().size();
        assertThat(call(NetFn.STORAGE, Cmd.READ_FRU_DATA, 0, size & 0xFF, size >> 8, 8).completionCode())
                .isEqualTo(CompletionCode.PARAMETER_OUT_OF_RANGE);
        assertThat(call(NetFn.STORAGE, Cmd.READ_FRU_DATA, 1, 0, 0, 8).completionCode())
                .isEqualTo(CompletionCode.NOT_PRESENT);
    }

    @ParameterizedTest(name = "netFn {0} cmd {1} with {2} data bytes")
    @CsvSource({"0x0A, 0x10, 0", "0x0A, 0x11, 3", "0x0A, 0x23, 5", "0x0A, 0x23, 0", "0x0A, 0x43, 5",
            "0x04, 0x2D, 0", "0x04, 0x27, 0", "0x04, 0x29, 0"})
    void shortRequestsAreLengthInvalid(String netFn, String cmd, int length) {
        byte[] data = new byte[length];
        Reply r = table.lookup(Integer.decode(netFn), Integer.decode(cmd)).orElseThrow().handler().handle(ctx, data);
        assertThat(r.completionCode()).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        assertThat(r.data()).isEmpty();
    }

    @Test
    void noRequestMakesAHandlerThrow() {
        Random random = new Random(3289);
        for (int round = 0; round < 2000; round++) {
            int[] c = COMMANDS[random.nextInt(COMMANDS.length)];
            byte[] data = new byte[random.nextInt(9)];
            random.nextBytes(data);
            Reply r = table.lookup(c[0], c[1]).orElseThrow().handler().handle(ctx, data);
            assertThat(r).isNotNull();
            assertThat(r.data()).isNotNull();
        }
    }

    // ---- Clear SEL and Set SEL Time

    private Reply clearSel(int reservation, int action) {
        return call(NetFn.STORAGE, StorageCommands.CLEAR_SEL, reservation & 0xFF, reservation >> 8, 'C', 'L', 'R', action);
    }

    @Test
    void clearSelNeedsTheCurrentReservationAndEmptiesTheLog() {
        assertThat(model.sel().size()).isPositive();
        int stale = model.sel().reserve();
        int current = model.sel().reserve();
        assertThat(clearSel(stale, StorageCommands.INITIATE_ERASE).completionCode()).isEqualTo(CompletionCode.RESERVATION_CANCELLED);
        assertThat(model.sel().size()).isPositive();

        assertThat(u8(ok(clearSel(current, StorageCommands.INITIATE_ERASE)).data(), 0)).isEqualTo(StorageCommands.ERASURE_COMPLETED);
        assertThat(model.sel().size()).isZero();
        assertThat(model.sel().lastEraseSeconds()).isEqualTo((int) NOW.getEpochSecond());
        assertThat(u8(ok(clearSel(current, StorageCommands.GET_ERASURE_STATUS)).data(), 0))
                .as("the status poll with the same reservation").isEqualTo(StorageCommands.ERASURE_COMPLETED);
        assertThat(call(NetFn.STORAGE, Cmd.GET_SEL_ENTRY, 0, 0, 0, 0, 0, 0xFF).completionCode()).isEqualTo(CompletionCode.NOT_PRESENT);
    }

    @Test
    void clearSelWithoutClrOrWithAnUnknownActionIsInvalid() {
        int r = model.sel().reserve();
        assertThat(call(NetFn.STORAGE, StorageCommands.CLEAR_SEL, r & 0xFF, r >> 8, 'C', 'L', 'X', 0xAA).completionCode())
                .isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(clearSel(r, 0x55).completionCode()).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(call(NetFn.STORAGE, StorageCommands.CLEAR_SEL, r & 0xFF, r >> 8, 'C', 'L', 'R').completionCode())
                .isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        assertThat(model.sel().size()).isPositive();
    }

    @Test
    void setSelTimeMovesGetSelTimeAndTheStampsOfNewEvents() {
        int t = (int) Instant.parse("2005-06-01T12:00:00Z").getEpochSecond();
        ok(call(NetFn.STORAGE, StorageCommands.SET_SEL_TIME, t & 0xFF, t >> 8 & 0xFF, t >> 16 & 0xFF, t >>> 24));
        byte[] d = ok(call(NetFn.STORAGE, Cmd.GET_SEL_TIME)).data();
        assertThat(u16(d, 0) | u16(d, 2) << 16).isEqualTo(t);
        assertThat(model.sel().add(EventLog.SENSOR_TYPE_TEMPERATURE, 1, EventLog.EVENT_TYPE_THRESHOLD, 0x57, 72, 70)
                .orElseThrow().timestamp()).isEqualTo(t);
        assertThat(call(NetFn.STORAGE, StorageCommands.SET_SEL_TIME, 1, 2, 3).completionCode())
                .isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
    }
}
