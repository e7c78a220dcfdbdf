package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
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
    /** One thing the harness made. Only the fields its kind needs are set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String kind, String name, String family, String netns, Long pid, Long startTicks, String path,
                        String created, String started, Long ownerPid, Long ownerTicks) {
        static Entry netns(String name) {
            return new Entry("netns", name, null, null, null, null, null, Instant.now().toString(), null, null, null);
        }

        static Entry link(String name) {
            return new Entry("link", name, null, null, null, null, null, Instant.now().toString(), null, null, null);
        }

        static Entry nftTable(String family, String name) {
            return new Entry("nft-table", name, family, null, null, null, null, Instant.now().toString(), null, null, null);
        }

        static Entry process(String name, long pid, long startTicks) {
            return new Entry("process", name, null, null, pid, startTicks, null, Instant.now().toString(), null, null, null);
        }

        /** A file system the harness mounted (tracefs); undone by unmounting it if it is still mounted there. */
        public static Entry mount(String fsType, Path mountPoint) {
            return new Entry("mount", fsType, null, null, null, null, mountPoint.toString(), Instant.now().toString(), null, null, null);
        }

        /** A container the harness created by this name; undone with {@code docker rm -f}. */
        public static Entry container(String name) {
            return new Entry("container", name, null, null, null, null, null, Instant.now().toString(), null, null, null);
        }

        /** A process the harness started, with the start time that tells it from a later one with the same PID. */
        public static Entry processOf(String name, ProcessHandle p) {
            ProcessOwner o = ProcessOwner.of(p);
            return new Entry("process", name, null, null, o.pid(), o.startTicks(), null, Instant.now().toString(), o.started(), null, null);
        }

        static Entry file(Path p) {
            return new Entry("file", null, null, null, null, null, p.toString(), Instant.now().toString(), null, null, null);
        }

        /** The same entry, written by the process {@code pid} that started at clock tick {@code ticks}. */
        Entry ownedBy(long pid, long ticks) {
            return new Entry(kind, name, family, netns, this.pid, startTicks, path, created, started, pid, ticks);
        }

        /** Written by that process; an entry of an older journal, without an owner, counts as anyone's. */
        public boolean writtenBy(long pid, long ticks) {
            return ownerPid == null || ownerPid == pid && ownerTicks != null && ownerTicks == ticks;
        }

        public String describe() {
            return switch (kind) {
                case "netns" -> "network namespace " + name;
                case "link" -> "network link " + name;
                case "nft-table" -> "nftables table " + family + " " + name;
                case "process" -> name + " (pid " + pid + ")";
                case "file" -> "file " + path;
                case "mount" -> name + " mounted at " + path;
                case "container" -> "container " + name;
                default -> kind + " " + name;
            };
        }
    }

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
    public synchronized void record(Entry e) {
        if (e.ownerPid() == null) {
            long self = ProcessHandle.current().pid();
            e = e.ownedBy(self, startTicks(self));
        }
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
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
    public synchronized List<Entry> entries() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = InputFile.lenient(file, InputFile.Kind.STATE).lines().toList();
            List<Entry> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readValue(lines.get(i), Entry.class));
                } catch (IOException ex) {
                    // Only the last line can be cut by a crash mid-write, and what it names was not created yet.
                    if (i < lines.size() - 1) {
                        throw new IOException(file + " line " + (i + 1) + " is corrupt ("
                                + (ex instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                ? io.quirklab.input.ParseProblem.of(j, "JSON").what() : "unreadable") + ")", ex);
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
    public synchronized List<String> undoWhere(java.util.function.Predicate<Entry> which) {
        List<Entry> all = entries();
        List<String> report = new ArrayList<>();
        List<Entry> failed = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Entry e = all.get(i);
            if (!which.test(e)) {
                failed.add(0, e);
                continue;
            }
            Optional<String> problem = undo(e);
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

    private void rewrite(List<Entry> keep) {
        try {
            if (keep.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            StringBuilder sb = new StringBuilder();
            for (Entry e : keep) {
                sb.append(JSON.writeValueAsString(e)).append('\n');
            }
            Files.writeString(tmp, sb.toString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Undoes one entry; empty when it is gone (now or already). */
    private Optional<String> undo(Entry e) {
        switch (e.kind()) {
            case "process":
                return stopProcess(e);
            case "nft-table": {
                if (!runner.run(COMMAND_TIMEOUT, List.of("nft", "list", "table", e.family(), e.name())).ok()) {
                    return Optional.empty();
                }
                return failure(runner.run(COMMAND_TIMEOUT, List.of("nft", "delete", "table", e.family(), e.name())));
            }
            case "link": {
                if (!Files.exists(Path.of("/sys/class/net", e.name()))) {
                    return Optional.empty();
                }
                return failure(runner.run(COMMAND_TIMEOUT, List.of("ip", "link", "del", e.name())));
            }
            case "netns": {
                if (!Files.exists(Path.of("/run/netns", e.name()))) {
                    return Optional.empty();
                }
                return failure(runner.run(COMMAND_TIMEOUT, List.of("ip", "netns", "del", e.name())));
            }
            case "container": {
                if (CommandRunner.which("docker").isEmpty()
                        || !runner.run(COMMAND_TIMEOUT, List.of("docker", "inspect", "--format", "{{.Id}}", e.name())).ok()) {
                    return Optional.empty();
                }
                return failure(runner.run(Duration.ofSeconds(30), List.of("docker", "rm", "-f", e.name())));
            }
            case "mount":
                if (!mounted(Path.of(e.path()))) {
                    return Optional.empty();
                }
                return failure(runner.run(COMMAND_TIMEOUT, List.of("umount", e.path())));
            case "file":
                try {
                    Files.deleteIfExists(Path.of(e.path()));
                    return Optional.empty();
                } catch (IOException ex) {
                    return Optional.of(ex.getMessage());
                }
            default:
                return Optional.of("unknown kind '" + e.kind() + "' (journal written by a newer quirklab?)");
        }
    }

    private static Optional<String> failure(CommandRunner.Result r) {
        return r.ok() ? Optional.empty() : Optional.of(r.commandLine() + ": " + r.firstLine());
    }

    /** Ends the process only if it is still the one we started: same PID and same start time. */
    private static Optional<String> stopProcess(Entry e) {
        return new ProcessOwner(e.pid(), e.started(), e.startTicks()).end(Duration.ofSeconds(5)) ? Optional.empty()
                : Optional.of("pid " + e.pid() + " does not exit");
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
    public synchronized void forget(Entry e) {
        List<Entry> keep = new ArrayList<>(entries());
        keep.removeIf(x -> x.kind().equals(e.kind()) && java.util.Objects.equals(x.name(), e.name())
                && java.util.Objects.equals(x.path(), e.path()) && java.util.Objects.equals(x.pid(), e.pid()));
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
