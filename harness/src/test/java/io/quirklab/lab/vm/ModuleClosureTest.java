package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleClosureTest {
    /** The dependencies Debian's 6.1.0-57-amd64 modules declare in .modinfo. */
    static final Map<String, List<String>> DEBIAN_6_1 = Map.ofEntries(
            Map.entry("virtio_pci", List.of("virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio")),
            Map.entry("virtio", List.of("virtio_ring")), Map.entry("virtio_ring", List.of()),
            Map.entry("virtio_pci_modern_dev", List.of()), Map.entry("virtio_pci_legacy_dev", List.of()),
            Map.entry("virtio_console", List.of("virtio", "virtio_ring")), Map.entry("9pnet_virtio", List.of("virtio", "9pnet", "virtio_ring")),
            Map.entry("9pnet", List.of()), Map.entry("9p", List.of("9pnet", "fscache", "netfs")), Map.entry("fscache", List.of("netfs")),
            Map.entry("netfs", List.of()), Map.entry("e1000e", List.of()), Map.entry("8139cp", List.of("mii")), Map.entry("mii", List.of()));

    @Test
    void dependenciesLoadFirstAndEveryModuleOnce() throws IOException {
        List<String> order = ModuleClosure.loadOrder(List.of("virtio_pci", "virtio_console", "9pnet_virtio", "9p", "e1000e"), Set.of(),
                DEBIAN_6_1);
        assertThat(order).containsExactly("virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_pci",
                "virtio_console", "9pnet", "9pnet_virtio", "netfs", "fscache", "9p", "e1000e");
        for (String m : order) {
            for (String d : DEBIAN_6_1.get(m)) {
                assertThat(order.indexOf(d)).as(d + " before " + m).isLessThan(order.indexOf(m));
            }
        }
    }

    @Test
    void modulesBuiltIntoTheKernelAreNotLoadedAsIn612() throws IOException {
        assertThat(ModuleClosure.loadOrder(List.of("virtio_pci", "virtio_console", "8139cp"), Set.of("virtio_pci", "virtio_console"),
                DEBIAN_6_1)).containsExactly("mii", "8139cp");
    }

    @Test
    void aMissingModuleIsNamedWithWhoNeedsItAndACycleIsRefused() {
        Map<String, List<String>> broken = Map.of("virtio_net", List.of("net_failover"), "net_failover", List.of("failover"));
        assertThatThrownBy(() -> ModuleClosure.loadOrder(List.of("virtio_net"), Set.of(), broken)).isInstanceOf(IOException.class)
                .hasMessage("kernel module failover is neither built in nor in the package (needed by net_failover <- virtio_net)");
        Map<String, List<String>> cycle = Map.of("a", List.of("b"), "b", List.of("a"));
        assertThatThrownBy(() -> ModuleClosure.loadOrder(List.of("a"), Set.of(), cycle)).hasMessageContaining("cycle: a -> b -> a");
    }

    @Test
    void dashesAndUnderscoresNameTheSameModule() throws IOException {
        assertThat(ModuleClosure.loadOrder(List.of("virtio-pci"), Set.of(), Map.of("virtio_pci", List.of()))).containsExactly("virtio_pci");
        assertThat(KernelCache.moduleName("virtio-pci.ko.xz")).contains("virtio_pci");
        assertThat(KernelCache.moduleName("e1000e.ko")).contains("e1000e");
        assertThat(KernelCache.moduleName("modules.dep")).isEmpty();
    }
}
