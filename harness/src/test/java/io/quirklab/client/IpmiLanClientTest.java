package io.quirklab.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.bmc.User;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
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

/** The Java client against the simulated SMDC over a real UDP socket on loopback (ephemeral port, no root). */
class IpmiLanClientTest {
    private UdpBmcServer server;

    private ClientOptions serve(BmcConfig config) throws IOException {
        server = UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(InetAddress.getByName("127.0.0.9"), 0), l -> { });
        return ClientOptions.of("127.0.0.9", server.localAddress().getPort(), "admin", "secret")
                .withTimeout(Duration.ofMillis(500), 1);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pingAndCapsNeedNoSession() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        CallOutcome<?> ping = IpmiCall.run(o, false, ClientCommands::ping);
        assertThat(ping.ok()).as(ping.message()).isTrue();
        CallOutcome<AuthCapabilities> caps = IpmiCall.run(o, false, ClientCommands::caps);
        assertThat(caps.value().authTypes()).as("NONE only with the auth-none-accepted quirk")
                .containsExactlyInAnyOrder(AuthType.MD2, AuthType.MD5, AuthType.PASSWORD);
        assertThat(caps.value().ipmi20()).isFalse();
        assertThat(server.bmc().activeSessions()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = AuthType.class, names = {"NONE", "MD2", "MD5", "PASSWORD"})
    void mcInfoWithEveryAuthType(AuthType type) throws IOException {
        BmcConfig c = BmcConfig.smdcDefaults();
        ClientOptions o = serve(type == AuthType.NONE ? c.withQuirks(EnumSet.of(FirmwareQuirk.AUTH_NONE_ACCEPTED)) : c).withAuthType(type);
        CallOutcome<DeviceId> out = IpmiCall.run(o, true, ClientCommands::mcInfo);
        assertThat(out.ok()).as(out.message()).isTrue();
        assertThat(out.value().manufacturerId()).isEqualTo(6653);
        assertThat(out.value().firmware()).isEqualTo("1.05");
        assertThat(out.value().ipmiVersion()).isEqualTo("1.5");
        assertThat(out.datagrams()).allMatch(DatagramTiming::answered);
        assertThat(server.bmc().activeSessions()).as("session closed afterwards").isZero();
    }

    @Test
    void everyCommandSucceeds() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        assertThat(IpmiCall.run(o, true, ClientCommands::chassisStatus).value().powerOn()).isTrue();
        CallOutcome<Integer> off = IpmiCall.run(o, true, ClientCommands.chassisControl(0));
        assertThat(off.ok()).as(off.message()).isTrue();
        assertThat(IpmiCall.run(o, true, ClientCommands::chassisStatus).value().powerOn()).isFalse();
        assertThat(IpmiCall.run(o, true, ClientCommands.chassisControl(2)).ok()).isTrue();
        ChassisStatus after = IpmiCall.run(o, true, ClientCommands::chassisStatus).value();
        assertThat(after.powerOn()).isTrue();
        assertThat(after.lastEventText()).isEqualTo("command");

        CallOutcome<List<SensorReading>> sdr = IpmiCall.run(o, true, ClientCommands::sdrList);
        assertThat(sdr.ok()).as(sdr.message()).isTrue();
        assertThat(sdr.value()).extracting(SensorReading::name).contains("CPU Temp", "System Temp", "CPU Fan", "12V", "3.3V");
        SensorReading twelve = sdr.value().stream().filter(r -> r.name().equals("12V")).findFirst().orElseThrow();
        assertThat(twelve.value()).isBetween(11.4, 12.6);
        assertThat(twelve.status()).isEqualTo("ok");

        CallOutcome<SelInfo> sel = IpmiCall.run(o, true, ClientCommands::selInfo);
        assertThat(sel.ok()).as(sel.message()).isTrue();
        assertThat(sel.value().entries()).isPositive();

        CallOutcome<IpmiResponse> raw = IpmiCall.run(o, true, ClientCommands.raw(NetFn.APP, NetFn.Cmd.GET_DEVICE_ID, new byte[0]));
        assertThat(raw.value().ok()).isTrue();
        assertThat(raw.value().data()[6] & 0xFF).isEqualTo(0xFD); // IANA 6653 = 0x0019FD, least significant byte first
    }

    @Test
    void unknownCommandIsAnsweredInvalidCommandAtOnce() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        CallOutcome<IpmiResponse> raw = IpmiCall.run(o, true, ClientCommands.raw(0x2C, 0x3E, new byte[] {0}));
        assertThat(raw.value().completionCode()).isEqualTo(0xC1);
        assertThat(raw.attempts()).as("no retransmission needed").isEqualTo(raw.answered());
    }

    @Test
    void wrongPasswordEndsInATimeoutOnActivateSessionAndNoSession() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        ClientOptions wrong = new ClientOptions(o.host(), o.port(), "admin", "wrong", null, Privilege.ADMINISTRATOR, Duration.ofMillis(200), 1);
        CallOutcome<DeviceId> out = IpmiCall.run(wrong, true, ClientCommands::mcInfo);
        assertThat(out.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(out.message()).contains("Activate Session");
        assertThat(out.attempts()).isEqualTo(2 + 2); // caps + challenge answered, then 2 unanswered activations
        assertThat(server.bmc().activeSessions()).isZero();
    }

    @Test
    void unknownUserIsAnAuthFailure() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        ClientOptions nobody = new ClientOptions(o.host(), o.port(), "nobody", "x", null, Privilege.ADMINISTRATOR, o.timeout(), 0);
        CallOutcome<DeviceId> out = IpmiCall.run(nobody, true, ClientCommands::mcInfo);
        assertThat(out.failure()).isEqualTo(Failure.AUTH_FAILED);
        assertThat(out.message()).contains("invalid user name");
    }

    @Test
    void userLimitedAccountCannotControlTheChassis() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults().withUsers(List.of(new User(2, "viewer", "view", Privilege.USER))));
        ClientOptions viewer = new ClientOptions(o.host(), o.port(), "viewer", "view", null, Privilege.USER, o.timeout(), 0);
        assertThat(IpmiCall.run(viewer, true, ClientCommands::chassisStatus).ok()).isTrue();
        CallOutcome<Integer> control = IpmiCall.run(viewer, true, ClientCommands.chassisControl(0));
        assertThat(control.failure()).isEqualTo(Failure.COMPLETION_CODE);
        assertThat(control.message()).contains("0xd4");
        CallOutcome<DeviceId> admin = IpmiCall.run(viewer.withPrivilege(Privilege.ADMINISTRATOR), true, ClientCommands::mcInfo);
        assertThat(admin.failure()).isEqualTo(Failure.AUTH_FAILED);
    }

    @Test
    void nothingListeningIsATimeoutNotACrash() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults());
        server.close();
        CallOutcome<DeviceId> out = IpmiCall.run(o.withTimeout(Duration.ofMillis(100), 1), true, ClientCommands::mcInfo);
        assertThat(out.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(out.attempts()).isEqualTo(2);
        assertThat(out.answered()).isZero();
    }

    @Test
    void toleratesSessionIdZeroAndReusedSequence() throws IOException {
        ClientOptions o = serve(BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.SESSION_ID_ZERO, FirmwareQuirk.REUSED_SEQUENCE)));
        CallOutcome<DeviceId> out = IpmiCall.run(o, true, ClientCommands::mcInfo);
        assertThat(out.ok()).as(out.message()).isTrue();
        assertThat(out.message()).contains("session ID 0");
        assertThat(out.attempts()).as("no retransmissions").isEqualTo(out.answered());
    }
}
