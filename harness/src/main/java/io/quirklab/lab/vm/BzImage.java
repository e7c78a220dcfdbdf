package io.quirklab.lab.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The compressed kernel inside an x86 bzImage (Documentation/arch/x86/boot.rst): the setup header's
 * {@code payload_offset} and {@code payload_length} say where it is. Unpacked once into the cache, the ELF vmlinux
 * boots through its PVH entry without decompressing itself, which under software emulation (TCG) saves most of the
 * boot: measured here 11-14 s instead of 28-35 s to a ready 6.1 guest on a busy host.
 *
 * @param format how the payload is compressed
 * @param data   the compressed kernel, without the 4-byte size the kernel build appends
 */
public record BzImage(Format format, byte[] data) {
    private static final int HEADER_MAGIC = 0x53726448; // "HdrS"
    private static final int MIN_PROTOCOL = 0x0208;     // the first with payload_offset/payload_length

    /** The compressions Debian kernels use (6.1: xz, 6.12: zstd), and gzip. */
    public enum Format {
        XZ(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, "xz"),
        ZSTD(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, "zst"),
        GZIP(new byte[] {0x1F, (byte) 0x8B}, "gz");

        private final byte[] magic;
        private final String suffix;

        Format(byte[] magic, String suffix) {
            this.magic = magic;
            this.suffix = suffix;
        }

        /** The file name suffix its tool expects ("xz", "zst", "gz"). */
        public String suffix() {
            return suffix;
        }
    }

    /** The payload of {@code image}, or one line saying why it is none. */
    public static BzImage payload(byte[] image) throws IOException {
        if (image.length < 0x250) {
            throw new IOException("not a bzImage: " + image.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0x202) != HEADER_MAGIC) {
            throw new IOException("not a bzImage: no HdrS setup header");
        }
        int protocol = Short.toUnsignedInt(b.getShort(0x206));
        if (protocol < MIN_PROTOCOL) {
            throw new IOException("boot protocol " + Integer.toHexString(protocol) + " has no payload fields (2.08 or newer needed)");
        }
        int setupSectors = image[0x1F1] == 0 ? 4 : Byte.toUnsignedInt(image[0x1F1]);
        long start = (setupSectors + 1L) * 512 + Integer.toUnsignedLong(b.getInt(0x248));
        long length = Integer.toUnsignedLong(b.getInt(0x24C));
        if (length <= 4 || start + length > image.length) {
            throw new IOException("bzImage payload at " + start + " (+" + length + ") lies outside the " + image.length + "-byte file");
        }
        byte[] payload = Arrays.copyOfRange(image, (int) start, (int) (start + length));
        for (Format f : Format.values()) {
            if (payload.length > f.magic.length && Arrays.equals(Arrays.copyOf(payload, f.magic.length), f.magic)) {
                return new BzImage(f, f == Format.GZIP ? payload : Arrays.copyOf(payload, payload.length - 4));
            }
        }
        throw new IOException("bzImage payload compressed in a format this harness does not unpack (magic "
                + String.format("%02x%02x%02x%02x", payload[0], payload[1], payload[2], payload[3]) + ")");
    }
}
