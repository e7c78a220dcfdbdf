package io.quirklab.ipmi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/** IPMI 1.5 per-message auth codes (IPMI v1.5 section 6.12.11). */
public final class AuthCodes {
    private AuthCodes() {
    }

    /** Password as the 16-byte NUL-padded field used in auth codes and Get Session Challenge user names. */
    public static byte[] pad16(String text) {
        byte[] raw = text.getBytes(StandardCharsets.ISO_8859_1);
        if (raw.length > 16) {
            throw new IllegalArgumentException("longer than 16 bytes: IPMI 1.5 passwords and user names are at most 16");
        }
        return Arrays.copyOf(raw, 16);
    }

    /**
     * Auth code for one message.
     *
     * @return null for NONE; the padded password for PASSWORD; hash(pw | sid | message | seq | pw) for MD2/MD5
     */
    public static byte[] compute(AuthType type, byte[] password16, int sessionId, byte[] message, int sequence) {
        switch (type) {
            case NONE:
                return null;
            case PASSWORD:
                return password16.clone();
            case MD2:
            case MD5:
                MessageDigest md = digest(type == AuthType.MD5 ? "MD5" : "MD2");
                md.update(password16);
                md.update(le32(sessionId));
                md.update(message);
                md.update(le32(sequence));
                md.update(password16);
                return md.digest();
            default:
                throw new IllegalArgumentException("no standard auth code for " + type);
        }
    }

    /** Constant-time check of a received auth code. */
    public static boolean verify(Session15Packet packet, byte[] password16) {
        if (packet.authType() == AuthType.NONE) {
            return true;
        }
        if (packet.authType() == AuthType.OEM) {
            return false;
        }
        byte[] expected = compute(packet.authType(), password16, packet.sessionId(), packet.message(), packet.sequence());
        return MessageDigest.isEqual(expected, packet.authCode());
    }

    /** The packet with a freshly computed auth code. */
    public static Session15Packet sign(Session15Packet packet, byte[] password16) {
        return packet.withAuthCode(compute(packet.authType(), password16, packet.sessionId(), packet.message(), packet.sequence()));
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static MessageDigest digest(String name) {
        try {
            return CryptoInstances.digest(name);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(name + " missing from this JDK", e);
        }
    }
}
