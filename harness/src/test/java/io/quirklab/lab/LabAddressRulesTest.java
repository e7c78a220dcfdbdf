package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persona addresses: inside the lab's /24, never its network or broadcast address or the DUT's, never where the host
 * routes elsewhere; refused when the lab file is read, before anything exists. Routes come from recorded `ip` output.
 */
class LabAddressRulesTest {
    @TempDir
    Path dir;

    private Path lab(String labText, String personaAddress) throws IOException {
        Files.writeString(dir.resolve("p.yaml"), "personas:\n  - name: clean\n  - name: odd\n    address: " + personaAddress + "\n");
        Path f = dir.resolve("lab.yaml");
        Files.writeString(f, labText);
        return f;
    }

    @Test
    void virtualLabAddressesStayInItsSubnet() throws IOException {
        boolean linkBefore = Files.exists(Path.of("/sys/class/net", VirtualLab.DUT_IF));
        Map<String, String> refused = Map.of(
                "198.18.5.10", "is outside the virtual lab's subnet 198.18.0.0/24",
                "198.18.0.0", "is the network address of the virtual lab's subnet 198.18.0.0/24",
                "198.18.0.255", "is the broadcast address of the virtual lab's subnet 198.18.0.0/24",
                "198.18.0.1", "is the DUT's own address on the virtual lab (198.18.0.1)",
                "10.0.0.5", "is outside 198.18.0.0/15");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            Path f = lab("kind: virtual\npersonas: p.yaml\n", e.getKey());
            assertThatThrownBy(() -> LabFile.read(f)).as(e.getKey())
                    .hasMessageContaining(dir.resolve("p.yaml").toString())
                    .hasMessageContaining("persona 'odd', field 'address': '" + e.getKey() + "' " + e.getValue())
                    .hasMessageContaining("(line 4)")
                    .hasMessageNotContaining("\n");
        }
        assertThat(LabFile.read(lab("kind: virtual\npersonas: p.yaml\n", "198.18.0.254")).personas()).isNotEmpty();
        // reading never creates anything
        assertThat(Files.exists(Path.of("/sys/class/net", VirtualLab.DUT_IF))).isEqualTo(linkBefore);
    }

    @Test
    void secondNicLabAddressesStayInThePersonaBasesSubnet() throws IOException {
        String nic = "kind: second-nic\ndut-interface: qlab-t0\nresponder:\n  interface: qlab-t1\npersona-base: 198.18.1.10\n"
                + "personas: p.yaml\n";
        assertThatThrownBy(() -> LabFile.read(lab(nic, "198.18.0.20")))
                .hasMessageContaining("'198.18.0.20' is outside the second-nic lab on qlab-t0's subnet 198.18.1.0/24");
        assertThatThrownBy(() -> LabFile.read(lab(nic, "198.18.1.255"))).hasMessageContaining("is the broadcast address");
        assertThat(LabFile.read(lab(nic, "198.18.1.77")).kind()).isInstanceOf(LabKind.SecondNic.class);
        assertThatThrownBy(() -> LabFile.read(lab(nic.replace("198.18.1.10", "198.18.1.255"), "198.18.1.77")))
                .hasMessageContaining("field 'persona-base': '198.18.1.255' is the broadcast address of its /24");
        assertThatThrownBy(() -> LabFile.read(lab(nic.replace("198.18.1.10", "zz"), "198.18.1.77")))
                .hasMessageContaining("field 'persona-base': 'zz' is not a dotted IPv4 address");
    }

    @Test
    void defaultAddressesThatRunIntoTheBroadcastAddressAreRefused() {
        StringBuilder yaml = new StringBuilder("personas:\n");
        for (int i = 0; i < 250; i++) {
            yaml.append("  - name: p").append(i).append('\n');
        }
        assertThatThrownBy(() -> PersonaCatalogue.parse("many.yaml", yaml.toString(), PersonaCatalogue.address("198.18.0.10"),
                LabNetwork.VIRTUAL)).hasMessageContaining("persona 'p245', field 'address' is missing, and base 198.18.0.10 + 245 = "
                + "198.18.0.255 is the broadcast address");
    }

    /** `ip` as recorded on this kind of host, keyed by the command's arguments. */
    private static CommandRunner recorded(Map<String, String> outputs) {
        return new CommandRunner(StandardCharsets.UTF_8, inv -> {
            String key = String.join(" ", inv.command());
            String out = outputs.entrySet().stream().filter(e -> key.endsWith(e.getKey())).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new AssertionError("unexpected command " + key));
            return new CommandRunner.Raw(0, out.getBytes(StandardCharsets.UTF_8), new byte[0], false);
        });
    }

    private static List<Persona> personas(String... addresses) {
        StringBuilder yaml = new StringBuilder("personas:\n");
        for (int i = 0; i < addresses.length; i++) {
            yaml.append("  - name: p").append(i).append("\n    address: ").append(addresses[i]).append('\n');
        }
        return PersonaCatalogue.parse("t.yaml", yaml.toString(), PersonaCatalogue.address("198.18.0.10")).personas();
    }

    @Test
    void beforeTheVirtualLabExistsNoOtherRouteMayCoverAPersona() throws IOException {
        CommandRunner ip = recorded(Map.of(
                "match 198.18.0.10", "default via 192.0.2.1 dev eth0 \n198.18.0.0/15 via 192.0.2.7 dev eth0 \n",
                "match 198.18.0.70", "default via 192.0.2.1 dev eth0 \n198.18.0.64/26 dev eth1 proto kernel scope link src 198.18.0.65 \n",
                "match 198.18.0.80", "local 198.18.0.80 dev lo table local proto kernel scope host src 198.18.0.80 \n"));
        LabNetwork net = new LabNetwork(ip);
        // the default route and a wider /15 lose against the lab's own /24 once it is up
        net.requireNoOtherRoute(personas("198.18.0.10"), LabNetwork.VIRTUAL, VirtualLab.DUT_IF);
        assertThatThrownBy(() -> net.requireNoOtherRoute(personas("198.18.0.10", "198.18.0.70"), LabNetwork.VIRTUAL, VirtualLab.DUT_IF))
                .hasMessageContaining("persona 'p1' address 198.18.0.70: this host already routes it elsewhere "
                        + "(198.18.0.64/26 dev eth1 proto kernel scope link src 198.18.0.65)")
                .hasMessageContaining("would not stay in the virtual lab (198.18.0.0/24 on qlab-dut)");
        assertThatThrownBy(() -> net.requireNoOtherRoute(personas("198.18.0.80"), LabNetwork.VIRTUAL, VirtualLab.DUT_IF))
                .hasMessageContaining("198.18.0.80: this host already routes it elsewhere (local 198.18.0.80 dev lo");
    }

    @Test
    void onASecondNicLabTheDutInterfaceMustBeTheRoute() throws IOException {
        CommandRunner ip = recorded(Map.of(
                "get 198.18.1.10", "198.18.1.10 dev enp3s0 src 198.18.1.1 uid 0 \\    cache ",
                "get 198.18.1.20", "198.18.1.20 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 \\    cache "));
        LabNetwork net = new LabNetwork(ip);
        PersonaCatalogue.Segment seg = PersonaCatalogue.Segment.around(PersonaCatalogue.address("198.18.1.10"),
                Optional.of(PersonaCatalogue.address("198.18.1.1")), "the second-nic lab on enp3s0");
        net.requireRoutedVia(personas("198.18.1.10"), seg, "enp3s0");
        assertThatThrownBy(() -> net.requireRoutedVia(personas("198.18.1.10", "198.18.1.20"), seg, "enp3s0"))
                .hasMessageContaining("persona 'p1' address 198.18.1.20: this host routes it through eth0, not enp3s0 "
                        + "(ip route get 198.18.1.20), so traffic to it would leave the second-nic lab on enp3s0");
        assertThat(seg.refusal(PersonaCatalogue.address("198.18.1.1"))).contains("is the DUT's own address on the second-nic lab on "
                + "enp3s0 (198.18.1.1)");
    }
}
