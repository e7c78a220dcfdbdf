package io.quirklab.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text form of a Windows Packet Monitor log ({@code pktmon etl2txt RUN.etl --out RUN.txt --verbose 2}, newer
 * builds {@code pktmon format}), or what {@code pktmon start --etw --log-mode real-time} printed on a console: the
 * drops, each with its reason, component and the dropped packet's flow, and the component table at the end of a
 * log. The lines are read by {@link PktmonStream}, the reader a live run uses, in any UI language.
 *
 * <p>An event line that could not be read (a console cut it short) is counted in {@link #coverage}, never taken as
 * "no drop": a drop cut before its reason is a drop with reason {@link VerdictRules#UNKNOWN} that says so. Decode
 * the file with {@link io.quirklab.process.CommandRunner#decode}: pktmon writes UTF-16LE.
 *
 * @param drops      one entry per drop event, with the dropped packet's flow when the log shows it
 * @param components component id -> "description (file)" from the table at the end of the log
 * @param coverage   the lines read, and the event lines that could not be read
 */
public record PktmonLog(List<OsReport.Drop> drops, Map<String, String> components, Coverage coverage) {
    public PktmonLog {
        drops = List.copyOf(drops);
        components = Collections.unmodifiableMap(new TreeMap<>(components));
    }

    /** A log without a word on its coverage (made in code). */
    public PktmonLog(List<OsReport.Drop> drops, Map<String, String> components) {
        this(drops, components, Coverage.none());
    }

    /** Parses the text of a PktMon log; never throws. */
    public static PktmonLog parse(String text) {
        return read(List.of(text.split("\\R", -1)));
    }

    /** Reads the lines of a PktMon log or real-time console; never throws. */
    public static PktmonLog read(List<String> lines) {
        PktmonStream stream = new PktmonStream();
        Coverage.Builder coverage = new Coverage.Builder();
        List<PktmonStream.Drop> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String s = line.strip();
            if (PktmonStream.isEventLine(s) || PktmonStream.isPacketLine(s)) {
                coverage.read(i);
            }
            collect(stream.accept(line), found, coverage);
        }
        collect(stream.finish(), found, coverage);
        List<OsReport.Drop> drops = found.stream().map(stream::evidence).toList(); // the table comes last: name them at the end
        return new PktmonLog(drops, stream.components(), coverage.build());
    }

    private static void collect(List<PktmonStream.Event> events, List<PktmonStream.Drop> drops, Coverage.Builder coverage) {
        for (PktmonStream.Event e : events) {
            if (e instanceof PktmonStream.Drop d) {
                drops.add(d);
                if (d.unreadable() != null) {
                    coverage.unread(d.line() - 1, "drop event: " + d.unreadable());
                }
            } else if (e instanceof PktmonStream.Unreadable u) {
                coverage.unread(u.line() - 1, "event line: " + u.why());
            }
        }
    }

    /**
     * Our reason token for PktMon's words: "INET: checksum is invalid" on a UDP packet is UDP_CSUM (the seed),
     * "transport endpoint was not found" is NO_PORT; anything else keeps PktMon's words as PKTMON_WORDS.
     *
     * @param reason   the DropReason text
     * @param protocol the dropped packet's protocol ("UDP"), or null when the log did not show the packet
     */
    public static String token(String reason, String protocol) {
        return ReasonWords.token(reason, protocol, false, "PKTMON");
    }

    /** The drops whose packet belongs to {@code flow}. */
    public List<OsReport.Drop> dropsOf(OsReport.Flow flow) {
        return drops.stream().filter(d -> flow.matches(d.packet())).toList();
    }

    /** The event lines that could not be read (cut short, or a drop without its reason). */
    public int unreadEvents() {
        return coverage.unread();
    }
}
