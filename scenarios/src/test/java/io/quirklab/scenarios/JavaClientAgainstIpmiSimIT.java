package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.CallOutcome;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.DeviceId;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.ChassisStatus;
import io.quirklab.client.Lanplus;
import io.quirklab.process.CommandRunner;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.reference.IpmiSim;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java client against OpenIPMI's ipmi_sim, a BMC it was not written against, cross-checked with ipmitool:
 * IPMI 1.5 sessions, and RMCP+ sessions with the suites ipmi_sim has (0-3; it has no 17).
 */
@DisplayName("Java client against OpenIPMI ipmi_sim on 127.0.0.77")
class JavaClientAgainstIpmiSimIT {
    static IpmiSim sim;

    @BeforeAll
    static void start() throws IOException {
        Require.capability(Require.TOOLS, IpmiSim.binary().isPresent(), "Test requires ipmi_sim: apt-get install openipmi");
        sim = IpmiSim.start("127.0.0.77", 9623, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static ClientOptions options() {
        return ClientOptions.of(sim.address(), sim.port(), IpmiSim.USER, IpmiSim.PASSWORD).withTimeout(Duration.ofSeconds(1), 2);
    }

    private static String field(String text, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\\s*:\\s*(.*)$").matcher(text);
        assertThat(m.find()).as("'%s' in:%n%s", label, text).isTrue();
        return m.group(1).trim();
    }

    @Test
    void reportsTheSameDeviceIdAsIpmitool() {
        Tools.require("ipmitool", "ipmitool");
        CommandRunner.Result r = ipmitool("-I", "lan", "mc", "info");
        CallOutcome<DeviceId> java = IpmiCall.run(options(), true, ClientCommands::mcInfo);
        assertThat(java.ok()).as(java.message()).isTrue();
        assertSameDevice(r.stdout(), java.value());
    }

    /** ipmi_sim reuses a sequence number after activation; a mature client must not stumble on it. */
    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = {"NONE", "MD2", "MD5", "PASSWORD"})
    void sessionsWorkWithEveryAuthTypeDespiteTheReusedSequence(AuthType type) {
        CallOutcome<ChassisStatus> out = IpmiCall.run(options().withAuthType(type), true, ClientCommands::chassisStatus);
        assertThat(out.ok()).as(out.message()).isTrue();
        assertThat(out.attempts()).as("no retransmissions: %s", out.datagrams()).isEqualTo(out.answered());
    }

    private static CommandRunner.Result ipmitool(String... args) {
        List<String> c = new java.util.ArrayList<>(List.of("ipmitool", "-H", sim.address(), "-p", Integer.toString(sim.port()),
                "-U", IpmiSim.USER, "-P", IpmiSim.PASSWORD));
        c.addAll(List.of(args));
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(30), c);
        assertThat(r.ok()).as(Tools.describe(r)).isTrue();
        return r;
    }

    private static void assertSameDevice(String ipmitoolOutput, DeviceId d) {
        assertThat(d.deviceId()).isEqualTo(Integer.parseInt(field(ipmitoolOutput, "Device ID")));
        assertThat(d.deviceRevision()).isEqualTo(Integer.parseInt(field(ipmitoolOutput, "Device Revision")));
        assertThat(d.manufacturerId()).isEqualTo(Integer.parseInt(field(ipmitoolOutput, "Manufacturer ID"))).isEqualTo(IpmiSim.MANUFACTURER_ID);
        assertThat(d.firmware()).isEqualTo(field(ipmitoolOutput, "Firmware Revision"));
        assertThat(d.ipmiVersion()).isEqualTo(field(ipmitoolOutput, "IPMI Version"));
        assertThat(d.productId()).isEqualTo(IpmiSim.PRODUCT_ID);
    }

    @Test
    void lanplusSuite3ReportsTheSameDeviceIdAsIpmitool() {
        Tools.require("ipmitool", "ipmitool");
        CommandRunner.Result r = ipmitool("-I", "lanplus", "-C", "3", "mc", "info");
        CallOutcome<DeviceId> java = IpmiCall.run(options().withLanplus(Lanplus.suite(CipherSuite.SUITE_3)), true, ClientCommands::mcInfo);
        assertThat(java.ok()).as(java.message()).isTrue();
        assertSameDevice(r.stdout(), java.value());
        assertThat(java.message()).as("ipmi_sim's Open Session privilege 0 is tolerated, and said so").contains("privilege 0");
    }

    @ParameterizedTest
    @EnumSource(value = CipherSuite.class, names = {"SUITE_0", "SUITE_1", "SUITE_2", "SUITE_3"})
    void lanplusSessionsWorkWithEverySuiteIpmiSimHas(CipherSuite suite) {
        CallOutcome<ChassisStatus> out = IpmiCall.run(options().withLanplus(Lanplus.suite(suite)), true, ClientCommands::chassisStatus);
        assertThat(out.ok()).as(out.message()).isTrue();
        assertThat(out.attempts()).as("no retransmissions: %s", out.datagrams()).isEqualTo(out.answered());
    }

    @Test
    void pingAndCaps() {
        assertThat(IpmiCall.run(options(), false, ClientCommands::ping).ok()).isTrue();
        assertThat(IpmiCall.run(options(), false, ClientCommands::caps).value().authTypes()).contains(AuthType.MD5);
    }
}
