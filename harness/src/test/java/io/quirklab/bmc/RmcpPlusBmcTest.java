package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.client.Failure;
import io.quirklab.client.IpmiCallException;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.RmcpPlusPacket;
import io.quirklab.ipmi.Session15Packet;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The simulated BMC's IPMI 2.0 side, datagram by datagram: set-up, refusals with status codes, drops, windows. */
class RmcpPlusBmcTest {
    private final RmcpPlusConsole.SteppingClock clock = new RmcpPlusConsole.SteppingClock();

    private SimulatedBmc bmc(BmcConfig config) {
        return new SimulatedBmc(config, clock, new Random(17));
    }

    private int openers;

    private SimulatedBmc bmc20() {
        return bmc(BmcConfig.smdcDefaults().withIpmi20());
    }

    /** Get Channel Auth Capabilities in IPMI 1.5 format, as every console sends it first. */
    private static byte[] authCaps(SimulatedBmc bmc, int channelByte) {
        IpmiRequest rq = IpmiRequest.of(NetFn.APP, Cmd.GET_CHANNEL_AUTH_CAPABILITIES, 1, new byte[] {(byte) channelByte, 4});
        Exchange e = bmc.handle(Session15Packet.of(AuthType.NONE, 0, 0, null, rq.encode()).toDatagram(), RmcpPlusConsole.PEER);
        return IpmiResponse.decode(Session15Packet.decode(RmcpPacket.decode(e.reply()).body()).message()).data();
    }

    private static IpmiResponse cipherSuites(SimulatedBmc bmc, int indexByte) {
        IpmiRequest rq = IpmiRequest.of(NetFn.APP, Cmd.GET_CHANNEL_CIPHER_SUITES, 2, new byte[] {0x0E, 0x00, (byte) indexByte});
        Exchange e = bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.IPMI, rq.encode()), RmcpPlusConsole.PEER);
        return IpmiResponse.decode(RmcpPlusConsole.answer(e).payload());
    }

    private static RakpMessages.OpenSessionRequest openRequest(int privilege, CipherSuite s) {
        return new RakpMessages.OpenSessionRequest(7, privilege, 0x0A0B0C0D, s.authAlg(), s.integrityAlg(), s.confidentialityAlg());
    }

    /** Each half-open set-up from its own source, so the per-source activation budget does not stop them first. */
    private RakpMessages.OpenSessionResponse open(SimulatedBmc bmc, RakpMessages.OpenSessionRequest rq) {
        openers++;
        Exchange e = bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, rq.encode()),
                new java.net.InetSocketAddress("198.18.3." + (openers % 250 + 1), 40000 + openers));
        RmcpPlusPacket p = RmcpPlusConsole.answer(e);
        assertThat(p.payloadType()).isEqualTo(PayloadType.OPEN_SESSION_RESPONSE);
        return RakpMessages.OpenSessionResponse.decode(p.payload());
    }

    private static int rakp2Status(SimulatedBmc bmc, int bmcId, int role, String name) {
        byte[] rakp1 = new RakpMessages.Rakp1(1, bmcId, new byte[16], role, name.getBytes()).encode();
        return RakpMessages.Rakp2.decode(RmcpPlusConsole.answer(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, rakp1),
                RmcpPlusConsole.PEER)).payload()).status();
    }

    @Test
    void oneFiveOnlyBmcKeepsTheIpmi20BitClearAndDropsRmcpPlus() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults());
        byte[] caps = authCaps(bmc, 0x8E);
        assertThat(caps[1] & 0x80).isZero();
        assertThat(caps[3]).isZero();
        Exchange e = bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST,
                openRequest(0, CipherSuite.SUITE_3).encode()), RmcpPlusConsole.PEER);
        assertThat(e.drop()).isEqualTo(Exchange.Drop.RMCP_PLUS_UNSUPPORTED);
    }

    @Test
    void authCapabilitiesAdvertiseIpmi20OnlyWhenAskedAndKgWhenSet() {
        SimulatedBmc bmc = bmc20();
        byte[] extended = authCaps(bmc, 0x8E);
        assertThat(extended[1] & 0xFF).as("MD2, MD5, password; no NONE").isEqualTo(0x80 | 0x16);
        assertThat(extended[2] & 0x20).as("Kg status").isZero();
        assertThat(extended[3]).as("IPMI 1.5 and 2.0 connections").isEqualTo((byte) 0x03);
        assertThat(authCaps(bmc, 0x0E)).as("the IPMI 1.5 answer is unchanged").isEqualTo(authCaps(bmc(BmcConfig.smdcDefaults()), 0x0E));
        byte[] withKg = authCaps(bmc(BmcConfig.smdcDefaults().withIpmi20().withKg(RakpMessages.key20("kg"))), 0x8E);
        assertThat(withKg[2] & 0x20).isEqualTo(0x20);
    }

    @Test
    void getChannelCipherSuitesListsTheOfferedSuitesSixteenBytesAtATime() {
        SimulatedBmc bmc = bmc20();
        IpmiResponse first = cipherSuites(bmc, 0x80);
        IpmiResponse second = cipherSuites(bmc, 0x81);
        assertThat(first.data()).hasSize(17);
        assertThat(second.data()).hasSize(5);
        assertThat(cipherSuites(bmc, 0x82).data()).hasSize(1);
        byte[] all = new ByteWriter().bytes(Arrays.copyOfRange(first.data(), 1, 17)).bytes(Arrays.copyOfRange(second.data(), 1, 5)).toByteArray();
        assertThat(CipherSuite.parseRecords(all)).as("suite 0 only with the cipher-zero quirk").containsExactly(1, 2, 3, 17);
        assertThat(Arrays.copyOfRange(first.data(), 16, 17)).as("suite 17 record starts at byte 16").containsExactly(0xC0);
        assertThat(cipherSuites(bmc, 0x00).data()).as("algorithms: auth 1 3, integrity 0 1 4, confidentiality 0 1")
                .containsExactly(0x01, 0x01, 0x03, 0x40, 0x41, 0x44, 0x80, 0x81);
        SimulatedBmc zero = bmc(BmcConfig.smdcDefaults().withIpmi20().withQuirks(EnumSet.of(FirmwareQuirk.CIPHER_ZERO)));
        byte[] withZero = new ByteWriter().bytes(Arrays.copyOfRange(cipherSuites(zero, 0x80).data(), 1, 17))
                .bytes(Arrays.copyOfRange(cipherSuites(zero, 0x81).data(), 1, 10)).toByteArray();
        assertThat(CipherSuite.parseRecords(withZero)).containsExactly(0, 1, 2, 3, 17);
        SimulatedBmc only = bmc(BmcConfig.smdcDefaults().withCipherSuites(EnumSet.of(CipherSuite.SUITE_3, CipherSuite.SUITE_17)));
        assertThat(CipherSuite.parseRecords(Arrays.copyOfRange(cipherSuites(only, 0x80).data(), 1, 11))).containsExactly(3, 17);
    }

    @Test
    void openSessionAskingForPrivilegeZeroIsGrantedARealLevel() {
        assertThat(open(bmc20(), openRequest(0, CipherSuite.SUITE_3)).maxPrivilege()).isEqualTo(Privilege.ADMINISTRATOR.level());
        assertThat(open(bmc20(), openRequest(3, CipherSuite.SUITE_3)).maxPrivilege()).isEqualTo(Privilege.OPERATOR.level());
        SimulatedBmc viewers = bmc(BmcConfig.smdcDefaults().withIpmi20().withUsers(List.of(new User(2, "viewer", "view", Privilege.USER))));
        assertThat(open(viewers, openRequest(0, CipherSuite.SUITE_17)).maxPrivilege()).isEqualTo(Privilege.USER.level());
        assertThat(open(viewers, openRequest(4, CipherSuite.SUITE_17)).status()).isEqualTo(RakpMessages.STATUS_UNAUTHORIZED_ROLE);
        assertThat(open(bmc20(), openRequest(6, CipherSuite.SUITE_3)).status()).isEqualTo(RakpMessages.STATUS_INVALID_ROLE);
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void everySuiteRunsTheIpmi15HandlersInsideTheSession(CipherSuite suite) throws IpmiCallException {
        SimulatedBmc bmc = suite == CipherSuite.SUITE_0
                ? bmc(BmcConfig.smdcDefaults().withIpmi20().withQuirks(EnumSet.of(FirmwareQuirk.CIPHER_ZERO))) : bmc20();
        RmcpPlusConsole c = RmcpPlusConsole.admin(bmc, suite).open();
        assertThat(bmc.activeSessions()).isEqualTo(1);
        assertThat(c.call(NetFn.APP, Cmd.GET_DEVICE_ID).data()[6] & 0xFF).isEqualTo(0xFD);
        assertThat(c.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, 0).completionCode()).as("sessions start at User level")
                .isEqualTo(CompletionCode.INSUFFICIENT_PRIVILEGE);
        assertThat(c.call(NetFn.APP, Cmd.SET_SESSION_PRIVILEGE, 4).data()).containsExactly(4);
        assertThat(c.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, 0).ok()).isTrue();
        assertThat(bmc.model().chassis().powerOn()).isFalse();
        assertThat(c.call(0x2C, 0x3E, 0).completionCode()).isEqualTo(CompletionCode.INVALID_COMMAND);
        assertThat(c.call(NetFn.STORAGE, Cmd.GET_SEL_INFO).ok()).isTrue();
        IpmiResponse info = c.call(NetFn.APP, Cmd.GET_SESSION_INFO, 0);
        assertThat(info.data()[4] & 0x0F).isEqualTo(4);
        byte[] id = new ByteWriter().u32le(c.handshake.bmcId()).toByteArray();
        assertThat(c.call(NetFn.APP, Cmd.CLOSE_SESSION, id).ok()).isTrue();
        assertThat(bmc.activeSessions()).isZero();
        assertThat(c.send(c.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
    }

    @Test
    void responsesCarryTheConsoleIdAndCountTheirSequenceFromOne() throws IpmiCallException {
        RmcpPlusConsole c = RmcpPlusConsole.admin(bmc20(), CipherSuite.SUITE_17).open();
        for (int i = 1; i <= 3; i++) {
            RmcpPlusPacket p = RmcpPlusConsole.answer(c.send(c.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])));
            assertThat(p.sessionId()).isEqualTo(c.handshake.consoleId());
            assertThat(p.sequence()).isEqualTo(i);
        }
    }

    @Test
    void setUpErrorsAreAnsweredWithTheirStatusCodes() {
        SimulatedBmc bmc = bmc20();
        int id = open(bmc, openRequest(0, CipherSuite.SUITE_3)).bmcId();
        assertThat(rakp2Status(bmc, id, 0x14, "nobody")).isEqualTo(RakpMessages.STATUS_UNAUTHORIZED_NAME);
        assertThat(bmc.pendingHandshakes()).as("a refused set-up is forgotten").isZero();
        assertThat(rakp2Status(bmc, open(bmc, openRequest(0, CipherSuite.SUITE_3)).bmcId(), 0x15, "admin")).isEqualTo(RakpMessages.STATUS_UNAUTHORIZED_ROLE);
        assertThat(rakp2Status(bmc, open(bmc, openRequest(3, CipherSuite.SUITE_3)).bmcId(), 0x14, "admin")).isEqualTo(RakpMessages.STATUS_UNAUTHORIZED_ROLE);
        assertThat(rakp2Status(bmc, open(bmc, openRequest(0, CipherSuite.SUITE_3)).bmcId(), 0x10, "admin")).isEqualTo(RakpMessages.STATUS_INVALID_ROLE);
        assertThat(rakp2Status(bmc, open(bmc, openRequest(0, CipherSuite.SUITE_3)).bmcId(), 0x14, "a".repeat(17))).isEqualTo(RakpMessages.STATUS_INVALID_NAME_LENGTH);
        // RAKP-HMAC-MD5 with HMAC-MD5-128: a suite (7) this BMC does not offer.
        assertThat(open(bmc, new RakpMessages.OpenSessionRequest(1, 0, 5, 2, 2, 0)).status()).isEqualTo(RakpMessages.STATUS_NO_CIPHER_SUITE_MATCH);
        SimulatedBmc only17 = bmc(BmcConfig.smdcDefaults().withCipherSuites(EnumSet.of(CipherSuite.SUITE_17)));
        assertThat(open(only17, openRequest(0, CipherSuite.SUITE_3)).status()).isEqualTo(RakpMessages.STATUS_NO_CIPHER_SUITE_MATCH);
        assertThat(open(bmc, new RakpMessages.OpenSessionRequest(1, 0, 0, 1, 1, 1)).status()).as("console session ID 0")
                .isEqualTo(RakpMessages.STATUS_ILLEGAL_PARAMETER);
    }

    @Test
    void wrongPasswordFailsAtTheConsoleAndAForgedRakp3IsRefused() throws IpmiCallException {
        SimulatedBmc bmc = bmc20();
        RmcpPlusConsole wrong = new RmcpPlusConsole(bmc, CipherSuite.SUITE_3, "admin", "wrong", null, Privilege.ADMINISTRATOR, 5);
        wrong.handshake.openSessionResponse(RmcpPlusConsole.answer(wrong.send(RmcpPlusConsole.setUpDatagram(
                PayloadType.OPEN_SESSION_REQUEST, wrong.handshake.openSessionRequest()))).payload());
        byte[] rakp2 = RmcpPlusConsole.answer(wrong.send(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, wrong.handshake.rakp1()))).payload();
        assertThatThrownBy(() -> wrong.handshake.rakp2(rakp2)).isInstanceOf(IpmiCallException.class).hasMessageContaining("wrong password")
                .extracting(t -> ((IpmiCallException) t).failure()).isEqualTo(Failure.AUTH_FAILED);
        // A console that ignores the bad RAKP 2 and sends its (wrong) proof anyway gets status 0x0F and no session.
        Exchange e = wrong.send(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_3,
                new RakpMessages.Rakp3(3, 0, wrong.handshake.bmcId(), new byte[20]).encode()));
        assertThat(RakpMessages.Rakp4.decode(RmcpPlusConsole.answer(e).payload()).status()).isEqualTo(RakpMessages.STATUS_INVALID_INTEGRITY_CHECK_VALUE);
        assertThat(bmc.activeSessions()).isZero();
        assertThat(bmc.pendingHandshakes()).isZero();
    }

    @Test
    void aConsoleReportingARakp2ErrorAbandonsTheSetUp() throws IpmiCallException {
        SimulatedBmc bmc = bmc20();
        RmcpPlusConsole c = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3);
        c.handshake.openSessionResponse(RmcpPlusConsole.answer(c.send(RmcpPlusConsole.setUpDatagram(
                PayloadType.OPEN_SESSION_REQUEST, c.handshake.openSessionRequest()))).payload());
        c.handshake.rakp2(RmcpPlusConsole.answer(c.send(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, c.handshake.rakp1()))).payload());
        Exchange e = c.send(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_3,
                new RakpMessages.Rakp3(3, RakpMessages.STATUS_INVALID_INTEGRITY_CHECK_VALUE, c.handshake.bmcId(), new byte[0]).encode()));
        assertThat(e.drop()).isEqualTo(Exchange.Drop.HANDSHAKE_ABORTED);
        assertThat(bmc.pendingHandshakes()).isZero();
    }

    @Test
    void truncatedAndUnaddressedSetUpMessagesAreDropped() {
        SimulatedBmc bmc = bmc20();
        byte[] rakp1 = new RakpMessages.Rakp1(1, open(bmc, openRequest(0, CipherSuite.SUITE_3)).bmcId(), new byte[16], 0x14,
                "admin".getBytes()).encode();
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, Arrays.copyOf(rakp1, 27)), RmcpPlusConsole.PEER).drop())
                .isEqualTo(Exchange.Drop.MALFORMED);
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, Arrays.copyOf(rakp1, 30)), RmcpPlusConsole.PEER).drop())
                .as("name length says 5, 2 bytes follow").isEqualTo(Exchange.Drop.MALFORMED);
        byte[] unknown = new RakpMessages.Rakp1(1, 0x12345678, new byte[16], 0x14, "admin".getBytes()).encode();
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, unknown), RmcpPlusConsole.PEER).drop())
                .isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_3, new RakpMessages.Rakp3(1, 0, 0x12345678, new byte[20]).encode()),
                RmcpPlusConsole.PEER).drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        byte[] openRq = openRequest(0, CipherSuite.SUITE_3).encode();
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, Arrays.copyOf(openRq, 7)), RmcpPlusConsole.PEER).drop())
                .isEqualTo(Exchange.Drop.MALFORMED);
        assertThat(open(bmc, RakpMessages.OpenSessionRequest.decode(openRq)).status()).isZero();
        Exchange shortOpen = bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, Arrays.copyOf(openRq, 20)), RmcpPlusConsole.PEER);
        assertThat(RakpMessages.OpenSessionResponse.decode(RmcpPlusConsole.answer(shortOpen).payload()).status()).isEqualTo(RakpMessages.STATUS_ILLEGAL_PARAMETER);
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.SOL, new byte[4]), RmcpPlusConsole.PEER).drop())
                .isEqualTo(Exchange.Drop.UNSUPPORTED_PAYLOAD);
        assertThat(bmc.handle(RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_2, new byte[40]), RmcpPlusConsole.PEER).drop())
                .isEqualTo(Exchange.Drop.UNSUPPORTED_PAYLOAD);
    }

    @Test
    void wrongMacsReplaysAndUnprotectedPayloadsAreDropped() throws IpmiCallException {
        SimulatedBmc bmc = bmc20();
        RmcpPlusConsole c = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).open();
        byte[] good = c.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]);
        byte[] forged = good.clone();
        forged[forged.length - 1] ^= 1;
        assertThat(c.send(forged).drop()).isEqualTo(Exchange.Drop.BAD_AUTH_CODE);
        byte[] flipped = good.clone();
        flipped[RmcpPacket.HEADER_LENGTH + RmcpPlusPacket.HEADER_LENGTH + 17] ^= 1;
        assertThat(c.send(flipped).drop()).isEqualTo(Exchange.Drop.BAD_AUTH_CODE);
        assertThat(c.send(good).answered()).isTrue();
        assertThat(c.send(good).drop()).as("replay").isEqualTo(Exchange.Drop.OUT_OF_WINDOW);

        int base = c.nextSequence();
        assertThat(c.send(c.requestAt(base + 5, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).answered()).isTrue();
        assertThat(c.send(c.requestAt(base + 2, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).answered()).as("late but new").isTrue();
        assertThat(c.send(c.requestAt(base + 100, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).drop()).isEqualTo(Exchange.Drop.OUT_OF_WINDOW);
        assertThat(c.send(c.requestAt(base - 30, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).drop()).isEqualTo(Exchange.Drop.OUT_OF_WINDOW);

        byte[] clear = RmcpPlusPacket.plain(PayloadType.IPMI, c.handshake.bmcId(), base + 6,
                IpmiRequest.of(NetFn.APP, Cmd.GET_DEVICE_ID, 1, new byte[0]).encode()).toDatagram();
        assertThat(c.send(clear).drop()).isEqualTo(Exchange.Drop.UNPROTECTED_PAYLOAD);
        byte[] md5 = Session15Packet.of(AuthType.MD5, 1, c.handshake.bmcId(), new byte[16],
                IpmiRequest.of(NetFn.APP, Cmd.GET_DEVICE_ID, 1, new byte[0]).encode()).toDatagram();
        assertThat(c.send(md5).drop()).as("IPMI 1.5 packet for an RMCP+ session").isEqualTo(Exchange.Drop.AUTH_TYPE_MISMATCH);
        assertThat(c.call(NetFn.APP, Cmd.GET_DEVICE_ID).ok()).as("the session survives it all").isTrue();
    }

    @Test
    void oversizedDatagramsAndLyingLengthsAreDropped() throws IpmiCallException {
        SimulatedBmc bmc = bmc20();
        RmcpPlusConsole c = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_17).open();
        byte[] big = c.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[600]);
        assertThat(c.send(big).drop()).isEqualTo(Exchange.Drop.OVERSIZED);
        byte[] lying = c.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]);
        lying[RmcpPacket.HEADER_LENGTH + 11] = 0x7F; // payload length high byte
        assertThat(c.send(lying).drop()).isEqualTo(Exchange.Drop.MALFORMED);
    }

    @Test
    void setUpsAndSessionsStayBounded() throws IpmiCallException {
        SimulatedBmc bmc = bmc20();
        for (int i = 0; i < SessionTable.MAX_PENDING + 20; i++) {
            assertThat(open(bmc, openRequest(0, CipherSuite.SUITE_3)).status()).isZero();
        }
        assertThat(bmc.pendingHandshakes()).isEqualTo(SessionTable.MAX_PENDING);
        clock.advance(Duration.ofMillis(SessionTable.CHALLENGE_TTL_MILLIS + 1));
        assertThat(bmc.pendingHandshakes()).isEqualTo(SessionTable.MAX_PENDING);
        open(bmc, openRequest(0, CipherSuite.SUITE_3));
        assertThat(bmc.pendingHandshakes()).as("stale set-ups expire").isEqualTo(1);

        for (int i = 0; i < bmc.config().maxSessions(); i++) {
            RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).open();
        }
        assertThat(bmc.activeSessions()).isEqualTo(bmc.config().maxSessions());
        assertThat(open(bmc, openRequest(0, CipherSuite.SUITE_3)).status()).isEqualTo(RakpMessages.STATUS_INSUFFICIENT_RESOURCES);
    }

    @Test
    void withKgTheSessionKeysNeedIt() throws IpmiCallException {
        byte[] kg = RakpMessages.key20("0123456789abcdef");
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20().withKg(kg));
        RmcpPlusConsole good = new RmcpPlusConsole(bmc, CipherSuite.SUITE_17, "admin", "secret", kg, Privilege.ADMINISTRATOR, 3).open();
        assertThat(good.call(NetFn.APP, Cmd.GET_DEVICE_ID).ok()).isTrue();
        RmcpPlusConsole noKg = new RmcpPlusConsole(bmc, CipherSuite.SUITE_17, "admin", "secret", null, Privilege.ADMINISTRATOR, 4);
        assertThatThrownBy(noKg::open).hasMessageContaining("RAKP 4 integrity check value does not verify");
    }
}
