package io.quirklab.lab.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line of one guest, run inside the guest's network namespace ({@code ip netns exec}, which execs
 * QEMU in place, so the PID started is QEMU's) so the tap it creates is born there. The NIC's only other end is that
 * tap: no user-mode networking, no bridge, no host forward, so nothing the guest sends can leave through the host's
 * own interfaces. No default devices, no display; the serial console goes to a file.
 *
 * @param qemu        the binary
 * @param config      the guest
 * @param accelerator what runs its CPU
 * @param kernel      the kernel image
 * @param initramfs   the initramfs (cpio)
 * @param console     where the serial console is written
 * @param socket      the command channel's Unix socket
 */
public record QemuCommand(Path qemu, VmConfig config, Accelerator accelerator, Path kernel, Path initramfs, Path console, Path socket) {
    /** The 9p tag of the host's root. */
    public static final String ROOT_TAG = "hostroot";
    /** The virtio-serial port's name. */
    public static final String PORT_NAME = "io.quirklab.cmd";
    /** quiet: only errors on the console; ipv6.disable: no router solicitations in captures; panic=-1 + -no-reboot: a dead init ends QEMU. */
    static final String APPEND = "console=ttyS0 quiet loglevel=3 panic=-1 ipv6.disable=1 mitigations=off rdinit=/init";

    public QemuCommand {
        for (Path p : new Path[] {qemu, kernel, initramfs, console, socket}) {
            if (p.toString().contains(",")) {
                throw new IllegalArgumentException("path '" + p + "' contains a comma, which QEMU's options cannot carry");
            }
        }
    }

    public List<String> argv() {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", config.netns(), qemu.toString(),
                "-name", "quirklab-" + config.netns(), "-machine", "pc", "-nodefaults", "-no-user-config", "-display", "none",
                "-no-reboot", "-m", Integer.toString(config.memoryMb()), "-smp", "1"));
        a.addAll(accelerator.qemuArguments());
        a.addAll(List.of("-kernel", kernel.toString(), "-initrd", initramfs.toString(), "-append", APPEND,
                "-serial", "file:" + console,
                "-fsdev", "local,id=" + ROOT_TAG + ",path=/,security_model=none,readonly=on,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=" + ROOT_TAG + ",mount_tag=" + ROOT_TAG,
                "-device", "virtio-serial-pci",
                "-chardev", "socket,id=qvmcmd,path=" + socket + ",server=on,wait=off",
                "-device", "virtserialport,chardev=qvmcmd,name=" + PORT_NAME,
                "-netdev", "tap,id=net0,ifname=" + config.tap() + ",script=no,downscript=no",
                "-device", config.nic().device() + ",netdev=net0,mac=" + config.guestMac()));
        return List.copyOf(a);
    }
}
