package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.testing.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab inventory: the repository's own, and one-line errors naming the file, the node and the field. */
class LabInventoryTest {
    @TempDir
    Path dir;

    @BeforeEach
    void labFile() throws IOException {
        Files.writeString(dir.resolve("lab.yaml"), "kind: virtual\n");
        Files.writeString(dir.resolve("base.json"), "{}");
    }

    @Test
    void theRepositorysInventoryNamesTheVirtualLabAndItsBaseline() throws IOException {
        LabInventory inv = LabInventory.read(Path.of("..", LabInventory.DEFAULT));
        LabInventory.Node veth = inv.node("linux-veth");
        assertThat(veth.lab().getFileName()).hasToString("virtual.yaml");
        assertThat(veth.baseline()).hasValueSatisfying(b -> assertThat(b.getFileName()).hasToString("virtual-debian12.json"));
        assertThat(inv.nodes()).extracting(LabInventory.Node::label).startsWith("linux-veth");
        assertThatThrownBy(() -> inv.node("windows-i211")).hasMessageContaining("no lab node 'windows-i211'").hasMessageContaining("linux-veth");
    }

    @Test
    void pathsAreRelativeToTheInventory() throws IOException {
        LabInventory inv = read("nodes:\n  - {label: linux-x, os: linux, nic: x, lab: lab.yaml, baseline: base.json}\n");
        assertThat(inv.node("linux-x").lab()).isEqualTo(dir.resolve("lab.yaml").toAbsolutePath());
        assertThat(inv.node("linux-x").baseline()).contains(dir.resolve("base.json").toAbsolutePath());
    }

    @Test
    void brokenEntriesAreOneLineNamingFileNodeAndField() throws IOException {
        Path f = dir.resolve("inventory.yaml");
        SpecialFiles.fifo(dir, "fifo");
        String[][] cases = {
            {"nodes:\n  - {label: linux-y, os: linux, nic: x, lab: lab.yaml}\n", f + ", nodes[0].'label': 'linux-y' must be os-nic, 'linux-x'"},
            {"nodes:\n  - {label: linux-x, os: linux, nic: x, lab: nope.yaml}\n", f + ", nodes[0].'lab': " + dir.resolve("nope.yaml") + ": no such lab file"},
            {"nodes:\n  - {label: linux-x, os: linux, nic: x, lab: lab.yaml, baseline: no.json}\n",
                f + ", nodes[0].'baseline': " + dir.resolve("no.json") + ": no such baseline"},
            {"nodes:\n  - {label: linux-x, os: linux, nic: x, lab: lab.yaml, baseline: fifo}\n",
                f + ", nodes[0].'baseline': " + dir.resolve("fifo") + ": is a named pipe (FIFO), not a baseline"},
            {"nodes:\n  - {label: Linux-x, os: Linux, nic: x, lab: lab.yaml}\n", f + ", nodes[0].'os': 'Linux' is not an axis value"},
            {"nodes:\n  - {label: linux-x, os: linux, nic: x, lab: lab.yaml}\n  - {label: linux-x, os: linux, nic: x, lab: lab.yaml}\n",
                f + ", nodes[1].'label': 'linux-x' is listed twice"},
            {"nodes:\n  - {label: linux-x, os: linux, nic: x, lab: lab.yaml, colour: red}\n", f + " line 2, field 'nodes[0].colour'"},
            {"nodes: []\n", f + ": no nodes"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> read(c[0])).as(c[0]).hasMessageStartingWith(c[1]).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    private LabInventory read(String yaml) throws IOException {
        Path f = dir.resolve("inventory.yaml");
        Files.writeString(f, yaml);
        return LabInventory.read(f);
    }
}
