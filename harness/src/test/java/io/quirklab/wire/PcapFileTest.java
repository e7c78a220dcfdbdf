package io.quirklab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classic pcap files: written and read back, streamed a record at a time, and refused in words when they are not pcap. */
class PcapFileTest {
    static final int PACKETS = 1_000_000;

    @TempDir
    Path dir;

    /** A 60-byte Ethernet frame whose last four bytes carry its number. */
    static byte[] frame(int i) {
        byte[] f = new byte[60];
        ByteBuffer.wrap(f).putInt(56, i);
        f[12] = 0x08;
        return f;
    }

    @Test
    void aMillionPacketCaptureIsReadInBoundedMemory() throws Exception {
        Path big = dir.resolve("big.pcap");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(big), 1 << 16)) {
            PcapFile.Writer w = new PcapFile.Writer(out);
            for (int i = 0; i < PACKETS; i++) {
                w.write(new PcapFile.Record(1_700_000_000_000_000L + i, 60, frame(i)));
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        long peak = 0;
        long bytes = 0;
        int expected = 0;
        long t0 = System.nanoTime();
        try (PcapFile.Reader r = PcapFile.open(big)) {
            for (PcapFile.Record rec = r.next(); rec != null; rec = r.next()) {
                assertThat(ByteBuffer.wrap(rec.data()).getInt(56)).isEqualTo(expected++);
                bytes += rec.data().length;
                if (expected % 200_000 == 0) {
                    System.gc();
                    peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed() - before);
                }
            }
            assertThat(r.records()).isEqualTo(PACKETS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d packets (%d MiB of capture) streamed in %.2f s; live heap above the start at most %d KiB%n", expected,
                Files.size(big) >> 20, seconds, Math.max(0, peak) >> 10);
        assertThat(expected).isEqualTo(PACKETS);
        assertThat(bytes).isEqualTo(60L * PACKETS);
        assertThat(peak).as("the live heap while streaming (the capture is %d MiB)", Files.size(big) >> 20).isLessThan(8L << 20);
    }

    @Test
    void writtenRecordsReadBackAsWritten() throws Exception {
        Path f = dir.resolve("two.pcap");
        List<PcapFile.Record> two = List.of(new PcapFile.Record(1_000_000_123L, 60, frame(1)), new PcapFile.Record(2_000_000_456L, 1514, frame(2)));
        try (OutputStream out = Files.newOutputStream(f)) {
            PcapFile.write(out, two);
        }
        List<PcapFile.Record> back = PcapFile.read(f);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).timestampMicros()).isEqualTo(1_000_000_123L);
        assertThat(back.get(1).originalLength()).isEqualTo(1514);
        assertThat(back.get(1).data()).isEqualTo(frame(2));
    }

    /** /etc/shadow or any text: refused without a byte of it (the magic number was shown as hex before: "726f6f74", root). */
    @Test
    void aFileThatIsNotPcapIsRefusedWithoutItsBytes() throws Exception {
        Path text = Files.writeString(dir.resolve("shadow"), "root:$6$abcdefgh$0123456789abcdefABCDEF:19000:0:99999:7:::\n");
        assertThatThrownBy(() -> PcapFile.read(text)).hasMessage(text + ": not a classic pcap file (it does not start with the pcap "
                + "magic number; pcapng is not supported: editcap -F pcap converts it)");
        Path shortFile = Files.write(dir.resolve("short"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> PcapFile.read(shortFile)).hasMessageEndingWith("not a pcap file (shorter than its 24-byte header)");
        Path cut = dir.resolve("cut.pcap");
        try (OutputStream out = Files.newOutputStream(cut)) {
            PcapFile.write(out, List.of(new PcapFile.Record(1, 60, frame(1))));
        }
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), 24 + 16 + 30));
        assertThatThrownBy(() -> PcapFile.read(cut)).hasMessage(cut + ": record 1 at offset 24 claims 60 bytes; file truncated or corrupt");
        assertThatThrownBy(() -> PcapFile.read(Path.of("/dev/zero"))).hasMessage("/dev/zero: is a character device, not a capture");
    }
}
