package io.quirklab.observe;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
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
    }

    /**
     * What one window saw.
     *
     * @param frames the persona's frames on the DUT wire, or null without a DUT capture
     * @param os     OS and NIC evidence of the flow
     */
    record Observed(DutCapture.Frames frames, OsReport os) {
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
