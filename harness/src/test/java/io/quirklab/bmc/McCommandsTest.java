package io.quirklab.bmc;

import static io.quirklab.bmc.Handlers.bytes;
import static io.quirklab.bmc.Handlers.cc;
import static io.quirklab.bmc.Handlers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class McCommandsTest {
    /** SMS/OS timer, hard reset on expiry, no pre-timeout, clear no flags, 5.0 s (50 x 100 ms). */
    private static final int[] SMS_HARD_RESET_5S = {0x04, 0x01, 0x00, 0x00, 50, 0};

    private final Handlers bmc = new Handlers(BmcConfig.smdcDefaults(), t -> {
        McCommands.register(t);
        ChassisCommands.register(t);
    });

    private int[] watchdog() {
        return bytes(ok(bmc.call(NetFn.APP, McCommands.GET_WATCHDOG)).data());
    }

    @Test
    void privilegesAreThoseOfTheSpecification() {
        assertThat(bmc.privilege(NetFn.APP, McCommands.COLD_RESET)).isEqualTo(Privilege.ADMINISTRATOR);
        assertThat(bmc.privilege(NetFn.APP, McCommands.WARM_RESET)).isEqualTo(Privilege.ADMINISTRATOR);
        assertThat(bmc.privilege(NetFn.APP, McCommands.GET_WATCHDOG)).isEqualTo(Privilege.USER);
        assertThat(bmc.privilege(NetFn.APP, McCommands.SET_WATCHDOG)).isEqualTo(Privilege.OPERATOR);
        assertThat(bmc.privilege(NetFn.APP, McCommands.RESET_WATCHDOG)).isEqualTo(Privilege.OPERATOR);
        assertThat(bmc.privilege(NetFn.APP, McCommands.GET_GLOBAL_ENABLES)).isEqualTo(Privilege.USER);
        assertThat(bmc.privilege(NetFn.APP, McCommands.SET_GLOBAL_ENABLES)).isEqualTo(Privilege.ADMINISTRATOR);
    }

    @Test
    void anUnsetWatchdogCannotBeStarted() {
        assertThat(watchdog()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(cc(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG))).isEqualTo(Watchdog.UNINITIALIZED);
    }

    @Test
    void theWatchdogCountsDownInTenthsOfASecondAndResetsTheSystemWhenItExpires() {
        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, SMS_HARD_RESET_5S));
        assertThat(watchdog()).as("set, not yet started").containsExactly(0x04, 0x01, 0, 0, 50, 0, 50, 0);
        ok(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG));
        bmc.clock.advance(Duration.ofMillis(1_250));
        assertThat(watchdog()).as("running, 3.75 s left rounds up to 3.8").containsExactly(0x44, 0x01, 0, 0, 50, 0, 38, 0);
        int events = bmc.model.sel().size();

        bmc.clock.advance(Duration.ofSeconds(10));
        assertThat(watchdog()).as("stopped, SMS/OS expiration flag (bit 4) set").containsExactly(0x04, 0x01, 0, 0x10, 50, 0, 50, 0);
        assertThat(bmc.model.chassis().restartCause()).isEqualTo(Chassis.CAUSE_WATCHDOG);
        assertThat(bmc.model.sel().size()).isEqualTo(events + 1);
        EventLog.Event e = bmc.model.sel().find(EventLog.LAST).orElseThrow().event();
        assertThat(e.sensorType()).isEqualTo(Watchdog.SENSOR_TYPE_WATCHDOG_2);
        assertThat(e.data1() & 0x0F).as("offset 1: hard reset").isEqualTo(1);
        assertThat(e.timestamp()).as("stamped when it expired (5 s after the reset), not when noticed (11.25 s)")
                .isEqualTo((int) Handlers.START.plusSeconds(5).getEpochSecond());

        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, 0x04, 0x01, 0x00, 0x10, 50, 0));
        assertThat(watchdog()[3]).as("expiration flag cleared by Set").isZero();
    }

    @Test
    void dontLogKeepsTheExpiryOutOfTheSel() {
        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, 0x84, 0x00, 0x00, 0x00, 10, 0));
        ok(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG));
        int events = bmc.model.sel().size();
        bmc.clock.advance(Duration.ofSeconds(2));
        assertThat(watchdog()[3]).isEqualTo(0x10);
        assertThat(bmc.model.sel().size()).isEqualTo(events);
        assertThat(bmc.model.chassis().powerOn()).as("no action").isTrue();
    }

    @Test
    void powerDownActionTurnsThePowerOff() {
        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, 0x03, 0x02, 0x00, 0x00, 10, 0));
        ok(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG));
        bmc.clock.advance(Duration.ofSeconds(2));
        ok(bmc.call(NetFn.CHASSIS, NetFn.Cmd.GET_CHASSIS_STATUS));
        assertThat(bmc.model.chassis().powerOn()).isFalse();
    }

    @ParameterizedTest(name = "set watchdog {0} -> {1}")
    @CsvSource({"'04,01,00,00,32', 0xC7", "'04,01,00,00,32,00,00', 0xC7", "'00,01,00,00,32,00', 0xCC", "'06,01,00,00,32,00', 0xCC",
            "'04,04,00,00,32,00', 0xCC", "'04,41,00,00,32,00', 0xCC"})
    void badWatchdogSettingsAreRefused(String request, String code) {
        assertThat(cc(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, LanCommandsTest.hex(request)))).isEqualTo(Integer.decode(code));
    }

    @Test
    void globalEnablesAreReadAndWritten() {
        assertThat(bytes(ok(bmc.call(NetFn.APP, McCommands.GET_GLOBAL_ENABLES)).data())).containsExactly(0x0C);
        ok(bmc.call(NetFn.APP, McCommands.SET_GLOBAL_ENABLES, 0x08));
        assertThat(bytes(ok(bmc.call(NetFn.APP, McCommands.GET_GLOBAL_ENABLES)).data())).containsExactly(0x08);
        assertThat(cc(bmc.call(NetFn.APP, McCommands.SET_GLOBAL_ENABLES, 0x18))).as("bit 4 reserved").isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(cc(bmc.call(NetFn.APP, McCommands.SET_GLOBAL_ENABLES))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        assertThat(cc(bmc.call(NetFn.APP, McCommands.GET_GLOBAL_ENABLES, 0x00))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
    }

    @Test
    void withSelLoggingOffAnExpiryIsNotLogged() {
        ok(bmc.call(NetFn.APP, McCommands.SET_GLOBAL_ENABLES, 0x04));
        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, 0x04, 0x00, 0x00, 0x00, 10, 0));
        ok(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG));
        int events = bmc.model.sel().size();
        bmc.clock.advance(Duration.ofSeconds(2));
        bmc.call(NetFn.APP, McCommands.GET_WATCHDOG);
        assertThat(bmc.model.sel().size()).isEqualTo(events);
    }

    @Test
    void coldResetStopsTheWatchdogRestoresEnablesAndRestartsUptime() {
        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, SMS_HARD_RESET_5S));
        ok(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG));
        ok(bmc.call(NetFn.APP, McCommands.SET_GLOBAL_ENABLES, 0x00));
        bmc.clock.advance(Duration.ofSeconds(1));
        int reservation = bmc.model.sel().reserve();
        ok(bmc.call(NetFn.APP, McCommands.COLD_RESET));
        assertThat(watchdog()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(bmc.model.globalEnables()).isEqualTo(BmcModel.DEFAULT_GLOBAL_ENABLES);
        assertThat(bmc.model.uptimeMillis()).isZero();
        assertThat(bmc.model.sel().reservationValid(reservation)).isFalse();
        assertThat(bmc.model.users().byName(BmcConfig.DEFAULT_USER)).as("users are non-volatile").isPresent();
        assertThat(cc(bmc.call(NetFn.APP, McCommands.COLD_RESET, 0x00))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
    }

    @Test
    void warmResetKeepsTheWatchdogRunning() {
        ok(bmc.call(NetFn.APP, McCommands.SET_WATCHDOG, SMS_HARD_RESET_5S));
        ok(bmc.call(NetFn.APP, McCommands.RESET_WATCHDOG));
        ok(bmc.call(NetFn.APP, McCommands.WARM_RESET));
        assertThat(watchdog()[0] & Watchdog.RUNNING).isNotZero();
    }
}
