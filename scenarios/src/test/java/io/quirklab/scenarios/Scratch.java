package io.quirklab.scenarios;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The suites' working directories (state, reports, lab files): made in the temporary directory and removed when the
 * test JVM exits, with the files a suite put beside one under its name ({@code DIR.first.log}, {@code DIR-personas.yaml}),
 * so `./quirklab test` leaves nothing in /tmp. Only what this JVM made goes. {@code -Dquirklab.keep-scratch=true} keeps
 * them for a look after a failure.
 */
final class Scratch {
    private static final List<Path> MADE = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Scratch::removeAll, "scratch-cleanup"));
    }

    private Scratch() {
    }

    /** A new directory whose name starts with {@code prefix}, removed at exit. */
    static Path dir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        synchronized (MADE) {
            MADE.add(dir);
        }
        return dir;
    }

    private static void removeAll() {
        if (Boolean.getBoolean("quirklab.keep-scratch")) {
            return;
        }
        List<Path> made;
        synchronized (MADE) {
            made = List.copyOf(MADE);
        }
        for (Path dir : made) {
            String name = dir.getFileName().toString();
            try (Stream<Path> beside = Files.list(dir.getParent())) {
                // the directory and what was put beside it under its (random) name
                beside.filter(p -> p.getFileName().toString().startsWith(name)).forEach(Scratch::removeTree);
            } catch (IOException e) {
                // the temporary directory is unreadable: nothing to remove from it
            }
        }
    }

    /** Removes a tree without following links or crossing into another file system (a mount a lab left stays). */
    private static void removeTree(Path root) {
        try {
            FileStore store = Files.getFileStore(root);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    return Files.getFileStore(dir).equals(store) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // gone already
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // not empty (a mount under it) or busy: the rest still goes
        }
    }
}
