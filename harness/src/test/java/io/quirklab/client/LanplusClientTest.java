package io.quirklab.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.bmc.User;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Java client's IPMI 2.0 / RMCP+ sessions against the simulated SMDC over UDP on loopback (ephemeral port). */
class LanplusClientTest {
    private UdpBmcServer server;

    private ClientOptions serve(BmcConfig config) throws IOException {
        server = UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(InetAddress.getByName("127.0.0.23"), 0), l -> { });
        return ClientOptions.of("127.0.0.23", server.localAddress().getPort(), "admin", "secret")
                .withTimeout(Duration.ofMillis(500), 1).withLanplus(Lanplus.bestSuite());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void everyCommandSucceedsWithEverySuite(CipherSuite suite) throws IOException {
        BmcConfig c = BmcConfig.smdcDefaults().withIpmi20();
        ClientOptions o = serve(suite == CipherSuite.SUITE_0 ? c.withQuirks(EnumSet.of(FirmwareQuirk.CIPHER_ZERO)) : c)
                .withLanplus(Lanplus.suite(suite));
        CallOutcome<DeviceId> mc = IpmiCall.run(o, true, ClientCommands::mcInfo);
        assertThat(mc.ok()).as(mc.message()).isTrue();
        assertThat(mc.value().manufacturerId()).isEqualTo(6653);
        assertThat(mc.attempts()).as("no retransmissions: %s", mc.datagrams()).isEqualTo(mc.answered());
        assertThat(IpmiCall.run(o, true, ClientCommands::chassisStatus).value().powerOn()).isTrue();
        assertThat(IpmiCall.run(o, true, ClientCommands.chassisControl(2)).ok()).isTrue();
        CallOutcome<List<SensorReading>> sdr = IpmiCall.run(o, true, ClientCommands::sdrList);
        assertThat(sdr.ok()).as(sdr.message()).isTrue();
        assertThat(sdr.value()).extracting(SensorReading::name).contains("CPU Temp", "12V");
        assertThat(IpmiCall.run(o, true, ClientCommands::selInfo).value().entries()).isPositive();
        CallOutcome<IpmiResponse> raw = IpmiCall.run(o, true, ClientCommands.raw(0x2C, 0x3E, new byte[] {0}));
        assertThat(raw.value().completionCode()).isEqualTo(0xC1);
        assertThat(server.bmc().activeSessions()).as("every session closed").isZero();
    }

    @Test
    void withoutDashCTheStrongestCommonSuiteIsPicked() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults().withIpmi20());
        CallOutcome<DeviceId> out = IpmiCall.run(o, true, ClientCommands::mcInfo);
        assertThat(out.ok()).as(out.message()).isTrue();
        assertThat(out.datagrams()).extracting(DatagramTiming::label).contains("netFn 0x06 cmd 0x54 (RMCP+)");
        stop();
        ClientOptions only3 = serve(BmcConfig.smdcDefaults().withCipherSuites(EnumSet.of(CipherSuite.SUITE_2, CipherSuite.SUITE_3)));
        assertThat(IpmiCall.run(only3, true, ClientCommands::mcInfo).ok()).isTrue();
        CallOutcome<DeviceId> forced = IpmiCall.run(only3.withLanplus(Lanplus.suite(CipherSuite.SUITE_17)), true, ClientCommands::mcInfo);
        assertThat(forced.failure()).isEqualTo(Failure.AUTH_FAILED);
        assertThat(forced.message()).contains("0x11");
    }

    @Test
    void anIpmi15OnlyBmcFailsPromptly() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        CallOutcome<DeviceId> out = IpmiCall.run(o, true, ClientCommands::mcInfo);
        assertThat(out.failure()).isEqualTo(Failure.PROTOCOL_ERROR);
        assertThat(out.message()).contains("does not support IPMI v2.0");
        assertThat(out.attempts()).as("one answered Get Channel Auth Capabilities, nothing else").isEqualTo(1).isEqualTo(out.answered());
    }

    @Test
    void wrongPasswordUnknownUserAndTooMuchPrivilegeAreAuthFailures() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults().withIpmi20().withUsers(List.of(new User(2, "admin", "secret", Privilege.ADMINISTRATOR),
                new User(3, "viewer", "view", Privilege.USER))));
        CallOutcome<DeviceId> wrong = IpmiCall.run(new ClientOptions(o.host(), o.port(), "admin", "wrong", null, Privilege.ADMINISTRATOR,
                o.timeout(), 0, o.lanplus()), true, ClientCommands::mcInfo);
        assertThat(wrong.failure()).isEqualTo(Failure.AUTH_FAILED);
        assertThat(wrong.message()).contains("wrong password");
        CallOutcome<DeviceId> nobody = IpmiCall.run(new ClientOptions(o.host(), o.port(), "nobody", "x", null, Privilege.USER,
                o.timeout(), 0, o.lanplus()), true, ClientCommands::mcInfo);
        assertThat(nobody.message()).contains("unauthorized name");
        ClientOptions viewer = new ClientOptions(o.host(), o.port(), "viewer", "view", null, Privilege.USER, o.timeout(), 0, o.lanplus());
        assertThat(IpmiCall.run(viewer, true, ClientCommands::chassisStatus).ok()).isTrue();
        CallOutcome<Integer> control = IpmiCall.run(viewer, true, ClientCommands.chassisControl(0));
        assertThat(control.message()).contains("0xd4");
        CallOutcome<DeviceId> admin = IpmiCall.run(viewer.withPrivilege(Privilege.ADMINISTRATOR), true, ClientCommands::mcInfo);
        assertThat(admin.failure()).isEqualTo(Failure.AUTH_FAILED);
        assertThat(admin.message()).contains("0x0a");
        assertThat(server.bmc().activeSessions()).isZero();
    }

    @Test
    void kgMustMatchTheBmcs() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults().withIpmi20().withKg(RakpMessages.key20("lab-kg")));
        assertThat(IpmiCall.run(o.withLanplus(Lanplus.bestSuite().withKg("lab-kg")), true, ClientCommands::mcInfo).ok()).isTrue();
        CallOutcome<DeviceId> none = IpmiCall.run(o, true, ClientCommands::mcInfo);
        assertThat(none.failure()).isEqualTo(Failure.AUTH_FAILED);
        assertThat(none.message()).contains("Kg");
    }

    @Test
    void passwordsOfTwentyBytesWorkOnlyWithLanplus() throws IOException {
        String twenty = "0123456789abcdefghij";
        ClientOptions o = serve(BmcConfig.smdcDefaults().withIpmi20());
        assertThat(IpmiCall.run(new ClientOptions(o.host(), o.port(), "admin", twenty, null, Privilege.ADMINISTRATOR, o.timeout(), 0, null),
                true, ClientCommands::mcInfo).message()).contains("at most 16 bytes");
        assertThat(IpmiCall.run(new ClientOptions(o.host(), o.port(), "admin", twenty, null, Privilege.ADMINISTRATOR, o.timeout(), 0,
                o.lanplus()), true, ClientCommands::mcInfo).message()).contains("wrong password");
    }
}
