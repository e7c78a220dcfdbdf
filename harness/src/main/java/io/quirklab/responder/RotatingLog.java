package io.quirklab.responder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A log that cannot fill the disk: lines go to {@code FILE}; when it would pass its cap it becomes {@code FILE.1}
 * (replacing the older one) and a new {@code FILE} starts, so the log never takes more than twice the cap. A flood of
 * malformed frames costs the oldest lines, not the lab host's disk.
 */
public final class RotatingLog implements Consumer<String>, AutoCloseable {
    /** Per file; with the one rotated file the log stays under twice this. */
    public static final long DEFAULT_CAP = 4L << 20;
    static final int MAX_LINE = 4096;

    private final Path file;
    private final long cap;
    private OutputStream out;
    private long size;
    private long rotations;

    public RotatingLog(Path file, long cap) throws IOException {
        if (cap < 2 * MAX_LINE) {
            throw new IllegalArgumentException("a log cap of " + cap + " bytes is too small (at least " + 2 * MAX_LINE + ")");
        }
        this.file = file;
        this.cap = cap;
        open();
    }

    /** The rotated file next to {@code file}. */
    public static Path rotated(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    /** Writes one timestamped line (clipped to {@value #MAX_LINE} characters). */
    @Override
    public synchronized void accept(String line) {
        String l = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line;
        byte[] b = (Instant.now() + " " + l.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (size + b.length > cap) {
                out.close();
                Files.move(file, rotated(file), StandardCopyOption.REPLACE_EXISTING);
                rotations++;
                open();
                byte[] note = (Instant.now() + " log rotated (" + rotations + " times; the previous part is " + rotated(file).getFileName()
                        + ")\n").getBytes(StandardCharsets.UTF_8);
                out.write(note);
                size += note.length;
            }
            out.write(b);
            out.flush();
            size += b.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log " + file, e);
        }
    }

    public synchronized long rotations() {
        return rotations;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
