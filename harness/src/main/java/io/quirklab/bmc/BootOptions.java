package io.quirklab.bmc;

import io.quirklab.ipmi.CompletionCode;

/**
 * System boot options (IPMI v2.0 section 28.12) as the BIOS of the simulated system would find them. The boot flags'
 * valid bit clears itself 60 s after it was set unless parameter 3 says not to, and a one-time boot device is
 * used up by the next power-up or reset by Chassis Control. Thread-safe.
 */
public final class BootOptions {
    static final int SERVICE_PARTITION_SELECTOR = 1;
    static final int SERVICE_PARTITION_SCAN = 2;
    static final int VALID_BIT_CLEARING = 3;
    static final int BOOT_INFO_ACKNOWLEDGE = 4;
    static final int BOOT_FLAGS = 5;
    static final int BOOT_INITIATOR_INFO = 6;
    static final int FLAGS_VALID = 0x80;
    static final int FLAGS_PERSISTENT = 0x40;
    /** Parameter 3 bit 3: don't clear the valid bit automatically after 60 s. */
    static final int KEEP_AFTER_TIMEOUT = 0x08;
    static final long VALID_TIMEOUT_MILLIS = 60_000;

    private final ConfigParameters params = new ConfigParameters()
            .value(SERVICE_PARTITION_SELECTOR, true, ConfigParameters::any, 0x00)
            .value(SERVICE_PARTITION_SCAN, true, d -> (d[0] & 0xFC) == 0, 0x00)
            .value(VALID_BIT_CLEARING, true, d -> (d[0] & 0xE0) == 0, 0x00)
            .value(BOOT_INFO_ACKNOWLEDGE, true, ConfigParameters::any, 0x00, 0x00)
            .value(BOOT_FLAGS, true, d -> (d[0] & 0x1F) == 0, 0x00, 0x00, 0x00, 0x00, 0x00)
            .value(BOOT_INITIATOR_INFO, true, ConfigParameters::any, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    /** When the boot flags' valid bit was set, or -1 while it is clear (then {@link #poll} has nothing to do). */
    private volatile long validSinceMillis = -1;

    synchronized ConfigParameters.Read get(int selector, long now) {
        poll(now);
        return params.get(selector, 0);
    }

    /** Writes a parameter; answers the completion code. */
    synchronized int set(int selector, byte[] data, long now) {
        if (selector == BOOT_INFO_ACKNOWLEDGE && data.length == 2) {
            // Byte 1 is a write mask: only the acknowledge bits it names change.
            int old = params.value(BOOT_INFO_ACKNOWLEDGE)[1];
            int mask = data[0] & 0xFF;
            params.put(BOOT_INFO_ACKNOWLEDGE, new byte[] {0, (byte) (old & ~mask | data[1] & mask)});
            return CompletionCode.OK;
        }
        int cc = params.set(selector, data);
        if (cc == CompletionCode.OK && selector == BOOT_FLAGS) {
            validSinceMillis = (data[0] & FLAGS_VALID) != 0 ? now : -1;
        }
        return cc;
    }

    /** False when {@link #poll} would certainly find nothing (no valid bit watched): no lock taken. */
    boolean mayClear() {
        return validSinceMillis >= 0;
    }

    /** Clears the valid bit once 60 s have passed, unless parameter 3 keeps it. */
    synchronized void poll(long now) {
        if (validSinceMillis < 0 || now - validSinceMillis <= VALID_TIMEOUT_MILLIS) {
            return;
        }
        byte[] flags = params.value(BOOT_FLAGS);
        boolean keep = (params.value(VALID_BIT_CLEARING)[0] & KEEP_AFTER_TIMEOUT) != 0;
        if (!keep) {
            flags[0] &= ~FLAGS_VALID;
            params.put(BOOT_FLAGS, flags);
            validSinceMillis = -1;
        }
    }

    /** The system booted: a one-time selection is used up, a persistent one stays. */
    synchronized void booted() {
        byte[] flags = params.value(BOOT_FLAGS);
        if ((flags[0] & FLAGS_VALID) != 0 && (flags[0] & FLAGS_PERSISTENT) == 0) {
            params.put(BOOT_FLAGS, new byte[5]);
            validSinceMillis = -1;
        }
    }

    /** Boot device selector (byte 2 bits 5:2) while the flags are valid, else 0 (no override). */
    public synchronized int bootDevice(long now) {
        poll(now);
        byte[] flags = params.value(BOOT_FLAGS);
        return (flags[0] & FLAGS_VALID) != 0 ? (flags[1] >> 2) & 0x0F : 0;
    }

    synchronized void resetVolatile() {
        params.reset();
    }
}
