package io.quirklab.wire;

import io.quirklab.input.InputFile;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Classic libpcap files (not pcapng), read and written in pure Java so codec tests and journals need no native
 * libpcap. Live capture and injection are a different matter and go through pcap4j. A capture a user hands in may be
 * large: {@link #open} reads it a record at a time, in memory bounded by one record, through the input gate.
 */
public final class PcapFile {
    public static final int LINKTYPE_ETHERNET = 1;
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final int HEADER = 24;
    private static final int RECORD_HEADER = 16;
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

    /** Reads every record into a list (a capture of a few thousand frames); the link type must be Ethernet. */
    public static List<Record> read(Path file) throws IOException {
        List<Record> out = new ArrayList<>();
        try (Reader r = open(file)) {
            r.forEach(out::add);
        }
        return out;
    }

    /** The capture as a stream of records, checked by the input gate (a regular file, at most a capture's cap). */
    public static Reader open(Path file) throws IOException {
        return new Reader(InputFile.open(file, InputFile.Kind.CAPTURE), file.toString());
    }

    /**
     * Records one at a time from a classic pcap stream: memory is one record, however long the capture. Errors are one
     * line naming the capture, with offsets and lengths but none of its bytes.
     */
    public static final class Reader implements AutoCloseable {
        private final InputStream in;
        private final String name;
        private final ByteOrder order;
        private final boolean nanos;
        private final byte[] head = new byte[RECORD_HEADER];
        private long offset = HEADER;
        private long records;

        /** @param name what errors call the capture (its file name) */
        public Reader(InputStream in, String name) throws IOException {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
            this.name = name;
            byte[] h = new byte[HEADER];
            int n = this.in.readNBytes(h, 0, HEADER);
            if (n < HEADER) {
                throw new IOException(name + ": not a pcap file (shorter than its 24-byte header)");
            }
            ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            int magic = b.getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                b.order(ByteOrder.BIG_ENDIAN);
                magic = b.getInt(0);
                if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                    throw new IOException(name + ": not a classic pcap file (it does not start with the pcap magic number; pcapng is not "
                            + "supported: editcap -F pcap converts it)");
                }
            }
            order = b.order();
            nanos = magic == MAGIC_NANOS;
            long linkType = b.getInt(20) & 0xFFFFFFFFL;
            if (linkType != LINKTYPE_ETHERNET) {
                throw new IOException(name + ": link type " + linkType + ", only Ethernet (1) is supported");
            }
        }

        /** The next record, or null at the end of the capture (a record header cut short at the end counts as the end). */
        public Record next() throws IOException {
            int n = in.readNBytes(head, 0, RECORD_HEADER);
            if (n < RECORD_HEADER) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(head).order(order);
            long sec = b.getInt(0) & 0xFFFFFFFFL;
            long frac = b.getInt(4) & 0xFFFFFFFFL;
            int incl = b.getInt(8);
            int orig = b.getInt(12);
            if (incl < 0 || incl > MAX_SNAPLEN) {
                throw new IOException(name + ": record " + (records + 1) + " at offset " + offset + " claims " + (incl & 0xFFFFFFFFL)
                        + " bytes; file truncated or corrupt");
            }
            byte[] data = new byte[incl];
            if (in.readNBytes(data, 0, incl) < incl) {
                throw new IOException(name + ": record " + (records + 1) + " at offset " + offset + " claims " + incl
                        + " bytes; file truncated or corrupt", new EOFException());
            }
            offset += RECORD_HEADER + incl;
            records++;
            return new Record(sec * 1_000_000 + (nanos ? frac / 1000 : frac), orig, data);
        }

        /** Hands every remaining record to {@code each}, one at a time. */
        public void forEach(Consumer<Record> each) throws IOException {
            for (Record r = next(); r != null; r = next()) {
                each.accept(r);
            }
        }

        /** Records read so far. */
        public long records() {
            return records;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Writes Ethernet frames as a microsecond-resolution pcap file that Wireshark opens. */
    public static void write(OutputStream out, List<Record> records) throws IOException {
        Writer w = new Writer(out);
        for (Record r : records) {
            w.write(r);
        }
    }

    /** Writes a capture a record at a time: the file header first, then each record as it comes. */
    public static final class Writer {
        private final OutputStream out;

        public Writer(OutputStream out) throws IOException {
            this.out = out;
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(LINKTYPE_ETHERNET);
            out.write(h.array());
        }

        public void write(Record r) throws IOException {
            ByteBuffer rh = ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);
            rh.putInt((int) (r.timestampMicros() / 1_000_000)).putInt((int) (r.timestampMicros() % 1_000_000))
                    .putInt(r.data().length).putInt(Math.max(r.originalLength(), r.data().length));
            out.write(rh.array());
            out.write(r.data());
        }
    }
}
