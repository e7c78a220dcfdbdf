package io.quirklab.ipmi;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC over concatenated parts with the JDK's providers. */
final class Hmac {
    private Hmac() {
    }

    static byte[] of(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = CryptoInstances.mac(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable in this JDK", e);
        }
    }
}
