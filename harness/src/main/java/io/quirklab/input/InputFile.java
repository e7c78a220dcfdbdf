package io.quirklab.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a file a user hands in (lab file, persona file, baseline, matrix document) as text: it must be a readable
 * regular file, no bigger than its kind allows, UTF-8 text without binary bytes. Every refusal is one line that names
 * the file and says what is wrong in words; nothing of the file's contents is quoted.
 */
public final class InputFile {
    /** Lab files and persona catalogues are a few KiB; a MiB is already absurd. */
    public static final int LAB_FILE_LIMIT = 1 << 20;
    public static final int PERSONA_FILE_LIMIT = 4 << 20;
    /** A matrix document of the built-in 320 cells is about 1 MB; big fleets stay well below this. */
    public static final int MATRIX_LIMIT = 256 << 20;

    private InputFile() {
    }

    /** A file that cannot be used; the message is one line naming it. */
    public static final class Unusable extends IOException {
        public Unusable(String message) {
            super(message);
        }
    }

    /**
     * The file's text.
     *
     * @param file  the file
     * @param what  what it should be, for messages: "lab file", "persona file", "matrix document"
     * @param limit the most bytes it may have
     */
    public static String text(Path file, String what, int limit) throws Unusable {
        byte[] bytes = bytes(file, what, limit);
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        for (int i = start; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b == 0 || b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7F) {
                throw new Unusable(file + ": contains binary data (byte 0x" + String.format("%02x", b) + " on line " + lineAt(bytes, i)
                        + "), not a " + what + " (UTF-8 text)");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        } catch (CharacterCodingException e) {
            throw new Unusable(file + ": is not UTF-8 text (line " + lineAt(bytes, firstMalformed(bytes, start)) + "); a " + what
                    + " must be UTF-8");
        }
    }

    /** The file's bytes, after the same checks of kind, size and permission as {@link #text}. */
    public static byte[] bytes(Path file, String what, int limit) throws Unusable {
        BasicFileAttributes a = requireRegular(file, what);
        if (a.size() > limit) {
            throw new Unusable(file + ": is " + size(a.size()) + ", more than a " + what + " may be (" + size(limit) + ")");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(limit + 1); // files under /proc say size 0 and may be endless
            if (b.length > limit) {
                throw new Unusable(file + ": is more than a " + what + " may be (" + size(limit) + ")");
            }
            return b;
        } catch (Unusable e) {
            throw e;
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
    }

    /**
     * Refuses anything but a regular file (after symbolic links) in one line that says what it is instead: "no such
     * WHAT", "is a directory, not a WHAT", "is a FIFO (named pipe), not a WHAT", "is a character device, ...".
     *
     * @return the file's attributes
     */
    public static BasicFileAttributes requireRegular(Path file, String what) throws Unusable {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Unusable(file + ": no such " + what);
        } catch (IOException e) {
            throw new Unusable(file + ": cannot be read (" + reason(e) + ")");
        }
        if (!a.isRegularFile()) {
            throw new Unusable(file + ": is " + kind(file, a) + ", not a " + what);
        }
        return a;
    }

    /** What an existing path that is not a regular file is, in words ("a FIFO (named pipe)"). */
    public static String kind(Path file, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            // st_mode's file type bits; the "unix" view exists on Linux and macOS
            String special = switch ((Integer) Files.getAttribute(file, "unix:mode") & 0170000) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> null;
            };
            if (special != null) {
                return special;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // another platform: the general words below
        }
        return "not a regular file (a device, pipe or socket)";
    }

    /** A value from a file as an error may quote it: in quotes, control characters escaped, long ones clipped. */
    public static String token(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder("'");
        int max = 40;
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        if (s.length() > max) {
            out.append("...");
        }
        return out.append("'").toString();
    }

    /**
     * A key of the file as an error may name it: quoted when it looks like a field name, otherwise not at all (a line
     * of /etc/shadow read as YAML is one long "key").
     */
    public static String key(String key) {
        return key != null && key.matches("[A-Za-z0-9_.-]{1,40}") ? "'" + key + "'" : "(a key that is not a field name)";
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return "an I/O error";
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes >= 1 << 10 ? (bytes >> 10) + " KiB" : bytes + " bytes";
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
        var dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, start, b.length - start);
        var out = java.nio.CharBuffer.allocate(b.length + 1);
        var r = dec.decode(in, out, true);
        return r.isError() ? in.position() : b.length;
    }
}
