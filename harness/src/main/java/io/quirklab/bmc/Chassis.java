package io.quirklab.bmc;

/** The simulated chassis: power state driven by Chassis Control, reported by Chassis Status and ACPI state. */
public final class Chassis {
    /** Last power event bits of Get Chassis Status byte 2: bit 4 = last power on via IPMI command. */
    public static final int LAST_EVENT_COMMAND = 0x10;
    /** Restart causes (Get System Restart Cause, low nibble). */
    public static final int CAUSE_UNKNOWN = 0x0;
    public static final int CAUSE_CHASSIS_CONTROL = 0x1;
    public static final int CAUSE_WATCHDOG = 0x4;
    /** Chassis identify states (Get Chassis Status byte 3 bits 5:4). */
    public static final int IDENTIFY_OFF = 0;
    public static final int IDENTIFY_TIMED = 1;
    public static final int IDENTIFY_INDEFINITE = 2;

    private boolean powerOn = true;
    private int lastPowerEvent;
    private int restartCause = CAUSE_UNKNOWN;
    private int powerCycles;
    private boolean identifyForever;
    private long identifyUntilMillis;

    public synchronized boolean powerOn() {
        return powerOn;
    }

    public synchronized int lastPowerEvent() {
        return lastPowerEvent;
    }

    public synchronized int restartCause() {
        return restartCause;
    }

    public synchronized int powerCycles() {
        return powerCycles;
    }

    /**
     * Chassis Identify: the identify light on for {@code seconds} (0 turns it off), or until told otherwise.
     */
    public synchronized void identify(int seconds, boolean indefinitely, long now) {
        identifyForever = indefinitely;
        identifyUntilMillis = indefinitely ? 0 : now + seconds * 1000L;
    }

    public synchronized int identifyState(long now) {
        if (identifyForever) {
            return IDENTIFY_INDEFINITE;
        }
        return now < identifyUntilMillis ? IDENTIFY_TIMED : IDENTIFY_OFF;
    }

    /** A watchdog expired with this action (1 hard reset, 2 power down, 3 power cycle). */
    public synchronized void watchdogAction(int action) {
        switch (action) {
            case 1, 3 -> {
                powerOn = true;
                powerCycles += action == 3 ? 1 : 0;
                restartCause = CAUSE_WATCHDOG;
            }
            case 2 -> powerOn = false;
            default -> {
                // no action
            }
        }
    }

    /** A BMC cold reset: the identify light goes off; the system's power is not the BMC's to change. */
    synchronized void bmcReset() {
        identifyForever = false;
        identifyUntilMillis = 0;
    }

    /**
     * Applies a Chassis Control request.
     *
     * @param control 0 down, 1 up, 2 cycle, 3 hard reset, 4 diagnostic interrupt, 5 soft shutdown
     * @return false for an unknown control value
     */
    public synchronized boolean control(int control) {
        switch (control) {
            case 0, 5 -> powerOn = false;
            case 1 -> {
                powerOn = true;
                lastPowerEvent = LAST_EVENT_COMMAND;
                restartCause = CAUSE_CHASSIS_CONTROL;
            }
            case 2, 3 -> {
                // A real cycle is off-then-on after a delay; the simulation lands in "on" at once and records the event.
                powerOn = true;
                powerCycles++;
                lastPowerEvent = LAST_EVENT_COMMAND;
                restartCause = CAUSE_CHASSIS_CONTROL;
            }
            case 4 -> {
                // diagnostic interrupt: no power change
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
