package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceleratorChoiceTest {
    static final String QEMU = "QEMU emulator version 7.2.22";
    static final String HOST = "6.18.44";

    @Test
    void withoutDevKvmItIsTcgWithoutATestBoot() {
        AcceleratorChoice.Plan p = AcceleratorChoice.plan(Accelerator.Request.AUTO, false, Optional.empty(), QEMU, HOST);
        assertThat(p).isInstanceOf(AcceleratorChoice.Plan.Use.class);
        assertThat(((AcceleratorChoice.Plan.Use) p).choice().accelerator()).isEqualTo(Accelerator.TCG);
        assertThat(((AcceleratorChoice.Plan.Use) p).choice().reason()).isEqualTo("no usable /dev/kvm");
    }

    @Test
    void devKvmAloneDecidesNothingATestBootDoes() {
        assertThat(AcceleratorChoice.plan(Accelerator.Request.AUTO, true, Optional.empty(), QEMU, HOST))
                .isEqualTo(new AcceleratorChoice.Plan.TestKvm(QEMU, HOST));
    }

    @Test
    void aRememberedTestBootCountsOnlyForTheSameQemuAndHostKernel() {
        AcceleratorChoice failed = new AcceleratorChoice(Accelerator.TCG, "a test boot with KVM failed: QEMU exited", QEMU, HOST);
        assertThat(AcceleratorChoice.plan(Accelerator.Request.AUTO, true, Optional.of(failed), QEMU, HOST))
                .isEqualTo(new AcceleratorChoice.Plan.Use(failed));
        assertThat(AcceleratorChoice.plan(Accelerator.Request.AUTO, true, Optional.of(failed), "QEMU emulator version 8.2.0", HOST))
                .isInstanceOf(AcceleratorChoice.Plan.TestKvm.class);
        assertThat(AcceleratorChoice.plan(Accelerator.Request.AUTO, true, Optional.of(failed), QEMU, "6.19.0"))
                .isInstanceOf(AcceleratorChoice.Plan.TestKvm.class);
    }

    @Test
    void askedForIsObeyedButKvmWithoutDevKvmIsRefused() {
        assertThat(AcceleratorChoice.plan(Accelerator.Request.TCG, true, Optional.empty(), QEMU, HOST))
                .isEqualTo(new AcceleratorChoice.Plan.Use(new AcceleratorChoice(Accelerator.TCG, "asked for", QEMU, HOST)));
        assertThatThrownBy(() -> AcceleratorChoice.plan(Accelerator.Request.KVM, false, Optional.empty(), QEMU, HOST))
                .hasMessageContaining("/dev/kvm");
        assertThatThrownBy(() -> Accelerator.Request.of("hvf")).hasMessage("accelerator 'hvf' (auto, kvm, tcg)");
    }

    @Test
    void aDecisionIsKeptAndReadBackAndAnUnreadableOneIsDecidedAgain(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("accelerator.json");
        AcceleratorChoice c = new AcceleratorChoice(Accelerator.KVM, "a test boot with KVM was ready", QEMU, HOST);
        c.remember(f);
        assertThat(AcceleratorChoice.remembered(f)).contains(c);
        Files.writeString(f, "{not json");
        assertThat(AcceleratorChoice.remembered(f)).isEmpty();
    }
}
