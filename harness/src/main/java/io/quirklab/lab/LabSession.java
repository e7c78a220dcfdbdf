package io.quirklab.lab;

import java.io.IOException;
import java.util.List;

/**
 * The one lab object of a run: it owns set-up and clean-up, switches the offload axis and hands out the lab state
 * probes need. Suites share one session for the whole run; closing it undoes what it set up (and only that).
 */
public interface LabSession extends AutoCloseable {
    /** "virtual", "second-nic", ... */
    String kind();

    /** The lab as it is now (personas, DUT interface, control socket). */
    LabState state();

    /** True for "on", false for "off"; anything else is refused. */
    static boolean on(String offload) {
        if (!LabFile.OFFLOAD_STATES.contains(offload)) {
            throw new IllegalArgumentException("offload state '" + offload + "' (off, on)");
        }
        return offload.equals("on");
    }

    /** Puts the lab into one offload state ("on" or "off"); returns the state probes should use. */
    LabState offload(String state) throws IOException;

    /** What offload=on means here, for reports ("emulated fault df-clear", "ethtool -K qlab-dut rx on"). */
    String offloadDescription();

    /** The fault model name behind offload=on on a virtual lab, or null. */
    String faultModelName();

    /** The real offload switches made so far, one per state switched to (none on a virtual lab). */
    default List<io.quirklab.matrix.MatrixDocument.OffloadStateChange> offloadChanges() {
        return List.of();
    }

    /**
     * How probes reach this lab's responder (its journal, probe tags, pcaps): the lab's Unix socket by default; a
     * remote agent's HTTP API within the run's lease for an agent lab.
     */
    default io.quirklab.responder.ResponderControl control() {
        return new io.quirklab.responder.SocketControl(java.nio.file.Path.of(state().controlSocket()));
    }

    /** The lab's restore journal, for what a run adds to the host (tracefs mount, tracer process), or null. */
    default RestoreJournal journal() {
        return null;
    }

    @Override
    void close() throws IOException;
}
