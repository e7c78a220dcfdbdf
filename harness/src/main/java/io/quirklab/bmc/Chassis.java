package io.quirklab.bmc;

/** The simulated chassis: power state driven by Chassis Control, reported by Chassis Status and ACPI state. */
public final class Chassis {
    /** Last power event bits of Get Chassis Status byte 2: bit 4 = last power on via IPMI command. */
    public static final int LAST_EVENT_COMMAND = 0x10;
    /** Restart causes (Get System Restart Cause, low nibble). */
    public static final int CAUSE_UNKNOWN = 0x0;
    public static final int CAUSE_CHASSIS_CONTROL = 0x1;

    private boolean powerOn = true;
    private int lastPowerEvent;
    private int restartCause = CAUSE_UNKNOWN;
    private int powerCycles;

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
