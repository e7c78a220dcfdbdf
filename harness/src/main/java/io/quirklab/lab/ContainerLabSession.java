package io.quirklab.lab;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.process.CommandRunner;
import io.quirklab.responder.ResponderControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.quirklab.matrix.OffloadState;
import java.util.function.Consumer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A run whose responder agent it starts itself: the responder image ({@code docker/build-image.sh}, or the lab file's
 * {@code responder.image}) on the local Docker engine or the one {@code DOCKER_HOST} names, with host networking and
 * NET_RAW/NET_ADMIN, running {@code quirklab agent} on the responder host's interface; ready when the agent says it
 * serves (a wait strategy, no sleep). The run then goes through the agent exactly as an agent lab does, and on close
 * (or JVM exit) the container is removed. Its name is journaled before it starts, so {@code quirklab lab restore} and
 * {@code quirklab restore} remove what a killed run left. One container lab per host at a time ({@link LabLock}).
 */
public final class ContainerLabSession implements LabSession {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final LabKind.Container kind;
    private final AgentLabSession agent;
    private final RestoreJournal journal;
    private final Teardown teardown;

    private ContainerLabSession(LabKind.Container kind, AgentLabSession agent, ResponderContainer container, RestoreJournal journal,
                                JournalEntry entry, LabLock lock) {
        this.kind = kind;
        this.agent = agent;
        this.journal = journal;
        this.teardown = Teardown.atExit("quirklab-container-session-shutdown", () -> {
            try {
                agent.close();
            } finally {
                try {
                    container.close();
                    journal.forget(entry);
                    journal.undoAll();
                } finally {
                    lock.close();
                }
            }
        });
    }

    /** Where a container lab keeps its lock, journal and token: /run/quirklab/container. */
    public static Path defaultStateDir() {
        return VirtualLab.defaultStateDir().resolve("container");
    }

    /**
     * @param file     the lab file (its personas, fault model)
     * @param c        the container lab
     * @param stateDir this lab kind's state directory
     */
    public static ContainerLabSession open(LabFile file, LabKind.Container c, Path stateDir, Consumer<String> progress) throws IOException {
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            throw new IOException("a container lab needs TESTCONTAINERS_RYUK_DISABLED=true: Ryuk, Testcontainers' reaper, cannot be "
                    + "pulled without a registry, and quirklab removes its containers itself");
        }
        Files.createDirectories(stateDir);
        RestoreJournal journal = new RestoreJournal(stateDir.resolve("restore-journal.jsonl"), new CommandRunner());
        LabLock lock = LabLock.take(stateDir, progress, dead -> journal.undoAll());
        ResponderContainer container = null;
        JournalEntry entry = null;
        try {
            if (!journal.isEmpty()) {
                progress.accept("removing what an earlier container lab left");
                journal.undoAll().forEach(l -> progress.accept("  " + l));
            }
            String image = c.image().isPresent() ? c.image().get() : buildImage(progress);
            Path tokenFile = stateDir.resolve("agent.token");
            String token = HexFormat.of().formatHex(random());
            journal.record(new JournalEntry.File(tokenFile));
            Files.deleteIfExists(tokenFile);
            Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tokenFile, token + "\n");
            String name = "quirklab-agent-" + ProcessHandle.current().pid();
            entry = new JournalEntry.Container(name);
            journal.record(entry);
            progress.accept("starting the agent in " + image + " on " + c.responderInterface() + " (control " + c.control() + ", container "
                    + name + ")");
            container = ResponderContainer.start(image, Wait.forLogMessage(".* agent on .*control.*\\n", 1), START_TIMEOUT, name,
                    Map.of("QUIRKLAB_AGENT_TOKEN", token, "JAVA_TOOL_OPTIONS", "-Xmx256m"),
                    "agent", "--iface", c.responderInterface(), "--control", c.control(), "--arp-timing", c.arpTiming());
            progress.accept("the agent in " + container.containerId().substring(0, 12) + " serves");
            AgentLabSession agent = AgentLabSession.open(file, c.agent(tokenFile), AgentLabSession.defaultStateDir(), progress);
            return new ContainerLabSession(c, agent, container, journal, entry, lock);
        } catch (IOException | RuntimeException e) {
            if (container != null) {
                container.close();
            }
            journal.undoAll();
            lock.close();
            throw e;
        }
    }

    private static byte[] random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** Builds (or reuses, while its inputs are unchanged) the responder image: the last line docker/build-image.sh prints. */
    static String buildImage(Consumer<String> progress) throws IOException {
        Path script = Path.of("docker", "build-image.sh").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IOException("no " + script + " to build the responder image: run from the project root, or name the image in "
                    + "the lab file (responder.image)");
        }
        progress.accept("building or reusing the responder image (docker/build-image.sh)");
        CommandRunner.Result r = new CommandRunner().run(Duration.ofMinutes(10), List.of(script.toString()));
        String last = r.stdout().strip().lines().reduce((a, b) -> b).orElse("");
        if (!r.ok() || !last.startsWith("quirklab-responder:")) {
            throw new IOException("docker/build-image.sh failed: " + r.firstLine());
        }
        return last;
    }

    @Override
    public LabKind kind() {
        return kind;
    }

    @Override
    public LabState state() {
        return agent.state();
    }

    @Override
    public LabState offload(OffloadState state) throws IOException {
        return agent.offload(state);
    }

    @Override
    public String offloadDescription() {
        return agent.offloadDescription();
    }

    @Override
    public Optional<FaultModel> faultModel() {
        return agent.faultModel();
    }

    @Override
    public List<MatrixDocument.OffloadStateChange> offloadChanges() {
        return agent.offloadChanges();
    }

    @Override
    public ResponderControl control() {
        return agent.control();
    }

    @Override
    public RestoreJournal journal() {
        return journal;
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }
}
