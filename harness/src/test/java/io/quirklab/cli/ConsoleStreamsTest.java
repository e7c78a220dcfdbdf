package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only the entry point touches the process's standard streams: commands write through picocli's writers, the library
 * through callbacks or return values the front end renders (what bypasses the writers never reaches a test's writer, or
 * reaches a pipe after the writer's output, or not at all).
 */
class ConsoleStreamsTest {
    static final Path MAIN = Path.of("src/main/java");
    static final Path ENTRY_POINT = MAIN.resolve("io/quirklab/cli/QuirklabCommand.java");
    private static final Pattern STREAM = Pattern.compile("\\bSystem\\s*\\.\\s*(out|err)\\b|FileDescriptor\\s*\\.\\s*(out|err)\\b");

    @Test
    void noStandardStreamOutsideTheEntryPoint() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.equals(ENTRY_POINT)).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (STREAM.matcher(lines.get(i)).find()) {
                        found.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found).as("System.out/System.err outside " + ENTRY_POINT).isEmpty();
        assertThat(Files.readString(ENTRY_POINT)).as("the entry point is where they are").containsPattern(STREAM);
    }
}
