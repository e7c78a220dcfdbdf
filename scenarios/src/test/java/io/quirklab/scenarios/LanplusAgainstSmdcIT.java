package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.Exchange;
import io.quirklab.client.CallOutcome;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.DeviceId;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.Lanplus;
import io.quirklab.process.CommandRunner;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.NetFn;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IPMI 2.0 / RMCP+: ipmitool -I lanplus and FreeIPMI -D LAN_2_0, unmodified and without workaround flags, against
 * the simulated SMDC with 2.0 enabled (127.0.0.20:623); and ipmitool -I lanplus against the 1.5-only SMDC
 * (127.0.0.21:623), which must fail at once.
 */
@DisplayName("IPMI 2.0 / RMCP+ clients against the simulated SMDC on 127.0.0.20 (2.0) and 127.0.0.21 (1.5 only)")
class LanplusAgainstSmdcIT {
    static SmdcFixture smdc20;
    static SmdcFixture smdc15;

    @BeforeAll
    static void start() {
        smdc20 = SmdcFixture.start("127.0.0.20", BmcConfig.smdcDefaults().withIpmi20());
        smdc15 = SmdcFixture.start("127.0.0.21", BmcConfig.smdcDefaults());
    }

    @AfterAll
    static void stop() {
        for (SmdcFixture f : new SmdcFixture[] {smdc20, smdc15}) {
            if (f != null) {
                f.close();
            }
        }
    }

    private static CommandRunner.Result ok(CommandRunner.Result r) {
        assertThat(r.ok()).as(Tools.describe(r)).isTrue();
        return r;
    }

    /** No -C (ipmitool asks Get Channel Cipher Suites and takes 17), then suites 3 and 17 pinned. */
    static Stream<Arguments> ipmitoolCases() {
        List<Arguments> out = new ArrayList<>();
        for (List<String> suite : List.of(List.<String>of(), List.of("-C", "3"), List.of("-C", "17"))) {
            out.add(Arguments.of(suite, List.of("mc", "info"), "Manufacturer ID           : 6653"));
            out.add(Arguments.of(suite, List.of("chassis", "status"), "System Power         : "));
            out.add(Arguments.of(suite, List.of("sdr", "list"), "CPU Temp"));
            out.add(Arguments.of(suite, List.of("sel", "info"), "SEL Information"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "ipmitool -I lanplus {0} {1}")
    @MethodSource("ipmitoolCases")
    void ipmitoolLanplus(List<String> suite, List<String> command, String expected) {
        Tools.require("ipmitool", "ipmitool");
        List<String> args = new ArrayList<>(suite);
        args.addAll(command);
        long before = smdc20.bmc().droppedCount(Exchange.Drop.BAD_AUTH_CODE) + smdc20.bmc().droppedCount(Exchange.Drop.OUT_OF_WINDOW);
        CommandRunner.Result r = ok(smdc20.run(smdc20.ipmitoolLanplus(args.toArray(String[]::new)).toArray(String[]::new)));
        assertThat(r.stdout()).contains(expected);
        assertThat(r.elapsed().toMillis()).as("no retransmissions or waits").isLessThan(5_000);
        assertThat(smdc20.bmc().droppedCount(Exchange.Drop.BAD_AUTH_CODE) + smdc20.bmc().droppedCount(Exchange.Drop.OUT_OF_WINDOW)).isEqualTo(before);
        assertThat(smdc20.bmc().activeSessions()).as("ipmitool closed its session").isZero();
        String wanted = suite.isEmpty() ? "cipher suite 17" : "cipher suite " + suite.get(1);
        assertThat(smdc20.log).anyMatch(l -> l.contains("RAKP 4") && l.contains(wanted));
    }

    @Test
    void ipmitoolWithoutDashCAsksForTheCipherSuitesAndPicks17() {
        Tools.require("ipmitool", "ipmitool");
        smdc20.log.clear();
        ok(smdc20.run(smdc20.ipmitoolLanplus("chassis", "power", "status").toArray(String[]::new)));
        assertThat(smdc20.log).anyMatch(l -> l.contains("Get Channel Cipher Suites (RMCP+, no session) -> 0x00"));
        assertThat(smdc20.log).anyMatch(l -> l.contains("Open Session cipher suite 17"));
    }

    static Stream<Arguments> freeipmiCases() {
        return Stream.of(
                Arguments.of(List.of("bmc-info"), List.<String>of(), "Manufacturer ID       : Tyan Computer Corporation (6653)"),
                Arguments.of(List.of("bmc-info"), List.of("-I", "17"), "Manufacturer ID       : Tyan Computer Corporation (6653)"),
                Arguments.of(List.of("ipmi-chassis", "--get-status"), List.<String>of(), "System Power"),
                Arguments.of(List.of("ipmi-chassis", "--get-status"), List.of("-I", "17"), "System Power"));
    }

    @ParameterizedTest(name = "FreeIPMI {0} -D LAN_2_0 {1}")
    @MethodSource("freeipmiCases")
    void freeipmiLan20(List<String> tool, List<String> suite, String expected) {
        Tools.require(tool.get(0), "freeipmi-tools");
        List<String> c = new ArrayList<>(List.of(tool.get(0), "-D", "LAN_2_0", "-h", smdc20.host, "-u", SmdcFixture.USER,
                "-p", SmdcFixture.PASSWORD));
        c.addAll(suite);
        c.addAll(tool.subList(1, tool.size()));
        CommandRunner.Result r = ok(smdc20.run(c.toArray(String[]::new)));
        assertThat(r.stdout()).contains(expected);
        assertThat(r.elapsed().toMillis()).as("no retransmissions or waits").isLessThan(5_000);
        String wanted = suite.isEmpty() ? "cipher suite 3" : "cipher suite 17";
        assertThat(smdc20.log).anyMatch(l -> l.contains("RAKP 4") && l.contains(wanted));
    }

    @Test
    void ipmitoolLanplusAgainstTheIpmi15OnlySmdcFailsPromptly() {
        Tools.require("ipmitool", "ipmitool");
        List<String> c = new ArrayList<>(smdc15.ipmitoolLanplus("mc", "info"));
        c.add(1, "-v"); // only verbose ipmitool says why
        CommandRunner.Result r = smdc15.run(c.toArray(String[]::new));
        assertThat(r.exitCode()).as(Tools.describe(r)).isNotZero();
        assertThat(r.stdout() + r.stderr()).contains("This BMC does not support IPMI v2 / RMCP+", "Unable to establish IPMI v2 / RMCP+ session");
        assertThat(r.elapsed().toMillis()).as("prompt: no timeouts").isLessThan(2_000);
        assertThat(smdc15.bmc().droppedCount(Exchange.Drop.RMCP_PLUS_UNSUPPORTED)).as("ipmitool never even tried RMCP+").isZero();
    }

    @ParameterizedTest(name = "Java client --lanplus -C {0}")
    @ValueSource(ints = {3, 17})
    void javaClientPassesEveryCommand(int suite) {
        ClientOptions o = ClientOptions.of(smdc20.host, 623, SmdcFixture.USER, SmdcFixture.PASSWORD)
                .withLanplus(Lanplus.suite(CipherSuite.byId(suite).orElseThrow()));
        List<CallOutcome<?>> outcomes = List.of(
                IpmiCall.run(o, false, ClientCommands::ping),
                IpmiCall.run(o, false, ClientCommands::caps),
                IpmiCall.run(o, true, ClientCommands::mcInfo),
                IpmiCall.run(o, true, ClientCommands::chassisStatus),
                IpmiCall.run(o, true, ClientCommands.chassisControl(1)),
                IpmiCall.run(o, true, ClientCommands::sdrList),
                IpmiCall.run(o, true, ClientCommands::selInfo),
                IpmiCall.run(o, true, ClientCommands.raw(NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, new byte[0])));
        for (CallOutcome<?> out : outcomes) {
            assertThat(out.ok()).as(out.message()).isTrue();
            assertThat(out.attempts()).as("no retransmissions: %s", out.datagrams()).isEqualTo(out.answered());
        }
        assertThat(((DeviceId) outcomes.get(2).value()).manufacturerId()).isEqualTo(6653);
        assertThat(smdc20.log).anyMatch(l -> l.contains("RAKP 4") && l.contains("cipher suite " + suite));
    }

    @Test
    void ipmi15ClientsStillWorkAgainstThe20Smdc() {
        Tools.require("ipmitool", "ipmitool");
        assertThat(ok(smdc20.run(smdc20.ipmitool("mc", "info").toArray(String[]::new))).stdout()).contains("IPMI Version              : 1.5");
        Tools.require("bmc-info", "freeipmi-tools");
        assertThat(ok(smdc20.run("bmc-info", "-D", "LAN", "-h", smdc20.host, "-u", SmdcFixture.USER, "-p", SmdcFixture.PASSWORD)).stdout())
                .contains("Tyan Computer Corporation (6653)");
    }
}
