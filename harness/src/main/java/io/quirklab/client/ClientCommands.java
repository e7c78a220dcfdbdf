package io.quirklab.client;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.SensorRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The client's typed commands; each is a {@link ClientCommand}. */
public final class ClientCommands {
    /** Bytes per Get SDR read after the header; what ipmitool uses over LAN. */
    static final int SDR_CHUNK = 16;
    /** An SDR repository larger than this is treated as broken rather than walked forever. */
    static final int MAX_RECORDS = 512;

    private ClientCommands() {
    }

    public static AsfMessage ping(IpmiLanClient c) throws IpmiCallException {
        AsfMessage pong = c.ping();
        if (!pong.supportsIpmi()) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "the pong says the device does not support IPMI");
        }
        return pong;
    }

    public static AuthCapabilities caps(IpmiLanClient c) throws IpmiCallException {
        return c.authCapabilities();
    }

    public static DeviceId mcInfo(IpmiLanClient c) throws IpmiCallException {
        return DeviceId.decode(ok(c, NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, new byte[0], "Get Device ID"));
    }

    public static ChassisStatus chassisStatus(IpmiLanClient c) throws IpmiCallException {
        return ChassisStatus.decode(ok(c, NetFn.CHASSIS, NetFn.Cmd.GET_CHASSIS_STATUS, new byte[0], "Get Chassis Status"));
    }

    /** Chassis Control: 0 off, 1 on, 2 cycle, 3 reset, 5 soft. */
    public static ClientCommand<Integer> chassisControl(int control) {
        return c -> {
            ok(c, NetFn.CHASSIS, NetFn.Cmd.CHASSIS_CONTROL, new byte[] {(byte) control}, "Chassis Control");
            return control;
        };
    }

    public static SelInfo selInfo(IpmiLanClient c) throws IpmiCallException {
        return SelInfo.decode(ok(c, NetFn.STORAGE, NetFn.Cmd.GET_SEL_INFO, new byte[0], "Get SEL Info"));
    }

    /** A raw request; returns the response whatever its completion code. */
    public static ClientCommand<IpmiResponse> raw(int netFn, int cmd, byte[] data) {
        return c -> c.call(netFn, cmd, data);
    }

    /** Walks the SDR repository and reads every analog sensor. */
    public static List<SensorReading> sdrList(IpmiLanClient c) throws IpmiCallException {
        List<SensorReading> out = new ArrayList<>();
        for (SensorRecord r : sdrRecords(c)) {
            if (r.recordType() != SensorRecord.FULL && r.recordType() != SensorRecord.COMPACT) {
                continue;
            }
            IpmiResponse rs = c.call(NetFn.SENSOR_EVENT, NetFn.Cmd.GET_SENSOR_READING, new byte[] {(byte) r.sensorNumber()});
            if (!rs.ok() || rs.data().length < 2 || (rs.data()[1] & 0x20) != 0) {
                out.add(new SensorReading(r.sensorNumber(), r.name(), null, r.unitName(), "ns"));
                continue;
            }
            Double value = r.isAnalogSensor() ? r.convert(rs.data()[0] & 0xFF) : null;
            int status = rs.data().length >= 3 ? rs.data()[2] & 0x3F : 0;
            String s = (status & 0x24) != 0 ? "nr" : (status & 0x12) != 0 ? "cr" : (status & 0x09) != 0 ? "nc" : "ok";
            out.add(new SensorReading(r.sensorNumber(), r.name(), value, r.unitName(), s));
        }
        return out;
    }

    /** Every record of the SDR repository, decoded. */
    public static List<SensorRecord> sdrRecords(IpmiLanClient c) throws IpmiCallException {
        ok(c, NetFn.STORAGE, NetFn.Cmd.GET_SDR_REPOSITORY_INFO, new byte[0], "Get SDR Repository Info");
        int reservation = reserve(c);
        List<SensorRecord> records = new ArrayList<>();
        int id = 0;
        for (int n = 0; n < MAX_RECORDS && id != 0xFFFF; n++) {
            byte[] head = getSdr(c, reservation, id, 0, 5);
            int next = (head[0] & 0xFF) | (head[1] & 0xFF) << 8;
            int length = head[6] & 0xFF;
            ByteArrayOutputStream rec = new ByteArrayOutputStream();
            rec.write(head, 2, 5);
            for (int off = 5; off < 5 + length; off += SDR_CHUNK) {
                int want = Math.min(SDR_CHUNK, 5 + length - off);
                byte[] part;
                try {
                    part = getSdr(c, reservation, id, off, want);
                } catch (IpmiCallException e) {
                    if (e.completionCode() != CompletionCode.RESERVATION_CANCELLED) {
                        throw e;
                    }
                    reservation = reserve(c);
                    part = getSdr(c, reservation, id, off, want);
                }
                rec.write(part, 2, part.length - 2);
            }
            records.add(SensorRecord.decode(rec.toByteArray()));
            if (next == id) {
                throw new IpmiCallException(Failure.PROTOCOL_ERROR, "SDR record " + id + " names itself as next");
            }
            id = next;
        }
        return records;
    }

    private static int reserve(IpmiLanClient c) throws IpmiCallException {
        byte[] r = ok(c, NetFn.STORAGE, NetFn.Cmd.RESERVE_SDR_REPOSITORY, new byte[0], "Reserve SDR Repository");
        if (r.length < 2) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Reserve SDR Repository: short reply");
        }
        return (r[0] & 0xFF) | (r[1] & 0xFF) << 8;
    }

    private static byte[] getSdr(IpmiLanClient c, int reservation, int id, int offset, int count) throws IpmiCallException {
        byte[] rq = new ByteWriter().u16le(reservation).u16le(id).u8(offset).u8(count).toByteArray();
        byte[] d = ok(c, NetFn.STORAGE, NetFn.Cmd.GET_SDR, rq, "Get SDR " + id);
        if (d.length < 2 + Math.min(count, 1)) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Get SDR " + id + ": short reply");
        }
        if (offset == 0 && d.length < 7) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Get SDR " + id + ": header shorter than 5 bytes");
        }
        return d;
    }

    static byte[] ok(IpmiLanClient c, int netFn, int cmd, byte[] data, String what) throws IpmiCallException {
        IpmiResponse rs = c.call(netFn, cmd, data);
        IpmiLanClient.requireOk(rs, what);
        return Arrays.copyOf(rs.data(), rs.data().length);
    }
}
