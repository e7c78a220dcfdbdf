package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.client.ClientKind;
import io.quirklab.lab.vm.Accelerator;
import io.quirklab.lab.vm.GuestKernel;
import io.quirklab.lab.vm.NicModel;
import io.quirklab.matrix.OffloadState;
import io.quirklab.responder.PersonaCatalogue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kind: vm in a lab file: its own fields, each refused in one line naming it, and what other kinds may not say. */
class VmLabFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("lab.yaml"), yaml);
    }

    @Test
    void aVmLabNamesItsNicItsKernelAndWhereThePersonasLive() throws IOException {
        LabFile f = LabFile.read(write("kind: vm\nnic-model: e1000e\nkernel: \"6.12\"\naccelerator: tcg\nmemory-mb: 768\n"
                + "persona-base: 198.18.10.20\nclients: [ipmitool-lan]\noffload: [\"on\", \"off\"]\n"));
        LabKind.Vm vm = (LabKind.Vm) f.kind();
        assertThat(vm.nic()).isEqualTo(NicModel.E1000E);
        assertThat(vm.kernel()).isEqualTo(GuestKernel.V6_12);
        assertThat(vm.accelerator()).isEqualTo(Accelerator.Request.TCG);
        assertThat(vm.memoryMb()).isEqualTo(768);
        assertThat(vm.guestAddress()).isEqualTo(PersonaCatalogue.address("198.18.10.2"));
        assertThat(vm.tapAddress()).isEqualTo(PersonaCatalogue.address("198.18.10.1"));
        assertThat(f.personas().get(0).address()).isEqualTo(PersonaCatalogue.address("198.18.10.20"));
        assertThat(f.clients()).containsExactly(ClientKind.IPMITOOL_LAN);
        assertThat(f.offload()).containsExactly(OffloadState.ON, OffloadState.OFF);
        assertThat(f.emulatedFault()).as("offload is the guest NIC's real rx checksumming unless a fault model is named").isEmpty();
        assertThat(f.withFault(FaultModel.of("df-clear")).emulatedFault()).contains(FaultModel.of("df-clear"));

        LabFile d = LabFile.read(write("kind: vm\nnic-model: vmxnet3\nkernel: 6.1\nfault-model: { name: df-clear }\n"));
        LabKind.Vm dv = (LabKind.Vm) d.kind();
        assertThat(dv.kernel()).as("an unquoted 6.1 is read as the generation").isEqualTo(GuestKernel.V6_1);
        assertThat(dv.accelerator()).isEqualTo(Accelerator.Request.AUTO);
        assertThat(dv.memoryMb()).isEqualTo(LabKind.Vm.DEFAULT_MEMORY_MB);
        assertThat(dv.qemu()).isEmpty();
        assertThat(dv.personaBase()).isEqualTo(PersonaCatalogue.address(LabKind.Vm.DEFAULT_BASE));
        assertThat(d.emulatedFault()).contains(FaultModel.of("df-clear"));
    }

    @Test
    void everyWrongValueIsOneLineNamingTheField() throws IOException {
        refused("kind: vm\nkernel: \"6.1\"\n", "field 'nic-model': missing; the NIC QEMU emulates (e1000e, e1000, vmxnet3, rtl8139, virtio-net-pci)");
        refused("kind: vm\nnic-model: igb\nkernel: \"6.1\"\n", "line 2, field 'nic-model': 'igb' is not a NIC model QEMU emulates here");
        refused("kind: vm\nnic-model: e1000e\n", "field 'kernel': missing");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"5.10\"\n", "line 3, field 'kernel': '5.10' is not a guest kernel generation");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\naccelerator: hvf\n", "field 'accelerator': 'hvf' is not an accelerator (auto, kvm, tcg)");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\nmemory-mb: 64\n", "field 'memory-mb': 64 is not 256..8192");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\nqemu: no-such-qemu\n", "field 'qemu': " + dir.resolve("no-such-qemu")
                + " is not an executable file");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\npersona-base: 198.18.9.2\n", "field 'persona-base': '198.18.9.2': .1 of its /24 "
                + "is the tap's and .2 the guest's");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\npersona-base: 10.0.0.10\n", "outside 198.18.0.0/15");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\ndut-interface: eth0\n", "field 'dut-interface': a vm lab makes its own guest NIC");
        refused("kind: virtual\nnic-model: e1000e\n", "line 2, field 'nic-model': only for kind vm");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\nfault-model: { name: df-clr }\n", "'df-clr' is not a fault model");
    }

    @Test
    void aPersonaOnTheGuestsAddressIsRefusedBeforeAnythingIsMade() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), "personas:\n  - name: here\n    expected: DELIVERED\n    address: 198.18.9.2\n");
        refused("kind: vm\nnic-model: e1000e\nkernel: \"6.1\"\npersonas: p.yaml\n", "is the DUT's own address");
    }

    @Test
    void theShippedVmLabFilesAreValid() throws IOException {
        for (String name : new String[] {"vm-e1000e.yaml", "vm-e1000e-6.12.yaml"}) {
            LabFile f = LabFile.read(Path.of("../scenarios/labs", name));
            assertThat(f.kind()).isInstanceOf(LabKind.Vm.class);
            assertThat(((LabKind.Vm) f.kind()).nic()).isEqualTo(NicModel.E1000E);
            assertThat(f.clients()).as("no Java client: a JVM in a guest under TCG takes 15-21 s").doesNotContain(ClientKind.JAVA_LAN,
                    ClientKind.JAVA_LANPLUS).isNotEmpty();
        }
        assertThat(((LabKind.Vm) LabFile.read(Path.of("../scenarios/labs/vm-e1000e-6.12.yaml")).kind()).kernel()).isEqualTo(GuestKernel.V6_12);
        assertThat(((LabKind.Vm) LabFile.read(Path.of("../scenarios/labs/vm-e1000e.yaml")).kind()).kernel()).isEqualTo(GuestKernel.V6_1);
    }

    private void refused(String yaml, String message) throws IOException {
        Path f = write(yaml);
        assertThatThrownBy(() -> LabFile.read(f)).isInstanceOf(IOException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
