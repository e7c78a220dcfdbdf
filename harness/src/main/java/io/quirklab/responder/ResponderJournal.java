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
import java.util.function.Predicate;

/**
 * Every request frame the responder saw and every reply frame it sent, with timestamps, the persona, the peer and the
 * probe that was running for that persona, bounded in memory (a ring: the oldest entries go first) and exportable as a
 * pcap. Readers ask by probe id or by cursor ({@link Entry#seq}), never by wall-clock window: clocks of two hosts (an
 * agent) need not agree, and a window of one persona catches another's frames in a parallel run.
 */
public final class ResponderJournal {
    public enum Direction { IN, OUT }

    /** The kinds of frame the responder handles. */
    public enum Kind { RMCP, ARP, ICMP, NDP }

    /**
     * @param seq             running number (the cursor)
     * @param timestampMicros capture time (IN) or injection time (OUT), microseconds since 1970
     * @param persona         the persona the frame was for or from
     * @param direction       IN = request seen, OUT = reply sent
     * @param kind            what the frame is
     * @param peer            the other end, "198.18.0.1:40123" (UDP), "198.18.0.1" (ARP, ICMP)
     * @param probe           the probe running for this persona when the frame was handled, or null
     * @param frame           the whole Ethernet frame
     * @param summary         one line
     */
    public record Entry(long seq, long timestampMicros, String persona, Direction direction, Kind kind, String peer, String probe,
                        byte[] frame, String summary) {
        public boolean rmcp(Direction d) {
            return kind == Kind.RMCP && direction == d;
        }
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

    public synchronized Entry add(long timestampMicros, String persona, Direction direction, Kind kind, String peer, String probe,
                                  byte[] frame, String summary) {
        Entry e = new Entry(++seq, timestampMicros, persona, direction, kind, peer, probe, frame, summary);
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
        return select(e -> e.timestampMicros() >= fromMicros && e.timestampMicros() <= toMicros
                && (persona == null || persona.equals(e.persona())), Integer.MAX_VALUE);
    }

    /** Every entry of one probe, in order. */
    public synchronized List<Entry> probe(String probe) {
        return select(e -> probe.equals(e.probe()), Integer.MAX_VALUE);
    }

    /** Every entry of one probe whose persona passes {@code persona} (an agent's runs see only their own). */
    public synchronized List<Entry> probe(String probe, Predicate<String> persona) {
        return select(e -> probe.equals(e.probe()) && persona.test(e.persona()), Integer.MAX_VALUE);
    }

    /** At most {@code limit} entries after cursor {@code since} (exclusive) whose persona passes {@code persona}. */
    public synchronized List<Entry> since(long since, Predicate<String> persona, int limit) {
        return select(e -> e.seq() > since && persona.test(e.persona()), limit);
    }

    /** At most {@code limit} entries after cursor {@code since} (exclusive), for one persona or all. */
    public synchronized List<Entry> since(long since, String persona, int limit) {
        return select(e -> e.seq() > since && (persona == null || persona.equals(e.persona())), limit);
    }

    private List<Entry> select(Predicate<Entry> p, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (p.test(e)) {
                out.add(e);
                if (out.size() >= limit) {
                    break;
                }
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

    /** The newest cursor: {@link #since} with it returns only what comes after now. */
    public synchronized long cursor() {
        return seq;
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
