package io.quirklab.lab.vm;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The accelerator guests run on here, and why. /dev/kvm alone proves nothing: a paravirtual KVM nested in another VM
 * exists but aborts QEMU ({@code -cpu host}: "failed to set MSR 0x10a") or crawls. So KVM is used only after a test
 * boot with it came up within its bound; the outcome is kept (per QEMU version and host kernel) so the next start
 * does not repeat a test boot that failed.
 *
 * @param accelerator what to use
 * @param reason      one line: why
 * @param qemuVersion the QEMU the decision was made with ("QEMU emulator version 7.2.22 ...")
 * @param hostKernel  the host kernel release it was made on
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AcceleratorChoice(Accelerator accelerator, String reason, String qemuVersion, String hostKernel) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to do before the first boot. */
    public sealed interface Plan {
        /** Use this accelerator; nothing to test. */
        record Use(AcceleratorChoice choice) implements Plan {
        }

        /** Boot with KVM under a bound first; fall back to TCG when that boot fails. */
        record TestKvm(String qemuVersion, String hostKernel) implements Plan {
        }
    }

    /**
     * Decides what the first boot does.
     *
     * @param request     what the lab asks for
     * @param kvmDevice   /dev/kvm exists and this process may open it
     * @param remembered  the decision kept from an earlier test boot, if any
     * @throws IllegalStateException when KVM is asked for and there is no /dev/kvm
     */
    public static Plan plan(Accelerator.Request request, boolean kvmDevice, Optional<AcceleratorChoice> remembered, String qemuVersion,
                            String hostKernel) {
        switch (request) {
            case TCG:
                return new Plan.Use(new AcceleratorChoice(Accelerator.TCG, "asked for", qemuVersion, hostKernel));
            case KVM:
                if (!kvmDevice) {
                    throw new IllegalStateException("accelerator: kvm asked for, but /dev/kvm is missing or not usable by this process");
                }
                return new Plan.Use(new AcceleratorChoice(Accelerator.KVM, "asked for", qemuVersion, hostKernel));
            default:
                break;
        }
        if (!kvmDevice) {
            return new Plan.Use(new AcceleratorChoice(Accelerator.TCG, "no usable /dev/kvm", qemuVersion, hostKernel));
        }
        Optional<AcceleratorChoice> same = remembered.filter(c -> c.qemuVersion().equals(qemuVersion) && c.hostKernel().equals(hostKernel));
        if (same.isPresent()) {
            return new Plan.Use(same.get());
        }
        return new Plan.TestKvm(qemuVersion, hostKernel);
    }

    /** The decision kept in {@code file}, if it is there and readable (an unreadable one is decided again). */
    public static Optional<AcceleratorChoice> remembered(Path file) {
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(InputFile.text(file, InputFile.Kind.STATE), AcceleratorChoice.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Keeps this decision (atomically: a reader never sees half a file). */
    public void remember(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
