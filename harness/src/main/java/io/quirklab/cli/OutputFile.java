package io.quirklab.cli;

import io.quirklab.input.InputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file an option names for a command to write ({@code --html OUT}, {@code --json OUT}): new, or a regular file it
 * replaces. A directory, device or FIFO is refused in one line before anything is written ({@code --html /dev/full}
 * used to leave {@code /dev/full.css} behind, {@code --html DIR} a {@code DIR.css}).
 */
final class OutputFile {
    private OutputFile() {
    }

    static void check(String option, Path file) throws IOException {
        if (file == null) {
            return;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!a.isRegularFile()) {
            throw new IllegalArgumentException(option + " " + file + ": is " + InputFile.kind(file, a)
                    + ", not a file to write (name a new file or a regular one)");
        }
    }
}
