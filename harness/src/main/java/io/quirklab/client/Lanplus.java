package io.quirklab.client;

import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.RakpMessages;

/**
 * IPMI 2.0 / RMCP+ session options (ipmitool's {@code -I lanplus}).
 *
 * @param cipherSuite the suite to use, or null to ask the BMC (Get Channel Cipher Suites) and take the strongest
 *                    both sides support, as ipmitool does without {@code -C}
 * @param kg          the BMC key Kg (20 bytes), or null when the BMC has none
 */
public record Lanplus(CipherSuite cipherSuite, byte[] kg) {
    public Lanplus {
        if (kg != null && kg.length != RakpMessages.KEY_LENGTH) {
            throw new IllegalArgumentException("Kg must be 20 bytes");
        }
        kg = kg == null ? null : kg.clone();
    }

    /** The strongest suite both sides support, no Kg. */
    public static Lanplus bestSuite() {
        return new Lanplus(null, null);
    }

    public static Lanplus suite(CipherSuite suite) {
        return new Lanplus(suite, null);
    }

    public Lanplus withKg(String key) {
        return new Lanplus(cipherSuite, key == null ? null : RakpMessages.key20(key));
    }
}
