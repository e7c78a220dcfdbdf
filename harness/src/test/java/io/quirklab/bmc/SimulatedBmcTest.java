package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.TestConsole.Answer;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RmcpPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The simulated SMDC seen from the wire: datagrams in, answers or named drops out. */
class SimulatedBmcTest {
    private static final long SEED = 3289;
    private static final int MAX_PENDING_CHALLENGES = SessionTable.MAX_PENDING;
    private static final byte[] WRONG_PASSWORD = AuthCodes.pad16("wrong");
    private static final int CHASSIS_POWER_DOWN = 0x00;
    private static final int CHASSIS_POWER_CYCLE = 0x02;
    private static final int LAST_POWER_EVENT_IPMI_COMMAND = 0x10;
    /** A user whose LAN privilege stops at USER, next to the SMDC's admin. */
    private static final User VIEWER = new User(3, "viewer", "viewpass", Privilege.USER);

    private final ManualClock clock = new ManualClock(Instant.parse("2005-06-01T12:00:00Z"));

    private SimulatedBmc bmc(BmcConfig config) {
        return new SimulatedBmc(config, clock, new Random(SEED));
    }

    private SimulatedBmc smdc() {
        return bmc(BmcConfig.smdcDefaults());
    }

    private SimulatedBmc smdcWith(FirmwareQuirk quirk) {
        return bmc(BmcConfig.smdcDefaults().withQuirks(EnumSet.of(quirk)));
    }

    private SimulatedBmc smdcWithViewer() {
        BmcConfig c = BmcConfig.smdcDefaults();
        return bmc(c.withUsers(List.of(c.users().get(0), VIEWER)));
    }

    /** The admin console on one of many lab addresses (198.18.1.x), so floods do not all come from one source. */
    private static TestConsole fromSource(SimulatedBmc bmc, int i) {
        return new TestConsole(bmc, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD, AuthType.MD5,
                new InetSocketAddress("198.18." + (1 + i / 250) + "." + (1 + i % 250), 40000 + i));
    }

    private static TestConsole viewer(SimulatedBmc bmc) {
        return new TestConsole(bmc, VIEWER.name(), VIEWER.password(), AuthType.MD5);
    }

    // ---- framing and drops

    @Test
    void asfPresencePingIsAnsweredWithAPongEchoingTheTag() {
        SimulatedBmc bmc = smdc();
        byte[] ping = RmcpPacket.asf(AsfMessage.ping(0x5A).encode()).encode();

        Exchange e = bmc.handle(ping, TestConsole.DEFAULT_PEER);

        assertThat(e.answered()).as(e.summary()).isTrue();
        RmcpPacket rmcp = RmcpPacket.decode(e.reply());
        assertThat(rmcp.classId()).isEqualTo(RmcpPacket.CLASS_ASF);
        AsfMessage pong = AsfMessage.decode(rmcp.body());
        assertThat(pong.type()).isEqualTo(AsfMessage.TYPE_PONG);
        assertThat(pong.iana()).isEqualTo(AsfMessage.ASF_IANA);
        assertThat(pong.tag()).isEqualTo(0x5A);
        assertThat(pong.data()).hasSize(16);
        assertThat(pong.supportsIpmi()).isTrue();
    }

    @Test
    void junkThatIsNotRmcpIsDroppedWithoutAnswer() {
        SimulatedBmc bmc = smdc();
        List<byte[]> junk = List.of(
                "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0x07, 0x00, (byte) 0xFF, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
                new byte[] {0x06, 0x01, (byte) 0xFF, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
                new byte[32]);

        for (byte[] j : junk) {
            Exchange e = bmc.handle(j, TestConsole.DEFAULT_PEER);
            assertThat(e.answered()).as(e.summary()).isFalse();
            assertThat(e.drop()).isEqualTo(Exchange.Drop.NOT_RMCP);
        }
        assertThat(bmc.answeredCount()).isZero();
        assertThat(bmc.droppedCount(Exchange.Drop.NOT_RMCP)).isEqualTo(junk.size());
    }

    @Test
    void everyTruncationOfAValidRequestIsDroppedAsNotRmcpOrMalformed() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);
        byte[] whole = console.request(NetFn.APP, Cmd.GET_DEVICE_ID);

        for (int n = 0; n < whole.length; n++) {
            Exchange e = bmc.handle(Arrays.copyOf(whole, n), TestConsole.DEFAULT_PEER);
            assertThat(e.drop()).as("first %d of %d bytes: %s", n, whole.length, e.summary())
                    .isEqualTo(n < RmcpPacket.HEADER_LENGTH ? Exchange.Drop.NOT_RMCP : Exchange.Drop.MALFORMED);
        }
        assertThat(console.call(whole).completionCode()).as("the untruncated request still works").isZero();
    }

    @Test
    void datagramLargerThanMaxDatagramIsDroppedOversized() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5);
        byte[] valid = console.sessionless(NetFn.APP, Cmd.GET_CHANNEL_AUTH_CAPABILITIES, new byte[] {0x0E, 0x04});
        byte[] padded = Arrays.copyOf(valid, SimulatedBmc.MAX_DATAGRAM + 1); // trailing pad is otherwise tolerated

        Exchange e = bmc.handle(padded, TestConsole.DEFAULT_PEER);

        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.OVERSIZED);
        assertThat(bmc.handle(Arrays.copyOf(valid, SimulatedBmc.MAX_DATAGRAM), TestConsole.DEFAULT_PEER).answered())
                .as("exactly MAX_DATAGRAM bytes is still served").isTrue();
    }

    @Test
    void rmcpPlusDatagramIsDroppedByA15OnlyBmc() {
        SimulatedBmc bmc = smdc();
        // RMCP+ Open Session Request as ipmitool -I lanplus sends it: auth type 0x06, payload type 0x10, 32-byte payload.
        byte[] payload = new byte[32];
        payload[1] = 0x04;
        byte[] body = new byte[12 + payload.length];
        body[0] = (byte) AuthType.RMCP_PLUS_FORMAT;
        body[1] = 0x10;
        body[10] = (byte) payload.length;
        System.arraycopy(payload, 0, body, 12, payload.length);

        Exchange e = bmc.handle(RmcpPacket.ipmi(body).encode(), TestConsole.DEFAULT_PEER);

        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.RMCP_PLUS_UNSUPPORTED);
    }

    @Test
    void sessionOnlyCommandOutsideASessionIsDroppedNeedsSession() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5);

        Exchange e = console.send(console.sessionless(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));

        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.NEEDS_SESSION);
    }

    // ---- session set-up

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = AuthType.class, names = {"MD5", "MD2", "PASSWORD", "NONE"})
    void sessionSetUpSucceedsWith(AuthType authType) {
        SimulatedBmc bmc = authType == AuthType.NONE ? smdcWith(FirmwareQuirk.AUTH_NONE_ACCEPTED) : smdc();
        TestConsole console = TestConsole.admin(bmc, authType);

        Answer caps = console.authCapabilities(0x0E);
        assertThat(caps.data()[1] & authType.bit()).as("%s advertised", authType).isNotZero();
        Answer challenge = console.challenge();
        assertThat(challenge.completionCode()).isZero();
        assertThat(console.tempId()).as("temporary session ID").isNotZero();
        Answer activated = console.activate(Privilege.ADMINISTRATOR);
        assertThat(activated.completionCode()).isZero();
        assertThat(activated.data()[0]).as("session auth type").isEqualTo((byte) authType.code());
        assertThat(console.sessionId()).as("session ID").isNotZero();
        assertThat(activated.data()[9]).as("maximum privilege").isEqualTo((byte) Privilege.ADMINISTRATOR.level());
        assertThat(activated.session().authType()).isEqualTo(authType);
        Answer raised = console.setPrivilege(Privilege.ADMINISTRATOR);
        assertThat(raised.completionCode()).isZero();
        assertThat(raised.data()).containsExactly(Privilege.ADMINISTRATOR.level());

        assertThat(bmc.activeSessions()).isOne();
        assertThat(bmc.pendingChallenges()).as("the challenge is used up").isZero();
        assertThat(console.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
    }

    @Test
    void getDeviceIdReportsTyanIanaAndFirmware105() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);

        Answer a = console.call(NetFn.APP, Cmd.GET_DEVICE_ID);

        assertThat(a.completionCode()).isZero();
        byte[] d = a.data();
        assertThat(d).hasSizeGreaterThanOrEqualTo(11);
        assertThat(d[2] & 0x7F).as("firmware major").isEqualTo(1);
        assertThat(d[3] & 0xFF).as("firmware minor, BCD").isEqualTo(0x05);
        assertThat(d[4] & 0xFF).as("IPMI version").isEqualTo(0x51);
        int iana = (d[6] & 0xFF) | (d[7] & 0xFF) << 8 | (d[8] & 0xFF) << 16;
        assertThat(iana).as("manufacturer IANA").isEqualTo(6653);
    }

    @Test
    void activateSessionWithWrongPasswordIsDroppedAndCreatesNoSession() {
        SimulatedBmc bmc = smdc();
        TestConsole intruder = new TestConsole(bmc, BmcConfig.DEFAULT_USER, "guessed", AuthType.MD5);
        assertThat(intruder.challenge().completionCode()).as("a challenge needs no password").isZero();

        Exchange e = intruder.send(intruder.activateDatagram(Privilege.ADMINISTRATOR));

        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.BAD_AUTH_CODE);
        assertThat(bmc.activeSessions()).isZero();
    }

    @Test
    void challengeForAnUnknownUserIsRefusedWith81() {
        SimulatedBmc bmc = smdc();
        TestConsole stranger = new TestConsole(bmc, "nobody", "secret", AuthType.MD5);

        Answer a = stranger.challenge();

        assertThat(a.completionCode()).isEqualTo(0x81);
        assertThat(bmc.pendingChallenges()).isZero();
    }

    @Test
    void requestUnderAnUnknownSessionIdIsDropped() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);
        int unknownId = console.sessionId() ^ 0x5A5A_0000;

        Exchange e = console.send(console.datagram(unknownId, console.nextSequence(), NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));

        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
    }

    // ---- sequence numbers

    @Test
    void replayedInSessionDatagramIsDroppedOutOfWindow() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);
        byte[] datagram = console.request(NetFn.APP, Cmd.GET_DEVICE_ID);
        assertThat(console.call(datagram).completionCode()).isZero();

        Exchange replay = console.send(datagram);

        assertThat(replay.drop()).as(replay.summary()).isEqualTo(Exchange.Drop.OUT_OF_WINDOW);
    }

    @Test
    void outOfOrderSequenceNumbersWithinTheWindowAreAcceptedOnceEach() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);
        int s = console.nextSequence();

        for (int seq : new int[] {s + 3, s, s + 2, s + 1}) {
            Exchange e = console.send(console.requestAt(seq, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
            assertThat(e.answered()).as("sequence s+%d: %s", seq - s, e.summary()).isTrue();
        }
        for (int seq : new int[] {s, s + 1, s + 2, s + 3}) {
            Exchange again = console.send(console.requestAt(seq, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
            assertThat(again.drop()).as("sequence s+%d a second time", seq - s).isEqualTo(Exchange.Drop.OUT_OF_WINDOW);
        }
    }

    @Test
    void sequenceNumberMoreThanEightAheadIsDropped() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);
        int s = console.nextSequence();
        assertThat(console.call(console.requestAt(s, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).completionCode()).isZero();

        Exchange nineAhead = console.send(console.requestAt(s + 9, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
        Exchange eightAhead = console.send(console.requestAt(s + 8, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));

        assertThat(nineAhead.drop()).as(nineAhead.summary()).isEqualTo(Exchange.Drop.OUT_OF_WINDOW);
        assertThat(eightAhead.answered()).as("8 ahead is the edge of the window: %s", eightAhead.summary()).isTrue();
    }

    @Test
    void everyInSessionResponseCarriesAFreshIncreasingSequenceNumber() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5);
        console.challenge();

        Answer activated = console.activate(Privilege.ADMINISTRATOR);
        assertThat(activated.sequence()).as("Activate Session response uses the console's initial outbound number")
                .isEqualTo(TestConsole.INITIAL_OUTBOUND);
        int previous = activated.sequence();
        for (Answer a : List.of(console.setPrivilege(Privilege.ADMINISTRATOR), console.call(NetFn.APP, Cmd.GET_DEVICE_ID),
                console.call(NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS), console.call(0x2C, 0x00, 0x00),
                console.call(NetFn.APP, Cmd.GET_DEVICE_ID))) {
            assertThat(a.sequence()).as("after %08x: %s", previous, a.response()).isGreaterThan(previous);
            previous = a.sequence();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = AuthType.class, names = {"MD5", "MD2", "PASSWORD"})
    void responseAuthCodesVerifyWithTheUsersPassword(AuthType authType) {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, authType);
        console.challenge();

        List<Answer> answers = List.of(console.activate(Privilege.ADMINISTRATOR), console.setPrivilege(Privilege.ADMINISTRATOR),
                console.call(NetFn.APP, Cmd.GET_DEVICE_ID), console.call(0x2C, 0x00, 0x00), console.closeSession());

        for (Answer a : answers) {
            assertThat(a.session().authType()).isEqualTo(authType);
            assertThat(AuthCodes.verify(a.session(), console.password16())).as("%s signed", a.response()).isTrue();
            assertThat(AuthCodes.verify(a.session(), WRONG_PASSWORD)).isFalse();
        }
    }

    // ---- session table and timeouts

    @Test
    void sessionTableIsBoundedAndAClosedSessionFreesItsSlot() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withMaxSessions(2));
        TestConsole first = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);
        TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);
        TestConsole third = TestConsole.admin(bmc, AuthType.MD5);
        assertThat(third.challenge().completionCode()).isZero();

        assertThat(third.activate(Privilege.ADMINISTRATOR).completionCode()).as("no free slot").isEqualTo(0x81);
        assertThat(bmc.activeSessions()).isEqualTo(2);

        assertThat(first.closeSession().completionCode()).isZero();
        assertThat(bmc.activeSessions()).isOne();
        TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);
        assertThat(bmc.activeSessions()).isEqualTo(2);
    }

    @Test
    void sessionIdleLongerThanTheTimeoutIsForgotten() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);

        clock.advance(bmc.config().idleTimeout().plusSeconds(1));

        Exchange e = console.send(console.request(NetFn.APP, Cmd.GET_DEVICE_ID));
        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(bmc.activeSessions()).isZero();
    }

    @Test
    void activityWithinTheTimeoutKeepsTheSessionAlive() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.USER);
        Duration almost = bmc.config().idleTimeout().minusSeconds(1);

        for (int i = 0; i < 3; i++) {
            clock.advance(almost);
            assertThat(console.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
        }
        assertThat(bmc.activeSessions()).isOne();
    }

    @Test
    void challengeNotActivatedInTimeIsForgotten() {
        SimulatedBmc bmc = smdc();
        TestConsole slow = TestConsole.admin(bmc, AuthType.MD5);
        assertThat(slow.challenge().completionCode()).isZero();

        clock.advance(Duration.ofMillis(SessionTable.CHALLENGE_TTL_MILLIS + 1_000));

        Exchange e = slow.send(slow.activateDatagram(Privilege.ADMINISTRATOR));
        assertThat(e.drop()).as(e.summary()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(bmc.pendingChallenges()).isZero();
    }

    @Test
    void floodOfUnusedChallengesKeepsAtMost32Pending() {
        SimulatedBmc bmc = smdc();

        for (int i = 0; i < 200; i++) {
            TestConsole flooder = fromSource(bmc, i); // many sources, so the per-source limit does not stop them first
            assertThat(flooder.challenge().completionCode()).isZero();
            assertThat(bmc.pendingChallenges()).isLessThanOrEqualTo(MAX_PENDING_CHALLENGES);
        }
    }

    @Test
    void newestChallengeSurvivesAFloodAndActivates() {
        SimulatedBmc bmc = smdc();
        TestConsole flooder = null;
        for (int i = 0; i < 200; i++) {
            flooder = fromSource(bmc, i);
            flooder.challenge();
        }

        assertThat(flooder.activate(Privilege.USER).completionCode()).isZero();
    }

    // ---- privileges

    @Test
    void userLimitedUserGetsInsufficientPrivilegeForChassisControl() {
        SimulatedBmc bmc = smdcWithViewer();
        TestConsole console = viewer(bmc).open(Privilege.USER);

        Answer a = console.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, CHASSIS_POWER_DOWN);

        assertThat(a.completionCode()).isEqualTo(CompletionCode.INSUFFICIENT_PRIVILEGE);
        assertThat(bmc.model().chassis().powerOn()).isTrue();
    }

    @Test
    void userLimitedUserCannotRaiseSessionToAdministrator() {
        SimulatedBmc bmc = smdcWithViewer();
        TestConsole console = viewer(bmc).open(Privilege.USER);

        Answer a = console.setPrivilege(Privilege.ADMINISTRATOR);

        assertThat(a.completionCode()).isIn(0x80, 0x81);
        assertThat(console.call(NetFn.APP, Cmd.SET_SESSION_PRIVILEGE, 0x00).data())
                .as("privilege unchanged").containsExactly(Privilege.USER.level());
    }

    @Test
    void userLimitedUserActivatingAsAdministratorGets86() {
        SimulatedBmc bmc = smdcWithViewer();
        TestConsole console = viewer(bmc);
        assertThat(console.challenge().completionCode()).isZero();

        Answer a = console.activate(Privilege.ADMINISTRATOR);

        assertThat(a.completionCode()).isEqualTo(0x86);
        assertThat(bmc.activeSessions()).isZero();
    }

    @Test
    void unknownCommandIsAnsweredC1AtOnce() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);

        // ipmitool's HPM.2 / PICMG probe (group extension netFn 0x2C).
        Answer a = console.call(0x2C, 0x00, 0x00);

        assertThat(a.completionCode()).isEqualTo(CompletionCode.INVALID_COMMAND);
        assertThat(a.response().netFn()).isEqualTo(0x2D);
        assertThat(a.response().cmd()).isEqualTo(0x00);
    }

    // ---- chassis

    @Test
    void chassisPowerDownShowsInChassisStatus() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);

        assertThat(console.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, CHASSIS_POWER_DOWN).completionCode()).isZero();

        Answer status = console.call(NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS);
        assertThat(status.completionCode()).isZero();
        assertThat(status.data()[0] & 0x01).as("power is on").isZero();
    }

    @Test
    void chassisPowerCycleLeavesPowerOnWithLastEventByIpmiCommand() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);

        assertThat(console.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, CHASSIS_POWER_CYCLE).completionCode()).isZero();

        Answer status = console.call(NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS);
        assertThat(status.data()[0] & 0x01).as("power is on").isOne();
        assertThat(status.data()[1] & LAST_POWER_EVENT_IPMI_COMMAND).as("last power event")
                .isEqualTo(LAST_POWER_EVENT_IPMI_COMMAND);
    }

    // ---- channel auth capabilities and firmware quirks

    @Test
    void ipmi15OnlyBmcKeepsBit7ClearWhenAskedForIpmi20Data() {
        SimulatedBmc bmc = smdc();
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5);

        Answer caps = console.authCapabilities(0x80 | 0x0E);

        assertThat(caps.completionCode()).isZero();
        assertThat(caps.data()[0]).as("channel").isEqualTo((byte) 1);
        assertThat(caps.data()[1] & 0x80).as("IPMI 2.0 extended capabilities bit").isZero();
        assertThat(caps.data()[1] & 0x3F)
                .isEqualTo(AuthType.mask(EnumSet.of(AuthType.MD2, AuthType.MD5, AuthType.PASSWORD)));
    }

    @Test
    void sessionIdZeroQuirkSendsInSessionResponsesUnderId0() {
        SimulatedBmc bmc = smdcWith(FirmwareQuirk.SESSION_ID_ZERO);
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5);
        console.challenge();

        Answer activated = console.activate(Privilege.ADMINISTRATOR);
        Answer raised = console.setPrivilege(Privilege.ADMINISTRATOR);
        Answer device = console.call(NetFn.APP, Cmd.GET_DEVICE_ID);

        assertThat(activated.sessionId()).as("Activate Session still travels under the temporary ID").isEqualTo(console.tempId());
        assertThat(console.sessionId()).isNotZero();
        assertThat(raised.completionCode()).isZero();
        assertThat(raised.sessionId()).isZero();
        assertThat(device.sessionId()).isZero();
        assertThat(AuthCodes.verify(device.session(), console.password16())).as("signed over session ID 0").isTrue();
    }

    @Test
    void reusedSequenceQuirkRepeatsTheActivateSessionNumberOnceThenCountsOn() {
        SimulatedBmc bmc = smdcWith(FirmwareQuirk.REUSED_SEQUENCE);
        TestConsole console = TestConsole.admin(bmc, AuthType.MD5);
        console.challenge();

        int activated = console.activate(Privilege.ADMINISTRATOR).sequence();
        int first = console.setPrivilege(Privilege.ADMINISTRATOR).sequence();
        int second = console.call(NetFn.APP, Cmd.GET_DEVICE_ID).sequence();
        int third = console.call(NetFn.APP, Cmd.GET_DEVICE_ID).sequence();

        assertThat(activated).isEqualTo(TestConsole.INITIAL_OUTBOUND);
        assertThat(first).as("reused once").isEqualTo(activated);
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
    }

    @Test
    void oemAuthRequiredQuirkAdvertisesOemAuth() {
        SimulatedBmc bmc = smdcWith(FirmwareQuirk.OEM_AUTH_REQUIRED);

        Answer caps = TestConsole.admin(bmc, AuthType.MD5).authCapabilities(0x0E);

        assertThat(caps.data()[1] & AuthType.OEM.bit()).as("OEM (bit 5)").isEqualTo(0x20);
    }

    @Test
    void oemAuthRequiredQuirkRefusesMd5ChallengeWhenOemIsNotEnabled() {
        SimulatedBmc bmc = smdcWith(FirmwareQuirk.OEM_AUTH_REQUIRED);

        Answer a = TestConsole.admin(bmc, AuthType.MD5).challenge();

        assertThat(a.completionCode()).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(bmc.pendingChallenges()).isZero();
    }

    @Test
    void oemAuthRequiredQuirkAllowsMd5SessionsWhenOemIsEnabled() {
        BmcConfig c = BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.OEM_AUTH_REQUIRED));
        EnumSet<AuthType> withOem = EnumSet.copyOf(c.authTypes());
        withOem.add(AuthType.OEM);
        SimulatedBmc bmc = bmc(c.withAuthTypes(withOem));

        TestConsole.admin(bmc, AuthType.MD5).open(Privilege.ADMINISTRATOR);

        assertThat(bmc.activeSessions()).isOne();
    }
}
