package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 with the real ipmitool on loopback: {@code -A NONE} with any password and {@code -I lanplus -C 0} with a
 * wrong one power the simulated host off only when the persona asks for the firmware quirk that allows it.
 */
class UnauthenticatedLoginToolTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final CommandRunner runner = new CommandRunner();

    private static void requireIpmitool() {
        Require.capability(Require.TOOLS, CommandRunner.which("ipmitool").isPresent(), "Test requires ipmitool: apt-get install ipmitool");
    }

    private CommandRunner.Result powerOff(UdpBmcServer s, String... how) {
        List<String> c = new ArrayList<>(List.of("ipmitool"));
        c.addAll(List.of(how));
        c.addAll(List.of("-H", s.localAddress().getAddress().getHostAddress(), "-p", Integer.toString(s.localAddress().getPort()),
                "-U", "admin", "-N", "1", "-R", "1", "chassis", "power", "off"));
        return runner.run(TIMEOUT, c);
    }

    private static UdpBmcServer serve(String host, BmcConfig config) throws IOException {
        return UdpBmcServer.start(new SimulatedBmc(config), new InetSocketAddress(InetAddress.getByName(host), 0), l -> { });
    }

    @Test
    void authTypeNoneWithAnyPasswordPowersOffOnlyWithTheAuthNoneAcceptedQuirk() throws IOException {
        requireIpmitool();
        try (UdpBmcServer safe = serve("127.0.0.31", BmcConfig.smdcDefaults());
             UdpBmcServer old = serve("127.0.0.32", BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.AUTH_NONE_ACCEPTED)))) {
            CommandRunner.Result refused = powerOff(safe, "-I", "lan", "-A", "NONE", "-P", "anything");
            assertThat(refused.exitCode()).as(describe(refused)).isNotZero();
            assertThat(safe.bmc().model().chassis().powerOn()).as("the default BMC stays on").isTrue();
            assertThat(safe.bmc().activeSessions()).isZero();

            CommandRunner.Result accepted = powerOff(old, "-I", "lan", "-A", "NONE", "-P", "anything");
            assertThat(accepted.exitCode()).as(describe(accepted)).isZero();
            assertThat(old.bmc().model().chassis().powerOn()).as("with the quirk, as old firmware did").isFalse();
        }
    }

    @Test
    void cipherSuiteZeroWithAWrongPasswordPowersOffOnlyWithTheCipherZeroQuirk() throws IOException {
        requireIpmitool();
        try (UdpBmcServer safe = serve("127.0.0.33", BmcConfig.smdcDefaults().withIpmi20());
             UdpBmcServer old = serve("127.0.0.34", BmcConfig.smdcDefaults().withIpmi20().withQuirks(EnumSet.of(FirmwareQuirk.CIPHER_ZERO)))) {
            CommandRunner.Result refused = powerOff(safe, "-I", "lanplus", "-C", "0", "-P", "wrong");
            assertThat(refused.exitCode()).as(describe(refused)).isNotZero();
            assertThat(safe.bmc().model().chassis().powerOn()).as("the default BMC stays on").isTrue();
            assertThat(safe.bmc().activeSessions()).isZero();
            CommandRunner.Result right = powerOff(safe, "-I", "lanplus", "-C", "3", "-P", BmcConfig.DEFAULT_PASSWORD);
            assertThat(right.exitCode()).as("suite 3 with the password still works: " + describe(right)).isZero();

            CommandRunner.Result accepted = powerOff(old, "-I", "lanplus", "-C", "0", "-P", "wrong");
            assertThat(accepted.exitCode()).as(describe(accepted)).isZero();
            assertThat(old.bmc().model().chassis().powerOn()).as("with the quirk, as old firmware did").isFalse();
        }
    }

    private static String describe(CommandRunner.Result r) {
        return r.commandLine() + " -> exit " + r.exitCode() + "\nstdout: " + r.stdout() + "\nstderr: " + r.stderr();
    }
}
