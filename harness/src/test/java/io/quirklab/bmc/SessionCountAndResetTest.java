package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.TestConsole.Answer;
import io.quirklab.client.IpmiCallException;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Get Channel Info and Get Session Info count the sessions of the BMC's own session table; a Cold Reset answered in a
 * session empties that table (as a real BMC's restart does), a Warm Reset keeps it.
 */
class SessionCountAndResetTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2005-06-01T12:00:00Z"));

    private SimulatedBmc smdc() {
        return new SimulatedBmc(BmcConfig.smdcDefaults(), clock, new Random(14));
    }

    private static TestConsole console(SimulatedBmc bmc, int i) {
        return new TestConsole(bmc, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD, AuthType.MD5,
                new InetSocketAddress("198.18.0." + (20 + i), 40000 + i));
    }

    /** Get Channel Info for the LAN channel: byte 4 is multi-session (bits 7:6 = 10b) and the active count (5:0). */
    private static int channelSessions(TestConsole c) {
        Answer a = c.call(NetFn.APP, Cmd.GET_CHANNEL_INFO, 0x01);
        assertThat(a.completionCode()).isZero();
        int support = a.data()[3] & 0xFF;
        assertThat(support & 0xC0).as("multi-session").isEqualTo(0x80);
        return support & 0x3F;
    }

    /** Get Session Info for the caller's own session: byte 3 is the number of active sessions. */
    private static int sessionInfoCount(TestConsole c) {
        Answer a = c.call(NetFn.APP, Cmd.GET_SESSION_INFO, 0x00);
        assertThat(a.completionCode()).isZero();
        return a.data()[2] & 0x3F;
    }

    @Test
    void channelInfoCountsTheActiveSessionsOfTheTable() {
        SimulatedBmc bmc = smdc();
        TestConsole a = console(bmc, 1).open(Privilege.ADMINISTRATOR);
        assertThat(channelSessions(a)).isEqualTo(1);
        TestConsole b = console(bmc, 2).open(Privilege.USER);
        TestConsole c = console(bmc, 3).open(Privilege.OPERATOR);
        assertThat(channelSessions(a)).isEqualTo(3);
        assertThat(channelSessions(c)).isEqualTo(3);
        assertThat(sessionInfoCount(b)).as("Get Session Info agrees").isEqualTo(3);
        assertThat(c.closeSession().completionCode()).isZero();
        assertThat(channelSessions(a)).isEqualTo(2);
        assertThat(sessionInfoCount(a)).isEqualTo(2);
        assertThat(bmc.activeSessions()).isEqualTo(2);
        // A half-open set-up (challenge only) is not an active session.
        assertThat(console(bmc, 4).challenge().completionCode()).isZero();
        assertThat(channelSessions(b)).isEqualTo(2);
        assertThat(channelSessions(b)).as("the current channel (0x0E) answers as channel 1").isEqualTo(channelSessions(b));
        Answer current = b.call(NetFn.APP, Cmd.GET_CHANNEL_INFO, 0x0E);
        assertThat(current.data()[0]).isEqualTo((byte) 0x01);
        assertThat(current.data()[3] & 0x3F).isEqualTo(2);
    }

    @Test
    void channelInfoDropsSessionsThatIdledOut() {
        SimulatedBmc bmc = smdc();
        TestConsole idle = console(bmc, 1).open(Privilege.USER);
        clock.advance(BmcConfig.smdcDefaults().idleTimeout().minusSeconds(10));
        TestConsole fresh = console(bmc, 2).open(Privilege.USER);
        assertThat(channelSessions(fresh)).isEqualTo(2);
        clock.advance(java.time.Duration.ofSeconds(20));
        assertThat(channelSessions(fresh)).as("the first idled out").isEqualTo(1);
        assertThat(idle.send(idle.request(NetFn.APP, Cmd.GET_DEVICE_ID)).drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
    }

    @Test
    void coldResetIsAnsweredInItsSessionAndThenEverySessionIsGone() {
        SimulatedBmc bmc = smdc();
        TestConsole admin = console(bmc, 1).open(Privilege.ADMINISTRATOR);
        TestConsole other = console(bmc, 2).open(Privilege.USER);
        TestConsole halfOpen = console(bmc, 3);
        assertThat(halfOpen.challenge().completionCode()).isZero();
        assertThat(bmc.activeSessions()).isEqualTo(2);

        Answer reset = admin.call(NetFn.APP, McCommands.COLD_RESET);
        assertThat(reset.completionCode()).isZero();
        assertThat(reset.sessionId()).as("answered inside the session it came in").isEqualTo(admin.sessionId());

        assertThat(bmc.activeSessions()).isZero();
        assertThat(bmc.pendingChallenges()).isZero();
        Exchange next = admin.send(admin.request(NetFn.APP, Cmd.GET_DEVICE_ID));
        assertThat(next.answered()).as("the BMC restarted and knows no session").isFalse();
        assertThat(next.drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(admin.send(admin.request(NetFn.APP, Cmd.CLOSE_SESSION, 0, 0, 0, 0)).drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(other.send(other.request(NetFn.APP, Cmd.GET_DEVICE_ID)).drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(halfOpen.send(halfOpen.activateDatagram(Privilege.USER)).answered()).as("the challenge is forgotten too").isFalse();

        // A new invocation logs in as on a freshly started BMC.
        TestConsole again = console(bmc, 1).open(Privilege.ADMINISTRATOR);
        assertThat(channelSessions(again)).isEqualTo(1);
    }

    @Test
    void warmResetKeepsTheSessions() {
        SimulatedBmc bmc = smdc();
        TestConsole admin = console(bmc, 1).open(Privilege.ADMINISTRATOR);
        TestConsole other = console(bmc, 2).open(Privilege.USER);
        assertThat(admin.call(NetFn.APP, McCommands.WARM_RESET).completionCode()).isZero();
        assertThat(bmc.activeSessions()).isEqualTo(2);
        assertThat(admin.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
        assertThat(channelSessions(other)).isEqualTo(2);
    }

    @Test
    void aColdResetThatFailsKeepsTheSessions() {
        SimulatedBmc bmc = smdc();
        TestConsole admin = console(bmc, 1).open(Privilege.ADMINISTRATOR);
        TestConsole user = console(bmc, 2).open(Privilege.USER);
        assertThat(user.call(NetFn.APP, McCommands.COLD_RESET).completionCode()).as("insufficient privilege").isEqualTo(0xD4);
        assertThat(admin.call(NetFn.APP, McCommands.COLD_RESET, 0x00).completionCode()).as("bad length").isEqualTo(0xC7);
        assertThat(bmc.activeSessions()).isEqualTo(2);
        assertThat(user.call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
    }

    @Test
    void coldResetOverRmcpPlusEndsTheRmcpPlusSessionAndTheIpmi15Ones() throws IpmiCallException {
        SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20(), clock, new Random(14));
        TestConsole v15 = console(bmc, 1).open(Privilege.USER);
        RmcpPlusConsole plus = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).open();
        IpmiResponse info = plus.call(NetFn.APP, Cmd.GET_CHANNEL_INFO, 0x0E);
        assertThat(info.data()[3] & 0x3F).isEqualTo(2);
        IpmiResponse own = plus.call(NetFn.APP, Cmd.GET_SESSION_INFO, 0x00);
        assertThat(own.data()[2] & 0x3F).isEqualTo(2);
        assertThat(own.data()[5] & 0xFF).as("channel 1, protocol IPMI 2.0 (bits 7:4 = 1)").isEqualTo(0x11);
        assertThat(v15.call(NetFn.APP, Cmd.GET_SESSION_INFO, 0x00).data()[5] & 0xFF).as("IPMI 1.5").isEqualTo(0x01);

        assertThat(plus.call(NetFn.APP, Cmd.SET_SESSION_PRIVILEGE, Privilege.ADMINISTRATOR.level()).completionCode()).isZero();
        assertThat(plus.call(NetFn.APP, McCommands.COLD_RESET).completionCode()).as("answered, sealed in its session").isZero();
        assertThat(bmc.activeSessions()).isZero();
        assertThat(plus.send(plus.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0])).answered()).isFalse();
        assertThat(v15.send(v15.request(NetFn.APP, Cmd.GET_DEVICE_ID)).drop()).isEqualTo(Exchange.Drop.UNKNOWN_SESSION);
        assertThat(RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).open().call(NetFn.APP, Cmd.GET_DEVICE_ID).completionCode()).isZero();
    }
}
