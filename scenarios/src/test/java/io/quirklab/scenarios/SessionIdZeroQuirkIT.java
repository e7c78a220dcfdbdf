package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.process.CommandRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The M3289 session-ID-zero firmware: FreeIPMI times out unless told -W idzero; ipmitool does not notice. */
@DisplayName("session-id-zero quirk on 127.0.0.4:623")
class SessionIdZeroQuirkIT {
    static SmdcFixture smdc;

    @BeforeAll
    static void start() {
        smdc = SmdcFixture.start("127.0.0.4", FirmwareQuirk.SESSION_ID_ZERO);
    }

    @AfterAll
    static void stop() {
        if (smdc != null) {
            smdc.close();
        }
    }

    private CommandRunner.Result freeipmi(String... extra) {
        java.util.List<String> c = new java.util.ArrayList<>(java.util.List.of("ipmi-chassis", "-D", "LAN", "-h", smdc.host,
                "-u", SmdcFixture.USER, "-p", SmdcFixture.PASSWORD, "-l", "ADMIN", "--get-status", "--session-timeout=3000"));
        c.addAll(java.util.List.of(extra));
        return smdc.runner.run(SmdcFixture.TOOL_TIMEOUT, c);
    }

    @Test
    void freeipmiFailsWithoutTheWorkaround() {
        Tools.require("ipmi-chassis", "freeipmi-tools");
        CommandRunner.Result r = freeipmi();
        assertThat(r.exitCode()).as(Tools.describe(r)).isNotZero();
        assertThat(r.stdout() + r.stderr()).containsIgnoringCase("timeout");
    }

    @Test
    void freeipmiSucceedsWithIdzero() {
        Tools.require("ipmi-chassis", "freeipmi-tools");
        CommandRunner.Result r = freeipmi("-W", "idzero");
        assertThat(r.ok()).as(Tools.describe(r)).isTrue();
        assertThat(r.stdout()).containsPattern("System Power\\s+: on");
    }

    @Test
    void ipmitoolDoesNotNotice() {
        Tools.require("ipmitool", "ipmitool");
        CommandRunner.Result r = smdc.run(smdc.ipmitool("chassis", "power", "status").toArray(String[]::new));
        assertThat(r.ok()).as(Tools.describe(r)).isTrue();
    }
}
