package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.nio.ByteBuffer;
import java.util.UUID;

/** Application commands about the BMC itself (netFn 0x06), apart from session set-up and Get Channel Info (SessionCommands). */
final class AppCommands {
    /** Get Device ID additional device support: sensor, SDR repository, SEL, FRU inventory, chassis device. */
    static final int DEVICE_SUPPORT = 0x8F;
    static final int IPMI_VERSION_1_5 = 0x51;

    private AppCommands() {
    }

    static void register(CommandTable t) {
        t.add(NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, "Get Device ID", Privilege.USER, AppCommands::deviceId);
        t.add(NetFn.APP, NetFn.Cmd.GET_SELF_TEST_RESULTS, "Get Self Test Results", Privilege.USER, (c, d) -> Reply.ok(0x55, 0x00));
        t.add(NetFn.APP, NetFn.Cmd.GET_ACPI_POWER_STATE, "Get ACPI Power State", Privilege.USER, AppCommands::acpiPowerState);
        t.add(NetFn.APP, NetFn.Cmd.GET_DEVICE_GUID, "Get Device GUID", Privilege.USER, (c, d) -> Reply.ok(guid(c.model().identity().deviceGuid())));
        t.add(NetFn.APP, NetFn.Cmd.GET_SYSTEM_GUID, "Get System GUID", Privilege.USER, (c, d) -> Reply.ok(guid(c.model().identity().systemGuid())));
    }

    static Reply deviceId(CommandContext ctx, byte[] d) {
        BmcIdentity id = ctx.model().identity();
        int minorBcd = (id.firmwareMinor() / 10) << 4 | id.firmwareMinor() % 10;
        return Reply.ok(new ByteWriter().u8(id.deviceId()).u8(id.deviceRevision() & 0x0F).u8(id.firmwareMajor() & 0x7F)
                .u8(minorBcd).u8(IPMI_VERSION_1_5).u8(DEVICE_SUPPORT).u24le(id.manufacturerId()).u16le(id.productId())
                .bytes(id.auxFirmware()).toByteArray());
    }

    private static Reply acpiPowerState(CommandContext ctx, byte[] d) {
        // ACPI system state S0/G0 when on, S5/G2 (soft off) when off; device state D0.
        return Reply.ok(ctx.model().chassis().powerOn() ? 0x00 : 0x05, 0x00);
    }

    /** GUIDs go least significant byte first (IPMI v2.0 section 20.8). */
    static byte[] guid(UUID u) {
        byte[] be = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        byte[] le = new byte[16];
        for (int i = 0; i < 16; i++) {
            le[i] = be[15 - i];
        }
        return le;
    }
}
