package io.quirklab.lab.vm;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A generation of guest kernel, as a lab file names it ({@code kernel: 6.1}), and the Debian 12 package that always
 * points at its newest build: a metapackage whose one dependency is the versioned image package.
 *
 * @param generation  "6.1", "6.12"
 * @param metaPackage the Debian metapackage
 */
public enum GuestKernel {
    /** Debian 12's own kernel. */
    V6_1("6.1", "linux-image-amd64"),
    /** The newer kernel Debian 12 carries in bookworm-security (and bookworm-backports). */
    V6_12("6.12", "linux-image-6.12-amd64");

    private final String generation;
    private final String metaPackage;

    GuestKernel(String generation, String metaPackage) {
        this.generation = generation;
        this.metaPackage = metaPackage;
    }

    /** The generation a lab file names; anything else is refused in one line. */
    public static GuestKernel of(String generation) {
        String g = generation == null ? "" : generation.trim();
        return Arrays.stream(values()).filter(k -> k.generation.equals(g)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kernel '" + generation + "' ("
                        + Arrays.stream(values()).map(GuestKernel::generation).collect(Collectors.joining(", ")) + ")"));
    }

    public String generation() {
        return generation;
    }

    public String metaPackage() {
        return metaPackage;
    }

    /** True for a kernel release of this generation: "6.1.0-57-amd64" is 6.1, "6.12.118+deb12-amd64" is 6.12, not 6.1. */
    public boolean owns(String release) {
        return release != null && release.startsWith(generation + ".");
    }
}
