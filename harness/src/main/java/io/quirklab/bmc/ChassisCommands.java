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
    static final int CHASSIS_IDENTIFY = 0x04;
    static final int SET_BOOT_OPTIONS = 0x08;
    static final int GET_BOOT_OPTIONS = 0x09;
    /** Chassis Identify without an interval: 15 s. */
    static final int DEFAULT_IDENTIFY_SECONDS = 15;
    /** Get Chassis Status byte 3 bit 6: the identify command and state are supported (state in bits 5:4). */
    static final int IDENTIFY_SUPPORTED = 0x40;
    /** Boot option parameter version, byte 1 of every Get answer. */
    static final int BOOT_PARAMETER_VERSION = 0x01;

    private ChassisCommands() {
    }

    static void register(CommandTable t) {
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_CHASSIS_CAPABILITIES, "Get Chassis Capabilities", Privilege.USER,
                (c, d) -> Reply.ok(0x00, 0x20, 0x20, 0x20, 0x20));
        t.add(NetFn.CHASSIS, CHASSIS_IDENTIFY, "Chassis Identify", Privilege.OPERATOR, ChassisCommands::identify);
        t.add(NetFn.CHASSIS, SET_BOOT_OPTIONS, "Set System Boot Options", Privilege.OPERATOR, ChassisCommands::setBootOption);
        t.add(NetFn.CHASSIS, GET_BOOT_OPTIONS, "Get System Boot Options", Privilege.OPERATOR, ChassisCommands::getBootOption);
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_CHASSIS_STATUS, "Get Chassis Status", Privilege.USER, ChassisCommands::status);
        t.add(NetFn.CHASSIS, NetFn.Cmd.CHASSIS_CONTROL, "Chassis Control", Privilege.OPERATOR, ChassisCommands::control);
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_SYSTEM_RESTART_CAUSE, "Get System Restart Cause", Privilege.USER,
                (c, d) -> Reply.ok(c.model().chassis().restartCause(), 0x01));
        t.add(NetFn.CHASSIS, NetFn.Cmd.GET_POH_COUNTER, "Get POH Counter", Privilege.USER, ChassisCommands::powerOnHours);
    }

    private static Reply status(CommandContext ctx, byte[] d) {
        Chassis c = ctx.model().chassis();
        int identify = c.identifyState(ctx.model().clock().millis());
        return Reply.ok(POLICY_ALWAYS_ON | (c.powerOn() ? 1 : 0), c.lastPowerEvent(), IDENTIFY_SUPPORTED | identify << 4);
    }

    /** Request: optional interval in seconds (0 = off), optional "force on" bit. */
    static Reply identify(CommandContext ctx, byte[] d) {
        if (d.length > 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if (d.length == 2 && (d[1] & 0xFE) != 0) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        int seconds = d.length >= 1 ? d[0] & 0xFF : DEFAULT_IDENTIFY_SECONDS;
        boolean forever = d.length == 2 && (d[1] & 0x01) != 0;
        ctx.model().chassis().identify(seconds, forever, ctx.model().clock().millis());
        return Reply.ok();
    }

    /** Request: parameter (bit 7: mark invalid), data. */
    static Reply setBootOption(CommandContext ctx, byte[] d) {
        if (d.length < 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return Reply.error(ctx.model().boot().set(d[0] & 0x7F, java.util.Arrays.copyOfRange(d, 1, d.length),
                ctx.model().clock().millis()));
    }

    /** Request: parameter, set selector, block selector. Answer: version, parameter (valid), data. */
    static Reply getBootOption(CommandContext ctx, byte[] d) {
        if (d.length != 3) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int selector = d[0] & 0x7F;
        ConfigParameters.Read r = ctx.model().boot().get(selector, ctx.model().clock().millis());
        if (r.completionCode() != CompletionCode.OK) {
            return Reply.error(r.completionCode());
        }
        return Reply.ok(new ByteWriter().u8(BOOT_PARAMETER_VERSION).u8(selector).bytes(r.data()).toByteArray());
    }

    private static Reply control(CommandContext ctx, byte[] d) {
        if (d.length < 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int control = d[0] & 0x0F;
        if (!ctx.model().chassis().control(control)) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (control >= 1 && control <= 3) {
            ctx.model().boot().booted(); // power up, cycle and hard reset boot the system
        }
        return Reply.ok();
    }

    private static Reply powerOnHours(CommandContext ctx, byte[] d) {
        int hours = BASE_POWER_ON_HOURS + (int) (ctx.model().uptimeMillis() / 3_600_000L);
        return Reply.ok(new ByteWriter().u8(60).u32le(hours).toByteArray());
    }
}
