package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/** ipmitool, ipmiutil and FreeIPMI, unmodified and without workaround flags, against the simulated SMDC. */
@DisplayName("real IPMI clients against the simulated SMDC on 127.0.0.2:623")
class RealClientsAgainstSmdcIT {
    static SmdcFixture smdc;

    @BeforeAll
    static void start() {
        smdc = SmdcFixture.start("127.0.0.2");
    }

    @AfterAll
    static void stop() {
        if (smdc != null) {
            smdc.close();
        }
    }

    private static CommandRunner.Result ok(CommandRunner.Result r) {
        assertThat(r.ok()).as(Tools.describe(r)).isTrue();
        return r;
    }

    @Test
    void ipmitoolMcInfoShowsTheTyanIdentity() {
        Tools.require("ipmitool", "ipmitool");
        String out = ok(smdc.run(smdc.ipmitool("mc", "info").toArray(String[]::new))).stdout();
        assertThat(out).contains("Manufacturer ID           : 6653", "Firmware Revision         : 1.05", "IPMI Version              : 1.5");
    }

    @Test
    void ipmitoolChassisStatusAndPowerStatus() {
        Tools.require("ipmitool", "ipmitool");
        assertThat(ok(smdc.run(smdc.ipmitool("chassis", "status").toArray(String[]::new))).stdout()).contains("System Power         : on");
        assertThat(ok(smdc.run(smdc.ipmitool("chassis", "power", "status").toArray(String[]::new))).stdout()).contains("Chassis Power is on");
    }

    @Test
    void ipmitoolPowerCycleShowsInTheFollowingStatus() {
        Tools.require("ipmitool", "ipmitool");
        int before = smdc.bmc().model().chassis().powerCycles();
        assertThat(ok(smdc.run(smdc.ipmitool("chassis", "power", "cycle").toArray(String[]::new))).stdout()).contains("Cycle");
        assertThat(smdc.bmc().model().chassis().powerCycles()).isEqualTo(before + 1);
        assertThat(ok(smdc.run(smdc.ipmitool("chassis", "status").toArray(String[]::new))).stdout())
                .contains("System Power         : on", "Last Power Event     : command");
    }

    @Test
    void ipmitoolSdrListShowsTheSensors() {
        Tools.require("ipmitool", "ipmitool");
        String out = ok(smdc.run(smdc.ipmitool("sdr", "list").toArray(String[]::new))).stdout();
        assertThat(out).contains("CPU Temp", "System Temp", "CPU Fan", "12V", "3.3V");
        assertThat(out).containsPattern("12V\\s+\\|\\s+1[12](\\.\\d+)? Volts\\s+\\|\\s+ok");
        assertThat(out).containsPattern("CPU Fan\\s+\\|\\s+\\d+ RPM\\s+\\|\\s+ok");
    }

    @Test
    void ipmitoolSelInfo() {
        Tools.require("ipmitool", "ipmitool");
        assertThat(ok(smdc.run(smdc.ipmitool("sel", "info").toArray(String[]::new))).stdout()).containsPattern("Entries\\s+:\\s+[1-9]");
    }

    @Test
    void ipmitoolFruPrintShowsBoardAndProduct() {
        Tools.require("ipmitool", "ipmitool");
        String out = ok(smdc.run(smdc.ipmitool("fru", "print").toArray(String[]::new))).stdout();
        assertThat(out).contains("TYAN Computer Corp", "S2882 SMDC M3289", "Thunder K8S Pro");
    }

    @Test
    void ipmiutilHealthCompletes() {
        Tools.require("ipmiutil", "ipmiutil");
        String out = ok(smdc.run("ipmiutil", "health", "-N", smdc.host, "-U", SmdcFixture.USER, "-P", SmdcFixture.PASSWORD, "-F", "lan")).stdout();
        assertThat(out).contains("0019fd", "1.05", "completed successfully");
    }

    @Test
    void ipmiutilSensorListsTheSensors() {
        Tools.require("ipmiutil", "ipmiutil");
        String out = ok(smdc.run("ipmiutil", "sensor", "-N", smdc.host, "-U", SmdcFixture.USER, "-P", SmdcFixture.PASSWORD, "-F", "lan")).stdout();
        assertThat(out).contains("CPU Temp", "12V", "completed successfully").containsPattern("12V\\s+= \\p{XDigit}{2} OK\\s+1[12]\\.\\d\\d Volts");
    }

    @Test
    void freeipmiBmcInfo() {
        Tools.require("bmc-info", "freeipmi-tools");
        String out = ok(smdc.run("bmc-info", "-D", "LAN", "-h", smdc.host, "-u", SmdcFixture.USER, "-p", SmdcFixture.PASSWORD)).stdout();
        assertThat(out).contains("Tyan Computer Corporation (6653)", "Firmware Revision     : 1.05");
    }

    @Test
    void freeipmiChassisGetStatus() {
        Tools.require("ipmi-chassis", "freeipmi-tools");
        String out = ok(smdc.run("ipmi-chassis", "-D", "LAN", "-h", smdc.host, "-u", SmdcFixture.USER, "-p", SmdcFixture.PASSWORD,
                "-l", "ADMIN", "--get-status")).stdout();
        assertThat(out).containsPattern("System Power\\s+: on");
    }

    @Test
    void freeipmiSensors(@TempDir Path cache) {
        Tools.require("ipmi-sensors", "freeipmi-tools");
        // A private SDR cache directory: FreeIPMI would otherwise leave one in ~/.freeipmi.
        String out = ok(smdc.run("ipmi-sensors", "-D", "LAN", "-h", smdc.host, "-u", SmdcFixture.USER, "-p", SmdcFixture.PASSWORD,
                "--sdr-cache-directory=" + cache)).stdout();
        assertThat(out).contains("CPU Temp", "System Temp", "CPU Fan", "12V", "3.3V");
        assertThat(out).containsPattern("12V\\s*\\|\\s*Voltage\\s*\\|\\s*1[12]\\.\\d\\d\\s*\\|\\s*V\\s*\\|\\s*'OK'");
    }

    @Test
    void freeipmiIpmipingAndRmcpping() {
        Tools.require("ipmiping", "freeipmi-tools");
        assertThat(ok(smdc.run("ipmiping", "-c", "3", smdc.host)).stdout()).contains("3 requests transmitted, 3 responses received");
        assertThat(ok(smdc.run("rmcpping", "-c", "3", smdc.host)).stdout()).contains("3 pings transmitted, 3 pongs received");
    }
}
