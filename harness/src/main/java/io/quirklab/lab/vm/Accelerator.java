package io.quirklab.lab.vm;

import java.util.List;

/** How QEMU runs the guest's CPU. */
public enum Accelerator {
    /** Hardware virtualisation through /dev/kvm, with the host's CPU model. */
    KVM(List.of("-accel", "kvm", "-cpu", "host")),
    /** Software emulation: slower, but runs wherever QEMU does (also inside a VM without usable nested KVM). */
    TCG(List.of("-accel", "tcg", "-cpu", "max"));

    private final List<String> qemuArguments;

    Accelerator(List<String> qemuArguments) {
        this.qemuArguments = qemuArguments;
    }

    public List<String> qemuArguments() {
        return qemuArguments;
    }

    /** What a lab file asks for: decide by a test boot, or one of the two. */
    public enum Request {
        AUTO, KVM, TCG;

        public static Request of(String s) {
            for (Request r : values()) {
                if (r.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException("accelerator '" + s + "' (auto, kvm, tcg)");
        }
    }
}
