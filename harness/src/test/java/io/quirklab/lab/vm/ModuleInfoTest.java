package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModuleInfoTest {
    @Test
    void dependsAndVersionComeFromTheModinfoSection() throws IOException {
        ModuleInfo m = ModuleInfo.parse(module("version=1.7.0.0-k\0license=GPL v2\0depends=virtio_ring,net-failover\0name=vmxnet3\0"));
        assertThat(m.depends()).containsExactly("virtio_ring", "net_failover");
        assertThat(m.fields()).containsEntry("version", "1.7.0.0-k");
        assertThat(m.name("file")).isEqualTo("vmxnet3");
    }

    @Test
    void anEmptyDependsMeansNone() throws IOException {
        assertThat(ModuleInfo.parse(module("depends=\0name=e1000e\0")).depends()).isEmpty();
    }

    @Test
    void whatIsNotAnX8664ModuleIsRefusedInOneLine() {
        assertThatThrownBy(() -> ModuleInfo.parse("#!/bin/sh\n".repeat(10).getBytes())).hasMessage("not an ELF file");
        byte[] renamed = elf(".notinfo", "depends=\0");
        assertThatThrownBy(() -> ModuleInfo.parse(renamed)).hasMessageContaining("no .modinfo section");
        byte[] truncated = java.util.Arrays.copyOf(module("depends=\0"), 80);
        assertThatThrownBy(() -> ModuleInfo.parse(truncated)).hasMessageContaining("out of bounds");
    }

    static byte[] module(String modinfo) {
        return elf(".modinfo", modinfo);
    }

    /** A minimal little-endian ELF64 relocatable: a null section, one named section with {@code content}, .shstrtab. */
    static byte[] elf(String sectionName, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        byte[] names = ("\0" + sectionName + "\0.shstrtab\0").getBytes(StandardCharsets.US_ASCII);
        int dataOff = 64;
        int namesOff = dataOff + data.length;
        int shoff = (namesOff + names.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(shoff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 1).putShort(18, (short) 62).putInt(20, 1);
        b.putLong(0x28, shoff).putShort(0x34, (short) 64).putShort(0x3A, (short) 64).putShort(0x3C, (short) 3).putShort(0x3E, (short) 2);
        b.put(dataOff, data).put(namesOff, names);
        section(b, shoff + 64, 1, 1, dataOff, data.length);
        section(b, shoff + 128, 2 + sectionName.length(), 3, namesOff, names.length);
        return b.array();
    }

    private static void section(ByteBuffer b, int at, int name, int type, long offset, long size) {
        b.putInt(at, name).putInt(at + 4, type).putLong(at + 0x18, offset).putLong(at + 0x20, size);
    }
}
