package io.quirklab.lab.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a kernel module says about itself in its ELF {@code .modinfo} section ("key=value" strings separated by NUL):
 * its name, version and the modules it needs ({@code depends=virtio_ring,virtio}). Read from the file itself, so no
 * {@code depmod}/{@code modinfo} (kmod) is needed on the host and no {@code modules.dep} in the package.
 *
 * @param fields every key with its first value
 */
public record ModuleInfo(Map<String, String> fields) {
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;

    public ModuleInfo {
        fields = Map.copyOf(fields);
    }

    /** The module's name; the file name decides where the section has none (very old modules). */
    public String name(String fallback) {
        return fields.getOrDefault("name", fallback);
    }

    /** The modules it needs, in the order given; empty for none. */
    public List<String> depends() {
        String d = fields.getOrDefault("depends", "");
        return d.isBlank() ? List.of() : Arrays.stream(d.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(ModuleInfo::canonical).toList();
    }

    /** Module names use '_' and '-' interchangeably; the kernel stores '_'. */
    public static String canonical(String name) {
        return name.replace('-', '_');
    }

    /** Parses a little-endian ELF64 relocatable (an x86-64 .ko, uncompressed). */
    public static ModuleInfo parse(byte[] elf) throws IOException {
        if (elf.length < 64 || !Arrays.equals(Arrays.copyOf(elf, 4), ELF_MAGIC)) {
            throw new IOException("not an ELF file");
        }
        if (elf[4] != ELFCLASS64 || elf[5] != ELFDATA2LSB) {
            throw new IOException("not a little-endian 64-bit ELF file");
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3E));
        if (shentsize < 64 || shstrndx >= shnum || shoff < 0 || shoff + (long) shnum * shentsize > elf.length) {
            throw new IOException("ELF section table out of bounds");
        }
        int strOffset = sectionOffset(b, elf, shoff, shentsize, shstrndx);
        for (int i = 0; i < shnum; i++) {
            int base = (int) (shoff + (long) i * shentsize);
            int nameOffset = b.getInt(base);
            if (".modinfo".equals(cString(elf, strOffset + nameOffset))) {
                long off = b.getLong(base + 0x18);
                long size = b.getLong(base + 0x20);
                if (off < 0 || size < 0 || off + size > elf.length) {
                    throw new IOException(".modinfo out of bounds");
                }
                return new ModuleInfo(strings(elf, (int) off, (int) size));
            }
        }
        throw new IOException("no .modinfo section: not a kernel module");
    }

    private static int sectionOffset(ByteBuffer b, byte[] elf, long shoff, int shentsize, int index) throws IOException {
        int base = (int) (shoff + (long) index * shentsize);
        long off = b.getLong(base + 0x18);
        if (off < 0 || off >= elf.length) {
            throw new IOException("section name table out of bounds");
        }
        return (int) off;
    }

    private static String cString(byte[] data, int from) {
        if (from < 0 || from >= data.length) {
            return "";
        }
        int end = from;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, from, end - from, StandardCharsets.US_ASCII);
    }

    private static Map<String, String> strings(byte[] data, int off, int size) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        int start = off;
        for (int i = off; i < off + size; i++) {
            if (data[i] == 0) {
                if (i > start) {
                    all.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        for (String s : all) {
            int eq = s.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return out;
    }
}
