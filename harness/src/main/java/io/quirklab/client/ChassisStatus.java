package io.quirklab.client;

import io.quirklab.ipmi.MalformedPacketException;

/**
 * Get Chassis Status, decoded.
 *
 * @param powerOn          system power
 * @param restorePolicy    "always-off", "previous", "always-on", "unknown"
 * @param lastPowerEvent   raw last-power-event bits
 * @param lastEventText    ipmitool's wording of the last power event ("command", "" ...)
 * @param currentState     raw current power state byte
 * @param miscState        raw misc chassis state byte
 */
public record ChassisStatus(boolean powerOn, String restorePolicy, int lastPowerEvent, String lastEventText, int currentState, int miscState) {
    static ChassisStatus decode(byte[] d) {
        if (d.length < 3) {
            throw new MalformedPacketException("Get Chassis Status reply has " + d.length + " data bytes, want 3");
        }
        int cur = d[0] & 0xFF;
        String policy = switch ((cur >> 5) & 3) {
            case 0 -> "always-off";
            case 1 -> "previous";
            case 2 -> "always-on";
            default -> "unknown";
        };
        int ev = d[1] & 0xFF;
        String text = (ev & 0x10) != 0 ? "command" : (ev & 0x08) != 0 ? "fault" : (ev & 0x04) != 0 ? "interlock"
                : (ev & 0x02) != 0 ? "overload" : (ev & 0x01) != 0 ? "ac-failed" : "";
        return new ChassisStatus((cur & 1) != 0, policy, ev, text, cur, d[2] & 0xFF);
    }
}
