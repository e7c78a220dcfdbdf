package io.quirklab.client;

import io.quirklab.ipmi.MalformedPacketException;
import java.util.HexFormat;

/**
 * Get Device ID, decoded.
 *
 * @param deviceId         device ID
 * @param deviceRevision   device revision
 * @param firmware         firmware revision as "major.minor" (minor is BCD on the wire)
 * @param ipmiVersion      "1.5", "2.0"
 * @param manufacturerId   IANA enterprise number
 * @param productId        product ID
 * @param deviceAvailable  false while the firmware is updating
 * @param providesSdrs     device SDRs
 * @param additionalSupport additional device support bits
 * @param auxFirmware      auxiliary firmware revision bytes (hex), or "" when absent
 */
public record DeviceId(int deviceId, int deviceRevision, String firmware, String ipmiVersion, int manufacturerId,
                       int productId, boolean deviceAvailable, boolean providesSdrs, int additionalSupport, String auxFirmware) {
    static DeviceId decode(byte[] d) {
        if (d.length < 11) {
            throw new MalformedPacketException("Get Device ID reply has " + d.length + " data bytes, want 11");
        }
        int minor = d[3] & 0xFF;
        String fw = String.format("%d.%x%x", d[2] & 0x7F, minor >> 4, minor & 0x0F);
        String ipmi = String.format("%d.%d", d[4] & 0x0F, (d[4] & 0xF0) >> 4);
        int manuf = (d[6] & 0xFF) | (d[7] & 0xFF) << 8 | (d[8] & 0x0F) << 16;
        int product = (d[9] & 0xFF) | (d[10] & 0xFF) << 8;
        String aux = d.length >= 15 ? HexFormat.of().formatHex(d, 11, 15) : "";
        return new DeviceId(d[0] & 0xFF, d[1] & 0x0F, fw, ipmi, manuf, product, (d[2] & 0x80) == 0, (d[1] & 0x80) != 0,
                d[5] & 0xFF, aux);
    }
}
