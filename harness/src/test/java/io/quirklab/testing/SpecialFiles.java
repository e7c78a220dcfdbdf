package io.quirklab.testing;

import io.quirklab.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.Assertions;

/** Paths that exist but are no regular file, as a user may hand them in by mistake: a FIFO, a device. */
public final class SpecialFiles {
    /** A character device every Linux and macOS host has. */
    public static final Path DEV_NULL = Path.of("/dev/null");

    private SpecialFiles() {
    }

    /** A new FIFO (named pipe) {@code dir/name}; skips where mkfifo is missing. */
    public static Path fifo(Path dir, String name) {
        Require.capability(Require.TOOLS, CommandRunner.which("mkfifo").isPresent(), "Test requires mkfifo");
        Path fifo = dir.resolve(name);
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(10), List.of("mkfifo", fifo.toString()));
        Assertions.assertThat(r.ok()).as("mkfifo " + fifo + ": " + r.stderr()).isTrue();
        return fifo;
    }
}
