package io.quirklab.observe;

import io.quirklab.input.InputFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own drop reasons (kernel 5.17+): the {@code skb:kfree_skb} tracepoint prints "reason: UDP_CSUM" for
 * every freed-because-dropped packet. Traced in a private ftrace instance ({@code instances/quirklab-PID}) so the
 * system's own tracing is left alone; the instance is removed on {@link #stop}, on {@link #close}, on failure and at
 * JVM exit. Needs tracefs mounted and root; without them {@link #unavailable} says so in a sentence and nothing is
 * mounted or changed.
 */
public final class DropReasonTrace implements AutoCloseable {
    public static final List<Path> ROOTS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));
    static final String EVENT = "events/skb/kfree_skb";
    static final String NOT_SPECIFIED = "NOT_SPECIFIED";
    static final int ETH_P_IP = 0x0800;
    /** The trace buffer is bounded anyway; this bounds what we parse of it. */
    static final int MAX_LINES = 200_000;
    private static final Pattern REASON = Pattern.compile("\\bkfree_skb:.*\\breason:\\s*(\\S+)");
    private static final Pattern NOT_SPECIFIED_VALUE = Pattern.compile("\\{\\s*(\\d+)\\s*,\\s*\"" + NOT_SPECIFIED + "\"\\s*}");

    private final Path instance;
    private final Thread cleanupAtExit;
    private final String filter;
    /** An instance that could not be removed is said here (the front end shows it; the library has no console). */
    private final Consumer<String> problems;

    private DropReasonTrace(Path instance, String filter, Consumer<String> problems) {
        this.instance = instance;
        this.filter = filter;
        this.problems = problems;
        this.cleanupAtExit = new Thread(this::removeInstance, "drop-reason-trace-cleanup");
    }

    /** The tracefs root that offers kfree_skb, if any. */
    static Optional<Path> root() {
        return root(ROOTS);
    }

    static Optional<Path> root(List<Path> roots) {
        return roots.stream().filter(r -> Files.isDirectory(r.resolve(EVENT))).findFirst();
    }

    /** Why drop reasons cannot be traced here (one sentence), or empty when they can. */
    public static Optional<String> unavailable() {
        return unavailable(ROOTS);
    }

    /** The same for tracefs looked for at {@code roots} (the first is the one named). */
    static Optional<String> unavailable(List<Path> roots) {
        if (root(roots).isEmpty()) {
            return Optional.of("kfree_skb drop reasons unavailable: tracefs is not mounted (no " + roots.get(0).resolve(EVENT)
                    + "); mount -t tracefs nodev /sys/kernel/tracing on a 5.17+ kernel to get them");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("kfree_skb drop reasons unavailable: tracing needs root");
        }
        return Optional.empty();
    }

    /**
     * Starts tracing in a new private instance; on failure nothing is left behind.
     *
     * @param problems one line when the instance cannot be removed again (at stop, close or JVM exit)
     */
    public static DropReasonTrace start(Consumer<String> problems) throws IOException {
        return start(ROOTS, problems);
    }

    static DropReasonTrace start(List<Path> roots, Consumer<String> problems) throws IOException {
        Optional<String> why = unavailable(roots);
        if (why.isPresent()) {
            throw new IOException(why.get());
        }
        return start(root(roots).orElseThrow(), "quirklab-" + ProcessHandle.current().pid(), problems);
    }

    static DropReasonTrace start(Path root, String instanceName, Consumer<String> problems) throws IOException {
        Path instance = root.resolve("instances").resolve(instanceName);
        if (Files.isDirectory(instance)) {
            Files.delete(instance); // left by a crashed run that had our PID
        }
        Files.createDirectory(instance);
        DropReasonTrace trace = null;
        try {
            Path event = instance.resolve(EVENT);
            OptionalInt notSpecified = notSpecifiedValue(InputFile.lenient(event.resolve("format"), InputFile.Kind.KERNEL));
            String filter = "protocol == " + ETH_P_IP + (notSpecified.isPresent() ? " && reason != " + notSpecified.getAsInt() : "");
            if (!write(event.resolve("filter"), filter)) {
                filter = write(event.resolve("filter"), "protocol == " + ETH_P_IP) ? "protocol == " + ETH_P_IP : "none";
            }
            trace = new DropReasonTrace(instance, filter, problems);
            Runtime.getRuntime().addShutdownHook(trace.cleanupAtExit);
            if (!write(event.resolve("enable"), "1")) {
                throw new IOException("cannot enable " + event.resolve("enable"));
            }
            return trace;
        } catch (IOException | RuntimeException e) {
            if (trace != null) {
                trace.close();
            } else {
                deleteQuietly(instance).ifPresent(problems);
            }
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /** The filter the kernel accepted ("protocol == 2048 && reason != 2"), or "none". */
    public String filter() {
        return filter;
    }

    public Path instance() {
        return instance;
    }

    /** Stops tracing, removes the instance, and counts the drop reasons seen (NOT_SPECIFIED left out). */
    public Map<String, Long> stop() throws IOException {
        try {
            write(instance.resolve(EVENT).resolve("enable"), "0");
            // tracefs says size 0 and the buffer may be large: a capped stream, its first MAX_LINES lines
            try (BufferedReader r = new BufferedReader(new InputStreamReader(InputFile.open(instance.resolve("trace"), InputFile.Kind.TRACE),
                    StandardCharsets.UTF_8))) {
                return parseTrace(r.lines().limit(MAX_LINES).toList());
            }
        } finally {
            close();
        }
    }

    /** Removes the instance (idempotent). */
    @Override
    public void close() {
        removeInstance();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already exiting, or the hook was never added
        }
    }

    private void removeInstance() {
        if (Files.isDirectory(instance)) {
            write(instance.resolve(EVENT).resolve("enable"), "0");
            deleteQuietly(instance).ifPresent(problems);
        }
    }

    /** Counts by reason; NOT_SPECIFIED is noise (every unexplained free) and left out. */
    static Map<String, Long> parseTrace(List<String> lines) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = REASON.matcher(line);
            if (m.find() && !NOT_SPECIFIED.equals(m.group(1))) {
                out.merge(m.group(1), 1L, Long::sum);
            }
        }
        return out;
    }

    /** The numeric value of NOT_SPECIFIED in the event's print format (it moved between kernels). */
    static OptionalInt notSpecifiedValue(String format) {
        Matcher m = NOT_SPECIFIED_VALUE.matcher(format);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** Writes a tracefs control file (no create, no truncate); false when the kernel refused it. */
    private static boolean write(Path file, String value) {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** rmdir: tracefs removes an instance's whole tree with its directory; the problem, in a line, when it cannot. */
    static Optional<String> deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException | RuntimeException e) {
            return Optional.of("could not remove trace instance " + dir + ": " + e.getMessage() + " (rmdir it by hand)");
        }
        return Optional.empty();
    }
}
