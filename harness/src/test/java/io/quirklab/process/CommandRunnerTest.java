package io.quirklab.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.Require;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {
    static final String TEXT = "DropReason INET: checksum is invalid – Größe 76\r\n";

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aByteOrderMarkDecidesTheCharsetAndIsDropped() {
        assertThat(CommandRunner.decode(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, TEXT.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.ISO_8859_1)).isEqualTo(TEXT);
        assertThat(CommandRunner.decode(concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, TEXT.getBytes(StandardCharsets.UTF_16LE)),
                StandardCharsets.UTF_8)).isEqualTo(TEXT);
        assertThat(CommandRunner.decode(concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, TEXT.getBytes(StandardCharsets.UTF_16BE)),
                StandardCharsets.UTF_8)).isEqualTo(TEXT);
    }

    @Test
    void utf16WithoutAByteOrderMarkIsRecognisedByItsNuls() {
        assertThat(CommandRunner.decode(TEXT.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.UTF_8)).isEqualTo(TEXT);
        assertThat(CommandRunner.decode(TEXT.getBytes(StandardCharsets.UTF_16BE), StandardCharsets.UTF_8)).isEqualTo(TEXT);
    }

    @Test
    void otherTextUsesTheRunnersCharset() {
        assertThat(CommandRunner.decode(TEXT.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(TEXT);
        Charset cp850 = Charset.forName("IBM850");
        assertThat(CommandRunner.decode("Empfangsfehler für".getBytes(cp850), cp850)).isEqualTo("Empfangsfehler für");
        assertThat(CommandRunner.decode(new byte[0], StandardCharsets.UTF_8)).isEmpty();
        assertThat(CommandRunner.decode(new byte[] {'a'}, StandardCharsets.UTF_8)).isEqualTo("a");
        // A binary blob with a few NULs is not UTF-16.
        assertThat(CommandRunner.utf16WithoutBom(new byte[] {1, 0, 2, 3, 4, 5, 6, 7, 8, 9})).isNull();
    }

    @Test
    void aRealProgramsUtf16OutputIsDecodedAndItsCommandLineRecorded() {
        Require.capability(Require.TOOLS, CommandRunner.which("sh").isPresent(), "Test requires /bin/sh");
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(10),
                List.of("sh", "-c", "printf '\\377\\376o\\000k\\000'; echo oops >&2; exit 3"));
        assertThat(r.stdout()).isEqualTo("ok");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.started()).isTrue();
        assertThat(r.commandLine()).isEqualTo("sh -c 'printf '\\''\\377\\376o\\000k\\000'\\''; echo oops >&2; exit 3'");
        assertThat(r.describeFailure()).endsWith(": oops (exit 3)");
    }

    @Test
    void aProgramThatIsNotInstalledDidNotStart() {
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(5), List.of("quirklab-no-such-program"));
        assertThat(r.started()).isFalse();
        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.firstLine()).startsWith("cannot start quirklab-no-such-program");
    }

    @Test
    void anOverrunningProgramIsKilledAtItsTimeout() {
        Require.capability(Require.TOOLS, CommandRunner.which("sleep").isPresent(), "Test requires sleep");
        long t0 = System.nanoTime();
        CommandRunner.Result r = new CommandRunner().run(Duration.ofMillis(300), List.of("sleep", "30"));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theOldResultShapeStillWorks() {
        CommandRunner.Result r = new CommandRunner.Result("x", 0, "", "", false, Duration.ZERO);
        assertThat(r.started()).isTrue();
        assertThat(r.ok()).isTrue();
    }
}
