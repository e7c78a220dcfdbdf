package io.quirklab.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classic libpcap files (not pcapng), read and written in pure Java so codec tests and journals need no native
 * libpcap. Live capture and injection are a different matter and go through pcap4j.
 */
public final class PcapFile {
    public static final int LINKTYPE_ETHERNET = 1;
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    /** Frames larger than this are not Ethernet frames we could have produced; treat the file as broken. */
    private static final int MAX_SNAPLEN = 262_144;

    /**
     * One captured frame.
     *
     * @param timestampMicros capture time, microseconds since 1970
     * @param originalLength  length on the wire
     * @param data            captured bytes
     */
    public record Record(long timestampMicros, int originalLength, byte[] data) {
    }

    private PcapFile() {
    }

    /** Reads every record; the link type must be Ethernet. */
    public static List<Record> read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 24) {
            throw new IOException(file + ": not a pcap file (shorter than its 24-byte header)");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                throw new IOException(file + ": not a classic pcap file (magic " + Integer.toHexString(b.getInt(0)) + "; pcapng is not supported)");
            }
        }
        boolean nanos = magic == MAGIC_NANOS;
        int linkType = b.getInt(20);
        if (linkType != LINKTYPE_ETHERNET) {
            throw new IOException(file + ": link type " + linkType + ", only Ethernet (1) is supported");
        }
        List<Record> out = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= all.length) {
            long sec = b.getInt(pos) & 0xFFFFFFFFL;
            long frac = b.getInt(pos + 4) & 0xFFFFFFFFL;
            int incl = b.getInt(pos + 8);
            int orig = b.getInt(pos + 12);
            if (incl < 0 || incl > MAX_SNAPLEN || pos + 16 + incl > all.length) {
                throw new IOException(file + ": record at offset " + pos + " claims " + incl + " bytes; file truncated or corrupt");
            }
            byte[] data = new byte[incl];
            System.arraycopy(all, pos + 16, data, 0, incl);
            out.add(new Record(sec * 1_000_000 + (nanos ? frac / 1000 : frac), orig, data));
            pos += 16 + incl;
        }
        return out;
    }

    /** Writes Ethernet frames as a microsecond-resolution pcap file that Wireshark opens. */
    public static void write(OutputStream out, List<Record> records) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(LINKTYPE_ETHERNET);
        out.write(h.array());
        for (Record r : records) {
            ByteBuffer rh = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            rh.putInt((int) (r.timestampMicros() / 1_000_000)).putInt((int) (r.timestampMicros() % 1_000_000))
                    .putInt(r.data().length).putInt(Math.max(r.originalLength(), r.data().length));
            out.write(rh.array());
            out.write(r.data());
        }
    }
}
