package io.quirklab.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one way the harness runs an external program: bounded by a timeout, output captured in the right charset,
 * the command line recorded for the report. A program that overruns is killed (with its children) by PID.
 */
public final class CommandRunner {
    /** Output beyond this many bytes per stream is dropped, so a chatty tool cannot exhaust memory. */
    static final int MAX_CAPTURE = 4 << 20;

    private final Charset charset;

    public CommandRunner() {
        this(StandardCharsets.UTF_8);
    }

    public CommandRunner(Charset charset) {
        this.charset = charset;
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
     */
    public record Result(String commandLine, int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {
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
    }

    public Result run(Duration timeout, List<String> command) {
        return run(timeout, command, null);
    }

    public Result run(Duration timeout, List<String> command, byte[] stdin) {
        String line = quote(command);
        long start = System.nanoTime();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
            p = pb.start();
        } catch (IOException e) {
            return new Result(line, -1, "", "cannot start " + command.get(0) + ": " + e.getMessage(), false, Duration.ZERO);
        }
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        boolean timedOut = false;
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
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
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(line, timedOut ? -1 : p.exitValue(), new String(out.join(), charset), new String(err.join(), charset),
                timedOut, elapsed);
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

    /** The first executable called {@code name} on PATH. */
    public static Optional<Path> which(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        List<String> dirs = new ArrayList<>(List.of(path.split(java.io.File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/sbin");
        for (String d : dirs) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static String quote(List<String> command) {
        StringBuilder sb = new StringBuilder();
        for (String a : command) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** Runs and insists on success. */
    public Result require(Duration timeout, List<String> command) {
        Result r = run(timeout, command);
        if (!r.ok()) {
            throw new UncheckedIOException(new IOException(r.commandLine() + ": " + r.firstLine()));
        }
        return r;
    }
}
