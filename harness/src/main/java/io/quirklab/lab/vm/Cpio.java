package io.quirklab.lab.vm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the "newc" cpio format (SVR4 without checksums), the one the kernel unpacks as an initramfs: per entry a
 * 110-byte ASCII header of hexadecimal fields, the NUL-terminated name and the data, each padded to 4 bytes; a
 * {@value #TRAILER} entry ends the archive. Uncompressed, so the guest spends no time inflating it.
 */
public final class Cpio {
    static final String MAGIC = "070701";
    static final String TRAILER = "TRAILER!!!";
    static final int TYPE = 0170000;
    static final int DIRECTORY = 0040000;
    static final int REGULAR = 0100000;
    static final int SYMLINK = 0120000;
    static final int CHARACTER = 0020000;

    /**
     * One entry.
     *
     * @param path  without a leading slash
     * @param mode  type and permission bits
     * @param data  a file's content, a link's target, nothing for the rest
     * @param rdevMajor a device node's major number (0 otherwise)
     * @param rdevMinor a device node's minor number (0 otherwise)
     */
    public record Entry(String path, int mode, byte[] data, int rdevMajor, int rdevMinor) {
        public Entry {
            if (path.isEmpty() || path.startsWith("/") || path.contains("\0")) {
                throw new IllegalArgumentException("cpio path '" + path + "' (relative, not empty, no NUL)");
            }
            data = data == null ? new byte[0] : data;
        }

        public static Entry directory(String path) {
            return new Entry(path, DIRECTORY | 0755, null, 0, 0);
        }

        public static Entry file(String path, int permissions, byte[] data) {
            return new Entry(path, REGULAR | permissions, data, 0, 0);
        }

        public static Entry symlink(String path, String target) {
            return new Entry(path, SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
        }

        /** A character device node, e.g. dev/console (5, 1), which the kernel opens for init before devtmpfs exists. */
        public static Entry characterDevice(String path, int major, int minor) {
            return new Entry(path, CHARACTER | 0600, null, major, minor);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public Cpio add(Entry e) {
        entries.add(e);
        return this;
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The archive: every entry in the order added, then the trailer. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ino = 1;
        for (Entry e : entries) {
            write(out, ino++, e, (e.mode() & TYPE) == DIRECTORY ? 2 : 1);
        }
        write(out, 0, new Entry(TRAILER, 0, null, 0, 0), 1);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, int ino, Entry e, int nlink) {
        byte[] nameBytes = (e.path() + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] data = e.data();
        StringBuilder h = new StringBuilder(MAGIC);
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        for (long field : new long[] {ino, e.mode(), 0, 0, nlink, 0, data.length, 0, 0, e.rdevMajor(), e.rdevMinor(), nameBytes.length, 0}) {
            h.append(String.format(Locale.ROOT, "%08x", field));
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
