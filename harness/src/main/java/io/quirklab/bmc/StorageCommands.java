package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.Privilege;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * FRU, SDR repository and SEL commands (Storage netFn 0x0A) and sensor commands (Sensor/Event netFn 0x04), all over
 * {@link BmcModel}'s data. Malformed requests get a completion code, never an exception.
 */
final class StorageCommands {
    /** Sensor/Event netFn Get Sensor Event Enable; FreeIPMI's ipmi-sensors -vv stops at the first sensor without it. */
    static final int GET_SENSOR_EVENT_ENABLE = 0x29;
    /** Most bytes one Read FRU Data returns; ipmitool and FreeIPMI both continue from the count returned. */
    static final int FRU_READ_MAX = 32;
    /** Bytes-to-read value of Get SDR / Get SEL Entry meaning "the whole record". */
    static final int ENTIRE_RECORD = 0xFF;
    /** Get SDR Repository Info operation support: non-modal update, Reserve SDR Repository supported. */
    static final int SDR_OPERATIONS = 0x22;
    /** Get SEL Info operation support: Reserve SEL supported (no delete, partial add or allocation info). */
    static final int SEL_OPERATIONS = 0x02;
    /** Get Sensor Reading byte 3: event messages and scanning enabled, reading available. */
    static final int SENSOR_ENABLED = 0xC0;
    /** Get Sensor Reading byte 4 bits 7..6 are "reserved, returned as 1b". */
    static final int STATUS_RESERVED_BITS = 0xC0;

    static final int CLEAR_SEL = 0x47;
    static final int SET_SEL_TIME = 0x49;
    /** Clear SEL byte 6: initiate erase, or get erasure status; answer bits 3:0: 1 = erasure completed. */
    static final int INITIATE_ERASE = 0xAA;
    static final int GET_ERASURE_STATUS = 0x00;
    static final int ERASURE_COMPLETED = 0x01;

    private StorageCommands() {
    }

    static void register(CommandTable table) {
        table.add(NetFn.STORAGE, Cmd.GET_FRU_INVENTORY_AREA_INFO, "Get FRU Inventory Area Info", Privilege.USER,
                        StorageCommands::fruAreaInfo)
                .add(NetFn.STORAGE, Cmd.READ_FRU_DATA, "Read FRU Data", Privilege.USER, StorageCommands::readFruData)
                .add(NetFn.STORAGE, Cmd.GET_SDR_REPOSITORY_INFO, "Get SDR Repository Info", Privilege.USER,
                        StorageCommands::sdrRepositoryInfo)
                .add(NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY, "Reserve SDR Repository", Privilege.USER,
                        (ctx, data) -> reservation(ctx.model().sdr().reserve()))
                .add(NetFn.STORAGE, Cmd.GET_SDR, "Get SDR", Privilege.USER, StorageCommands::getSdr)
                .add(NetFn.STORAGE, Cmd.GET_SEL_INFO, "Get SEL Info", Privilege.USER, StorageCommands::selInfo)
                .add(NetFn.STORAGE, Cmd.RESERVE_SEL, "Reserve SEL", Privilege.USER,
                        (ctx, data) -> reservation(ctx.model().sel().reserve()))
                .add(NetFn.STORAGE, Cmd.GET_SEL_ENTRY, "Get SEL Entry", Privilege.USER, StorageCommands::getSelEntry)
                .add(NetFn.STORAGE, Cmd.GET_SEL_TIME, "Get SEL Time", Privilege.USER,
                        (ctx, data) -> Reply.ok(new ByteWriter().u32le(ctx.model().sel().now()).toByteArray()))
                .add(NetFn.STORAGE, SET_SEL_TIME, "Set SEL Time", Privilege.OPERATOR, StorageCommands::setSelTime)
                .add(NetFn.STORAGE, CLEAR_SEL, "Clear SEL", Privilege.OPERATOR, StorageCommands::clearSel)
                .add(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING, "Get Sensor Reading", Privilege.USER,
                        StorageCommands::sensorReading)
                .add(NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_THRESHOLDS, "Get Sensor Thresholds", Privilege.USER,
                        StorageCommands::sensorThresholds)
                .add(NetFn.SENSOR_EVENT, GET_SENSOR_EVENT_ENABLE, "Get Sensor Event Enable", Privilege.USER,
                        StorageCommands::sensorEventEnable);
    }

    static Reply fruAreaInfo(CommandContext ctx, byte[] data) {
        if (tooShort(data, 1)) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if (u8(data, 0) != FruInventory.DEVICE_ID) {
            return Reply.error(CompletionCode.NOT_PRESENT);
        }
        FruInventory fru = ctx.model().fru();
        return Reply.ok(new ByteWriter().u16le(fru.size()).u8(fru.accessedByWords() ? 1 : 0).toByteArray());
    }

    /** Request: device ID, offset (LS first), count. Answers min(count, bytes left, 32) and how many that is. */
    static Reply readFruData(CommandContext ctx, byte[] data) {
        if (tooShort(data, 4)) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if (u8(data, 0) != FruInventory.DEVICE_ID) {
            return Reply.error(CompletionCode.NOT_PRESENT);
        }
        FruInventory fru = ctx.model().fru();
        int offset = u16(data, 1);
        if (offset >= fru.size()) {
            return Reply.error(CompletionCode.PARAMETER_OUT_OF_RANGE);
        }
        byte[] chunk = fru.read(offset, Math.min(u8(data, 3), FRU_READ_MAX));
        return Reply.ok(new ByteWriter().u8(chunk.length).bytes(chunk).toByteArray());
    }

    static Reply sdrRepositoryInfo(CommandContext ctx, byte[] data) {
        SensorRepository sdr = ctx.model().sdr();
        return Reply.ok(new ByteWriter().u8(SensorRepository.SDR_VERSION).u16le(sdr.recordCount()).u16le(sdr.freeBytes())
                .u32le(sdr.lastAdditionSeconds()).u32le(sdr.lastEraseSeconds()).u8(SDR_OPERATIONS).toByteArray());
    }

    static Reply getSdr(CommandContext ctx, byte[] data) {
        SensorRepository sdr = ctx.model().sdr();
        return readRecord(data, sdr::reservationValid,
                id -> sdr.entry(id).map(e -> new Located(e.bytes(), e.nextRecordId())));
    }

    static Reply selInfo(CommandContext ctx, byte[] data) {
        EventLog sel = ctx.model().sel();
        return Reply.ok(new ByteWriter().u8(EventLog.SEL_VERSION).u16le(sel.size()).u16le(sel.freeBytes())
                .u32le(sel.lastAdditionSeconds()).u32le(sel.lastEraseSeconds())
                .u8((sel.overflow() ? 0x80 : 0) | SEL_OPERATIONS).toByteArray());
    }

    /** Request: reservation ID, 'C' 'L' 'R', initiate erase (0xAA) or get status (0x00). The erase is instant. */
    static Reply clearSel(CommandContext ctx, byte[] data) {
        if (data.length != 6) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        EventLog sel = ctx.model().sel();
        if (!sel.reservationValid(u16(data, 0))) {
            return Reply.error(CompletionCode.RESERVATION_CANCELLED);
        }
        int action = u8(data, 5);
        if (data[2] != 'C' || data[3] != 'L' || data[4] != 'R' || action != INITIATE_ERASE && action != GET_ERASURE_STATUS) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (action == INITIATE_ERASE) {
            sel.clear();
        }
        return Reply.ok(ERASURE_COMPLETED);
    }

    /** Request: the time, seconds since 1970, LS byte first. */
    static Reply setSelTime(CommandContext ctx, byte[] data) {
        if (data.length != 4) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        ctx.model().sel().setTime(u16(data, 0) | u16(data, 2) << 16);
        return Reply.ok();
    }

    static Reply getSelEntry(CommandContext ctx, byte[] data) {
        EventLog sel = ctx.model().sel();
        return readRecord(data, sel::reservationValid,
                id -> sel.find(id).map(l -> new Located(l.event().bytes(), l.nextRecordId())));
    }

    static Reply sensorReading(CommandContext ctx, byte[] data) {
        if (tooShort(data, 1)) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return ctx.model().sdr().reading(u8(data, 0), ctx.model().nowSeconds() & 0xFFFFFFFFL)
                .map(r -> Reply.ok(r.raw(), SENSOR_ENABLED, STATUS_RESERVED_BITS | r.status()))
                .orElseGet(() -> Reply.error(CompletionCode.NOT_PRESENT));
    }

    /** Answer: readable mask, then LNC, LC, LNR, UNC, UC, UNR (unreadable ones as 0). */
    static Reply sensorThresholds(CommandContext ctx, byte[] data) {
        if (tooShort(data, 1)) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return ctx.model().sdr().sensor(u8(data, 0)).map(s -> {
            SensorRepository.Thresholds t = s.thresholds();
            return Reply.ok(t.readableMask(),
                    t.readable(SensorRepository.Thresholds.LNC) ? t.lnc() : 0,
                    t.readable(SensorRepository.Thresholds.LC) ? t.lc() : 0,
                    t.readable(SensorRepository.Thresholds.LNR) ? t.lnr() : 0,
                    t.readable(SensorRepository.Thresholds.UNC) ? t.unc() : 0,
                    t.readable(SensorRepository.Thresholds.UC) ? t.uc() : 0,
                    t.readable(SensorRepository.Thresholds.UNR) ? t.unr() : 0);
        }).orElseGet(() -> Reply.error(CompletionCode.NOT_PRESENT));
    }

    /** Answer: event messages and scanning enabled, then every supported assertion and deassertion event enabled. */
    static Reply sensorEventEnable(CommandContext ctx, byte[] data) {
        if (tooShort(data, 1)) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return ctx.model().sdr().sensor(u8(data, 0)).map(s -> {
            int events = s.thresholds().eventBits();
            return Reply.ok(new ByteWriter().u8(SENSOR_ENABLED).u16le(events).u16le(events).toByteArray());
        }).orElseGet(() -> Reply.error(CompletionCode.NOT_PRESENT));
    }

    /** A record Get SDR / Get SEL Entry found, and the ID of the record after it. */
    private record Located(byte[] bytes, int nextRecordId) {
    }

    /**
     * The shared shape of Get SDR and Get SEL Entry. Request: reservation ID, record ID (both LS first), offset,
     * bytes to read (0xFF = to the end). The reservation only matters for partial reads (offset != 0), as the spec
     * says; a range outside the record is 0xCA, which ipmitool and ipmiutil answer by asking for less.
     */
    private static Reply readRecord(byte[] data, IntPredicate reservationValid, IntFunction<Optional<Located>> lookup) {
        if (tooShort(data, 6)) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int reservation = u16(data, 0);
        int offset = u8(data, 4);
        int count = u8(data, 5);
        if (offset != 0 && !reservationValid.test(reservation)) {
            return Reply.error(CompletionCode.RESERVATION_CANCELLED);
        }
        Optional<Located> found = lookup.apply(u16(data, 2));
        if (found.isEmpty()) {
            return Reply.error(CompletionCode.NOT_PRESENT);
        }
        byte[] record = found.get().bytes();
        int n = count == ENTIRE_RECORD ? record.length - offset : count;
        if (n < 0 || offset + n > record.length) {
            return Reply.error(CompletionCode.CANNOT_RETURN_REQUESTED_BYTES);
        }
        return Reply.ok(new ByteWriter().u16le(found.get().nextRecordId())
                .bytes(Arrays.copyOfRange(record, offset, offset + n)).toByteArray());
    }

    private static Reply reservation(int id) {
        return Reply.ok(new ByteWriter().u16le(id).toByteArray());
    }

    private static boolean tooShort(byte[] data, int need) {
        return data == null || data.length < need;
    }

    private static int u8(byte[] data, int at) {
        return data[at] & 0xFF;
    }

    private static int u16(byte[] data, int at) {
        return (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8;
    }
}
