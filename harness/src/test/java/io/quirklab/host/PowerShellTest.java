package io.quirklab.host;

import io.quirklab.process.CommandRunner;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.Require;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerShellTest {
    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void powerShellScriptsAreShownDecodedAndRecordedOutputIsDecodedToo() throws Exception {
        String script = "Get-NetAdapter -Name 'Ethernet 2' | ConvertTo-Json";
        String encoded = CommandRunner.encodePowerShell(script);
        assertThat(CommandRunner.decodePowerShell(encoded)).contains(script);
        assertThat(CommandRunner.quote(List.of("powershell.exe", "-NoProfile", "-EncodedCommand", encoded)))
                .isEqualTo("powershell.exe -NoProfile -Command \"" + script + "\"");
        RecordedCommands rec = new RecordedCommands().on("Get-NetAdapter", new RecordedCommands.Reply(0,
                concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "{\"Name\":\"Ethernet 2\"}".getBytes(StandardCharsets.UTF_16LE)), new byte[0]));
        CommandRunner.Result r = new PowerShell(rec.runner()).run("Get-NetAdapter -Name 'Ethernet 2' | ConvertTo-Json");
        assertThat(r.stdout()).isEqualTo("{\"Name\":\"Ethernet 2\"}");
        assertThat(r.commandLine()).isEqualTo("powershell -NoProfile -NonInteractive -Command \"" + script + "\"");
        assertThat(rec.log()).containsExactly(r.commandLine());
    }

}
