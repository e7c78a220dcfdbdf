package io.quirklab.observe;

import io.quirklab.wire.FrameTap;
import io.quirklab.wire.ParsedFrame;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replies the stack holds and can never hand to a socket: IPv4 fragments of a datagram whose other pieces did not reach
 * the DUT interface (RFC 791: a datagram is delivered once every piece from offset 0 to the one with MF clear is there).
 * The stack keeps them until its reassembly timeout (30 s on Linux) and drops them then, long after any client gave
 * up; nothing is dropped, so no drop is seen, but their fate is as decided as a dropped reply's once the pieces that
 * were sent together have had time to arrive.
 */
public final class HeldFragments {
    private HeldFragments() {
    }

    /**
     * What the persona's frames say.
     *
     * @param replies  UDP replies of the persona (IPv4 and IPv6, fragments included: every frame {@link WireReply} reads)
     * @param held     of those, IPv4 fragments of a datagram that cannot be completed from the frames, whose newest piece
     *                 arrived before {@code settledMicros}
     * @param oldestMicros when the oldest held piece arrived, or -1
     */
    public record Seen(int replies, int held, long oldestMicros) {
        /** Every reply is held (and there is one). */
        public boolean allHeld() {
            return replies > 0 && held == replies;
        }
    }

    /**
     * Reads the persona's frames.
     *
     * @param frames        frames of the window, any order
     * @param persona       the persona's address
     * @param settledMicros a datagram whose newest piece came later is not counted as held: its other pieces, sent with it, may
     *                      still be on their way
     */
    public static Seen of(List<FrameTap.Captured> frames, InetAddress persona, long settledMicros) {
        int replies = 0;
        Map<Integer, List<Piece>> byId = new LinkedHashMap<>();
        for (FrameTap.Captured c : frames) {
            if (WireReply.of(c, persona).isEmpty()) {
                continue;
            }
            replies++;
            Optional<ParsedFrame.Ipv4> ip = ParsedFrame.parse(c.data()).flatMap(ParsedFrame::ipv4);
            if (ip.isPresent() && ip.get().isFragment()) {
                ParsedFrame.Ipv4 v = ip.get();
                byId.computeIfAbsent(v.id(), k -> new ArrayList<>()).add(new Piece(v.fragmentOffset() * 8,
                        v.totalLength() - v.headerLength(), v.moreFragments(), c.timestampMicros()));
            }
        }
        int held = 0;
        long oldest = -1;
        for (List<Piece> pieces : byId.values()) {
            long newest = pieces.stream().mapToLong(Piece::atMicros).max().orElse(Long.MAX_VALUE);
            if (complete(pieces) || newest >= settledMicros) {
                continue;
            }
            held += pieces.size();
            long first = pieces.stream().mapToLong(Piece::atMicros).min().orElse(-1);
            oldest = oldest < 0 ? first : Math.min(oldest, first);
        }
        return new Seen(replies, held, oldest);
    }

    private record Piece(int start, int length, boolean more, long atMicros) {
    }

    /** Whether the pieces cover the datagram from offset 0 to a last piece (MF clear) without a gap. */
    static boolean complete(List<Piece> pieces) {
        List<Piece> sorted = new ArrayList<>(pieces);
        sorted.sort(java.util.Comparator.comparingInt(Piece::start));
        int covered = 0;
        for (Piece p : sorted) {
            if (p.start() > covered) {
                return false;
            }
            covered = Math.max(covered, p.start() + Math.max(0, p.length()));
            if (!p.more() && covered >= p.start() + p.length()) {
                return true;
            }
        }
        return false;
    }
}
