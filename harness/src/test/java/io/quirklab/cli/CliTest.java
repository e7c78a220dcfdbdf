package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.ipmi.CipherSuite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a lab engineer uses it: exit codes, one-line reasons, JSON, refusals. */
class CliTest {
    private UdpBmcServer server;
    private String port;
    private final Console console = new Console();

    @BeforeEach
    void setUp() throws IOException {
        server = UdpBmcServer.start(new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20()), new InetSocketAddress(InetAddress.getByName("127.0.0.11"), 0), l -> { });
        port = Integer.toString(server.localAddress().getPort());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private int run(String... args) {
        return console.run(args);
    }

    @Test
    void mcInfoPrintsLikeIpmitoolAndExitsZero() {
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-U", "admin", "-P", "secret", "mc-info")).isZero();
        assertThat(console.out()).contains("Manufacturer ID           : 6653", "Firmware Revision         : 1.05");
    }

    @Test
    void jsonCarriesResultAttemptsAndTimings() throws IOException {
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "secret", "--json", "chassis-status")).isZero();
        JsonNode doc = new ObjectMapper().readTree(console.out());
        assertThat(doc.get("ok").asBoolean()).isTrue();
        assertThat(doc.at("/result/powerOn").asBoolean()).isTrue();
        assertThat(doc.at("/outcome/attempts").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(doc.at("/outcome/datagrams/0/rttMicros").asLong()).isPositive();
    }

    @Test
    void wrongPasswordExitsOneWithAOneLineReason() {
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "nope", "--timeout", "100", "--retries", "0", "mc-info")).isEqualTo(1);
        String e = console.err().strip();
        assertThat(e).startsWith("Error: TIMEOUT: Activate Session").doesNotContain("\n");
    }

    @Test
    void rawPrintsResponseBytes() {
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "secret", "raw", "0x06", "0x01")).isZero();
        assertThat(console.out()).startsWith(" 20 01 01 05 51");
    }

    @Test
    void refusesAddressesOutsideTheTestRanges() {
        assertThat(run("ipmi", "-H", "192.168.1.10", "-P", "x", "mc-info")).isNotZero();
        assertThat(console.err()).contains("not a test address");
        assertThat(run("smdc", "--bind", "10.1.2.3")).isNotZero();
        assertThat(run("smdc", "--bind", "0.0.0.0")).isNotZero();
    }

    @Test
    void badArgumentsGetAClearMessage() {
        assertThat(run("smdc", "--bind", "127.0.0.12", "--quirk", "no-such-quirk")).isNotZero();
        assertThat(console.err()).contains("unknown firmware quirk 'no-such-quirk'", "session-id-zero");
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "secret", "power", "sideways")).isNotZero();
        assertThat(console.err()).contains("unknown power action 'sideways'");
    }

    private static BmcConfig smdc(String... args) {
        SmdcCommand c = new SmdcCommand();
        new CommandLine(c).parseArgs(args);
        return c.config();
    }

    @Test
    void smdcIsIpmi15OnlyUnlessToldOtherwise() {
        assertThat(smdc("--bind", "127.0.0.24").ipmi20()).isFalse();
        assertThat(smdc("--bind", "127.0.0.24", "--ipmi", "1.5").ipmi20()).isFalse();
        assertThat(smdc("--bind", "127.0.0.24", "--ipmi", "2.0").cipherSuites())
                .containsExactlyInAnyOrder(CipherSuite.SUITE_1, CipherSuite.SUITE_2, CipherSuite.SUITE_3, CipherSuite.SUITE_17);
        assertThat(smdc("--bind", "127.0.0.24", "--ipmi", "2.0", "--quirk", "cipher-zero").cipherSuites()).contains(CipherSuite.SUITE_0);
        assertThat(smdc("--bind", "127.0.0.24").authTypes()).doesNotContain(io.quirklab.ipmi.AuthType.NONE);
        assertThat(smdc("--bind", "127.0.0.24", "--quirk", "auth-none-accepted").authTypes()).contains(io.quirklab.ipmi.AuthType.NONE);
        assertThatThrownBy(() -> smdc("--bind", "127.0.0.24", "--auth", "none,md5")).hasMessageContaining("--quirk auth-none-accepted");
        assertThatThrownBy(() -> smdc("--bind", "127.0.0.24", "--ipmi", "2.0", "--cipher-suites", "0,3"))
                .hasMessageContaining("--quirk cipher-zero");
        BmcConfig some = smdc("--bind", "127.0.0.24", "--ipmi", "2.0", "--cipher-suites", "3,17", "--kg", "lab");
        assertThat(some.cipherSuites()).containsExactlyInAnyOrder(CipherSuite.SUITE_3, CipherSuite.SUITE_17);
        assertThat(some.kg()).hasSize(20).startsWith('l', 'a', 'b', 0);
        assertThat(SmdcCommand.protocols(some)).isEqualTo("IPMI 1.5 and 2.0, cipher suites 3,17, Kg set");
        assertThatThrownBy(() -> smdc("--bind", "127.0.0.24", "--cipher-suites", "3")).hasMessageContaining("--ipmi 2.0");
        assertThatThrownBy(() -> smdc("--bind", "127.0.0.24", "--ipmi", "3.0")).hasMessageContaining("1.5 or 2.0");
        assertThatThrownBy(() -> smdc("--bind", "127.0.0.24", "--ipmi", "2.0", "--cipher-suites", "3,8")).hasMessageContaining("'8'");
    }

    @Test
    void ipmiLanplusRunsEveryCommandWithOrWithoutDashC() {
        for (String[] suite : new String[][] {{}, {"-C", "3"}, {"-C", "17"}}) {
            for (String command : new String[] {"mc-info", "chassis-status", "power-status", "sdr-list", "sel-info", "caps", "ping"}) {
                String[] base = {"ipmi", "-H", "127.0.0.11", "-p", port, "-U", "admin", "-P", "secret", "--lanplus"};
                String[] args = Stream.of(base, suite, new String[] {command}).flatMap(Arrays::stream).toArray(String[]::new);
                assertThat(run(args)).as(String.join(" ", args) + ": " + console.err()).isZero();
            }
        }
        assertThat(console.out()).contains("Manufacturer ID           : 6653", "IPMI v2.0   : supported");
        assertThat(server.bmc().activeSessions()).isZero();
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-U", "admin", "-P", "secret", "--lanplus", "-C", "0", "mc-info"))
                .as("suite 0 is not offered without the cipher-zero quirk").isNotZero();
    }

    @Test
    void dashCNeedsLanplusAndAKnownSuite() {
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "secret", "-C", "3", "mc-info")).isNotZero();
        assertThat(console.err()).contains("add --lanplus");
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "secret", "--lanplus", "-C", "5", "mc-info")).isNotZero();
        assertThat(console.err()).contains("unsupported cipher suite '5'");
        assertThat(run("ipmi", "-H", "127.0.0.11", "-p", port, "-P", "wrong", "--lanplus", "mc-info")).isEqualTo(1);
        assertThat(console.err()).contains("Error: AUTH_FAILED: RAKP 2");
    }
}
