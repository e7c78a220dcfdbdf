package io.quirklab.bmc;

import java.net.Inet4Address;
import java.util.Arrays;

/**
 * Where the BMC's LAN channel sits, as LAN configuration reports it: the persona's address and MAC on the
 * responder's segment, or the bound address in socket mode.
 *
 * @param address      IPv4 address
 * @param mac          6-byte MAC address
 * @param prefixLength subnet prefix (0..32)
 * @param port         the primary RMCP port it answers on
 * @param vlanId       802.1Q VLAN ID its replies carry, 0 for none
 */
public record LanStation(Inet4Address address, byte[] mac, int prefixLength, int port, int vlanId) {
    public LanStation {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0..32");
        }
        if (vlanId < 0 || vlanId > 4094) {
            throw new IllegalArgumentException("VLAN ID " + vlanId + " is not 0..4094");
        }
        mac = mac.clone();
    }

    /**
     * Socket mode has no MAC of its own: a locally administered one (02:51:4c, as the personas use) ending in the
     * address's last three bytes, so two socket-mode BMCs differ.
     */
    public static LanStation socket(Inet4Address address, int port) {
        byte[] a = address.getAddress();
        byte[] mac = {0x02, 0x51, 0x4c, a[1], a[2], a[3]};
        return new LanStation(address, mac, a[0] == 127 ? 8 : 24, port, 0);
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** The subnet mask of the prefix, 4 bytes. */
    public byte[] mask() {
        long m = prefixLength == 0 ? 0 : 0xFFFFFFFFL << (32 - prefixLength);
        return new byte[] {(byte) (m >> 24), (byte) (m >> 16), (byte) (m >> 8), (byte) m};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LanStation s && s.address.equals(address) && Arrays.equals(s.mac, mac)
                && s.prefixLength == prefixLength && s.port == port && s.vlanId == vlanId;
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + Arrays.hashCode(mac);
    }
}
