package io.quirklab.observe;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The DUT-side observers of a whole run (observation points 2b and 3): the DUT capture and the OS's drop evidence,
 * started once and handed out per probe. {@link #perFlow} says whether every decisive source attributes what it saw
 * to one flow; only then may probes of different personas overlap.
 */
public interface DutObservers extends AutoCloseable {
    /** True when the capture and every decisive OS source are attributed per flow (cells may run in parallel). */
    boolean perFlow();

    /** One line for the run's header: which sources, and why a run is serial. */
    String describe();

    /** Starts observing one probe of the persona at {@code persona}; OS evidence files go to {@code evidenceDir}. */
    Window open(Inet4Address persona, Path evidenceDir);

    /**
     * The same for a persona of either IP version; observers that know IPv6 override it, the others observe an IPv6
     * persona's flow as none (no frames, no OS evidence), said in the OS report's sources.
     */
    default Window open(InetAddress persona, Path evidenceDir) {
        if (persona instanceof Inet4Address v4) {
            return open(v4, evidenceDir);
        }
        return ports -> new Observed(null, OsReport.none());
    }

    /** One probe's observation window. */
    interface Window {
        /**
         * Ends the window and returns what was seen of the persona's flow.
         *
         * @param dutPorts the DUT-side UDP ports of the probe's requests, from the responder journal (empty: any)
         */
        Observed close(Set<Integer> dutPorts);

        /**
         * Waits (at most {@code max}) until the persona's replies that reached the DUT interface so far were all dropped
         * in the stack, each drop seen for this flow, at least one. Empty when that did not happen in time, the waiting
         * thread was interrupted, or this window cannot see drops per packet (then nothing is ever decided early).
         */
        default Optional<Dropped> awaitDropped(Duration max) {
            return Optional.empty();
        }

        /**
         * The same, where {@code held} also counts replies the stack holds for a reassembly that cannot happen
         * ({@link HeldFragments}) as decided: asked for a persona whose every reply is a lone fragment.
         */
        default Optional<Dropped> awaitDropped(Duration max, boolean held) {
            return awaitDropped(max);
        }
    }

    /**
     * Every reply of a flow so far dropped in the stack.
     *
     * @param replies        replies of the persona on the DUT wire since the window opened
     * @param drops          drops of the persona's packets seen since then
     * @param reason         the first drop's reason (kfree_skb's, PktMon's)
     * @param source         the source that saw them ({@link OsReport#KFREE_SKB}, {@link OsReport#PKTMON})
     * @param firstDropNanos when the first was dropped (System.nanoTime's clock)
     * @param held           the replies are fragments held for a reassembly that cannot happen ({@link HeldFragments}), not
     *                       dropped yet: {@code reason} says so, {@code firstDropNanos} is when the first arrived
     */
    record Dropped(long replies, long drops, String reason, String source, long firstDropNanos, boolean held) {
        public Dropped(long replies, long drops, String reason, String source, long firstDropNanos) {
            this(replies, drops, reason, source, firstDropNanos, false);
        }
    }

    /**
     * What one window saw.
     *
     * @param frames         the persona's frames on the DUT wire, or null without a DUT capture
     * @param os             OS and NIC evidence of the flow
     * @param firstDropNanos when the flow's first packet was dropped (seen per packet; System.nanoTime's clock), or -1
     */
    record Observed(DutCapture.Frames frames, OsReport os, long firstDropNanos) {
        public Observed(DutCapture.Frames frames, OsReport os) {
            this(frames, os, -1);
        }
    }

    @Override
    void close();

    /**
     * No observers at all (a socket lab: the kernel builds and checks every datagram, there is no packet path of the
     * persona's own to watch): verdicts come from the client and the BMC's journal.
     */
    static DutObservers none() {
        return new DutObservers() {
            @Override
            public boolean perFlow() {
                return true;
            }

            @Override
            public String describe() {
                return "the client and the simulated BMC only (no packet path to observe on loopback sockets)";
            }

            @Override
            public Window open(Inet4Address persona, Path evidenceDir) {
                return ports -> new Observed(null, OsReport.none());
            }

            @Override
            public void close() {
            }
        };
    }
}
