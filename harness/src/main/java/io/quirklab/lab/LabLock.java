package io.quirklab.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import io.quirklab.process.ProcessOwner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One run per lab: whoever uses or changes a lab (a run, {@code lab up/down/restore/fault}) holds it, and its holder
 * (PID, process start time, command, since when) is written to {@value #FILE} in the lab's state directory. A live
 * holder refuses everyone else with {@link Busy}, which names it; the lock of a holder that died is taken over, and
 * the lab it left is restored first. Liveness is {@link RestoreJournal#alive}: the same PID with the same start time.
 */
public final class LabLock implements AutoCloseable {
    public static final String FILE = "holder.json";
    static final String GUARD = "holder.lock";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path stateDir;
    private final Holder self;
    private boolean released;

    /**
     * Who holds a lab.
     *
     * @param pid        its process id
     * @param startTicks its start time in clock ticks since boot
     * @param command    what it runs ("quirklab run --personas clean")
     * @param since      when it took the lab (ISO-8601)
     * @param started    its process start time (ISO-8601) where /proc gives no start ticks (Windows, macOS), or null
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Holder(long pid, long startTicks, String command, String since, String started) {
        public Holder(long pid, long startTicks, String command, String since) {
            this(pid, startTicks, command, since, null);
        }

        /** The same process still (ProcessOwner: start tick on Linux, start time elsewhere). */
        public boolean alive() {
            return new ProcessOwner(pid, started, startTicks >= 0 ? startTicks : null).alive();
        }

        /** "pid 4711 (quirklab run --personas clean) since 2026-12-01T21:40:00Z". */
        public String describe() {
            return "pid " + pid + " (" + command + ") since " + since;
        }

        static Holder self() {
            long pid = ProcessHandle.current().pid();
            ProcessOwner me = ProcessOwner.current();
            return new Holder(pid, me.startTicks() != null ? me.startTicks() : -1, commandOf(ProcessHandle.current()), Instant.now().toString(),
                    me.startTicks() != null ? null : me.started());
        }
    }

    /** The lab is held by another live run. */
    public static final class Busy extends IOException {
        private final Holder holder;

        Busy(Path stateDir, Holder holder) {
            super("the lab in " + stateDir + " is in use by another quirklab run: " + holder.describe()
                    + "; wait for it to end, or stop it (kill " + holder.pid() + ") and run quirklab lab restore");
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    /** What to do with what a dead holder left: undo it and say what was done. */
    @FunctionalInterface
    public interface Restore {
        List<String> restore(Holder dead) throws IOException;
    }

    private LabLock(Path stateDir, Holder self) {
        this.stateDir = stateDir;
        this.self = self;
    }

    /**
     * Takes the lab in {@code stateDir} for this process.
     *
     * @param deadHolderLab restores the lab of a holder that died (called before the lock is taken over)
     * @throws Busy when a live run (this process included, through another lock) holds it
     */
    public static LabLock take(Path stateDir, Consumer<String> progress, Restore deadHolderLab) throws IOException {
        Files.createDirectories(stateDir);
        Holder self = Holder.self();
        synchronized (LabLock.class) { // file locks are per process: threads of one JVM queue here
            try (FileChannel ch = FileChannel.open(stateDir.resolve(GUARD), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock guard = ch.lock()) {
                Optional<Holder> current = read(stateDir);
                if (current.isPresent()) {
                    if (current.get().alive()) {
                        throw new Busy(stateDir, current.get());
                    }
                    progress.accept("the run that held this lab is gone (" + current.get().describe() + "); removing what it left");
                    deadHolderLab.restore(current.get()).forEach(l -> progress.accept("  " + l));
                    Files.deleteIfExists(stateDir.resolve(FILE));
                }
                Files.createDirectories(stateDir);
                Path tmp = stateDir.resolve(FILE + "." + self.pid() + ".tmp");
                Files.write(tmp, JSON.writeValueAsBytes(self));
                try {
                    // a hard link is created atomically or not at all: of two runs racing here, one wins
                    Files.createLink(stateDir.resolve(FILE), tmp);
                } catch (FileAlreadyExistsException e) {
                    Holder other = read(stateDir).orElse(self);
                    throw new Busy(stateDir, other);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
        return new LabLock(stateDir, self);
    }

    /** The live holder of the lab in {@code stateDir}, if any. */
    public static Optional<Holder> holder(Path stateDir) {
        try {
            return read(stateDir).filter(Holder::alive);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The live holder, unless it is this process. */
    public static Optional<Holder> otherHolder(Path stateDir) {
        return holder(stateDir).filter(h -> h.pid() != ProcessHandle.current().pid());
    }

    private static Optional<Holder> read(Path stateDir) throws IOException {
        Path f = stateDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            byte[] b = InputFile.bytes(f, InputFile.Kind.STATE);
            return b.length == 0 ? Optional.empty() : Optional.of(JSON.readValue(b, Holder.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.of(new Holder(-1, -1, "unreadable holder file", "?")); // never alive: taken over
        }
    }

    public Holder self() {
        return self;
    }

    /** Gives the lab back (only if this lock still holds it); the state directory goes when nothing else is in it. */
    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        synchronized (LabLock.class) {
            Optional<Holder> current = read(stateDir);
            if (current.isPresent() && current.get().equals(self)) {
                Files.deleteIfExists(stateDir.resolve(FILE));
            }
            Files.deleteIfExists(stateDir.resolve(GUARD));
        }
        try {
            Files.deleteIfExists(stateDir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // the lab is still up (lab.json, the journal), or the directory holds someone's other files
        }
    }

    /** "quirklab run --personas clean" from this JVM's command line, else the command line clipped. */
    static String commandOf(ProcessHandle p) {
        List<String> args = arguments(p);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.endsWith("QuirklabCommand") || i > 0 && args.get(i - 1).equals("-jar") && a.contains("quirklab")) {
                return clip("quirklab " + String.join(" ", args.subList(i + 1, args.size())));
            }
        }
        return clip(p.info().commandLine().orElse("pid " + p.pid()));
    }

    /**
     * A process's arguments: this JVM's from {@code sun.java.command} (main class or jar, then its arguments), another's
     * from /proc/PID/cmdline, which, unlike {@link ProcessHandle.Info#arguments}, is not cut short by a long class path.
     */
    private static List<String> arguments(ProcessHandle p) {
        if (p.pid() == ProcessHandle.current().pid()) {
            String main = System.getProperty("sun.java.command");
            if (main != null && !main.isBlank()) {
                List<String> out = new java.util.ArrayList<>(List.of(main.strip().split(" ")));
                String first = out.get(0);
                if (first.endsWith(".jar")) {
                    out.add(0, "-jar");
                }
                return out;
            }
        }
        try {
            byte[] raw = InputFile.bytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"), InputFile.Kind.KERNEL);
            List<String> out = new java.util.ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    out.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (!out.isEmpty()) {
                return out.subList(1, out.size());
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone: what the JDK knows
        }
        return p.info().arguments().map(List::of).orElse(List.of());
    }

    private static String clip(String s) {
        return s.length() > 160 ? s.substring(0, 157) + "..." : s.strip();
    }
}
