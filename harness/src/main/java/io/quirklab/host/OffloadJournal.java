package io.quirklab.host;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import io.quirklab.process.ProcessOwner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The restore journal for offload changes on the host (NIC settings outlive the process: Windows keeps them in the
 * registry across reboots). The original value of a setting is written to disk, and forced there, before the
 * setting is changed; one file per changed setting, named after its owner, a run of quirklab identified by PID and
 * process start time (a recycled PID is not the owner).
 *
 * <p>Changes are restored at the end of the run ({@link #close}), on JVM shutdown (a hook), and after a crash by the
 * next run's {@link #open} or by {@code quirklab restore} ({@link #restoreLeftovers}). A run does not start, and no
 * change is made, while another live run holds unrestored changes: {@link BusyException} names its PID.
 */
public final class OffloadJournal implements AutoCloseable {
    static final String PREFIX = "offload-";
    static final String SUFFIX = ".json";
    static final String LOCK = "offload.lock";
    /** Process start times are derived from the boot time, which the kernel may report a second apart. */

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final HostAdapter host;
    private final ProcessOwner self;
    /** Where the journal says what it restored and what it could not, for the front end to show. */
    private final Consumer<String> progress;
    private final Thread restoreAtExit;
    private boolean closed;

    /**
     * One changed setting, as written before the change.
     *
     * @param family    the OS family of the adapter that made it
     * @param iface     the interface
     * @param setting   {@link OffloadKeys#RX_UDP4_CHECKSUM}
     * @param original  the OS's own value before the change
     * @param mechanism the command that changed it
     * @param owner     the run that changed it
     * @param recorded  when (ISO-8601)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String family, String iface, String setting, String original, String mechanism, ProcessOwner owner, String recorded) {
        /** "rx_udp4_checksum on eth1 (original on, changed by pid 4711 at 2026-...)". */
        public String describe() {
            return setting + " on " + iface + " (original " + original + ", changed by pid " + owner.pid() + " at " + recorded + ")";
        }

        String fileName() {
            String safe = iface.replaceAll("[^A-Za-z0-9._-]", "_");
            return PREFIX + owner.pid() + "-" + safe + "-" + Integer.toHexString(iface.hashCode()) + "-" + setting + SUFFIX;
        }
    }


    /**
     * What restoring one entry did.
     *
     * @param entry   the entry
     * @param change  the restore, or null when it failed or was not attempted
     * @param problem why it failed or was not attempted, or null
     */
    public record Outcome(Entry entry, OffloadChange change, String problem) {
        public boolean restored() {
            return problem == null;
        }

        /** One line for people. */
        public String describe() {
            if (problem != null) {
                return "could not restore " + entry.describe() + ": " + problem;
            }
            return change.changed() ? "restored " + change.describe() : "nothing to do for " + entry.setting() + " on " + entry.iface()
                    + ": it is " + change.now() + " already (the original)";
        }
    }

    /** The result of writing an original value. */
    record Recorded(Entry entry, boolean created) {
    }

    /** Another live run holds unrestored offload changes. */
    public static final class BusyException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long pid;

        BusyException(Entry e) {
            super("another quirklab run (pid " + e.owner().pid() + ", started " + e.owner().started() + ") holds an unrestored "
                    + "offload change: " + e.describe() + "; wait for it to end or stop it (pid " + e.owner().pid()
                    + "), then run 'quirklab restore'");
            this.pid = e.owner().pid();
        }

        /** The PID of the run that holds the changes. */
        public long pid() {
            return pid;
        }
    }

    private OffloadJournal(Path dir, HostAdapter host, ProcessOwner self, Consumer<String> progress) {
        this.dir = dir;
        this.host = host;
        this.self = self;
        this.progress = progress;
        this.restoreAtExit = new Thread(this::restoreAtExit, "offload-journal-restore");
    }

    /**
     * Where the journal lives unless told otherwise: {@code -Dquirklab.offload.state} or {@code $QUIRKLAB_OFFLOAD_STATE},
     * else Linux {@code /var/lib/quirklab}, Windows {@code %ProgramData%\quirklab}, macOS
     * {@code /Library/Application Support/quirklab} (persistent: the settings outlive a reboot on Windows).
     */
    public static Path defaultDir(String family) {
        String override = System.getProperty("quirklab.offload.state", System.getenv("QUIRKLAB_OFFLOAD_STATE"));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return switch (family) {
            case HostAdapter.WINDOWS -> Path.of(System.getenv().getOrDefault("ProgramData", "C:\\ProgramData"), "quirklab");
            case HostAdapter.MACOS -> Path.of("/Library/Application Support/quirklab");
            default -> Path.of("/var/lib/quirklab");
        };
    }

    /**
     * Opens the journal for this run: restores what dead runs left behind, refuses when a live run holds changes,
     * and registers the restore at JVM shutdown.
     *
     * @param progress one line per restored leftover, and per change not restored at the end of the run or at exit
     * @throws BusyException when another live run holds unrestored changes
     * @throws IOException   when the directory cannot be used, or a leftover cannot be restored
     */
    public static OffloadJournal open(Path dir, HostAdapter host, Consumer<String> progress) throws IOException {
        OffloadJournal j = new OffloadJournal(dir, host, ProcessOwner.current(), progress);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot use the offload journal directory " + dir + ": " + e
                    + " (it needs root/Administrator, or choose another with --state-dir / -Dquirklab.offload.state)", e);
        }
        try (Held lock = j.lock()) {
            List<Outcome> failed = new ArrayList<>();
            for (Entry e : j.entries()) {
                if (j.self.sameAs(e.owner())) {
                    continue;
                }
                if (e.owner().alive()) {
                    throw new BusyException(e);
                }
                Outcome o = j.restore(e);
                progress.accept("left by a run that is gone: " + o.describe());
                if (!o.restored()) {
                    failed.add(o);
                }
            }
            if (!failed.isEmpty()) {
                throw new IOException(failed.get(0).describe() + "; nothing was changed: fix that first, then run 'quirklab restore'");
            }
        }
        Runtime.getRuntime().addShutdownHook(j.restoreAtExit);
        return j;
    }

    /**
     * Restores every change whose run is gone (after a crash); changes of live runs are left to them and reported.
     * Needs no open journal: this is {@code quirklab restore}.
     *
     * @return one outcome per entry found (empty: nothing to do)
     */
    public static List<Outcome> restoreLeftovers(Path dir, HostAdapter host) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // the outcomes are the answer: this journal is never closed, so it has nothing to say of its own
        OffloadJournal j = new OffloadJournal(dir, host, ProcessOwner.current(), line -> { });
        List<Outcome> out = new ArrayList<>();
        try (Held lock = j.lock()) {
            for (Entry e : j.entries()) {
                if (!j.self.sameAs(e.owner()) && e.owner().alive()) {
                    out.add(new Outcome(e, null, "its run (pid " + e.owner().pid() + ") is still going and restores it when it ends; "
                            + "stop that run first if it hangs"));
                } else {
                    out.add(j.restore(e));
                }
            }
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes the original value of a setting before it is changed, forced to disk. A setting this run changed before
     * keeps its first original.
     *
     * @throws BusyException when another live run holds unrestored changes
     */
    synchronized Recorded recordOriginal(String iface, String setting, String original, String mechanism) throws IOException {
        if (closed) {
            throw new IOException("the offload journal " + dir + " is closed: the run has ended");
        }
        try (Held lock = lock()) {
            for (Entry e : entries()) {
                if (!self.sameAs(e.owner()) && e.owner().alive()) {
                    throw new BusyException(e);
                }
                if (self.sameAs(e.owner()) && e.iface().equals(iface) && e.setting().equals(setting)) {
                    return new Recorded(e, false);
                }
            }
            Entry e = new Entry(host.family(), iface, setting, original, mechanism, self, Instant.now().toString());
            write(e);
            return new Recorded(e, true);
        }
    }

    /** Drops an entry whose change never happened. */
    synchronized void forget(Entry e) throws IOException {
        Files.deleteIfExists(dir.resolve(e.fileName()));
    }

    /** This run's entries, oldest first. */
    public synchronized List<Entry> mine() throws IOException {
        return entries().stream().filter(e -> self.sameAs(e.owner())).toList();
    }

    /**
     * Restores every change of this run, newest first (the end of a run). Entries that cannot be restored stay in the
     * journal for {@code quirklab restore}.
     */
    public synchronized List<Outcome> restoreAll() throws IOException {
        List<Entry> own = new ArrayList<>(mine());
        own.sort(Comparator.comparing(Entry::recorded).reversed());
        List<Outcome> out = new ArrayList<>();
        for (Entry e : own) {
            out.add(restore(e));
        }
        return out;
    }

    /** Restores this run's changes and removes the shutdown hook; says through {@code progress} what could not be restored. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            report(restoreAll());
        } catch (IOException e) {
            progress.accept("could not read the offload journal " + dir + ": " + e.getMessage() + " (run 'quirklab restore')");
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(restoreAtExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting; the hook does the same
        }
    }

    private void restoreAtExit() {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                report(restoreAll());
            } catch (IOException | RuntimeException e) {
                progress.accept("offload changes not restored at exit: " + e.getMessage() + " (run 'quirklab restore')");
            }
            closed = true;
        }
    }

    private void report(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            if (!o.restored()) {
                progress.accept(o.describe() + " (run 'quirklab restore')");
            }
        }
    }

    /** Restores one entry and removes it when done; a failure leaves it in place. */
    private Outcome restore(Entry e) {
        if (!OffloadKeys.RX_UDP4_CHECKSUM.equals(e.setting())) {
            return new Outcome(e, null, "unknown setting '" + e.setting() + "' (written by a newer quirklab?)");
        }
        if (!host.family().equals(e.family())) {
            return new Outcome(e, null, "written on " + e.family() + ", this is " + host.family());
        }
        try {
            OffloadChange c = host.restoreRxUdp4Checksum(e.iface(), e.original());
            if (!c.verified()) {
                return new Outcome(e, c, "it reads back " + c.now() + ", not " + e.original());
            }
            Files.deleteIfExists(dir.resolve(e.fileName()));
            return new Outcome(e, c, null);
        } catch (IOException | RuntimeException ex) {
            return new Outcome(e, null, ex.getMessage());
        }
    }

    /** Every entry in the directory, oldest first; a file that cannot be read is an IOException naming it. */
    List<Entry> entries() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().endsWith(SUFFIX))
                    .sorted().toList()) {
                try {
                    out.add(JSON.readValue(InputFile.text(f, InputFile.Kind.STATE), Entry.class));
                } catch (IOException e) {
                    throw new IOException("offload journal entry " + f + " is unreadable: " + e.getMessage()
                            + " (it records an original offload value: restore it by hand, then delete the file)", e);
                }
            }
        }
        out.sort(Comparator.comparing(Entry::recorded));
        return out;
    }

    /** Temporary file, forced to disk, moved into place, directory forced: the entry exists completely or not at all. */
    private void write(Entry e) throws IOException {
        Path target = dir.resolve(e.fileName());
        Path tmp = dir.resolve("." + e.fileName() + ".tmp");
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(e);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ex) {
            // Windows cannot open a directory; NTFS journals the rename itself
        }
    }

    /** A held lock on the journal directory. */
    private record Held(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /** Serializes journal changes between runs (a file lock, held briefly). */
    private Held lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new Held(ch, ch.lock());
        } catch (OverlappingFileLockException e) {
            ch.close();
            throw new IOException("the offload journal " + dir + " is already in use by this process", e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
