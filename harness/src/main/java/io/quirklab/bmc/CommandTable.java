package io.quirklab.bmc;

import io.quirklab.ipmi.Privilege;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Commands keyed by netFn/cmd with the privilege each needs (after OpenIPMI lanserv's tables). */
public final class CommandTable {
    /**
     * @param minPrivilege lowest session privilege that may run the command
     * @param sessionless  true if the command is answered outside a session (auth caps, challenge, ...)
     */
    public record Entry(String name, Privilege minPrivilege, boolean sessionless, CommandHandler handler) {
    }

    private final Map<Integer, Entry> entries = new HashMap<>();

    private static int key(int netFn, int cmd) {
        return netFn << 8 | cmd;
    }

    /** Registers a command that needs a session at {@code minPrivilege} or above. */
    public CommandTable add(int netFn, int cmd, String name, Privilege minPrivilege, CommandHandler handler) {
        return put(netFn, cmd, new Entry(name, minPrivilege, false, handler));
    }

    /** Registers a command that is also answered outside a session. */
    public CommandTable addSessionless(int netFn, int cmd, String name, CommandHandler handler) {
        return put(netFn, cmd, new Entry(name, Privilege.CALLBACK, true, handler));
    }

    private CommandTable put(int netFn, int cmd, Entry e) {
        if (entries.putIfAbsent(key(netFn, cmd), e) != null) {
            throw new IllegalStateException(String.format("netFn 0x%02x cmd 0x%02x registered twice", netFn, cmd));
        }
        return this;
    }

    public Optional<Entry> lookup(int netFn, int cmd) {
        return Optional.ofNullable(entries.get(key(netFn, cmd)));
    }

    public int size() {
        return entries.size();
    }
}
