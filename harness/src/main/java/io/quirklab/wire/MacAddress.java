package io.quirklab.wire;

import java.util.Arrays;
import java.util.HexFormat;

/** A 48-bit Ethernet address. */
public final class MacAddress {
    public static final MacAddress BROADCAST = new MacAddress(new byte[] {-1, -1, -1, -1, -1, -1});

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MacAddress of(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + b.length);
        }
        return new MacAddress(b.clone());
    }

    public static MacAddress of(byte[] frame, int offset) {
        return new MacAddress(Arrays.copyOfRange(frame, offset, offset + 6));
    }

    /** Parses "02:51:4c:00:00:0a" (also with '-'). */
    public static MacAddress parse(String text) {
        String hex = text.trim().replace(":", "").replace("-", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        try {
            return new MacAddress(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
        }
    }

    /** A locally administered unicast address 02:51:4c:xx:xx:xx ("QL"), one per persona index. */
    public static MacAddress local(int index) {
        return new MacAddress(new byte[] {0x02, 0x51, 0x4c, (byte) (index >> 16), (byte) (index >> 8), (byte) index});
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public void writeTo(byte[] frame, int offset) {
        System.arraycopy(bytes, 0, frame, offset, 6);
    }

    public boolean isBroadcast() {
        return equals(BROADCAST);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
