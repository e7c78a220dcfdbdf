package io.quirklab.ipmi;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * JCA engines reused per thread. {@code Mac/Cipher/MessageDigest.getInstance} walks the provider list on every call;
 * an RMCP+ set-up needs about a dozen HMACs and AES operations on each side, and the look-ups cost more than the
 * arithmetic. Each engine is re-initialised (or reset) before every use, so nothing carries over between callers;
 * the caches hold engines only, never keys.
 */
final class CryptoInstances {
    private static final ThreadLocal<Map<String, Object>> ENGINES = ThreadLocal.withInitial(HashMap::new);

    private CryptoInstances() {
    }

    static Mac mac(String algorithm) throws GeneralSecurityException {
        Map<String, Object> m = ENGINES.get();
        Object e = m.get("Mac/" + algorithm);
        if (e == null) {
            e = Mac.getInstance(algorithm);
            m.put("Mac/" + algorithm, e);
        }
        return (Mac) e;
    }

    static Cipher cipher(String transformation) throws GeneralSecurityException {
        Map<String, Object> m = ENGINES.get();
        Object e = m.get("Cipher/" + transformation);
        if (e == null) {
            e = Cipher.getInstance(transformation);
            m.put("Cipher/" + transformation, e);
        }
        return (Cipher) e;
    }

    /** A reset digest of {@code algorithm}. */
    static MessageDigest digest(String algorithm) throws GeneralSecurityException {
        Map<String, Object> m = ENGINES.get();
        Object e = m.get("MessageDigest/" + algorithm);
        if (e == null) {
            e = MessageDigest.getInstance(algorithm);
            m.put("MessageDigest/" + algorithm, e);
        }
        MessageDigest d = (MessageDigest) e;
        d.reset();
        return d;
    }
}
