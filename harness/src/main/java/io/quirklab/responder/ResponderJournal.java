package io.quirklab.responder;

import io.quirklab.wire.PcapFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every request frame the responder saw and every reply frame it sent, with timestamps and the persona, bounded in
 * memory (oldest entries go first) and exportable as a pcap for any time window.
 */
public final class ResponderJournal {
    public enum Direction { IN, OUT }

    /**
     * @param seq             running number
     * @param timestampMicros capture time (IN) or injection time (OUT), microseconds since 1970
     * @param persona         the persona the frame was for or from
     * @param direction       IN = request seen, OUT = reply sent
     * @param kind            "rmcp", "arp", "icmp"
     * @param frame           the whole Ethernet frame
     * @param summary         one line
     */
    public record Entry(long seq, long timestampMicros, String persona, Direction direction, String kind, byte[] frame,
                        String summary) {
    }

    private final int maxEntries;
    private final long maxBytes;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    private long seq;
    private long evicted;

    public ResponderJournal(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    public synchronized Entry add(long timestampMicros, String persona, Direction direction, String kind, byte[] frame, String summary) {
        Entry e = new Entry(++seq, timestampMicros, persona, direction, kind, frame, summary);
        entries.addLast(e);
        bytes += frame.length;
        while (entries.size() > maxEntries || bytes > maxBytes) {
            bytes -= entries.removeFirst().frame().length;
            evicted++;
        }
        return e;
    }

    /** Entries with from <= timestamp <= to, for one persona or all (persona null). */
    public synchronized List<Entry> window(long fromMicros, long toMicros, String persona) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.timestampMicros() >= fromMicros && e.timestampMicros() <= toMicros && (persona == null || persona.equals(e.persona()))) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long evicted() {
        return evicted;
    }

    public synchronized long totalSeen() {
        return seq;
    }

    public static void writePcap(Path file, List<Entry> entries) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            PcapFile.write(out, entries.stream().map(e -> new PcapFile.Record(e.timestampMicros(), e.frame().length, e.frame())).toList());
        }
    }
}
