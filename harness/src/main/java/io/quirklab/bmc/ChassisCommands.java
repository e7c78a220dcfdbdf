package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;

/** Chassis commands (netFn 0x00) over the simulated {@link Chassis}. */
final class ChassisCommands {
    /** Power restore policy "always on" in bits 6:5 of Chassis Status byte 1. */
    static final int POLICY_ALWAYS_ON = 0x40;
    /** Power-on hours counter the simulated card had when it was "installed". */
    static final int BASE_POWER_ON_HOURS = 31_415;

    private ChassisCommands() {
    }

    static void register(CommandTable t) {
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_CHASSIS_CAPABILITIES, "Get Chassis Capabilities", Privilege.USER,
                (c, d) -> Reply.ok(0x00, 0x20, 0x20, 0x20, 0x20));
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_CHASSIS_STATUS, "Get Chassis Status", Privilege.USER, ChassisCommands::status);
        t.add(NetFn.CHASSIS, NetFn.Cmd.CHASSIS_CONTROL, "Chassis Control", Privilege.OPERATOR, ChassisCommands::control);
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_SYSTEM_RESTART_CAUSE, "Get System Restart Cause", Privilege.USER,
                (c, d) -> Reply.ok(c.model().chassis().restartCause(), 0x01));
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_POH_COUNTER, "Get POH Counter", Privilege.USER, ChassisCommands::powerOnHours);
    }

    private static Reply status(CommandContext ctx, byte[] d) {
        Chassis c = ctx.model().chassis();
        return Reply.ok(POLICY_ALWAYS_ON | (c.powerOn() ? 1 : 0), c.lastPowerEvent(), 0x00);
    }

    private static Reply control(CommandContext ctx, byte[] d) {
        if (d.length < 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return ctx.model().chassis().control(d[0] & 0x0F) ? Reply.ok() : Reply.error(CompletionCode.INVALID_DATA_FIELD);
    }

    private static Reply powerOnHours(CommandContext ctx, byte[] d) {
        int hours = BASE_POWER_ON_HOURS + (int) (ctx.model().uptimeMillis() / 3_600_000L);
        return Reply.ok(new ByteWriter().u8(60).u32le(hours).toByteArray());
    }
}
