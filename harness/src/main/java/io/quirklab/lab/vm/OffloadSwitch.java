package io.quirklab.lab.vm;

import java.time.Duration;

/**
 * One switch of the guest NIC's receive checksum offload ({@code ethtool -K IF rx on|off}) and what it took: frames of
 * the old state were all counted before it (the host's frames sent equal the NIC's frames received), the link came
 * back, the address is still there and the host answers again before the new state's counting starts.
 *
 * @param on             the state asked for
 * @param changed        false when the NIC already was in that state (nothing was done)
 * @param refused        why the driver refused, or null (a fixed feature: "Could not change any device features")
 * @param before         ethtool's rx-checksumming line before
 * @param after          ethtool's rx-checksumming line after
 * @param linkDown       how long the carrier was down after the switch (zero when it never dropped)
 * @param linkBack       the carrier is up again
 * @param addressBack    the guest's address is on the NIC again
 * @param pingTries      echo requests to the host address until one was answered (10 means none was)
 * @param settled        frames of the old state: sent by the host, counted by the NIC before the switch
 * @param uncounted    frames the host sent in the old state that the NIC never counted (0 when settled)
 */
public record OffloadSwitch(boolean on, boolean changed, String refused, String before, String after, Duration linkDown, boolean linkBack,
                            boolean addressBack, int pingTries, long settled, long uncounted) {
    /** The switch took effect (or was not needed) and the guest is reachable again. */
    public boolean ok() {
        return refused == null && linkBack && addressBack && pingTries < VmGuest.PING_TRIES;
    }

    /** "rx off: link down 1.6 s, 4 frames settled before". */
    public String describe() {
        if (refused != null) {
            return "rx " + (on ? "on" : "off") + " refused: " + refused;
        }
        if (!changed) {
            return "rx already " + (on ? "on" : "off");
        }
        return String.format("rx %s: link down %.1f s, %s, %d frame(s) of the old state counted before%s", on ? "on" : "off",
                linkDown.toMillis() / 1000.0, linkBack && addressBack && pingTries < VmGuest.PING_TRIES ? "back" : "NOT back", settled,
                uncounted > 0 ? ", " + uncounted + " never counted" : "");
    }
}
