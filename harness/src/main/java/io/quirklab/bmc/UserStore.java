package io.quirklab.bmc;

import io.quirklab.ipmi.Privilege;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The BMC's user table as the user commands change it: what Get Session Challenge and RAKP 1 look users up in, so a
 * Set User Password changes what authenticates. Thread-safe.
 */
public final class UserStore {
    /** User IDs 1..this exist, at least; the SMDC's configuration may name higher ones. */
    public static final int DEFAULT_SLOTS = 10;
    /** Get/Set User Access privilege limit meaning "no access" on the channel. */
    public static final int NO_ACCESS = 0x0F;

    /**
     * One user ID's entry.
     *
     * @param privilegeLimit 1..5, or {@link #NO_ACCESS}
     * @param callbackOnly   call-in restricted to callback (bit 6 of Set User Access)
     * @param linkAuth       link authentication enabled
     * @param ipmiMessaging  IPMI messaging enabled: without it the user cannot open a session
     */
    public record Slot(int id, String name, String password, boolean enabled, int privilegeLimit, boolean callbackOnly,
                       boolean linkAuth, boolean ipmiMessaging, boolean configured) {
        boolean canLogIn() {
            return enabled && ipmiMessaging && privilegeLimit != NO_ACCESS && (configured || !name.isEmpty());
        }

        User user() {
            return new User(id, name, password, Privilege.fromLevel(privilegeLimit));
        }
    }

    private final List<User> initial;
    private final Slot[] slots;
    /** Who may log in, rebuilt on every change: session set-up reads it on every challenge and RAKP 1. */
    private volatile List<User> active = List.of();

    public UserStore(List<User> users) {
        this.initial = List.copyOf(users);
        int highest = DEFAULT_SLOTS;
        for (User u : users) {
            if (u.id() < 1 || u.id() > 63) {
                throw new IllegalArgumentException("user ID " + u.id() + " of '" + u.name() + "' is not 1..63");
            }
            highest = Math.max(highest, u.id());
        }
        this.slots = new Slot[highest];
        reset();
    }

    /** Back to the configured users (a cold reset does not do this: user settings are non-volatile). */
    synchronized void reset() {
        for (int i = 0; i < slots.length; i++) {
            // Unconfigured IDs: no name, disabled, no access, as a BMC leaves them from the factory.
            slots[i] = new Slot(i + 1, "", "", false, NO_ACCESS, false, false, false, false);
        }
        for (User u : initial) {
            slots[u.id() - 1] = new Slot(u.id(), u.name(), u.password(), true, u.maxPrivilege().level(), false, true, true, true);
        }
        refresh();
    }

    private void refresh() {
        List<User> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s.canLogIn()) {
                out.add(s.user());
            }
        }
        active = List.copyOf(out);
    }

    public int maxUsers() {
        return slots.length;
    }

    public synchronized Optional<Slot> slot(int id) {
        return id < 1 || id > slots.length ? Optional.empty() : Optional.of(slots[id - 1]);
    }

    /** Users that may open a session now, in ID order. */
    public List<User> active() {
        return active;
    }

    public Optional<User> byName(String name) {
        for (User u : active) {
            if (u.name().equals(name)) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    /** The highest privilege any user may take: what an Open Session asking for "the highest" is granted. */
    public Privilege highestPrivilege() {
        return active().stream().map(User::maxPrivilege).max(Privilege::compareTo).orElse(Privilege.CALLBACK);
    }

    public synchronized int enabledCount() {
        int n = 0;
        for (Slot s : slots) {
            n += s.enabled() ? 1 : 0;
        }
        return n;
    }

    /** User ID 1 is the null user: its (empty) name is fixed. */
    public int fixedNames() {
        return 1;
    }

    synchronized void put(Slot s) {
        slots[s.id() - 1] = s;
        refresh();
    }

    /** True if another user ID already has this (non-empty) name. */
    synchronized boolean nameTaken(int id, String name) {
        for (Slot s : slots) {
            if (s.id() != id && !name.isEmpty() && s.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
