package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BzImageTest {
    static final byte[] XZ_STREAM = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 1, 2, 3};

    @Test
    void theSetupHeaderSaysWhereTheCompressedKernelIsAndTheAppendedSizeIsDropped() throws IOException {
        BzImage p = BzImage.payload(image(39, 716, XZ_STREAM, new byte[] {9, 9, 9, 9}));
        assertThat(p.format()).isEqualTo(BzImage.Format.XZ);
        assertThat(p.data()).containsExactly(XZ_STREAM);
        byte[] zstd = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 7};
        assertThat(BzImage.payload(image(0, 16, zstd, new byte[] {1, 2, 3, 4})).format()).isEqualTo(BzImage.Format.ZSTD);
    }

    @Test
    void whatIsNoBzImageOrPointsOutsideItIsRefusedInOneLine() {
        assertThatThrownBy(() -> BzImage.payload(new byte[0x300])).isInstanceOf(IOException.class).hasMessageContaining("no HdrS");
        byte[] img = image(39, 716, XZ_STREAM, new byte[4]);
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24C, 1 << 30);
        assertThatThrownBy(() -> BzImage.payload(img)).hasMessageContaining("outside");
        assertThatThrownBy(() -> BzImage.payload(image(39, 0, new byte[] {'L', 'Z', '4', 0, 1}, new byte[4])))
                .hasMessageContaining("format this harness does not unpack");
    }

    /** A bzImage skeleton: setup sectors, the HdrS header (protocol 2.15) and the payload where the header says. */
    static byte[] image(int setupSectors, int payloadOffset, byte[] stream, byte[] sizeAppended) {
        int sectors = setupSectors == 0 ? 4 : setupSectors;
        int start = (sectors + 1) * 512 + payloadOffset;
        int length = stream.length + sizeAppended.length;
        ByteBuffer b = ByteBuffer.allocate(start + length + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSectors).putInt(0x202, 0x53726448).putShort(0x206, (short) 0x020F);
        b.putInt(0x248, payloadOffset).putInt(0x24C, length);
        b.put(start, stream).put(start + stream.length, sizeAppended);
        return b.array();
    }
}
