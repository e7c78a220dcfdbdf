package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.ProcessOwner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the harness creates on the host, written down (and flushed to disk) before it is created, so a
 * killed run can be undone by the next start or by {@code quirklab lab restore}. Undo runs in reverse order and
 * is idempotent: what is already gone counts as undone.
 */
public final class RestoreJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private final Path file;
    private final CommandRunner runner;

    public RestoreJournal(Path file, CommandRunner runner) {
        this.file = file;
        this.runner = runner;
    }

    public Path file() {
        return file;
    }

    /** Appends the entry, stamped with this process as its owner, and forces it to disk before the caller creates the thing. */
    public synchronized void record(JournalEntry e) {
        if (e.ownerPid() == null) {
            long self = ProcessHandle.current().pid();
            e = e.ownedBy(self, startTicks(self));
        }
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (json(e) + "\n").getBytes(StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(line));
                ch.force(true);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the restore journal " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Entries in creation order; an unreadable line is reported, not skipped silently. */
    public synchronized List<JournalEntry> entries() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = InputFile.lenient(file, InputFile.Kind.STATE).lines().toList();
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(lines.get(i), JournalEntry.class));
                } catch (IOException ex) {
                    // Only the last line can be cut by a crash mid-write, and what it names was not created yet.
                    if (i < lines.size() - 1) {
                        throw new IOException(file + " line " + (i + 1) + " is corrupt ("
                                + (ex instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                ? ParseProblem.of(j, "JSON").what() : "unreadable") + ")", ex);
                    }
                }
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public boolean isEmpty() {
        return entries().isEmpty();
    }

    /**
     * Undoes every entry, newest first.
     *
     * @return one line per entry: what was removed, already gone, or could not be removed (and why)
     */
    public synchronized List<String> undoAll() {
        return undoWhere(e -> true);
    }

    /** Undoes the entries {@code which} selects, newest first, and keeps the others; one line per entry undone. */
    public synchronized List<String> undoWhere(java.util.function.Predicate<JournalEntry> which) {
        List<JournalEntry> all = entries();
        List<String> report = new ArrayList<>();
        List<JournalEntry> failed = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            JournalEntry e = all.get(i);
            if (!which.test(e)) {
                failed.add(0, e);
                continue;
            }
            Optional<String> problem = e.undo(runner);
            if (problem.isPresent()) {
                failed.add(0, e);
                report.add("could not remove " + e.describe() + ": " + problem.get());
            } else {
                report.add("removed " + e.describe());
            }
        }
        rewrite(failed);
        return report;
    }

    private void rewrite(List<JournalEntry> keep) {
        try {
            if (keep.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            StringBuilder sb = new StringBuilder();
            for (JournalEntry e : keep) {
                sb.append(json(e)).append('\n');
            }
            Files.writeString(tmp, sb.toString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** One journal line: the entry with its kind (an unknown kind as it was read). */
    private static String json(JournalEntry e) throws com.fasterxml.jackson.core.JsonProcessingException {
        return e instanceof JournalEntry.Unknown ? JSON.writeValueAsString(e) : JSON.writerFor(JournalEntry.class).writeValueAsString(e);
    }

    /** Whether something is mounted at {@code point} (/proc/self/mounts). */
    public static boolean mounted(Path point) {
        try {
            String p = point.toAbsolutePath().normalize().toString();
            return InputFile.lenient(Path.of("/proc/self/mounts"), InputFile.Kind.KERNEL).lines().map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 1 && f[1].equals(p));
        } catch (IOException | RuntimeException ex) {
            return false;
        }
    }

    /** Forgets entries that are undone by other means now (e.g. a mount the run unmounted itself). */
    public synchronized void forget(JournalEntry e) {
        List<JournalEntry> keep = new ArrayList<>(entries());
        keep.removeIf(x -> x.getClass() == e.getClass() && x.describe().equals(e.describe()));
        rewrite(keep);
    }

    /**
     * Whether a recorded process is still the one recorded: {@link ProcessOwner#alive} (it exists, is no zombie and
     * started at the same clock tick; a recycled PID has another start time).
     */
    public static boolean alive(long pid, long startTicks) {
        return ProcessOwner.ofTicks(pid, startTicks).alive();
    }

    /** Process start time in clock ticks since boot; see {@link ProcessOwner#startTicks}. */
    public static long startTicks(long pid) {
        return ProcessOwner.startTicks(pid);
    }
}
