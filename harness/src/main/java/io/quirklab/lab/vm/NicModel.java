package io.quirklab.lab.vm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The NICs QEMU 7.2 (Debian 12) emulates that a Linux guest drives with its real driver, and what each can show about
 * the receive checksum. QEMU's emulation decides what the driver sees: only the e1000e model really checks L4
 * checksums on receive and reports a bad one, so only there the driver's error counter can tell "the NIC flagged it".
 *
 * @param device             the {@code -device} name
 * @param chip               the hardware QEMU emulates ("Intel 82574L")
 * @param module             the guest kernel module that drives it (what the initramfs loads)
 * @param driver             the driver name {@code ethtool -i} reports
 * @param checksumCounter    the {@code ethtool -S} counter of receive checksum errors, or null when the driver has none
 * @param emulationChecks    QEMU's model verifies the L4 checksum of received frames and reports the result
 * @param whatItShows        one line for reports and docs
 */
public enum NicModel {
    E1000E("e1000e", "Intel 82574L", "e1000e", "e1000e", "rx_csum_offload_errors", true,
            "82574L: rx checksumming on, switchable (the link resets for about 1.5 s); QEMU checks L4 checksums, so "
                    + "rx_csum_offload_good/_errors move"),
    E1000("e1000", "Intel 82540EM", "e1000", "e1000", "rx_csum_offload_errors", false,
            "82540EM: rx checksumming off by default; QEMU's model gives the driver no checksum verdict, so its counters never move"),
    VMXNET3("vmxnet3", "VMware VMXNET3", "vmxnet3", "vmxnet3", null, false,
            "VMware paravirtual NIC: no checksum-error counter; the driver version differs between 6.1 and 6.12"),
    RTL8139("rtl8139", "Realtek RTL8139C+", "8139cp", "8139cp", null, false,
            "RTL8139C+: driven by 8139cp (8139too does not bind); no checksum-error counter"),
    VIRTIO_NET("virtio-net-pci", "virtio-net", "virtio_net", "virtio_net", null, false,
            "virtio: rx checksumming fixed on; frames from a tap arrive without a 'data valid' flag, so the stack checks");

    private final String device;
    private final String chip;
    private final String module;
    private final String driver;
    private final String checksumCounter;
    private final boolean emulationChecks;
    private final String whatItShows;

    NicModel(String device, String chip, String module, String driver, String checksumCounter, boolean emulationChecks, String whatItShows) {
        this.device = device;
        this.chip = chip;
        this.module = module;
        this.driver = driver;
        this.checksumCounter = checksumCounter;
        this.emulationChecks = emulationChecks;
        this.whatItShows = whatItShows;
    }

    /** The model a lab file names ({@code nic-model: e1000e}); anything else is refused in one line. */
    public static NicModel of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.device.equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("nic-model '" + name + "' (" + names() + ")"));
    }

    /** "e1000e, e1000, vmxnet3, rtl8139, virtio-net-pci". */
    public static String names() {
        return Arrays.stream(values()).map(NicModel::device).collect(Collectors.joining(", "));
    }

    /** Every module a guest may need for some model, so one cached kernel serves them all. */
    public static List<String> allModules() {
        return Arrays.stream(values()).map(NicModel::module).distinct().toList();
    }

    public String device() {
        return device;
    }

    /** "Intel 82574L (QEMU e1000e)": the model as a fingerprint names it. */
    public String model() {
        return chip + " (QEMU " + device + ")";
    }

    public String module() {
        return module;
    }

    public String driver() {
        return driver;
    }

    public String checksumCounter() {
        return checksumCounter;
    }

    public boolean emulationChecks() {
        return emulationChecks;
    }

    public String whatItShows() {
        return whatItShows;
    }
}
