package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
    static final VmConfig E1000E = VmConfig.of(NicModel.E1000E, GuestKernel.V6_1);

    static List<String> argv(VmConfig c, Accelerator a) {
        return new QemuCommand(Path.of("/usr/bin/qemu-system-x86_64"), c, a, Path.of("/cache/6.1/vmlinux"), Path.of("/run/w/initramfs.cpio"),
                Path.of("/run/w/console.log"), Path.of("/run/w/cmd.sock")).argv();
    }

    @Test
    void qemuRunsInsideTheGuestsNamespaceSoItsTapIsBornThere() {
        List<String> a = argv(E1000E, Accelerator.TCG);
        assertThat(a.subList(0, 5)).containsExactly("ip", "netns", "exec", "qvm", "/usr/bin/qemu-system-x86_64");
        assertThat(a).containsSequence("-netdev", "tap,id=net0,ifname=qvm-t0,script=no,downscript=no");
        assertThat(a).containsSequence("-device", "e1000e,netdev=net0,mac=52:54:00:71:00:02");
        assertThat(a).containsSequence("-accel", "tcg", "-cpu", "max");
    }

    @Test
    void theNicsOnlyOtherEndIsTheTapNothingTheGuestSendsCanLeaveThroughTheHost() {
        for (NicModel m : NicModel.values()) {
            String all = String.join(" ", argv(E1000E.toBuilder().nic(m).build(), Accelerator.KVM));
            assertThat(all).doesNotContain("user,").doesNotContain("hostfwd").doesNotContain("bridge").doesNotContain("-nic ")
                    .doesNotContain("smb=").doesNotContain("guestfwd");
            assertThat(all.split("-netdev ", -1)).as("one netdev").hasSize(2);
            assertThat(all).contains("-nodefaults");
        }
    }

    @Test
    void theHostRootIsSharedReadOnlyAndTheConsoleAndCommandChannelAreFiles() {
        List<String> a = argv(E1000E, Accelerator.TCG);
        assertThat(a).containsSequence("-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap");
        assertThat(a).containsSequence("-serial", "file:/run/w/console.log");
        assertThat(a).containsSequence("-chardev", "socket,id=qvmcmd,path=/run/w/cmd.sock,server=on,wait=off");
        assertThat(a).containsSequence("-kernel", "/cache/6.1/vmlinux", "-initrd", "/run/w/initramfs.cpio");
        assertThat(String.join(" ", a)).contains("-no-reboot").contains("-display none");
    }

    @Test
    void aPathWithACommaIsRefusedBecauseQemuWouldSplitTheOptionThere() {
        assertThatThrownBy(() -> new QemuCommand(Path.of("/usr/bin/qemu"), E1000E, Accelerator.TCG, Path.of("/a,b/vmlinux"),
                Path.of("/i"), Path.of("/c"), Path.of("/s"))).hasMessageContaining("comma");
    }
}
