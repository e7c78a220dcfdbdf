package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.process.CommandRunner;
import io.quirklab.host.HostAdapter;
import io.quirklab.testing.Require;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quirklab env and quirklab restore as a lab engineer uses them (read-only on this host; restore on an empty journal). */
class HostCommandsTest {
    private final Console console = new Console();

    @TempDir
    Path tmp;

    private int run(String... args) {
        return console.run(args);
    }

    private static void requireLinux() {
        Require.capability(Require.TOOLS, System.getProperty("os.name").startsWith("Linux") && CommandRunner.which("ethtool").isPresent(),
                "Test requires Linux with ethtool");
    }

    @Test
    void envPrintsTheFingerprintAsMatrixJsonDoes() throws Exception {
        requireLinux();
        assertThat(run("env", "--iface", "lo", "--json")).as(console.err()).isZero();
        JsonNode env = new ObjectMapper().readTree(console.out());
        assertThat(env.at("/os/family").asText()).isEqualTo("linux");
        assertThat(env.at("/dut_interface/name").asText()).isEqualTo("lo");
        assertThat(env.at("/dut_interface/offloads/rx_udp4_checksum").asText()).isIn("on", "off");
        assertThat(env.at("/dut_interface").has("pci_id")).isTrue();
        assertThat(env.path("java").asText()).isEqualTo(System.getProperty("java.version"));
    }

    @Test
    void envForPeopleAndForAnInterfaceThatIsNotThere() {
        requireLinux();
        assertThat(run("env", "--iface", "lo")).isZero();
        assertThat(console.out()).contains("interface : lo").contains("offloads: ").contains("rx_udp4_checksum=")
                .contains("clients   : ");
        assertThat(run("env", "--iface", "qlt-none0")).isEqualTo(2);
        assertThat(console.err()).contains("no network interface 'qlt-none0'").contains("ip -br link");
    }

    @Test
    void theVirtualLabsDutEndIsTheDefaultElseTheDefaultRoute() throws Exception {
        requireLinux();
        HostAdapter host = HostAdapter.detect();
        Path sys = Files.createDirectories(tmp.resolve("net"));
        assertThat(EnvCommand.defaultInterface(host, sys)).isEqualTo(host.defaultInterface());
        Files.createDirectories(sys.resolve("qlab-dut"));
        assertThat(EnvCommand.defaultInterface(host, sys)).contains("qlab-dut");
    }

    @Test
    void restoreWithNothingToDoSaysSoAndExitsZero() {
        assertThat(run("restore", "--state-dir", tmp.resolve("journal").toString())).isZero();
        assertThat(console.out()).contains("restore: nothing to restore");
        assertThat(run("restore", "--state-dir", tmp.toString())).isZero();
    }
}
