package io.quirklab.client;

import io.quirklab.ipmi.MalformedPacketException;

/**
 * Get SEL Info, decoded.
 *
 * @param version          "1.5"
 * @param entries          number of entries
 * @param freeBytes        free space
 * @param lastAddEpoch     last addition timestamp (seconds since 1970), 0xFFFFFFFF if never
 * @param lastEraseEpoch   last erase timestamp
 * @param overflow         overflow flag
 */
public record SelInfo(String version, int entries, int freeBytes, long lastAddEpoch, long lastEraseEpoch, boolean overflow) {
    static SelInfo decode(byte[] d) {
        if (d.length < 14) {
            throw new MalformedPacketException("Get SEL Info reply has " + d.length + " data bytes, want 14");
        }
        int v = d[0] & 0xFF;
        return new SelInfo(String.format("%d.%d", v & 0x0F, v >> 4), (d[1] & 0xFF) | (d[2] & 0xFF) << 8,
                (d[3] & 0xFF) | (d[4] & 0xFF) << 8, IpmiLanClient.le32(d, 5) & 0xFFFFFFFFL,
                IpmiLanClient.le32(d, 9) & 0xFFFFFFFFL, (d[13] & 0x80) != 0);
    }
}
