package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class KernelPackageTest {
    /** apt-cache show --no-all-versions linux-image-amd64 on Debian 12 (bookworm-security), December 2026. */
    static final String META_6_1 = """
            Package: linux-image-amd64
            Source: linux-signed-amd64 (6.1.192+3)
            Version: 6.1.192-3
            Installed-Size: 13
            Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
            Architecture: amd64
            Provides: linux-image-generic, linux-latest-modules-6.1.0-57-amd64, virtualbox-guest-modules, wireguard-modules (= 1.0.0)
            Depends: linux-image-6.1.0-57-amd64 (= 6.1.192-3)
            Description: Linux for 64-bit PCs (meta-package)
            Section: kernel
            Priority: optional
            Filename: pool/updates/main/l/linux-signed-amd64/linux-image-amd64_6.1.192-3_amd64.deb
            Size: 1476

            """;

    /** apt-cache show --no-all-versions linux-image-6.12-amd64, the same machine. */
    static final String META_6_12 = """
            Package: linux-image-6.12-amd64
            Source: linux-signed-6.12-amd64 (6.12.118+1~deb12u1)
            Version: 6.12.118-1~deb12u1
            Installed-Size: 13
            Architecture: amd64
            Provides: linux-latest-modules-6.12.118+deb12-amd64, virtualbox-guest-modules, wireguard-modules (= 1.0.0)
            Depends: linux-image-6.12.118+deb12-amd64 (= 6.12.118-1~deb12u1)
            Description: Linux for 64-bit PCs (meta-package)
            Section: kernel
            """;

    @Test
    void theMetapackageNamesTheImagePackageItsVersionAndTheKernelRelease() throws IOException {
        KernelPackage p = KernelPackage.fromAptCache(GuestKernel.V6_1, META_6_1);
        assertThat(p.imagePackage()).isEqualTo("linux-image-6.1.0-57-amd64");
        assertThat(p.version()).isEqualTo("6.1.192-3");
        assertThat(p.release()).isEqualTo("6.1.0-57-amd64");
        assertThat(p.downloadSpec()).isEqualTo("linux-image-6.1.0-57-amd64=6.1.192-3");

        KernelPackage q = KernelPackage.fromAptCache(GuestKernel.V6_12, META_6_12);
        assertThat(q.release()).isEqualTo("6.12.118+deb12-amd64");
        assertThat(q.downloadSpec()).isEqualTo("linux-image-6.12.118+deb12-amd64=6.12.118-1~deb12u1");
    }

    @Test
    void aMetapackageOfAnotherGenerationIsRefusedNot612TakenFor61() {
        assertThatThrownBy(() -> KernelPackage.fromAptCache(GuestKernel.V6_1, META_6_12)).isInstanceOf(IOException.class)
                .hasMessageContaining("depends on no 6.1 kernel image");
        assertThat(GuestKernel.V6_1.owns("6.12.118+deb12-amd64")).isFalse();
        assertThat(GuestKernel.V6_12.owns("6.12.118+deb12-amd64")).isTrue();
    }

    @Test
    void alternativesAndOtherDependenciesAreSkippedAndAMissingDependsSaysToUpdateApt() throws IOException {
        String alt = "Package: linux-image-amd64\nVersion: 6.1.99-1\n"
                + "Depends: initramfs-tools | linux-initramfs-tool, linux-image-6.1.0-99-amd64-unsigned (= 6.1.99-1)\n";
        assertThat(KernelPackage.fromAptCache(GuestKernel.V6_1, alt).release()).isEqualTo("6.1.0-99-amd64");
        assertThatThrownBy(() -> KernelPackage.fromAptCache(GuestKernel.V6_1, "Package: linux-image-amd64\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("apt-get update");
    }

    @Test
    void aGenerationALabFileDoesNotKnowIsRefusedInOneLine() {
        assertThat(GuestKernel.of("6.12")).isEqualTo(GuestKernel.V6_12);
        assertThatThrownBy(() -> GuestKernel.of("5.10")).hasMessage("kernel '5.10' (6.1, 6.12)");
        assertThatThrownBy(() -> NicModel.of("igb")).hasMessage("nic-model 'igb' (e1000e, e1000, vmxnet3, rtl8139, virtio-net-pci)");
    }
}
