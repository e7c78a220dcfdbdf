package io.quirklab.ipmi;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The parts of an SDR record a client needs to list sensors: type, number, name and, for full sensor records,
 * the linear conversion (IPMI v2.0 section 43.1 and 36.3).
 *
 * @param recordId     record ID
 * @param recordType   0x01 full, 0x02 compact, 0x12 MC locator, ...
 * @param sensorNumber sensor number (full/compact records), else -1
 * @param sensorType   sensor type code (0x01 temperature, 0x02 voltage, 0x04 fan, ...)
 * @param name         ID string
 * @param analogFormat 0 unsigned, 1 one's complement, 2 two's complement, 3 not analog
 * @param baseUnit     unit code (1 degrees C, 4 Volts, 18 RPM, ...)
 * @param m            M (10-bit signed)
 * @param b            B (10-bit signed)
 * @param bExp         B exponent (4-bit signed)
 * @param rExp         result exponent (4-bit signed)
 */
public record SensorRecord(int recordId, int recordType, int sensorNumber, int sensorType, String name, int analogFormat,
                           int baseUnit, int m, int b, int bExp, int rExp) {
    public static final int FULL = 0x01;
    public static final int COMPACT = 0x02;
    public static final int MC_LOCATOR = 0x12;

    private static final Map<Integer, String> UNITS = Map.of(1, "degrees C", 2, "degrees F", 3, "degrees K", 4, "Volts",
            5, "Amps", 6, "Watts", 18, "RPM", 19, "Hz");

    /** Decodes a whole record (5-byte header included). */
    public static SensorRecord decode(byte[] r) {
        if (r.length < 5) {
            throw new MalformedPacketException("SDR record shorter than its header");
        }
        int id = (r[0] & 0xFF) | (r[1] & 0xFF) << 8;
        int type = r[3] & 0xFF;
        switch (type) {
            case FULL -> {
                need(r, 48, "full sensor record");
                int m = tenBit(r[24] & 0xFF, r[25] & 0xFF);
                int b = tenBit(r[26] & 0xFF, r[27] & 0xFF);
                return new SensorRecord(id, type, r[7] & 0xFF, r[12] & 0xFF, idString(r, 47), (r[20] & 0xFF) >> 6,
                        r[21] & 0xFF, m, b, nibble(r[29] & 0x0F), nibble((r[29] & 0xFF) >> 4));
            }
            case COMPACT -> {
                need(r, 32, "compact sensor record");
                return new SensorRecord(id, type, r[7] & 0xFF, r[12] & 0xFF, idString(r, 31), 3, r[21] & 0xFF, 0, 0, 0, 0);
            }
            case MC_LOCATOR -> {
                need(r, 16, "MC device locator record");
                return new SensorRecord(id, type, -1, 0, idString(r, 15), 3, 0, 0, 0, 0, 0);
            }
            default -> {
                return new SensorRecord(id, type, -1, 0, "", 3, 0, 0, 0, 0, 0);
            }
        }
    }

    public boolean isAnalogSensor() {
        return recordType == FULL && analogFormat != 3;
    }

    /** y = (M x + B 10^Bexp) 10^Rexp, with x interpreted per the analog data format. */
    public double convert(int raw) {
        int x = switch (analogFormat) {
            case 1 -> (raw & 0x80) != 0 ? -((~raw) & 0x7F) : raw;
            case 2 -> (byte) raw;
            default -> raw & 0xFF;
        };
        return (m * (double) x + b * Math.pow(10, bExp)) * Math.pow(10, rExp);
    }

    public String unitName() {
        return UNITS.getOrDefault(baseUnit, "unit " + baseUnit);
    }

    private static void need(byte[] r, int n, String what) {
        if (r.length < n) {
            throw new MalformedPacketException(what + " has " + r.length + " bytes, want at least " + n);
        }
    }

    private static String idString(byte[] r, int at) {
        int len = Math.min(r[at] & 0x1F, r.length - at - 1);
        return new String(r, at + 1, Math.max(0, len), StandardCharsets.ISO_8859_1).trim();
    }

    private static int tenBit(int ls, int msByte) {
        int v = ls | (msByte & 0xC0) << 2;
        return (v & 0x200) != 0 ? v - 0x400 : v;
    }

    private static int nibble(int v) {
        return (v & 0x8) != 0 ? v - 16 : v;
    }
}
