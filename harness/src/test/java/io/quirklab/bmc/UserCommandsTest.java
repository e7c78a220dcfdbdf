package io.quirklab.bmc;

import static io.quirklab.bmc.Handlers.bytes;
import static io.quirklab.bmc.Handlers.cc;
import static io.quirklab.bmc.Handlers.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.client.IpmiCallException;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserCommandsTest {
    private final Handlers smdc = new Handlers(BmcConfig.smdcDefaults(), t -> UserCommands.register(t, false));
    private final Handlers smdc20 = new Handlers(BmcConfig.smdcDefaults().withIpmi20(), t -> UserCommands.register(t, true));

    private static int[] name(int id, String name) {
        return bytes(new ByteWriter().u8(id).bytes(AuthCodes.pad16(name)).toByteArray());
    }

    private static int[] password(int id, int op, String password) {
        return bytes(new ByteWriter().u8(id).u8(op).bytes(AuthCodes.pad16(password)).toByteArray());
    }

    @Test
    void privilegesAreThoseOfTheSpecification() {
        assertThat(smdc.privilege(NetFn.APP, UserCommands.GET_CHANNEL_ACCESS)).isEqualTo(Privilege.USER);
        assertThat(smdc.privilege(NetFn.APP, UserCommands.GET_USER_ACCESS)).isEqualTo(Privilege.OPERATOR);
        assertThat(smdc.privilege(NetFn.APP, UserCommands.GET_USER_NAME)).isEqualTo(Privilege.OPERATOR);
        for (int cmd : new int[] {UserCommands.SET_USER_ACCESS, UserCommands.SET_USER_NAME, UserCommands.SET_USER_PASSWORD}) {
            assertThat(smdc.privilege(NetFn.APP, cmd)).isEqualTo(Privilege.ADMINISTRATOR);
        }
        assertThat(smdc.table.lookup(NetFn.APP, UserCommands.GET_USER_PAYLOAD_ACCESS)).as("payloads are IPMI 2.0").isEmpty();
    }

    @Test
    void getUserAccessOfTheSmdcAdmin() {
        // 10 IDs, 1 enabled, 1 fixed name; IPMI messaging + link auth, ADMINISTRATOR
        assertThat(bytes(ok(smdc.call(NetFn.APP, UserCommands.GET_USER_ACCESS, 0x01, 0x02)).data())).containsExactly(10, 1, 1, 0x34);
        assertThat(bytes(ok(smdc.call(NetFn.APP, UserCommands.GET_USER_ACCESS, 0x0E, 0x03)).data())).containsExactly(10, 1, 1, 0x0F);
        assertThat(bytes(ok(smdc20.call(NetFn.APP, UserCommands.GET_USER_ACCESS, 0x01, 0x02)).data()))
                .as("IPMI 2.0 adds the ID's enable state").containsExactly(10, 0x41, 1, 0x34);
        assertThat(bytes(ok(smdc20.call(NetFn.APP, UserCommands.GET_USER_ACCESS, 0x01, 0x03)).data())).containsExactly(10, 0x81, 1, 0x0F);
    }

    @ParameterizedTest(name = "cmd {0} data {1} -> {2}")
    @CsvSource({"0x44, '01', 0xC7", "0x44, '01,02,00', 0xC7", "0x44, '01,00', 0xCC", "0x44, '01,0b', 0xCC", "0x44, '05,02', 0xCC",
            "0x46, '', 0xC7", "0x46, '00', 0xCC", "0x46, '0b', 0xCC",
            "0x45, '03,41,42', 0xC7", "0x43, '91,03', 0xC7", "0x43, '91,03,06', 0xCC", "0x43, '91,03,14', 0xCC",
            "0x47, '03', 0xC7", "0x47, '03,02,41', 0xC7", "0x47, '03,04', 0xCC", "0x41, '01', 0xC7", "0x41, '01,00', 0xCC",
            "0x41, '07,40', 0xCC"})
    void badRequestsGetTheSpecsCompletionCodes(String cmd, String data, String code) {
        int[] d = data.isEmpty() ? new int[0] : LanCommandsTest.hex(data);
        assertThat(cc(smdc.call(NetFn.APP, Integer.decode(cmd), d))).isEqualTo(Integer.decode(code));
    }

    @Test
    void getUserNameIsSixteenBytesPadded() {
        assertThat(ok(smdc.call(NetFn.APP, UserCommands.GET_USER_NAME, 0x02)).data()).containsExactly(AuthCodes.pad16("admin"));
        assertThat(ok(smdc.call(NetFn.APP, UserCommands.GET_USER_NAME, 0x05)).data()).containsExactly(new byte[16]);
    }

    @Test
    void aNewUserCanLogInOnceNamedGivenAPasswordEnabledAndAllowedMessaging() {
        UserStore users = smdc.model.users();
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_NAME, name(3, "bob")));
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, password(3, UserCommands.SET_PASSWORD, "bobpw1")));
        assertThat(users.byName("bob")).as("disabled and without messaging").isEmpty();
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, 0x03, UserCommands.ENABLE));
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_ACCESS, 0x91, 0x03, 0x03));
        assertThat(users.byName("bob")).get().extracting(User::password, User::maxPrivilege).containsExactly("bobpw1", Privilege.OPERATOR);
        assertThat(bytes(ok(smdc.call(NetFn.APP, UserCommands.GET_USER_ACCESS, 0x01, 0x03)).data())).containsExactly(10, 2, 1, 0x13);
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, 0x03, UserCommands.DISABLE));
        assertThat(users.byName("bob")).as("disabled again").isEmpty();
    }

    @Test
    void namesAreUniqueAndUserOnesNameIsFixed() {
        assertThat(cc(smdc.call(NetFn.APP, UserCommands.SET_USER_NAME, name(3, "admin")))).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(cc(smdc.call(NetFn.APP, UserCommands.SET_USER_NAME, name(1, "root")))).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_NAME, name(2, "admin")));
    }

    @Test
    void testPasswordSaysWhetherItMatches() {
        ok(smdc.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, password(2, UserCommands.TEST_PASSWORD, BmcConfig.DEFAULT_PASSWORD)));
        assertThat(cc(smdc.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, password(2, UserCommands.TEST_PASSWORD, "wrong"))))
                .isEqualTo(UserCommands.PASSWORD_MISMATCH);
    }

    @Test
    void twentyBytePasswordsOnlyOnA20Bmc() {
        int[] wide = bytes(new ByteWriter().u8(0x82).u8(UserCommands.SET_PASSWORD).bytes(java.util.Arrays.copyOf("long-enough".getBytes(), 20)).toByteArray());
        assertThat(cc(smdc.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, wide))).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        ok(smdc20.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, wide));
        assertThat(smdc20.model.users().byName("admin")).get().extracting(User::password).isEqualTo("long-enough");
        int[] tooLong = bytes(new ByteWriter().u8(0x82).u8(UserCommands.SET_PASSWORD).bytes("seventeen-chars-x".getBytes()).bytes(new byte[3]).toByteArray());
        assertThat(cc(smdc20.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, tooLong)))
                .as("IPMI 1.5 sessions need passwords of at most 16 bytes").isEqualTo(CompletionCode.INVALID_DATA_FIELD);
    }

    @Test
    void channelAccessIsAlwaysAvailableWithAuthenticationAndNoAlerts() {
        assertThat(bytes(ok(smdc.call(NetFn.APP, UserCommands.GET_CHANNEL_ACCESS, 0x01, 0x80)).data())).containsExactly(0x22, 0x04);
        assertThat(bytes(ok(smdc.call(NetFn.APP, UserCommands.GET_CHANNEL_ACCESS, 0x0E, 0x40)).data())).containsExactly(0x22, 0x04);
    }

    @Test
    void payloadAccessGrantsNoPayloads() {
        assertThat(bytes(ok(smdc20.call(NetFn.APP, UserCommands.GET_USER_PAYLOAD_ACCESS, 0x01, 0x02)).data())).containsExactly(0, 0, 0, 0);
    }

    // ---- through the whole BMC: a changed password changes what authenticates

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:15:03Z"));

    @Test
    void afterSetUserPasswordOnlyTheNewPasswordOpensAnIpmi15Session() {
        SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults(), clock, new Random(14));
        TestConsole admin = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);
        assertThat(admin.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, password(2, UserCommands.SET_PASSWORD, "n3w-pass")).completionCode()).isZero();

        TestConsole old = TestConsole.admin(bmc, AuthType.MD5);
        assertThat(old.challenge().completionCode()).isZero();
        assertThat(old.send(old.activateDatagram(Privilege.ADMINISTRATOR)).drop()).isEqualTo(Exchange.Drop.BAD_AUTH_CODE);
        new TestConsole(bmc, "admin", "n3w-pass", AuthType.MD5).open(Privilege.ADMINISTRATOR);
    }

    @Test
    void aRenamedUserLogsInUnderItsNewName() {
        SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults(), clock, new Random(14));
        TestConsole admin = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);
        assertThat(admin.call(NetFn.APP, UserCommands.SET_USER_NAME, name(2, "root")).completionCode()).isZero();
        assertThat(TestConsole.admin(bmc, AuthType.MD5).challenge().completionCode()).as("invalid user name").isEqualTo(0x81);
        new TestConsole(bmc, "root", BmcConfig.DEFAULT_PASSWORD, AuthType.MD5).open(Privilege.ADMINISTRATOR);
    }

    @Test
    void afterSetUserPasswordOnlyTheNewPasswordOpensAnRmcpPlusSession() throws IpmiCallException {
        SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20(), clock, new Random(14));
        RmcpPlusConsole admin = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_17).open();
        assertThat(admin.call(NetFn.APP, NetFn.Cmd.SET_SESSION_PRIVILEGE, Privilege.ADMINISTRATOR.level()).completionCode()).isZero();
        assertThat(admin.call(NetFn.APP, UserCommands.SET_USER_PASSWORD, password(2, UserCommands.SET_PASSWORD, "n3w-pass")).completionCode()).isZero();

        assertThatThrownBy(() -> RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).open()).isInstanceOf(IpmiCallException.class);
        new RmcpPlusConsole(bmc, CipherSuite.SUITE_3, "admin", "n3w-pass", null, Privilege.ADMINISTRATOR, 3).open();
    }
}
