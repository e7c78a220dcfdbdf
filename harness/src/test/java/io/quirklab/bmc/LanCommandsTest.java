package io.quirklab.bmc;

import static io.quirklab.bmc.Handlers.bytes;
import static io.quirklab.bmc.Handlers.cc;
import static io.quirklab.bmc.Handlers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanCommandsTest {
    private static final int GET = LanCommands.GET_LAN_CONFIG;
    private static final int SET = LanCommands.SET_LAN_CONFIG;
    private static final byte[] PERSONA_MAC = {0x02, 0x51, 0x4c, 0x00, 0x00, 0x02};

    private final Handlers smdc = new Handlers(BmcConfig.smdcDefaults(), t -> LanCommands.register(t, false));
    private final Handlers smdc20 = new Handlers(BmcConfig.smdcDefaults().withIpmi20(), t -> LanCommands.register(t, true));

    LanCommandsTest() throws UnknownHostException {
        smdc.model.station(new LanStation((Inet4Address) InetAddress.getByName("198.18.0.11"), PERSONA_MAC, 24, 623, 0));
    }

    private Reply get(Handlers h, int param, int set) {
        return h.call(NetFn.TRANSPORT, GET, 0x01, param, set, 0x00);
    }

    private static byte[] value(Reply r) {
        byte[] d = ok(r).data();
        assertThat(d[0] & 0xFF).as("parameter revision").isEqualTo(LanCommands.PARAMETER_REVISION);
        return java.util.Arrays.copyOfRange(d, 1, d.length);
    }

    @Test
    void privilegesAreThoseOfTheSpecification() {
        assertThat(smdc.privilege(NetFn.TRANSPORT, GET)).isEqualTo(Privilege.OPERATOR);
        assertThat(smdc.privilege(NetFn.TRANSPORT, SET)).isEqualTo(Privilege.ADMINISTRATOR);
        assertThat(smdc.table.lookup(NetFn.TRANSPORT, LanCommands.GET_SOL_CONFIG)).as("SOL on a 1.5-only BMC").isEmpty();
        assertThat(smdc20.privilege(NetFn.TRANSPORT, LanCommands.GET_SOL_CONFIG)).isEqualTo(Privilege.USER);
    }

    @Test
    void thePersonasAddressMacAndMaskAreWhatLanConfigReports() {
        assertThat(bytes(value(get(smdc, LanCommands.IP_ADDRESS, 0)))).containsExactly(198, 18, 0, 11);
        assertThat(value(get(smdc, LanCommands.MAC_ADDRESS, 0))).containsExactly(PERSONA_MAC);
        assertThat(bytes(value(get(smdc, LanCommands.SUBNET_MASK, 0)))).containsExactly(255, 255, 255, 0);
        assertThat(bytes(value(get(smdc, LanCommands.IP_ADDRESS_SOURCE, 0)))).containsExactly(LanCommands.SOURCE_STATIC);
        assertThat(bytes(value(get(smdc, LanCommands.PRIMARY_RMCP_PORT, 0)))).containsExactly(0x6F, 0x02);
    }

    @Test
    void authTypeSupportAndEnablesFollowTheConfiguredAuthTypes() {
        Handlers md5Only = new Handlers(BmcConfig.smdcDefaults().withAuthTypes(java.util.EnumSet.of(AuthType.MD5, AuthType.PASSWORD)),
                t -> LanCommands.register(t, false));
        // MD5 and straight password: bits 2 and 4
        assertThat(bytes(value(get(md5Only, LanCommands.AUTH_TYPE_SUPPORT, 0)))).containsExactly(0x14);
        assertThat(bytes(value(get(md5Only, LanCommands.AUTH_TYPE_ENABLES, 0)))).containsExactly(0x14, 0x14, 0x14, 0x14, 0x14);
        int smdcMask = AuthType.mask(BmcConfig.smdcDefaults().authTypes());
        assertThat(bytes(value(get(smdc, LanCommands.AUTH_TYPE_SUPPORT, 0)))).containsExactly(smdcMask);
        assertThat(cc(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.AUTH_TYPE_ENABLES, 0x04, 0x04, 0x04, 0x04, 0x04)))
                .as("the session code decides auth types, so the parameter is read-only").isEqualTo(ConfigParameters.READ_ONLY);
    }

    @Test
    void revisionOnlyAnswersTheRevisionAlone() {
        assertThat(bytes(ok(smdc.call(NetFn.TRANSPORT, GET, 0x81, LanCommands.IP_ADDRESS, 0, 0)).data()))
                .containsExactly(LanCommands.PARAMETER_REVISION);
    }

    @ParameterizedTest(name = "get {0}")
    @CsvSource({"'01,03,00', 0xC7", "'01,03,00,00,00', 0xC7", "'02,03,00,00', 0xCC", "'01,1a,00,00', 0x80",
            "'01,32,00,00', 0x80", "'01,13,05,00', 0xC9", "'01,16,00,00', 0x80"})
    void badGetRequestsGetTheSpecsCompletionCodes(String request, String code) {
        assertThat(cc(smdc.call(NetFn.TRANSPORT, GET, hex(request)))).isEqualTo(Integer.decode(code));
    }

    @Test
    void writableParametersAreServedBack() {
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.IP_ADDRESS, 198, 18, 0, 99));
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.SUBNET_MASK, 255, 255, 0, 0));
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.DEFAULT_GATEWAY, 198, 18, 0, 1));
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.DEFAULT_GATEWAY_MAC, 2, 0, 0, 0, 0, 1));
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.IP_ADDRESS_SOURCE, 2));
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, LanCommands.DESTINATION_ADDRESS, 3, 0, 0, 198, 18, 0, 1, 2, 0, 0, 0, 0, 1));
        assertThat(bytes(value(get(smdc, LanCommands.IP_ADDRESS, 0)))).containsExactly(198, 18, 0, 99);
        assertThat(bytes(value(get(smdc, LanCommands.SUBNET_MASK, 0)))).containsExactly(255, 255, 0, 0);
        assertThat(bytes(value(get(smdc, LanCommands.DEFAULT_GATEWAY, 0)))).containsExactly(198, 18, 0, 1);
        assertThat(bytes(value(get(smdc, LanCommands.DEFAULT_GATEWAY_MAC, 0)))).containsExactly(2, 0, 0, 0, 0, 1);
        assertThat(bytes(value(get(smdc, LanCommands.IP_ADDRESS_SOURCE, 0)))).containsExactly(2);
        assertThat(bytes(value(get(smdc, LanCommands.DESTINATION_ADDRESS, 3)))).containsExactly(3, 0, 0, 198, 18, 0, 1, 2, 0, 0, 0, 0, 1);
        assertThat(bytes(value(get(smdc, LanCommands.DESTINATION_ADDRESS, 2)))).as("other destinations untouched")
                .containsExactly(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @ParameterizedTest(name = "set {0}")
    @CsvSource({
            "'01,03', 0xC7",                    // no data at all
            "'01,03,c6,12,00', 0xC7",           // IP address of 3 bytes
            "'02,03,c6,12,00,63', 0xCC",        // not the LAN channel
            "'01,05,02,00,00,00,00,01', 0x82",  // MAC is the persona's: read-only
            "'01,11,05', 0x82",                 // number of destinations: read-only
            "'01,06,ff,00,ff,00', 0xCC",        // a subnet mask with holes
            "'01,04,07', 0xCC",                 // IP address source 7 does not exist
            "'01,13,05,00,00,00,00,00,00,00,00,00,00,00,00', 0xC9", // destination 5 of 0..4
            "'01,1a,01,02,03,04,05,06', 0x80",  // bad password threshold: not supported
            "'01,00,03', 0xCC"})                // set-in-progress value 3 is reserved
    void badSetRequestsGetTheSpecsCompletionCodes(String request, String code) {
        assertThat(cc(smdc.call(NetFn.TRANSPORT, SET, hex(request)))).isEqualTo(Integer.decode(code));
    }

    @Test
    void setInProgressTwiceIsRefusedUntilCommittedOrCompleted() {
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, 0x00, 0x01));
        assertThat(bytes(value(get(smdc, 0, 0)))).containsExactly(0x01);
        assertThat(cc(smdc.call(NetFn.TRANSPORT, SET, 0x01, 0x00, 0x01))).isEqualTo(ConfigParameters.SET_IN_PROGRESS_ALREADY);
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, 0x00, 0x02));
        assertThat(bytes(value(get(smdc, 0, 0)))).as("commit write ends the set").containsExactly(0x00);
        ok(smdc.call(NetFn.TRANSPORT, SET, 0x01, 0x00, 0x01));
    }

    @Test
    void cipherSuitesAndTheirPrivilegesOnlyOnA20Bmc() {
        assertThat(cc(get(smdc, LanCommands.CIPHER_SUITE_COUNT, 0))).isEqualTo(ConfigParameters.PARAMETER_NOT_SUPPORTED);
        Handlers three = new Handlers(BmcConfig.smdcDefaults().withCipherSuites(java.util.EnumSet.of(CipherSuite.SUITE_3,
                CipherSuite.SUITE_17, CipherSuite.SUITE_1)), t -> LanCommands.register(t, true));
        assertThat(bytes(value(get(three, LanCommands.CIPHER_SUITE_COUNT, 0)))).containsExactly(3);
        byte[] entries = value(get(three, LanCommands.CIPHER_SUITE_ENTRIES, 0));
        assertThat(entries).hasSize(17);
        assertThat(bytes(java.util.Arrays.copyOfRange(entries, 0, 5))).as("reserved, then the IDs in order").containsExactly(0, 1, 3, 17, 0);
        byte[] privileges = value(get(three, LanCommands.CIPHER_SUITE_PRIVILEGES, 0));
        assertThat(bytes(privileges)).as("Administrator (4) for each entry, low nibble first")
                .containsExactly(0x00, 0x44, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
        assertThat(bytes(value(get(smdc20, LanCommands.CIPHER_SUITE_COUNT, 0))))
                .containsExactly(BmcConfig.smdcDefaults().withIpmi20().cipherSuites().size());
    }

    @Test
    void aBmcNobodyToldWhereItIsReportsNoAddress() {
        assertThat(bytes(value(get(smdc20, LanCommands.IP_ADDRESS, 0)))).containsExactly(0, 0, 0, 0);
    }

    @Test
    void vlanOfThePersonaIsReportedEnabled() throws UnknownHostException {
        smdc20.model.station(new LanStation((Inet4Address) InetAddress.getByName("198.18.0.30"), PERSONA_MAC, 24, 623, 100));
        assertThat(bytes(value(get(smdc20, LanCommands.VLAN_ID, 0)))).containsExactly(100, 0x80);
    }

    @Test
    void solParametersAreReadAndWritten() {
        int sol = LanCommands.GET_SOL_CONFIG;
        assertThat(bytes(value(smdc20.call(NetFn.TRANSPORT, sol, 0x01, LanCommands.SOL_ENABLE, 0, 0))))
                .as("no SOL payload exists, so SOL starts disabled").containsExactly(0x00);
        assertThat(bytes(value(smdc20.call(NetFn.TRANSPORT, sol, 0x01, LanCommands.SOL_PAYLOAD_PORT, 0, 0)))).containsExactly(0x6F, 0x02);
        ok(smdc20.call(NetFn.TRANSPORT, LanCommands.SET_SOL_CONFIG, 0x01, LanCommands.SOL_VOLATILE_RATE, 0x07));
        assertThat(bytes(value(smdc20.call(NetFn.TRANSPORT, sol, 0x01, LanCommands.SOL_VOLATILE_RATE, 0, 0)))).containsExactly(0x07);
        assertThat(cc(smdc20.call(NetFn.TRANSPORT, LanCommands.SET_SOL_CONFIG, 0x01, LanCommands.SOL_VOLATILE_RATE, 0x05)))
                .as("bit rate 5 is not defined").isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(cc(smdc20.call(NetFn.TRANSPORT, LanCommands.SET_SOL_CONFIG, 0x01, LanCommands.SOL_PAYLOAD_PORT, 0x70, 0x02)))
                .isEqualTo(ConfigParameters.READ_ONLY);
        assertThat(cc(smdc20.call(NetFn.TRANSPORT, sol, 0x01, 0x09, 0, 0))).isEqualTo(ConfigParameters.PARAMETER_NOT_SUPPORTED);
    }

    @Test
    void socketModeStationHasALocallyAdministeredMacFromTheAddress() throws UnknownHostException {
        LanStation s = LanStation.socket((Inet4Address) InetAddress.getByName("127.0.0.42"), 623);
        assertThat(bytes(s.mac())).containsExactly(0x02, 0x51, 0x4c, 0, 0, 42);
        assertThat(bytes(s.mask())).containsExactly(255, 0, 0, 0);
    }

    @Test
    void securityKeysAreReadOnlyAndOnlyOnA20Bmc() {
        byte[] kg = "0123456789abcdefghij".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Handlers withKg = new Handlers(BmcConfig.smdcDefaults().withIpmi20().withKg(kg), t -> LanCommands.register(t, true));
        byte[] d = ok(withKg.call(NetFn.APP, LanCommands.CHANNEL_SECURITY_KEYS, 0x01, LanCommands.READ_KEY, LanCommands.KEY_G)).data();
        assertThat(d[0]).isEqualTo((byte) LanCommands.NOT_LOCKABLE);
        assertThat(java.util.Arrays.copyOfRange(d, 1, 21)).containsExactly(kg);
        assertThat(java.util.Arrays.copyOfRange(ok(smdc20.call(NetFn.APP, LanCommands.CHANNEL_SECURITY_KEYS, 0x01, 0, 1)).data(), 1, 21))
                .as("no K_G").containsExactly(new byte[20]);
        assertThat(cc(smdc20.call(NetFn.APP, LanCommands.CHANNEL_SECURITY_KEYS, 0x01, 0x01, 0x01, 1, 2, 3)))
                .isEqualTo(CompletionCode.NOT_SUPPORTED_IN_PRESENT_STATE);
        assertThat(cc(smdc20.call(NetFn.APP, LanCommands.CHANNEL_SECURITY_KEYS, 0x01, 0x00, 0x02))).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(cc(smdc20.call(NetFn.APP, LanCommands.CHANNEL_SECURITY_KEYS, 0x01, 0x00))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        assertThat(smdc.table.lookup(NetFn.APP, LanCommands.CHANNEL_SECURITY_KEYS)).as("RMCP+ keys on a 1.5 BMC").isEmpty();
    }

    static int[] hex(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim(), 16);
        }
        return out;
    }
}
