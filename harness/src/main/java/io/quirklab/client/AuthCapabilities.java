package io.quirklab.client;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.MalformedPacketException;
import java.util.Set;

/**
 * Get Channel Authentication Capabilities, decoded.
 *
 * @param channel      channel number
 * @param authTypes    auth types enabled for the requested privilege
 * @param ipmi20       bit 7: the BMC supports IPMI 2.0 extended data
 * @param loginStatus  anonymous/null/non-null user name bits
 * @param oemId        OEM IANA (0 if none)
 */
public record AuthCapabilities(int channel, Set<AuthType> authTypes, boolean ipmi20, int loginStatus, int oemId) {
    static AuthCapabilities decode(byte[] d) {
        if (d.length < 8) {
            throw new MalformedPacketException("Get Channel Auth Capabilities reply has " + d.length + " data bytes, want 8");
        }
        int oem = (d[4] & 0xFF) | (d[5] & 0xFF) << 8 | (d[6] & 0xFF) << 16;
        return new AuthCapabilities(d[0] & 0xFF, AuthType.fromMask(d[1] & 0x37), (d[1] & 0x80) != 0, d[2] & 0x3F, oem);
    }
}
