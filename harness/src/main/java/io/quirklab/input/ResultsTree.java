package io.quirklab.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A directory of results that came from elsewhere (a lab node's stash, a run directory): its files are read through
 * {@link InputFile}, and a symbolic link is followed only when it leads to a regular file inside the directory, never
 * out of it (a results file linked to /etc/shadow is refused, not copied).
 */
public final class ResultsTree {
    private final Path root;
    private final Path realRoot;
    private final String what;

    private ResultsTree(Path root, Path realRoot, String what) {
        this.root = root;
        this.realRoot = realRoot;
        this.what = what;
    }

    /**
     * @param root the directory (it may itself be reached through a link: the user named it)
     * @param what what messages call it: "Allure results directory"
     */
    public static ResultsTree of(Path root, String what) throws InputFile.Unusable {
        if (!Files.isDirectory(root)) {
            throw new InputFile.Unusable(root + ": " + (Files.exists(root) ? "is not a directory, so not an " : "no such ") + what);
        }
        try {
            return new ResultsTree(root, root.toRealPath(), what);
        } catch (IOException e) {
            throw new InputFile.Unusable(root + ": cannot be read (" + InputFile.reason(e) + ")");
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The entries directly in the directory that are files, sorted by name: regular files and links to regular files
     * inside it; a link out of it is refused (one line naming it). Directories are left out.
     */
    public List<Path> files() throws InputFile.Unusable {
        List<Path> entries;
        try (Stream<Path> s = Files.list(root)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            throw new InputFile.Unusable(root + ": cannot be read (" + InputFile.reason(e) + ")");
        }
        List<Path> files = new ArrayList<>();
        for (Path p : entries) {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                check(p, "file");
                files.add(p);
            }
        }
        return files;
    }

    /** A file of the tree as {@link InputFile#text} reads it, after {@link #check}. */
    public String text(Path file, InputFile.Kind kind) throws InputFile.Unusable {
        return InputFile.text(check(file, kind.what()), kind);
    }

    /** A file of the tree as a capped stream, after {@link #check}. */
    public InputStream open(Path file, InputFile.Kind kind) throws InputFile.Unusable {
        return InputFile.open(check(file, kind.what()), kind);
    }

    /**
     * The file to read for {@code file}: itself when it is a regular file, the link's target when it is a link to a
     * regular file inside the tree; anything else is one line naming it.
     */
    public Path check(Path file, String kind) throws InputFile.Unusable {
        if (!Files.isSymbolicLink(file)) {
            InputFile.regular(file, kind, false);
            return file;
        }
        Path target;
        try {
            target = file.toRealPath();
        } catch (IOException e) {
            throw new InputFile.Unusable(file + ": is a symbolic link that leads nowhere; not followed");
        }
        if (!target.startsWith(realRoot)) {
            throw new InputFile.Unusable(file + ": is a symbolic link to a file outside the " + what + " " + root + "; not followed");
        }
        InputFile.regular(target, kind, false);
        return target;
    }

    /**
     * Regular files named {@code name} at most {@code depth} levels below {@code root}, in path order: links are not
     * followed, and directories that cannot be read or vanish while walked (/proc/PID) are passed over.
     */
    public static List<Path> find(Path root, int depth, Predicate<Path> wanted) throws InputFile.Unusable {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), depth, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (a.isRegularFile() && wanted.test(file)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new InputFile.Unusable(root + ": cannot be read (" + InputFile.reason(e) + ")");
        }
        found.sort(null);
        return found;
    }
}
