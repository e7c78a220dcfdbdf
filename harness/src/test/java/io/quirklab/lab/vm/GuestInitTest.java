package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.testing.Require;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class GuestInitTest {
    static final GuestInit INIT = new GuestInit(List.of("virtio_ring", "virtio", "virtio_pci", "e1000e"), "198.19.97.2/24", "hostroot",
            "io.quirklab.cmd");

    @Test
    void initLoadsTheModulesInOrderMountsTheHostRootReadOnlyAndGivesTheNicItsAddress() {
        String s = INIT.initScript();
        assertThat(s).startsWith("#!/bin/busybox sh\n");
        assertThat(s).contains("for m in virtio_ring virtio virtio_pci e1000e; do insmod /lib/modules/$m.ko || fail \"insmod $m\"; done");
        assertThat(s).contains("mount -t 9p -o trans=virtio,version=9p2000.L,ro,");
        assertThat(s).contains("hostroot /host");
        assertThat(s).contains("ip addr add 198.19.97.2/24 dev $IF");
        assertThat(s).contains("= io.quirklab.cmd ]");
        assertThat(s).contains("exec chroot /host /run/qvm/busybox sh /run/qvm/agent $PORT");
        assertThat(s).doesNotContain("udhcpc").doesNotContain("%");
    }

    @Test
    void anythingThatCouldReachTheShellAsCodeIsRefused() {
        assertThatThrownBy(() -> new GuestInit(List.of("e1000e; reboot"), "198.19.97.2/24", "hostroot", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("module");
        assertThatThrownBy(() -> new GuestInit(List.of("e1000e"), "198.19.97.2/24 dev lo", "hostroot", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("guest address");
        assertThatThrownBy(() -> new GuestInit(List.of("e1000e"), "198.19.97.2/24", "$(reboot)", "p"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theInitramfsHoldsInitTheAgentBusyboxAConsoleAndEveryModule() {
        byte[] a = INIT.initramfs("BUSYBOX".getBytes(), Map.of("virtio_ring", new byte[] {1}, "virtio", new byte[] {2},
                "virtio_pci", new byte[] {3}, "e1000e", new byte[] {4}));
        List<String> names = CpioTest.read(a).stream().map(e -> e[0]).toList();
        assertThat(names).contains("init", "agent", "bin/busybox", "dev/console", "lib/modules/virtio_ring.ko", "lib/modules/e1000e.ko");
        assertThatThrownBy(() -> INIT.initramfs(new byte[0], Map.of())).hasMessageContaining("no file for kernel module virtio_ring");
    }

    /** The real agent under the real busybox, spoken to with the real framing: what the guest runs, minus the guest. */
    @Test
    @Timeout(60)
    void theAgentAnswersEachRequestWithExitCodeAndBothOutputsAndKillsWhatOverrunsItsTimeout(@TempDir Path dir) throws Exception {
        Path busybox = Path.of("/bin/busybox");
        Require.capability(Require.TOOLS, Files.isExecutable(busybox), "Test requires busybox (apt-get install busybox-static)");
        Path agent = dir.resolve("agent");
        Files.writeString(agent, GuestInit.agentScript(dir.toString()));
        Process p = new ProcessBuilder(busybox.toString(), "sh", agent.toString()).redirectErrorStream(false).start();
        try (OutputStream to = p.getOutputStream(); InputStream from = p.getInputStream()) {
            ChannelFrames.ReplyDecoder d = new ChannelFrames.ReplyDecoder();

            ChannelFrames.Reply r = call(to, from, d, 1, 5, "echo out; echo err >&2; exit 3");
            assertThat(r.id()).isEqualTo(1);
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("out\n");
            assertThat(new String(r.stderr(), StandardCharsets.UTF_8)).isEqualTo("err\n");

            r = call(to, from, d, 2, 5, "printf '\\000\\377\\nQVM 9 9 9 9\\n'");
            assertThat(r.stdout()).containsExactly(0, 0xFF, '\n', 'Q', 'V', 'M', ' ', '9', ' ', '9', ' ', '9', ' ', '9', '\n');

            r = call(to, from, d, 3, 5, "x=1\nif [ $x = 1 ]; then\n  echo \"multi\nline\"\nfi");
            assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("multi\nline\n");

            long t0 = System.nanoTime();
            r = call(to, from, d, 4, 1, "sleep 5; echo never");
            assertThat(r.exitCode()).isEqualTo(137);
            assertThat(r.stdout()).isEmpty();
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(900L, 4000L);

            r = call(to, from, d, 5, 5, "true");
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).isEmpty();

            // a killed command's child writes on after the kill: never into a later reply
            r = call(to, from, d, 6, 1, "(sleep 2; echo late) & sleep 5");
            assertThat(r.exitCode()).isEqualTo(137);
            r = call(to, from, d, 7, 5, "sleep 3; echo next");
            assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("next\n");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private static ChannelFrames.Reply call(OutputStream to, InputStream from, ChannelFrames.ReplyDecoder d, long id, int timeout,
                                            String script) throws IOException {
        to.write(ChannelFrames.request(id, timeout, script));
        to.flush();
        byte[] buf = new byte[4096];
        while (true) {
            Optional<ChannelFrames.Reply> r = d.next();
            if (r.isPresent()) {
                return r.get();
            }
            int n = from.read(buf);
            if (n < 0) {
                throw new IOException("the agent ended");
            }
            d.feed(buf, 0, n);
        }
    }
}
