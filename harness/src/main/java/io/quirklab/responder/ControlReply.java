package io.quirklab.responder;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answers of the responder's control API (field names as on the wire, snake_case). */
public final class ControlReply {
    private ControlReply() {
    }

    /**
     * A persona as the responder serves it: enough to put it back exactly (its session table too), as bisect does
     * after composing its own. Older responders leave out the session fields (null: the catalogue's defaults);
     * {@code address6} only for a persona reached over IPv6.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PersonaView(String name, String address, String mac, String expected, String description, String ipmi,
                              List<String> quirks, @JsonProperty("max_sessions") Integer maxSessions,
                              @JsonProperty("idle_timeout") Integer idleTimeoutSeconds, String address6) {
        /** A view without the session table (a responder that does not tell it), on IPv4 only. */
        public PersonaView(String name, String address, String mac, String expected, String description, String ipmi,
                           List<String> quirks) {
            this(name, address, mac, expected, description, ipmi, quirks, null, null, null);
        }
    }

    /** The responder's counters and personas. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Status(long pid, @JsonProperty("started_millis") long startedMillis, @JsonProperty("frames_seen") long framesSeen,
                         long requests, long replies, @JsonProperty("send_errors") long sendErrors,
                         @JsonProperty("journal_entries") long journalEntries, @JsonProperty("journal_evicted") long journalEvicted,
                         long cursor, List<PersonaView> personas) {
    }

    /** One journal entry without its frame bytes (those go to the pcap). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JournalLine(long seq, long ts, String persona, ResponderJournal.Direction dir, ResponderJournal.Kind kind,
                              String peer, String probe, int len, String summary) {
        public static JournalLine of(ResponderJournal.Entry e) {
            return new JournalLine(e.seq(), e.timestampMicros(), e.persona(), e.direction(), e.kind(), e.peer(), e.probe(),
                    e.frame().length, e.summary());
        }

        public boolean rmcp(ResponderJournal.Direction d) {
            return kind == ResponderJournal.Kind.RMCP && dir == d;
        }
    }

    /**
     * A page of the journal.
     *
     * @param requestsSeen RMCP requests among the entries
     * @param repliesSent  RMCP replies among the entries
     * @param entries      the entries, oldest first
     * @param next         the cursor to ask from for the next page
     * @param more         true when the page was cut at its limit
     * @param evicted      entries the ring has dropped since the responder started (a gap when the cursor is older)
     * @param pcap         the pcap written, or null
     * @param pcapError    why the pcap could not be written, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JournalPage(@JsonProperty("requests_seen") long requestsSeen, @JsonProperty("replies_sent") long repliesSent,
                              List<JournalLine> entries, long next, boolean more, long evicted, String pcap,
                              @JsonProperty("pcap_error") String pcapError) {
        public static JournalPage of(List<ResponderJournal.Entry> entries, long cursorIfEmpty, boolean more, long evicted, String pcap,
                              String pcapError) {
            long in = entries.stream().filter(e -> e.rmcp(ResponderJournal.Direction.IN)).count();
            long out = entries.stream().filter(e -> e.rmcp(ResponderJournal.Direction.OUT)).count();
            long next = entries.isEmpty() ? cursorIfEmpty : entries.get(entries.size() - 1).seq();
            return new JournalPage(in, out, entries.stream().map(JournalLine::of).toList(), next, more, evicted, pcap, pcapError);
        }
    }

    /** A request done. */
    public record Ack(boolean ok, String message) {
    }
}
