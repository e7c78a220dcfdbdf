package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.input.AddressText;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VmConfigTest {
    static final VmConfig DEFAULTS = VmConfig.of(NicModel.E1000E, GuestKernel.V6_1);

    @Test
    void theDefaultsUseTheGuestsOwnNamesAndTestAddresses() {
        assertThat(DEFAULTS.netns()).isEqualTo("qvm");
        assertThat(DEFAULTS.tap()).isEqualTo("qvm-t0");
        assertThat(DEFAULTS.guestCidr()).isEqualTo("198.19.97.2/24");
        assertThat(DEFAULTS.hostCidr()).isEqualTo("198.19.97.1/24");
        assertThat(DEFAULTS.workDir()).isEqualTo(Path.of("/run/quirklab-vm/qvm"));
    }

    @Test
    void theVirtualLabsNamesAreNeverTaken() {
        assertThatThrownBy(() -> DEFAULTS.toBuilder().netns("qlab", "qvm-t0").build()).hasMessageContaining("belong to the virtual lab");
        assertThatThrownBy(() -> DEFAULTS.toBuilder().netns("qvm", "qlab-dut").build()).hasMessageContaining("belong to the virtual lab");
        assertThatThrownBy(() -> DEFAULTS.toBuilder().netns("qvm", "a-name-far-too-long").build()).hasMessageContaining("1..15");
    }

    @Test
    void addressesOutside198Dot18Slash15OrOnTwoSegmentsAreRefused() {
        assertThatThrownBy(() -> DEFAULTS.toBuilder().addresses(AddressText.ipv4("192.168.1.2"), AddressText.ipv4("192.168.1.1"), 24).build())
                .hasMessage("guest address 192.168.1.2 is outside 198.18.0.0/15");
        assertThatThrownBy(() -> DEFAULTS.toBuilder().addresses(AddressText.ipv4("198.19.97.2"), AddressText.ipv4("198.19.98.1"), 24).build())
                .hasMessageContaining("two addresses of one /24");
        assertThat(DEFAULTS.toBuilder().addresses(AddressText.ipv4("198.18.200.2"), AddressText.ipv4("198.18.200.1"), 30).build().guestCidr())
                .isEqualTo("198.18.200.2/30");
    }

    @Test
    void anotherNamespaceTakesItsDefaultWorkDirectoryWithItButNotOneSetOnPurpose() {
        assertThat(DEFAULTS.toBuilder().netns("qvm2", "qvm2-t0").build().workDir()).isEqualTo(Path.of("/run/quirklab-vm/qvm2"));
        assertThat(DEFAULTS.toBuilder().workDir(Path.of("/tmp/w")).netns("qvm2", "qvm2-t0").build().workDir()).isEqualTo(Path.of("/tmp/w"));
    }
}
