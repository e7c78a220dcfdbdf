package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;

/**
 * Platform Event Filtering, read side (Sensor/Event netFn, IPMI v2.0 section 30): capabilities, configuration
 * parameters and the last processed event. The simulated BMC filters no events, so PEF reads as disabled with
 * empty filter and policy tables, and there is no Set: it could not do what a write asks.
 */
final class PefCommands {
    static final int GET_PEF_CAPABILITIES = 0x10;
    static final int GET_PEF_CONFIG = 0x13;
    static final int GET_LAST_PROCESSED_EVENT = 0x15;
    /** PEF version 1.5 (BCD), as the SMDC's IPMI version. */
    static final int PEF_VERSION = 0x51;
    /** Action support: alert, power down, reset, power cycle (what the chassis can do). */
    static final int ACTION_SUPPORT = 0x0F;
    static final int EVENT_FILTERS = 16;
    static final int ALERT_POLICIES = 16;
    static final int PARAMETER_REVISION = 0x11;
    static final int REVISION_ONLY = 0x80;

    static final int PEF_CONTROL = 1;
    static final int ACTION_GLOBAL_CONTROL = 2;
    static final int STARTUP_DELAY = 3;
    static final int ALERT_STARTUP_DELAY = 4;
    static final int FILTER_COUNT = 5;
    static final int FILTER_TABLE = 6;
    static final int FILTER_TABLE_DATA_1 = 7;
    static final int POLICY_COUNT = 8;
    static final int POLICY_TABLE = 9;
    static final int SYSTEM_GUID = 10;
    static final int ALERT_STRING_COUNT = 11;

    private PefCommands() {
    }

    static void register(CommandTable t) {
        t.add(NetFn.SENSOR_EVENT, GET_PEF_CAPABILITIES, "Get PEF Capabilities", Privilege.USER,
                (c, d) -> d.length != 0 ? Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID)
                        : Reply.ok(PEF_VERSION, ACTION_SUPPORT, EVENT_FILTERS));
        t.add(NetFn.SENSOR_EVENT, GET_PEF_CONFIG, "Get PEF Configuration Parameters", Privilege.OPERATOR, PefCommands::get);
        t.add(NetFn.SENSOR_EVENT, GET_LAST_PROCESSED_EVENT, "Get Last Processed Event ID", Privilege.OPERATOR,
                PefCommands::lastProcessed);
    }

    static ConfigParameters pefDefaults(BmcIdentity identity) {
        // Filter entries: disabled, software-configurable, matching nothing in particular (all wildcards)
        int[] filter = new int[21];
        java.util.Arrays.fill(filter, 5, 21, 0xFF);
        filter[1] = 0x00;
        filter[2] = 0x00;
        filter[3] = 0x00;
        filter[4] = 0x00;
        return new ConfigParameters()
                .value(PEF_CONTROL, false, ConfigParameters::any, 0x00)
                .value(ACTION_GLOBAL_CONTROL, false, ConfigParameters::any, 0x00)
                .value(STARTUP_DELAY, false, ConfigParameters::any, 60)
                .value(ALERT_STARTUP_DELAY, false, ConfigParameters::any, 60)
                .value(FILTER_COUNT, false, ConfigParameters::any, EVENT_FILTERS)
                .table(FILTER_TABLE, EVENT_FILTERS + 1, false, ConfigParameters::any, filter)
                .table(FILTER_TABLE_DATA_1, EVENT_FILTERS + 1, false, ConfigParameters::any, 0, 0x00)
                .value(POLICY_COUNT, false, ConfigParameters::any, ALERT_POLICIES)
                .table(POLICY_TABLE, ALERT_POLICIES + 1, false, ConfigParameters::any, 0, 0x00, 0x00, 0x00)
                // bit 0 clear: alerts carry the GUID Get System GUID returns
                .value(SYSTEM_GUID, false, ConfigParameters::any,
                        new ByteWriter().u8(0).bytes(AppCommands.guid(identity.systemGuid())).toByteArray())
                .value(ALERT_STRING_COUNT, false, ConfigParameters::any, 0);
    }

    /** Request: parameter (bit 7: revision only), set selector, block selector. */
    static Reply get(CommandContext ctx, byte[] d) {
        if (d.length != 3) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if ((d[0] & REVISION_ONLY) != 0) {
            return Reply.ok(PARAMETER_REVISION);
        }
        ConfigParameters.Read r = ctx.model().pef().get(d[0] & 0x7F, d[1] & 0x7F);
        if (r.completionCode() != CompletionCode.OK) {
            return Reply.error(r.completionCode());
        }
        return Reply.ok(new ByteWriter().u8(PARAMETER_REVISION).bytes(r.data()).toByteArray());
    }

    /** Most recent addition, last record ID (0xFFFF when empty), last processed by software and by the BMC. */
    static Reply lastProcessed(CommandContext ctx, byte[] d) {
        if (d.length != 0) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        EventLog sel = ctx.model().sel();
        int last = sel.find(EventLog.LAST).map(l -> l.event().recordId()).orElse(EventLog.LAST);
        return Reply.ok(new ByteWriter().u32le(sel.lastAdditionSeconds()).u16le(last).u16le(last).u16le(last)
                .toByteArray());
    }
}
