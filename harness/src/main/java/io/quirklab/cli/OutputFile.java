package io.quirklab.cli;

import io.quirklab.input.InputFile;
import io.quirklab.matrix.Heatmap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file an option names for a command to write ({@code --html OUT}, {@code --json OUT}): new, or a regular file it
 * replaces. A directory, device or FIFO is refused in one line before anything is written ({@code --html /dev/full}
 * used to leave {@code /dev/full.css} behind, {@code --html DIR} a {@code DIR.css}); for a page, so is a style sheet name
 * that is a FIFO, a device, a directory or a link.
 */
final class OutputFile {
    private OutputFile() {
    }

    static void check(String option, Path file) throws IOException {
        if (file == null) {
            return;
        }
        regularOrNew(option, file);
    }

    /** {@code --html OUT}: the page and the style sheet written next to it ({@code OUT.css}), each new or a regular file. */
    static void checkPage(String option, Path file) throws IOException {
        if (file == null) {
            return;
        }
        regularOrNew(option, file);
        Path css = Heatmap.styleSheet(file);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(css, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!a.isRegularFile()) {
            throw new IllegalArgumentException(option + " " + file + ": its style sheet " + css + " would replace " + InputFile.kind(css, a)
                    + " (name the page so that " + css.getFileName() + " is new or a regular file)");
        }
    }

    private static void regularOrNew(String option, Path file) throws IOException {
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
