package io.quirklab.host;

import java.util.Set;
import java.util.TreeSet;

/**
 * Whether an interface is up and which IPv4 addresses it has: what must come back after an offload change restarts
 * the adapter (Windows does; Linux and macOS usually do not).
 *
 * @param up        administratively and operationally up, as far as the OS says
 * @param addresses its IPv4 addresses
 */
record LinkState(boolean up, Set<String> addresses) {
    LinkState {
        addresses = Set.copyOf(new TreeSet<>(addresses));
    }

    static LinkState gone() {
        return new LinkState(false, Set.of());
    }

    /** Back to what {@code before} was: up again if it was up, and every address it had. */
    boolean restores(LinkState before) {
        return (!before.up || up) && addresses.containsAll(before.addresses);
    }

    @Override
    public String toString() {
        return (up ? "up" : "down") + (addresses.isEmpty() ? "" : " " + new TreeSet<>(addresses));
    }
}
