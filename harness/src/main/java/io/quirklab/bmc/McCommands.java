package io.quirklab.bmc;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;

/** BMC device commands (App netFn): Cold/Warm Reset, the watchdog timer and the BMC Global Enables. */
final class McCommands {
    static final int COLD_RESET = 0x02;
    static final int WARM_RESET = 0x03;
    static final int RESET_WATCHDOG = 0x22;
    static final int SET_WATCHDOG = 0x24;
    static final int GET_WATCHDOG = 0x25;
    static final int SET_GLOBAL_ENABLES = 0x2E;
    static final int GET_GLOBAL_ENABLES = 0x2F;
    /** Global enables bit 4 is reserved. */
    static final int GLOBAL_ENABLES_RESERVED = 0x10;

    private McCommands() {
    }

    static void register(CommandTable t) {
        t.add(NetFn.APP, COLD_RESET, "Cold Reset", Privilege.ADMINISTRATOR, (c, d) -> reset(c, d, true));
        t.add(NetFn.APP, WARM_RESET, "Warm Reset", Privilege.ADMINISTRATOR, (c, d) -> reset(c, d, false));
        t.add(NetFn.APP, RESET_WATCHDOG, "Reset Watchdog Timer", Privilege.OPERATOR, McCommands::resetWatchdog);
        t.add(NetFn.APP, SET_WATCHDOG, "Set Watchdog Timer", Privilege.OPERATOR,
                (c, d) -> Reply.error(c.model().watchdog().set(d, c.model().clock().millis())));
        t.add(NetFn.APP, GET_WATCHDOG, "Get Watchdog Timer", Privilege.USER,
                (c, d) -> d.length != 0 ? Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID)
                        : Reply.ok(c.model().watchdog().get(c.model().clock().millis())));
        t.add(NetFn.APP, SET_GLOBAL_ENABLES, "Set BMC Global Enables", Privilege.ADMINISTRATOR, McCommands::setEnables);
        t.add(NetFn.APP, GET_GLOBAL_ENABLES, "Get BMC Global Enables", Privilege.USER,
                (c, d) -> d.length != 0 ? Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID) : Reply.ok(c.model().globalEnables()));
    }

    /** The answer goes out first; the BMC then comes back as freshly reset (sessions stay: that is the session table's). */
    static Reply reset(CommandContext ctx, byte[] d, boolean cold) {
        if (d.length != 0) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        ctx.model().reset(cold);
        return Reply.ok();
    }

    static Reply resetWatchdog(CommandContext ctx, byte[] d) {
        if (d.length != 0) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return Reply.error(ctx.model().watchdog().reset(ctx.model().clock().millis()));
    }

    static Reply setEnables(CommandContext ctx, byte[] d) {
        if (d.length != 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if ((d[0] & GLOBAL_ENABLES_RESERVED) != 0) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        ctx.model().globalEnables(d[0] & 0xFF);
        return Reply.ok();
    }
}
