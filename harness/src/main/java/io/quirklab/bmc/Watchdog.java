package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;

/**
 * The BMC watchdog timer (IPMI v2.0 section 27): set, started by Reset Watchdog Timer, counted down against the
 * BMC's clock in 100 ms steps. On expiry it takes its action on the chassis and logs a Watchdog 2 event, as real
 * firmware does; the expiry is noticed whenever the BMC next looks ({@link #poll}), stamped with the time it happened.
 * Thread-safe.
 */
public final class Watchdog {
    /** Reset Watchdog Timer on a timer never set: "attempt to start un-initialized watchdog". */
    static final int UNINITIALIZED = 0x80;
    static final int DONT_LOG = 0x80;
    static final int DONT_STOP = 0x40;
    static final int RUNNING = 0x40;
    /** Timeout actions (byte 2 bits 2:0). */
    static final int NO_ACTION = 0;
    static final int HARD_RESET = 1;
    static final int POWER_DOWN = 2;
    static final int POWER_CYCLE = 3;
    /** Watchdog 2 sensor type and the sensor number its events carry. */
    static final int SENSOR_TYPE_WATCHDOG_2 = 0x23;
    static final int SENSOR_NUMBER = 0x81;

    /** What an expiry did, for the chassis and the event log. */
    record Expiry(long atMillis, int action, int timerUse, int interrupt, boolean log) {
    }

    private int timerUse; // bits 2:0 and the don't-log bit
    private int actions;
    private int preTimeoutSeconds;
    private int expirationFlags;
    private int initialCountdown; // 100 ms units
    private boolean initialized;
    /** Volatile so {@link #mayExpire} can be asked without the lock on every command. */
    private volatile boolean running;
    private long startedMillis;

    /** Set Watchdog Timer; answers the completion code. */
    synchronized int set(byte[] d, long now) {
        if (d.length != 6) {
            return CompletionCode.REQUEST_DATA_LENGTH_INVALID;
        }
        int use = d[0] & 0x07;
        int action = d[1] & 0x07;
        int interrupt = (d[1] >> 4) & 0x07;
        if (use < 1 || use > 5 || action > POWER_CYCLE || interrupt > 3) {
            return CompletionCode.INVALID_DATA_FIELD;
        }
        boolean keepRunning = running && (d[0] & DONT_STOP) != 0;
        timerUse = d[0] & (DONT_LOG | 0x07);
        actions = d[1] & 0x77;
        preTimeoutSeconds = d[2] & 0xFF;
        expirationFlags &= ~(d[3] & 0x3E);
        initialCountdown = (d[4] & 0xFF) | (d[5] & 0xFF) << 8;
        initialized = true;
        running = keepRunning;
        // "don't stop": the countdown restarts from the new value
        startedMillis = now;
        return CompletionCode.OK;
    }

    /** Reset Watchdog Timer: (re)starts the countdown from the initial value. */
    synchronized int reset(long now) {
        if (!initialized) {
            return UNINITIALIZED;
        }
        running = true;
        startedMillis = now;
        return CompletionCode.OK;
    }

    /** Get Watchdog Timer's 8 bytes. */
    synchronized byte[] get(long now) {
        return new ByteWriter().u8(timerUse | (running ? RUNNING : 0)).u8(actions).u8(preTimeoutSeconds)
                .u8(expirationFlags).u16le(initialCountdown).u16le(present(now)).toByteArray();
    }

    /** Present countdown in 100 ms units, rounded up: a running timer shows 0 only once it has expired. */
    private int present(long now) {
        if (!running) {
            return initialCountdown;
        }
        long left = initialCountdown * 100L - (now - startedMillis);
        return left <= 0 ? 0 : (int) ((left + 99) / 100);
    }

    /** If the running timer ran out by {@code now}: stops it, sets its expiration flag and says what to do. */
    synchronized Expiry poll(long now) {
        if (!running || now - startedMillis < initialCountdown * 100L) {
            return null;
        }
        running = false;
        int use = timerUse & 0x07;
        expirationFlags |= 1 << use;
        return new Expiry(startedMillis + initialCountdown * 100L, actions & 0x07, use, (actions >> 4) & 0x07,
                (timerUse & DONT_LOG) == 0);
    }

    /** False when {@link #poll} would certainly find nothing (the timer is stopped): no lock taken. */
    boolean mayExpire() {
        return running;
    }

    synchronized boolean running() {
        return running;
    }

    /** A cold reset: the timer stops and forgets its settings. */
    synchronized void reset() {
        timerUse = 0;
        actions = 0;
        preTimeoutSeconds = 0;
        expirationFlags = 0;
        initialCountdown = 0;
        initialized = false;
        running = false;
    }
}
