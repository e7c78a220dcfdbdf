package io.quirklab.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one way the harness runs an external program: bounded by a timeout, output captured in the right charset,
 * the command line recorded for the report. A program that overruns is killed (with its children) by PID.
 *
 * <p>Output is decoded by {@link #decode}: a byte-order mark, or UTF-16 text without one (a NUL in every other byte,
 * as Windows tools such as {@code pktmon format} write it), wins over the runner's charset. Where the programs run
 * is an {@link Executor}: real processes by default, recorded outputs in tests of the Windows and macOS adapters.
 */
public final class CommandRunner {
    /** Output beyond this many bytes per stream is dropped, so a chatty tool cannot exhaust memory. */
    static final int MAX_CAPTURE = 4 << 20;

    private final Charset charset;
    private final Executor executor;

    public CommandRunner() {
        this(StandardCharsets.UTF_8);
    }

    /** @param charset how output without a byte-order mark or UTF-16 pattern is decoded */
    public CommandRunner(Charset charset) {
        this(charset, CommandRunner::execute);
    }

    /**
     * @param charset  how output without a byte-order mark or UTF-16 pattern is decoded
     * @param executor where the programs run (tests pass recorded outputs)
     */
    public CommandRunner(Charset charset, Executor executor) {
        this.charset = Objects.requireNonNull(charset);
        this.executor = Objects.requireNonNull(executor);
    }

    /** How output without a byte-order mark or UTF-16 pattern is decoded (a long-running tool's output too). */
    public Charset charset() {
        return charset;
    }

    /**
     * Runs one program and returns its raw output; a fake returns recorded bytes instead.
     */
    @FunctionalInterface
    public interface Executor {
        /**
         * @param invocation what to run
         * @return the raw outcome
         * @throws IOException when the program cannot be started (not installed, not executable)
         */
        Raw execute(Invocation invocation) throws IOException;
    }

    /**
     * One program to run.
     *
     * @param command the program and its arguments
     * @param shown   the command line as the report shows it
     * @param stdin   bytes for its standard input, or null for none
     * @param timeout how long it may take
     * @param cancel  ends it early when given (the program is killed as at its timeout)
     */
    public record Invocation(List<String> command, String shown, byte[] stdin, Duration timeout, Cancellation cancel) {
        public Invocation {
            command = List.copyOf(command);
            cancel = cancel == null ? Cancellation.never() : cancel;
        }

        public Invocation(List<String> command, String shown, byte[] stdin, Duration timeout) {
            this(command, shown, stdin, timeout, null);
        }
    }

    /**
     * What a program did, before decoding.
     *
     * @param exitCode exit code (ignored when timed out)
     * @param stdout   standard output bytes
     * @param stderr   standard error bytes
     * @param timedOut killed at the timeout
     */
    public record Raw(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
        public Raw {
            stdout = stdout == null ? new byte[0] : stdout;
            stderr = stderr == null ? new byte[0] : stderr;
        }
    }

    /**
     * The result of one run.
     *
     * @param commandLine what ran, shell-quoted for the report
     * @param exitCode    exit code, or -1 when it timed out or could not start
     * @param stdout      standard output
     * @param stderr      standard error (or why it could not start)
     * @param timedOut    killed at the timeout
     * @param elapsed     wall time
     * @param started     false when the program could not be started at all (typically: not installed)
     * @param cancelled   why the harness ended it early ({@link Cancellation}), or null; it then counts as timed out
     */
    public record Result(String commandLine, int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed,
                         boolean started, String cancelled) {
        public Result(String commandLine, int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {
            this(commandLine, exitCode, stdout, stderr, timedOut, elapsed, true, null);
        }

        public Result(String commandLine, int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed,
                      boolean started) {
            this(commandLine, exitCode, stdout, stderr, timedOut, elapsed, started, null);
        }

        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** One line for error messages: the first non-empty line of stderr, else of stdout. */
        public String firstLine() {
            for (String s : List.of(stderr, stdout)) {
                for (String line : s.split("\\R")) {
                    if (!line.isBlank()) {
                        return line.trim();
                    }
                }
            }
            return timedOut ? "timed out" : "exit " + exitCode;
        }

        /** "CMD: first line (exit N)" for error messages. */
        public String describeFailure() {
            String first = firstLine();
            return commandLine + ": " + first + (timedOut || first.equals("exit " + exitCode) || !started ? "" : " (exit " + exitCode + ")");
        }
    }

    public Result run(Duration timeout, List<String> command) {
        return run(timeout, command, null);
    }

    public Result run(Duration timeout, List<String> command, byte[] stdin) {
        return run(timeout, command, stdin, quote(command));
    }

    /**
     * Runs {@code command} and records it as {@code shown} (e.g. a PowerShell script instead of its encoded form).
     */
    public Result run(Duration timeout, List<String> command, byte[] stdin, String shown) {
        return run(new Invocation(command, shown, stdin, timeout));
    }

    /**
     * Runs {@code command} until it ends, its timeout passes or {@code cancel} is given; a cancelled run is killed as at
     * its timeout and its result says why ({@link Result#cancelled}).
     */
    public Result run(Cancellation cancel, Duration timeout, List<String> command) {
        return run(new Invocation(command, quote(command), null, timeout, cancel));
    }

    private Result run(Invocation inv) {
        long start = System.nanoTime();
        Raw raw;
        try {
            raw = executor.execute(inv);
        } catch (IOException e) {
            return new Result(inv.shown(), -1, "", "cannot start " + inv.command().get(0) + ": " + e.getMessage(), false, Duration.ZERO,
                    false);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String cancelled = inv.cancel().reason().orElse(null);
        boolean ended = raw.timedOut() || cancelled != null;
        return new Result(inv.shown(), ended ? -1 : raw.exitCode(), decode(raw.stdout(), charset), decode(raw.stderr(), charset),
                ended, elapsed, true, cancelled);
    }

    /** Runs and insists on success. */
    public Result require(Duration timeout, List<String> command) {
        Result r = run(timeout, command);
        if (!r.ok()) {
            throw new UncheckedIOException(new IOException(r.commandLine() + ": " + r.firstLine()));
        }
        return r;
    }

    /** The real executor: a child process, killed with its descendants at the timeout. */
    private static Raw execute(Invocation inv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(inv.command());
        pb.redirectInput(inv.stdin() == null ? ProcessBuilder.Redirect.from(nullDevice()) : ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        // a cancelled run ends as one that overran: killed with its children, at once
        inv.cancel().onCancel(() -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        boolean timedOut = false;
        try {
            if (inv.stdin() != null) {
                try (var in = p.getOutputStream()) {
                    in.write(inv.stdin());
                }
            }
            if (!p.waitFor(inv.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            timedOut = true;
        } catch (IOException e) {
            // the program closed its stdin early; its exit code tells the rest
        }
        return new Raw(timedOut ? -1 : p.exitValue(), out.join(), err.join(), timedOut);
    }

    private static File nullDevice() {
        return new File(isWindows() ? "NUL" : "/dev/null");
    }

    static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    if (buf.size() < MAX_CAPTURE) {
                        buf.write(chunk, 0, Math.min(n, MAX_CAPTURE - buf.size()));
                    }
                }
            } catch (IOException e) {
                // process gone; keep what was read
            }
            return buf.toByteArray();
        });
    }

    /**
     * Decodes tool output: a UTF-8, UTF-16LE or UTF-16BE byte-order mark decides (and is dropped); without one, text
     * whose every other byte is mostly NUL is UTF-16 (little-endian when the NULs are at odd offsets); anything else
     * is decoded with {@code fallback}.
     */
    public static String decode(byte[] bytes, Charset fallback) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        }
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
        }
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
        }
        Charset utf16 = utf16WithoutBom(bytes);
        return new String(bytes, utf16 != null ? utf16 : fallback);
    }

    /** UTF-16LE/BE when NULs sit at one parity of offsets and (almost) never at the other, else null. */
    static Charset utf16WithoutBom(byte[] bytes) {
        int pairs = Math.min(bytes.length, 8192) / 2;
        if (pairs < 2) {
            return null;
        }
        int evenNul = 0;
        int oddNul = 0;
        for (int i = 0; i < pairs; i++) {
            evenNul += bytes[2 * i] == 0 ? 1 : 0;
            oddNul += bytes[2 * i + 1] == 0 ? 1 : 0;
        }
        if (oddNul * 10 >= pairs * 3 && evenNul * 20 <= pairs) {
            return StandardCharsets.UTF_16LE;
        }
        if (evenNul * 10 >= pairs * 3 && oddNul * 20 <= pairs) {
            return StandardCharsets.UTF_16BE;
        }
        return null;
    }

    /** The first executable called {@code name} on PATH (on Windows also NAME.exe and the other PATHEXT forms). */
    public static Optional<Path> which(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/sbin");
        List<String> names = new ArrayList<>(List.of(name));
        if (isWindows()) {
            for (String ext : System.getenv().getOrDefault("PATHEXT", ".EXE;.CMD;.BAT").split(";")) {
                names.add(name + ext.toLowerCase(Locale.ROOT));
            }
        }
        for (String d : dirs) {
            for (String n : names) {
                Path p = Path.of(d, n);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The command line for the report, shell-quoted; a PowerShell {@code -EncodedCommand} is shown decoded, as
     * {@code -Command "..."}, so the report says what ran.
     */
    public static String quote(List<String> command) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < command.size(); i++) {
            String a = command.get(i);
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (a.equalsIgnoreCase("-EncodedCommand") && i + 1 < command.size()) {
                Optional<String> script = decodePowerShell(command.get(i + 1));
                if (script.isPresent()) {
                    sb.append("-Command \"").append(script.get().replace("\"", "\\\"")).append('"');
                    i++;
                    continue;
                }
            }
            sb.append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** The script of a PowerShell {@code -EncodedCommand} argument (base64 of UTF-16LE), if it is one. */
    public static Optional<String> decodePowerShell(String encoded) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_16LE));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The {@code -EncodedCommand} argument for a PowerShell script. */
    public static String encodePowerShell(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
    }
}
