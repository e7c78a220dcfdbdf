package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.ProcessOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One thing the harness made on the host, as the {@link RestoreJournal} writes it (a JSON line whose {@code kind}
 * names the record: the spelling of every journal quirklab has written, so a journal a killed run of an older version
 * left is still undone). Each entry knows how to undo itself, and which process wrote it ({@code ownerPid},
 * {@code ownerTicks}: the leftovers of a dead run are what it journaled itself).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind", defaultImpl = JournalEntry.Unknown.class, visible = true)
@JsonSubTypes({
        @JsonSubTypes.Type(value = JournalEntry.Netns.class, name = "netns"),
        @JsonSubTypes.Type(value = JournalEntry.Link.class, name = "link"),
        @JsonSubTypes.Type(value = JournalEntry.NftTable.class, name = "nft-table"),
        @JsonSubTypes.Type(value = JournalEntry.Process.class, name = "process"),
        @JsonSubTypes.Type(value = JournalEntry.Mount.class, name = "mount"),
        @JsonSubTypes.Type(value = JournalEntry.Container.class, name = "container"),
        @JsonSubTypes.Type(value = JournalEntry.File.class, name = "file")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface JournalEntry {
    Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    /** When it was journaled (ISO-8601). */
    String created();

    /** The process that wrote it, or null in a journal older than owners. */
    Long ownerPid();

    /** That process's start tick (ProcessOwner), or null. */
    Long ownerTicks();

    /** The same entry, written by the process {@code pid} that started at clock tick {@code ticks}. */
    JournalEntry ownedBy(long pid, long ticks);

    /** What it is, in words ("network namespace qlab"); also what tells two entries of one thing apart from others. */
    String describe();

    /** Removes it; empty when it is gone (now or already), else why it could not be removed. */
    Optional<String> undo(CommandRunner runner);

    /** Written by that process; an entry of an older journal, without an owner, counts as anyone's. */
    default boolean writtenBy(long pid, long ticks) {
        return ownerPid() == null || ownerPid() == pid && ownerTicks() != null && ownerTicks() == ticks;
    }

    private static String now() {
        return Instant.now().toString();
    }

    private static Optional<String> failure(CommandRunner.Result r) {
        return r.ok() ? Optional.empty() : Optional.of(r.commandLine() + ": " + r.firstLine());
    }

    /** A network namespace. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Netns(String name, String created, Long ownerPid, Long ownerTicks) implements JournalEntry {
        public Netns(String name) {
            this(name, now(), null, null);
        }

        @Override
        public Netns ownedBy(long pid, long ticks) {
            return new Netns(name, created, pid, ticks);
        }

        @Override
        public String describe() {
            return "network namespace " + name;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            if (!Files.exists(Path.of("/run/netns", name))) {
                return Optional.empty();
            }
            return failure(runner.run(COMMAND_TIMEOUT, List.of("ip", "netns", "del", name)));
        }
    }

    /** A network link in this host's namespace (deleting one end of a veth pair deletes both). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Link(String name, String created, Long ownerPid, Long ownerTicks) implements JournalEntry {
        public Link(String name) {
            this(name, now(), null, null);
        }

        @Override
        public Link ownedBy(long pid, long ticks) {
            return new Link(name, created, pid, ticks);
        }

        @Override
        public String describe() {
            return "network link " + name;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            if (!Files.exists(Path.of("/sys/class/net", name))) {
                return Optional.empty();
            }
            return failure(runner.run(COMMAND_TIMEOUT, List.of("ip", "link", "del", name)));
        }
    }

    /** An nftables table. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record NftTable(String family, String name, String created, Long ownerPid, Long ownerTicks) implements JournalEntry {
        public NftTable(String family, String name) {
            this(family, name, now(), null, null);
        }

        @Override
        public NftTable ownedBy(long pid, long ticks) {
            return new NftTable(family, name, created, pid, ticks);
        }

        @Override
        public String describe() {
            return "nftables table " + family + " " + name;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            if (!runner.run(COMMAND_TIMEOUT, List.of("nft", "list", "table", family, name)).ok()) {
                return Optional.empty();
            }
            return failure(runner.run(COMMAND_TIMEOUT, List.of("nft", "delete", "table", family, name)));
        }
    }

    /**
     * A process the harness started, with the start time that tells it from a later one with the same PID.
     *
     * @param name       what it is ("responder", "bpftrace kfree_skb")
     * @param pid        its PID
     * @param startTicks its start in clock ticks since boot (/proc), or null
     * @param started    its start time where there are no ticks (ISO-8601), or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Process(String name, long pid, Long startTicks, String started, String created, Long ownerPid, Long ownerTicks)
            implements JournalEntry {
        public Process(String name, long pid, long startTicks) {
            this(name, pid, startTicks, null, now(), null, null);
        }

        /** The process {@code p}, as it runs now. */
        public static Process of(String name, ProcessHandle p) {
            ProcessOwner o = ProcessOwner.of(p);
            return new Process(name, o.pid(), o.startTicks(), o.started(), now(), null, null);
        }

        @Override
        public Process ownedBy(long pid, long ticks) {
            return new Process(name, this.pid, startTicks, started, created, pid, ticks);
        }

        @Override
        public String describe() {
            return name + " (pid " + pid + ")";
        }

        /** Ends the process only if it is still the one we started: same PID and same start time. */
        @Override
        public Optional<String> undo(CommandRunner runner) {
            return new ProcessOwner(pid, started, startTicks).end(Duration.ofSeconds(5)) ? Optional.empty()
                    : Optional.of("pid " + pid + " does not exit");
        }
    }

    /**
     * A file system the harness mounted (tracefs); undone by unmounting it if it is still mounted there.
     *
     * @param fsType the file system type
     * @param path   the mount point
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Mount(@JsonProperty("name") String fsType, String path, String created, Long ownerPid, Long ownerTicks)
            implements JournalEntry {
        public Mount(String fsType, Path mountPoint) {
            this(fsType, mountPoint.toString(), now(), null, null);
        }

        @Override
        public Mount ownedBy(long pid, long ticks) {
            return new Mount(fsType, path, created, pid, ticks);
        }

        @Override
        public String describe() {
            return fsType + " mounted at " + path;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            if (!RestoreJournal.mounted(Path.of(path))) {
                return Optional.empty();
            }
            return failure(runner.run(COMMAND_TIMEOUT, List.of("umount", path)));
        }
    }

    /** A container the harness created by this name; undone with {@code docker rm -f}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Container(String name, String created, Long ownerPid, Long ownerTicks) implements JournalEntry {
        public Container(String name) {
            this(name, now(), null, null);
        }

        @Override
        public Container ownedBy(long pid, long ticks) {
            return new Container(name, created, pid, ticks);
        }

        @Override
        public String describe() {
            return "container " + name;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            if (CommandRunner.which("docker").isEmpty()
                    || !runner.run(COMMAND_TIMEOUT, List.of("docker", "inspect", "--format", "{{.Id}}", name)).ok()) {
                return Optional.empty();
            }
            return failure(runner.run(Duration.ofSeconds(30), List.of("docker", "rm", "-f", name)));
        }
    }

    /** A file the harness wrote (a socket, a log, a state file); undone by deleting it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record File(String path, String created, Long ownerPid, Long ownerTicks) implements JournalEntry {
        public File(Path path) {
            this(path.toString(), now(), null, null);
        }

        @Override
        public File ownedBy(long pid, long ticks) {
            return new File(path, created, pid, ticks);
        }

        @Override
        public String describe() {
            return "file " + path;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            try {
                Files.deleteIfExists(Path.of(path));
                return Optional.empty();
            } catch (IOException ex) {
                return Optional.of(ex.getMessage());
            }
        }
    }

    /** An entry of a kind this version does not know (a journal written by a newer quirklab): kept, never undone. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE) // written back as it came: its own "kind"
    record Unknown(String kind, String name, String created, Long ownerPid, Long ownerTicks) implements JournalEntry {
        @Override
        public Unknown ownedBy(long pid, long ticks) {
            return new Unknown(kind, name, created, pid, ticks);
        }

        @Override
        public String describe() {
            return kind + " " + name;
        }

        @Override
        public Optional<String> undo(CommandRunner runner) {
            return Optional.of("unknown kind '" + kind + "' (journal written by a newer quirklab?)");
        }
    }
}
