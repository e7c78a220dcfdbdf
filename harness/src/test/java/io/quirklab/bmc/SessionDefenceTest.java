package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.bmc.TestConsole.Answer;
import io.quirklab.client.IpmiCallException;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: no unauthenticated logins by default (auth type NONE, cipher suite 0 only as named firmware quirks), a
 * per-source budget for activation attempts, and a session table that a flood cannot hold against a client that
 * knows its password for longer than the idle timeout.
 */
class SessionDefenceTest {
    private static final long SEED = 0x16_16L;
    private final ManualClock clock = new ManualClock(Instant.parse("2005-06-01T12:00:00Z"));
    private final Random random = new Random(SEED);

    private SimulatedBmc bmc(BmcConfig c) {
        return new SimulatedBmc(c, clock, new Random(SEED));
    }

    private static InetSocketAddress source(int i) {
        return new InetSocketAddress("198.18." + (1 + i / 250) + "." + (1 + i % 250), 40000 + i % 20000);
    }

    private static TestConsole console(SimulatedBmc bmc, String password, AuthType type, InetSocketAddress from) {
        return new TestConsole(bmc, BmcConfig.DEFAULT_USER, password, type, from);
    }

    // ---- auth type NONE

    @Test
    void authTypeNoneIsNeitherAdvertisedNorAcceptedByDefault() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults());
        TestConsole anyPassword = console(bmc, "anything", AuthType.NONE, source(1));

        assertThat(anyPassword.authCapabilities(0x0E).data()[1] & AuthType.NONE.bit()).as("NONE advertised").isZero();
        assertThat(anyPassword.challenge().completionCode()).isEqualTo(CompletionCode.INVALID_DATA_FIELD);
        assertThat(anyPassword.send(anyPassword.activateDatagram(Privilege.ADMINISTRATOR)).answered()).isFalse();
        assertThat(bmc.activeSessions()).isZero();
        assertThat(bmc.config().authTypes()).containsExactlyInAnyOrder(AuthType.MD2, AuthType.MD5, AuthType.PASSWORD);
    }

    @Test
    void authNoneAcceptedQuirkLetsAnyPasswordInAsBefore() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.AUTH_NONE_ACCEPTED)));
        TestConsole anyPassword = console(bmc, "anything", AuthType.NONE, source(1));

        assertThat(anyPassword.authCapabilities(0x0E).data()[1] & AuthType.NONE.bit()).as("NONE advertised").isNotZero();
        anyPassword.open(Privilege.ADMINISTRATOR);
        assertThat(anyPassword.call(NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, 0x00).completionCode()).isZero();
        assertThat(bmc.model().chassis().powerOn()).isFalse();
    }

    // ---- cipher suite 0

    @Test
    void cipherSuiteZeroIsNeitherListedNorAcceptedByDefault() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20());
        RmcpPlusConsole wrong = new RmcpPlusConsole(bmc, CipherSuite.SUITE_0, "admin", "wrong", null, Privilege.ADMINISTRATOR, 1);

        assertThat(bmc.config().cipherSuites()).doesNotContain(CipherSuite.SUITE_0).contains(CipherSuite.SUITE_3, CipherSuite.SUITE_17);
        assertThatThrownBy(wrong::open).isInstanceOf(IpmiCallException.class).hasMessageContaining("0x11");
        assertThat(bmc.activeSessions()).isZero();
    }

    @Test
    void cipherZeroQuirkLetsAnyPasswordInAsBefore() throws IpmiCallException {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20().withQuirks(EnumSet.of(FirmwareQuirk.CIPHER_ZERO)));
        RmcpPlusConsole wrong = new RmcpPlusConsole(bmc, CipherSuite.SUITE_0, "admin", "wrong", null, Privilege.ADMINISTRATOR, 1);

        wrong.open();
        assertThat(wrong.call(NetFn.APP, Cmd.SET_SESSION_PRIVILEGE, Privilege.ADMINISTRATOR.level()).completionCode()).isZero();
        assertThat(bmc.config().cipherSuites()).contains(CipherSuite.SUITE_0);
        assertThat(BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.CIPHER_ZERO)).cipherSuites())
                .as("the quirk does not make a 1.5-only BMC speak RMCP+").isEmpty();
    }

    // ---- the per-source budget

    @Test
    void oneSourceGetsItsBurstOfUnusedChallengesThenNodeBusyAndRefillsWithTime() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults());
        TestConsole flooder = console(bmc, "secret", AuthType.MD5, source(7));
        for (int i = 0; i < ActivationLimiter.BURST; i++) {
            assertThat(flooder.challenge().completionCode()).as("challenge %d", i).isZero();
        }

        assertThat(flooder.challenge().completionCode()).isEqualTo(CompletionCode.NODE_BUSY);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < ActivationLimiter.REFILL_PER_SECOND; i++) {
            assertThat(flooder.challenge().completionCode()).as("refilled %d", i).isZero();
        }
        assertThat(flooder.challenge().completionCode()).isEqualTo(CompletionCode.NODE_BUSY);
        assertThat(console(bmc, "secret", AuthType.MD5, source(8)).challenge().completionCode()).as("another source").isZero();
    }

    @Test
    void clientsThatLogInNeverRunOutOfBudget() throws IpmiCallException {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20());
        for (int i = 0; i < 500; i++) {
            TestConsole c = console(bmc, "secret", AuthType.MD5, source(3)).open(Privilege.ADMINISTRATOR);
            assertThat(c.closeSession().completionCode()).isZero();
            RmcpPlusConsole p = new RmcpPlusConsole(bmc, CipherSuite.SUITE_3, "admin", "secret", null, Privilege.ADMINISTRATOR, i).open();
            assertThat(p.call(NetFn.APP, Cmd.CLOSE_SESSION, le32(p.handshake.bmcId())).completionCode()).isZero();
        }
        assertThat(bmc.droppedCount(Exchange.Drop.RATE_LIMITED)).isZero();
    }

    @Test
    void failedActivationsFromOneSourceAreRateLimited() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults());
        TestConsole guesser = console(bmc, "guess", AuthType.MD5, source(9));
        guesser.challenge();
        for (int i = 0; i < 100; i++) {
            guesser.send(guesser.activateDatagram(Privilege.ADMINISTRATOR)); // one challenge, many password guesses
        }
        assertThat(bmc.droppedCount(Exchange.Drop.BAD_AUTH_CODE)).isEqualTo(ActivationLimiter.BURST - 1);
        assertThat(bmc.droppedCount(Exchange.Drop.RATE_LIMITED)).isEqualTo(100 - ActivationLimiter.BURST + 1);
    }

    // ---- floods against the session table

    /**
     * From 300 sources: Get Session Challenge and Activate Session with wrong passwords, RMCP+ Open Session and RAKP 1
     * for unknown users and bad RAKP 3s, keep-alives into the live sessions with bad auth codes. The legitimate
     * client, between bursts of the flood, logs in at once every time.
     */
    @Test
    void floodOfUnauthenticatedAttemptsAndKeepAlivesNeverKeepsALegitimateClientOut() throws IpmiCallException {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20());
        TestConsole legit = null;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 300; i++) {
                InetSocketAddress from = source(random.nextInt(300));
                TestConsole bad = console(bmc, "wrong", AuthType.MD5, from);
                bad.challenge();
                bad.send(bad.activateDatagram(Privilege.ADMINISTRATOR));
                RmcpPlusConsole rp = new RmcpPlusConsole(bmc, CipherSuite.SUITE_3, random.nextBoolean() ? "admin" : "nobody", "wrong", null,
                        Privilege.ADMINISTRATOR, random.nextLong()).from(from);
                try {
                    rp.open();
                } catch (IpmiCallException | AssertionError expected) {
                    // wrong password: RAKP 2 does not verify, or the BMC refuses or ignores the flooder
                }
                rp.send(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, rp.handshake.openSessionRequest()));
                if (legit != null) {
                    TestConsole keepAlive = console(bmc, "wrong", AuthType.MD5, from);
                    keepAlive.send(keepAlive.datagram(legit.sessionId(), random.nextInt(), NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
                }
            }
            clock.advance(Duration.ofMillis(200));
            TestConsole next = console(bmc, "secret", AuthType.MD5, new InetSocketAddress("198.18.0.1", 50000)).open(Privilege.ADMINISTRATOR);
            assertThat(next.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).as("round %d", round).isZero();
            RmcpPlusConsole next2 = new RmcpPlusConsole(bmc, CipherSuite.SUITE_17, "admin", "secret", null, Privilege.ADMINISTRATOR, round)
                    .from(new InetSocketAddress("198.18.0.1", 50001)).open();
            assertThat(next2.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
            assertThat(next2.call(NetFn.APP, Cmd.CLOSE_SESSION, le32(next2.handshake.bmcId())).completionCode()).isZero();
            if (legit != null) {
                assertThat(legit.closeSession().completionCode()).isZero();
            }
            legit = next;
        }
        assertThat(bmc.activeSessions()).isLessThanOrEqualTo(bmc.config().maxSessions());
        assertThat(bmc.pendingChallenges()).isLessThanOrEqualTo(SessionTable.MAX_PENDING);
        assertThat(bmc.pendingHandshakes()).isLessThanOrEqualTo(SessionTable.MAX_PENDING);
        assertThat(bmc.droppedCount(Exchange.Drop.RATE_LIMITED)).as("the flood hit the per-source budget").isPositive();
    }

    /**
     * Issue 24: 3,000 sources, three times the table's size, flood Get Session Challenge and Open Session every 200 ms.
     * Each is still held to its own budget (the sketch remembers the sources the table cannot), all together to the
     * global budget, and a legitimate client, new each round, logs in over 1.5 and 2.0 every time.
     */
    @Test
    void aFloodFromMoreSourcesThanTheTableHoldsMeetsTheGlobalBudgetAndLoginsGoFirst() throws IpmiCallException {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20());
        int sources = 3 * ActivationLimiter.MAX_SOURCES;
        for (int round = 0; round < 10; round++) {
            long admitted = 0;
            for (int i = 0; i < sources; i++) {
                TestConsole flooder = console(bmc, "wrong", AuthType.MD5, source(i));
                admitted += flooder.challenge().completionCode() == 0 ? 1 : 0;
                RmcpPlusConsole rp = new RmcpPlusConsole(bmc, CipherSuite.SUITE_3, "admin", "wrong", null, Privilege.ADMINISTRATOR, i)
                        .from(source(i));
                rp.send(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, rp.handshake.openSessionRequest()));
            }
            assertThat(admitted).as("round %d: challenges granted to the flood", round).isLessThanOrEqualTo(ActivationLimiter.GLOBAL_BURST);
            clock.advance(Duration.ofMillis(200));
            if (round == 0) {
                continue; // the flood's sources are new in round 0, as new as a client
            }
            InetSocketAddress newcomer = new InetSocketAddress("198.18.250." + round, 50000);
            TestConsole legit = console(bmc, "secret", AuthType.MD5, newcomer).open(Privilege.ADMINISTRATOR);
            assertThat(legit.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).as("round %d, 1.5", round).isZero();
            assertThat(legit.closeSession().completionCode()).isZero();
            RmcpPlusConsole plus = new RmcpPlusConsole(bmc, CipherSuite.SUITE_17, "admin", "secret", null, Privilege.ADMINISTRATOR, round)
                    .from(newcomer).open();
            assertThat(plus.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).as("round %d, 2.0", round).isZero();
            assertThat(plus.call(NetFn.APP, Cmd.CLOSE_SESSION, le32(plus.handshake.bmcId())).completionCode()).isZero();
        }
        assertThat(bmc.refusedByGlobalBudget()).isPositive();
        assertThat(bmc.pendingChallenges()).isLessThanOrEqualTo(SessionTable.MAX_PENDING);
        assertThat(bmc.pendingHandshakes()).isLessThanOrEqualTo(SessionTable.MAX_PENDING);
    }

    /**
     * A client that retransmits its Get Session Challenge (the answer was slow or lost under a flood) leaves set-ups that
     * never authenticate; once it logs in, it has shown it is no flooder, so they no longer count against it. Logins in
     * a row, each after two unanswered tries, while a flood holds the global budget in its reserve: every one gets in.
     * (Seen on a loaded machine in SessionFloodTest: the eighth such login was refused "node busy".)
     */
    @Test
    void aClientThatRetransmitsItsChallengeUnderAFloodStillLogsInTimeAfterTime() throws IpmiCallException {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults());
        InetSocketAddress admin = new InetSocketAddress("198.18.251.1", 50000);
        for (int round = -ActivationLimiter.LIGHT - 2; round < 12; round++) {
            for (int i = 0; i < 3 * ActivationLimiter.MAX_SOURCES; i++) {
                console(bmc, "wrong", AuthType.MD5, source(i)).challenge(); // the flood keeps the global budget spent
            }
            clock.advance(Duration.ofMillis(100));
            if (round < 0) {
                continue; // until every flood source has asked more than a client starting its login would
            }
            int login = round;
            TestConsole retried = console(bmc, "secret", AuthType.MD5, admin);
            for (int t = 0; t < 2; t++) {
                assertThat(retried.challenge().completionCode()).as("login %d, try %d", login, t).isZero(); // its answer lost
            }
            TestConsole c;
            try {
                c = console(bmc, "secret", AuthType.MD5, admin).open(Privilege.ADMINISTRATOR);
            } catch (AssertionError e) {
                throw new AssertionError("login " + login + ": " + e.getMessage(), e);
            }
            assertThat(c.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).as("login %d", login).isZero();
            assertThat(c.closeSession().completionCode()).isZero();
        }
        assertThat(bmc.refusedByGlobalBudget()).as("the flood met the global budget").isPositive();
    }

    /** With NONE enabled (the quirk), four NONE sessions kept alive do not hold the table against a password. */
    @Test
    void sessionsThatNeverAuthenticatedGiveTheirSlotsToAnAuthenticatedClient() {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.AUTH_NONE_ACCEPTED)));
        TestConsole[] squatters = new TestConsole[bmc.config().maxSessions()];
        for (int i = 0; i < squatters.length; i++) {
            squatters[i] = console(bmc, "anything", AuthType.NONE, source(i)).open(Privilege.ADMINISTRATOR);
        }
        assertThat(console(bmc, "anything", AuthType.NONE, source(9)).challenge().completionCode()).isZero();
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(15));
            for (TestConsole s : squatters) {
                s.call(NetFn.APP, Cmd.GET_DEVICE_ID); // keep-alive every 15 s
            }
        }
        TestConsole another = console(bmc, "anything", AuthType.NONE, source(10));
        another.challenge();
        assertThat(another.activate(Privilege.ADMINISTRATOR).completionCode()).as("a fifth NONE session").isEqualTo(0x81);

        TestConsole legit = console(bmc, "secret", AuthType.MD5, source(20)).open(Privilege.ADMINISTRATOR);

        assertThat(legit.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
        assertThat(bmc.activeSessions()).isEqualTo(bmc.config().maxSessions());
    }

    /** Clients that never close (OpenIPMI's tools, pyghmi) fill the table; the next gets in after the idle timeout. */
    @Test
    void sessionsLeftOpenLockOthersOutForTheIdleTimeoutAtMost() {
        BmcConfig c = BmcConfig.smdcDefaults().withMaxSessions(4).withIdleTimeout(Duration.ofSeconds(30));
        SimulatedBmc bmc = bmc(c);
        for (int i = 0; i < 4; i++) {
            console(bmc, "secret", AuthType.MD5, source(i)).open(Privilege.ADMINISTRATOR);
        }
        TestConsole late = console(bmc, "secret", AuthType.MD5, source(50));
        late.challenge();
        assertThat(late.activate(Privilege.ADMINISTRATOR).completionCode()).as("table full").isEqualTo(0x81);

        clock.advance(c.idleTimeout().plusMillis(1));
        Answer challenge = late.challenge();

        assertThat(challenge.completionCode()).isZero();
        assertThat(late.activate(Privilege.ADMINISTRATOR).completionCode()).isZero();
        assertThat(bmc.activeSessions()).isOne();
    }

    @Test
    void halfOpenSetUpsExpireWithinSeconds() throws IpmiCallException {
        SimulatedBmc bmc = bmc(BmcConfig.smdcDefaults().withIpmi20());
        for (int i = 0; i < 20; i++) {
            console(bmc, "secret", AuthType.MD5, source(i)).challenge();
            RmcpPlusConsole rp = new RmcpPlusConsole(bmc, CipherSuite.SUITE_3, "admin", "secret", null, Privilege.ADMINISTRATOR, i);
            rp.send(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, rp.handshake.openSessionRequest()));
        }
        assertThat(bmc.pendingChallenges()).isEqualTo(20);
        assertThat(bmc.pendingHandshakes()).isEqualTo(20);

        clock.advance(Duration.ofMillis(SessionTable.CHALLENGE_TTL_MILLIS + 1));
        bmc.activeSessions(); // housekeeping runs on every lookup

        assertThat(bmc.pendingChallenges()).isZero();
        assertThat(bmc.pendingHandshakes()).isZero();
    }

    private static int[] le32(int v) {
        return new int[] {v & 0xFF, v >>> 8 & 0xFF, v >>> 16 & 0xFF, v >>> 24 & 0xFF};
    }
}
