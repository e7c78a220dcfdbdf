package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.Require;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Standard input reaches a guest command through the script alone (the channel carries no input stream). */
class VmGuestStdinTest {
    @Test
    void aCommandsStandardInputArrivesByteForByteUnderTheGuestsShell() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        Require.capability(Require.TOOLS, Files.isExecutable(busybox), "Test requires busybox (apt-get install busybox-static)");
        byte[] input = new byte[70_000]; // a ruleset as long as the trailing-bytes fault model's, and every byte value
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 7);
        }
        input[10] = '\n';
        String script = VmGuest.withStdin("cat", input);
        assertThat(script).doesNotContain("\r");
        Process p = new ProcessBuilder(busybox.toString(), "sh", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).isEqualTo(input);
        assertThat(VmGuest.withStdin("true", null)).isEqualTo("true");
        assertThat(VmGuest.withStdin("nft -f -", "table netdev t {}\n".getBytes(StandardCharsets.UTF_8)))
                .startsWith("base64 -d <<'QVM_STDIN_END' | nft -f -\n").endsWith("\nQVM_STDIN_END");
    }
}
