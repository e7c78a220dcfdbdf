package io.quirklab.bmc;

import static io.quirklab.bmc.Handlers.bytes;
import static io.quirklab.bmc.Handlers.cc;
import static io.quirklab.bmc.Handlers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.Privilege;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChassisCommandsTest {
    private static final int SET = ChassisCommands.SET_BOOT_OPTIONS;
    private static final int GET = ChassisCommands.GET_BOOT_OPTIONS;
    /** What ipmitool's chassis bootdev pxe writes to parameter 5: valid, next boot only, PXE. */
    private static final int[] PXE_NEXT_BOOT = {0x05, 0x80, 0x04, 0x00, 0x00, 0x00};

    private final Handlers bmc = new Handlers(BmcConfig.smdcDefaults(), ChassisCommands::register);

    private int identifyState() {
        return (ok(bmc.call(NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS)).data()[2] >> 4) & 0x03;
    }

    private int[] bootFlags() {
        return bytes(ok(bmc.call(NetFn.CHASSIS, GET, BootOptions.BOOT_FLAGS, 0, 0)).data());
    }

    @Test
    void privilegesAreThoseOfTheSpecification() {
        assertThat(bmc.privilege(NetFn.CHASSIS, ChassisCommands.CHASSIS_IDENTIFY)).isEqualTo(Privilege.OPERATOR);
        assertThat(bmc.privilege(NetFn.CHASSIS, SET)).isEqualTo(Privilege.OPERATOR);
        assertThat(bmc.privilege(NetFn.CHASSIS, GET)).isEqualTo(Privilege.OPERATOR);
    }

    @Test
    void identifyLightsForFifteenSecondsByDefault() {
        assertThat(ok(bmc.call(NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS)).data()[2] & ChassisCommands.IDENTIFY_SUPPORTED).isNotZero();
        assertThat(identifyState()).isEqualTo(Chassis.IDENTIFY_OFF);
        ok(bmc.call(NetFn.CHASSIS, ChassisCommands.CHASSIS_IDENTIFY));
        assertThat(identifyState()).isEqualTo(Chassis.IDENTIFY_TIMED);
        bmc.clock.advance(Duration.ofSeconds(15));
        assertThat(identifyState()).isEqualTo(Chassis.IDENTIFY_OFF);
    }

    @Test
    void identifyForceOnStaysUntilTurnedOff() {
        ok(bmc.call(NetFn.CHASSIS, ChassisCommands.CHASSIS_IDENTIFY, 0x00, 0x01));
        bmc.clock.advance(Duration.ofHours(1));
        assertThat(identifyState()).isEqualTo(Chassis.IDENTIFY_INDEFINITE);
        ok(bmc.call(NetFn.CHASSIS, ChassisCommands.CHASSIS_IDENTIFY, 0x00));
        assertThat(identifyState()).isEqualTo(Chassis.IDENTIFY_OFF);
        assertThat(cc(bmc.call(NetFn.CHASSIS, ChassisCommands.CHASSIS_IDENTIFY, 0, 0, 0))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        assertThat(cc(bmc.call(NetFn.CHASSIS, ChassisCommands.CHASSIS_IDENTIFY, 10, 0x02))).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
    }

    @Test
    void bootDevicePxeIsServedBackWithVersionAndParameter() {
        ok(bmc.call(NetFn.CHASSIS, SET, PXE_NEXT_BOOT));
        assertThat(bootFlags()).containsExactly(0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00);
        assertThat(bmc.model.boot().bootDevice(bmc.clock.millis())).isEqualTo(1);
    }

    @Test
    void theValidBitClearsAfterSixtySecondsUnlessParameterThreeKeepsIt() {
        ok(bmc.call(NetFn.CHASSIS, SET, PXE_NEXT_BOOT));
        bmc.clock.advance(Duration.ofSeconds(61));
        assertThat(bootFlags()[2] & BootOptions.FLAGS_VALID).isZero();

        ok(bmc.call(NetFn.CHASSIS, SET, BootOptions.VALID_BIT_CLEARING, BootOptions.KEEP_AFTER_TIMEOUT));
        ok(bmc.call(NetFn.CHASSIS, SET, PXE_NEXT_BOOT));
        bmc.clock.advance(Duration.ofMinutes(5));
        assertThat(bootFlags()[2] & BootOptions.FLAGS_VALID).isNotZero();
    }

    @Test
    void aPowerCycleUsesUpAOneTimeBootDeviceButNotAPersistentOne() {
        ok(bmc.call(NetFn.CHASSIS, SET, PXE_NEXT_BOOT));
        ok(bmc.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, 0x02));
        assertThat(bootFlags()).containsExactly(0x01, 0x05, 0, 0, 0, 0, 0);

        ok(bmc.call(NetFn.CHASSIS, SET, 0x05, 0xC0, 0x08, 0x00, 0x00, 0x00)); // persistent, hard disk
        ok(bmc.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, 0x03));
        assertThat(bootFlags()).containsExactly(0x01, 0x05, 0xC0, 0x08, 0, 0, 0);
    }

    @Test
    void bootInfoAcknowledgeOnlyChangesTheMaskedBits() {
        ok(bmc.call(NetFn.CHASSIS, SET, BootOptions.BOOT_INFO_ACKNOWLEDGE, 0x01, 0xFF));
        assertThat(bytes(ok(bmc.call(NetFn.CHASSIS, GET, BootOptions.BOOT_INFO_ACKNOWLEDGE, 0, 0)).data()))
                .containsExactly(0x01, 0x04, 0x00, 0x01);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"get, '05,00', 0xC7", "get, '05,00,00,00', 0xC7", "get, '07,00,00', 0x80", "get, '64,00,00', 0x80",
            "set, '05', 0xC7", "set, '05,80,04,00,00', 0xC7", "set, '05,9f,04,00,00,00', 0xCC", "set, '07,00', 0x80",
            "set, '00,03', 0xCC"})
    void badRequestsGetTheSpecsCompletionCodes(String op, String request, String code) {
        int cmd = op.equals("get") ? GET : SET;
        assertThat(cc(bmc.call(NetFn.CHASSIS, cmd, LanCommandsTest.hex(request)))).isEqualTo(Integer.decode(code));
    }
}
