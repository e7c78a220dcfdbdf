package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands fail with one line in words: no Java exception names, no "For input string", no file contents. */
class ErrorLineTest {
    @TempDir
    Path dir;

    private String fails(int expectedExit, String... args) {
        try (Console c = new Console()) {
            int rc = c.run(args);
            assertThat(rc).as(String.join(" ", args) + ": " + c.err()).isEqualTo(expectedExit);
            String err = c.err().strip();
            assertThat(err.lines()).as(err).hasSize(1);
            assertThat(err).doesNotContain("Exception").doesNotContain("java.").doesNotContain("For input string");
            return err;
        }
    }

    @Test
    void jdkExceptionsAreSaidInWords() {
        assertThat(ErrorLine.of(new NumberFormatException("For input string: \"zz\""))).isEqualTo("'zz' is not a number");
        assertThat(ErrorLine.of(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/x/y"))))
                .isEqualTo("/x/y: no such file");
        assertThat(ErrorLine.of(new java.io.CharConversionException())).isEqualTo("a file or an output is not UTF-8 text");
        assertThat(ErrorLine.of(new NullPointerException())).isEqualTo("internal error (set QUIRKLAB_DEBUG=1 for the details)");
        assertThat(ErrorLine.of(new IllegalStateException("java.io.IOException: the lab is not up\n  (run: lab up)")))
                .isEqualTo("the lab is not up (run: lab up)");
    }

    @Test
    void javasNamesLeftInALibrarysSentenceAreSaidInWords() {
        assertThat(ErrorLine.of(new java.io.IOException("cannot reach the agent: java.net.ConnectException thrown")))
                .isEqualTo("cannot reach the agent: connection refused");
        assertThat(ErrorLine.of(new IllegalArgumentException("URISyntaxException thrown"))).isEqualTo("not a valid URL");
        assertThat(ErrorLine.of(new java.io.IOException("Cannot deserialize value of type `io.quirklab.agent.AgentApi$LeaseRequest` from Array")))
                .isEqualTo("Cannot deserialize value of type a value from Array");
        assertThat(ErrorLine.of(new IllegalStateException("the reader of AgentApi$Lease failed with a StreamReadException")))
                .isEqualTo("the reader of a value failed with an error").doesNotContain("$").doesNotContain("Exception");
        assertThat(ErrorLine.of(new NullPointerException("Cannot invoke \"String.length()\" because \"s\" is null")))
                .isEqualTo(ErrorLine.INTERNAL);
        assertThat(ErrorLine.of(new OutOfMemoryError("Java heap space"))).startsWith("not enough memory").doesNotContain("Error");
        assertThat(ErrorLine.of(new java.io.IOException("/srv/my.lab.Config/lab.yaml: no such lab file")))
                .as("a path is not a Java name").isEqualTo("/srv/my.lab.Config/lab.yaml: no such lab file");
    }

    @Test
    void theCliPathForBrokenFiles() throws Exception {
        Path state = dir.resolve("state");
        Path lab = dir.resolve("lab.yaml");
        Files.writeString(lab, "fault-model:\n  name: custom\n  expression: \"ip ttl 1; flush ruleset\"\n");
        assertThat(fails(2, "lab", "--state-dir", state.toString(), "fault", "lab", "--lab", lab.toString()))
                .isEqualTo("quirklab: " + lab + " line 3, field 'fault-model.expression': 'ip ttl 1; flush ruleset': must be "
                        + "one match expression without ; { } # or newlines");
        Files.writeString(lab, "personas: /etc/shadow\n");
        assertThat(fails(2, "lab", "--state-dir", state.toString(), "fault", "lab", "--lab", lab.toString()))
                .startsWith("quirklab: /etc/shadow: ").doesNotContain("root:");
        Files.writeString(lab, "personas: /etc\n");
        assertThat(fails(2, "lab", "--state-dir", state.toString(), "fault", "lab", "--lab", lab.toString()))
                .endsWith("field 'personas': /etc: is a directory, not a persona file");
        Files.write(lab, new byte[] {'k', 'i', 'n', 'd', ':', 0, (byte) 0xff});
        assertThat(fails(2, "lab", "--state-dir", state.toString(), "fault", "lab", "--lab", lab.toString()))
                .contains("contains binary data");
        Path matrix = dir.resolve("m.json");
        Files.write(matrix, new byte[] {0, 0, 0, '{'});
        assertThat(fails(2, "compare", matrix.toString(), matrix.toString())).contains(matrix + ": contains binary data");
        Files.writeString(matrix, "{\"schema\": \"quirklab.matrix/1\", \"cells\": [{\"attempts\": \"zz\"}]}");
        assertThat(fails(2, "compare", matrix.toString(), matrix.toString())).contains(matrix + ": malformed matrix document");
        assertThat(fails(2, "baseline", "save", "x", "--run", dir.toString(), "--reports", dir.resolve("r").toString()))
                .doesNotContain("Is a directory");
        assertThat(fails(2, "ipmi", "-H", "127.0.0.2", "raw", "zz", "01")).contains("not a byte: 'zz'");
        assertThat(state).doesNotExist();
    }
}
