package io.quirklab.input;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one gate every file the harness reads goes through: a user's lab file or capture, a node's results, the agent's
 * token, a file under /proc. It must be a readable regular file (a FIFO, device or directory is refused in words,
 * before it is opened, so a FIFO never blocks), no bigger than its {@link Kind} allows (the cap is named), and for
 * text UTF-8 without binary bytes. Every refusal is one line that names the file and says what is wrong; nothing of the
 * file's contents is quoted but a short token, and never one that looks like a secret. Large inputs are read as a
 * stream ({@link #open}) with the cap counted as they are read.
 */
public final class InputFile {
    /** The kinds of file the harness reads, each with the most bytes it may have. */
    public enum Kind {
        /** Lab files and persona catalogues are a few KiB; a MiB is already absurd. */
        LAB_FILE("lab file", 1L << 20),
        PERSONA_FILE("persona file", 4L << 20),
        /** A matrix document of the built-in 320 cells is about 1 MB; big fleets stay well below this. */
        MATRIX("matrix document", 256L << 20),
        INVENTORY("lab inventory", 1L << 20),
        BISECT_DOCUMENT("bisect document", 64L << 20),
        /** A bearer token is a line of text. */
        TOKEN("token file", 4L << 10),
        KEY_STORE("key store", 1L << 20),
        CERTIFICATE("certificate file", 1L << 20),
        /** Read as a stream, a record at a time: only the cap bounds it, not memory. */
        CAPTURE("capture", 16L << 30),
        /**
         * OS evidence captured by hand (PktMon, netstat, ETW text) for explain, read whole: a PktMon log of a whole matrix
         * run is a few MiB, and reading 64 MiB takes explain about 40 s and 2 GiB of heap.
         */
        EVIDENCE("evidence file", 64L << 20),
        ALLURE_RESULT("Allure result", 64L << 20),
        /** Attachments (pcaps, logs) are copied as streams. */
        ALLURE_ATTACHMENT("Allure attachment", 4L << 30),
        PROPERTIES("properties file", 1L << 20),
        /** Files the harness wrote itself: its journals, state and lock files. */
        STATE("state file", 16L << 20),
        /** Logs of processes the harness ran. */
        LOG("log file", 64L << 20),
        /** Files under /proc, /sys and tracefs: they say size 0, and some never end. */
        KERNEL("kernel file", 4L << 20),
        /** A tracefs instance's trace of a run's drops, read to its first 200,000 lines (about 30 MiB). */
        TRACE("kernel trace", 64L << 20),
        /**
         * What a vm lab puts into its guest from a Debian package or the host: a kernel (an unpacked 6.12 vmlinux is
         * about 60 MiB), a module, its config, the static busybox.
         */
        GUEST_IMAGE("guest kernel file", 256L << 20);

        private final String what;
        private final long limit;

        Kind(String what, long limit) {
            this.what = what;
            this.limit = limit;
        }

        /** What messages call such a file: "lab file", "capture". */
        public String what() {
            return what;
        }

        /** The most bytes one may have. */
        public long limit() {
            return limit;
        }
    }

    public static final int LAB_FILE_LIMIT = (int) Kind.LAB_FILE.limit();
    public static final int PERSONA_FILE_LIMIT = (int) Kind.PERSONA_FILE.limit();
    public static final int MATRIX_LIMIT = (int) Kind.MATRIX.limit();
    /** The most characters of a file's value an error line shows. */
    static final int TOKEN_CHARACTERS = 40;

    private InputFile() {
    }

    /** A file that cannot be used; the message is one line naming it. */
    public static final class Unusable extends IOException {
        public Unusable(String message) {
            super(message);
        }
    }

    /** The file's text: UTF-8 (a byte order mark is dropped), no binary bytes, at most the kind's cap. */
    public static String text(Path file, Kind kind) throws Unusable {
        return text(file, kind.what(), kind.limit());
    }

    /**
     * The file's text.
     *
     * @param file  the file
     * @param what  what it should be, for messages: "lab file", "persona file", "matrix document"
     * @param limit the most bytes it may have
     */
    public static String text(Path file, String what, long limit) throws Unusable {
        byte[] bytes = bytes(file, what, limit);
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        for (int i = start; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b == 0 || b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7F) {
                throw new Unusable(file + ": contains binary data (byte 0x" + String.format("%02x", b) + " on line " + lineAt(bytes, i)
                        + "), not " + a(what) + " (UTF-8 text)");
            }
        }
        try {
            return utf8().decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        } catch (CharacterCodingException e) {
            throw new Unusable(file + ": is not UTF-8 text (line " + lineAt(bytes, firstMalformed(bytes, start)) + "); " + a(what)
                    + " must be UTF-8");
        }
    }

    /**
     * The file's text for a parser that copes with anything (a kernel file, a log, the harness's own journal): the same
     * checks of kind and size as {@link #text}, but control characters kept and malformed UTF-8 replaced, so a process
     * name with an escape in /proc or a journal cut by a crash is still read. Never shown to anyone as it is.
     */
    public static String lenient(Path file, Kind kind) throws Unusable {
        return new String(bytes(file, kind), StandardCharsets.UTF_8);
    }

    /**
     * The last {@code max} bytes of a log at most, read as {@link #lenient} reads: for a line of evidence in an error
     * about the process that wrote it (printed through {@link #printable}).
     */
    public static String tail(Path file, Kind kind, int max) throws Unusable {
        regular(file, kind.what(), true);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long from = Math.max(0, ch.size() - max);
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(max, ch.size() - from));
            ch.read(b, from);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
    }

    /** The file's lines, as {@link #text} reads it. */
    public static List<String> lines(Path file, Kind kind) throws Unusable {
        return text(file, kind).lines().toList();
    }

    public static byte[] bytes(Path file, Kind kind) throws Unusable {
        return bytes(file, kind.what(), kind.limit());
    }

    /** The file's bytes, after the same checks of kind, size and permission as {@link #text}. */
    public static byte[] bytes(Path file, String what, long limit) throws Unusable {
        if (limit > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("read a " + what + " as a stream (InputFile.open), not whole");
        }
        try (InputStream in = open(file, what, limit)) {
            return in.readAllBytes(); // the stream stops at the cap: files under /proc say size 0 and may be endless
        } catch (Unusable e) {
            throw e;
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
    }

    /**
     * The file as a stream, for inputs too large to hold (captures, attachments): checked as {@link #bytes} checks it
     * before it is opened, and refused with {@link Unusable} as soon as more than the kind's cap has been read.
     */
    public static InputStream open(Path file, Kind kind) throws Unusable {
        return open(file, kind.what(), kind.limit());
    }

    private static InputStream open(Path file, String what, long limit) throws Unusable {
        BasicFileAttributes a = regular(file, what, true);
        if (a.size() > limit) {
            // in whole units when clearly bigger; in bytes when a whole unit would read like the cap itself
            String is = a.size() >= 2 * limit ? size(a.size()) : a.size() + " bytes";
            throw new Unusable(file + ": is " + is + ", more than " + a(what) + " may be (" + size(limit) + ")");
        }
        try {
            return new Capped(Files.newInputStream(file), file, what, limit);
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
    }

    /**
     * Refuses anything but a regular file (after symbolic links) in one line that says what it is instead ("no such
     * WHAT", "is a directory, not a WHAT", "is a named pipe (FIFO), not a WHAT", ...), without opening it.
     *
     * @return the file's attributes
     */
    public static BasicFileAttributes requireRegular(Path file, String what) throws Unusable {
        return regular(file, what, true);
    }

    /**
     * The attributes of a regular file, or one line saying what else it is. Checked without opening it (a FIFO would
     * block the open until a writer came).
     *
     * @param follow whether a symbolic link is followed (a file the user named) or refused (inside a results tree)
     */
    static BasicFileAttributes regular(Path file, String what, boolean follow) throws Unusable {
        BasicFileAttributes a;
        try {
            a = follow ? Files.readAttributes(file, BasicFileAttributes.class)
                    : Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Unusable(file + ": no such " + what);
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
        if (a.isSymbolicLink()) {
            throw new Unusable(file + ": is a symbolic link, not followed; not " + a(what));
        }
        if (a.isDirectory()) {
            throw new Unusable(file + ": is a directory, not " + a(what));
        }
        if (!a.isRegularFile()) {
            throw new Unusable(file + ": is " + special(file, follow) + ", not " + a(what));
        }
        return a;
    }

    /** What an existing path that is not a regular file is, in words ("a directory", "a named pipe (FIFO)", ...). */
    public static String kind(Path file, BasicFileAttributes a) {
        return a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : special(file, true);
    }

    /** "a named pipe (FIFO)", "a character device", ... from the file's mode where the platform tells it. */
    private static String special(Path file, boolean follow) {
        try {
            Object mode = follow ? Files.getAttribute(file, "unix:mode") : Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            switch ((Integer) mode & 0170000) {
                case 0010000:
                    return "a named pipe (FIFO)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no unix view here: the general words
        }
        return "not a regular file (a device, pipe or socket)";
    }

    /**
     * Refuses a file that holds a secret (token, private key) when its group or others may read it; on a file system
     * without POSIX permissions there is nothing to check.
     */
    public static void requireOwnerOnly(Path file, String what) throws Unusable {
        regular(file, what, true);
        Set<PosixFilePermission> p;
        try {
            p = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
        boolean readable = p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        if (readable || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new Unusable(file + ": the " + what + " is " + (readable ? "readable" : "writable") + " by others ("
                    + PosixFilePermissions.toString(p) + "); chmod 600 it");
        }
    }

    /**
     * A value from a file or a peer as an error may quote it: in quotes, printable, at most {@value #TOKEN_CHARACTERS}
     * characters with the cut said in words; a value that looks like a secret (a hash, a key, a line of a password
     * file) is not shown at all.
     */
    public static String token(Object value) {
        String s = String.valueOf(value);
        if (SecretLooking.test(s)) {
            return "(" + s.length() + " characters not shown: they look like a secret)";
        }
        int cut = s.offsetByCodePoints(0, Math.min(TOKEN_CHARACTERS, s.codePointCount(0, s.length())));
        String shown = "'" + printable(s.substring(0, cut)) + "'";
        return cut < s.length() ? shown + "... (the first " + TOKEN_CHARACTERS + " of " + s.codePointCount(0, s.length()) + " characters)"
                : shown;
    }

    /**
     * Text from a file or a peer as a terminal or a log may show it: control characters (ESC, CR, LF, ...) and
     * invisible format characters (bidi overrides) escaped, so it can neither move the cursor nor forge a line.
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c >= 0x7F && c < 0xA0) {
                out.append(String.format("\\x%02x", c));
            } else if (Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /**
     * A key of the file as an error may name it: quoted when it looks like a field name, otherwise not at all (a line
     * of /etc/shadow read as YAML is one long "key").
     */
    public static String key(String key) {
        return key != null && key.matches("[A-Za-z0-9_.-]{1,40}") ? "'" + key + "'" : "(a key that is not a field name)";
    }

    /** "a lab file", "an evidence file", "an Allure result". */
    static String a(String what) {
        return (what.matches("(?i)[aeio].*|u[^n].*|un[^i].*") ? "an " : "a ") + what;
    }

    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return "an I/O error";
    }

    static String size(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : bytes >= 1 << 20 ? (bytes >> 20) + " MiB"
                : bytes >= 1 << 10 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    private static CharsetDecoder utf8() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static int lineAt(byte[] b, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < b.length; i++) {
            if (b[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int firstMalformed(byte[] b, int start) {
        ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
        return utf8().decode(in, CharBuffer.allocate(b.length + 1), true).isError() ? in.position() : b.length;
    }

    /** A stream that refuses to go past its cap: files under /proc say size 0 and may be endless, and files grow. */
    private static final class Capped extends FilterInputStream {
        private final Path file;
        private final String what;
        private final long limit;
        private long read;

        Capped(InputStream in, Path file, String what, long limit) {
            super(in);
            this.file = file;
            this.what = what;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, (int) Math.min(len, limit + 1 - read));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, limit + 1 - read));
            count(s);
            return s;
        }

        private void count(long n) throws Unusable {
            read += n;
            if (read > limit) {
                throw new Unusable(file + ": is more than " + a(what) + " may be (" + size(limit) + ")");
            }
        }
    }
}
