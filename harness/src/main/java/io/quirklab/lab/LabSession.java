package io.quirklab.lab;

import io.quirklab.client.ClientKind;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.DutObservers;
import io.quirklab.process.CommandRunner;
import java.util.function.Consumer;
import io.quirklab.matrix.OffloadState;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.SocketControl;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.Collection;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The one lab object of a run: it owns set-up and clean-up, switches the offload axis and hands out the lab state
 * probes need. Suites share one session for the whole run; closing it undoes what it set up (and only that).
 */
public interface LabSession extends AutoCloseable {
    /** The lab's kind, as its lab file gave it. */
    LabKind kind();

    /** The lab as it is now (personas, DUT interface, control socket). */
    LabState state();

    /** Puts the lab into one offload state; returns the state probes should use. */
    LabState offload(OffloadState state) throws IOException;

    /**
     * Puts the lab into one offload state with one fault model of several for offload=on (a lab file's fault-models);
     * empty: the session's own. Only a lab that switches emulated fault models can take another one.
     */
    default LabState offload(OffloadState state, Optional<FaultModel> fault) throws IOException {
        if (fault.isPresent() && !fault.equals(faultModel())) {
            throw new IOException("a " + kind().id() + " lab cannot switch between emulated fault models (asked for " + fault.get().name()
                    + ")");
        }
        return offload(state);
    }

    /**
     * Whether the lab can put its fault model on for replies from some addresses only ({@link #faultOnlyFor}), so that a
     * run's offload=off and offload=on cells run at once, each state on persona instances of its own: an emulated fault
     * the model of which can be limited so (the virtual lab's), not a real NIC's offload, which is the whole interface's.
     */
    default boolean scopesFault() {
        return false;
    }

    /**
     * Puts the lab's fault model on for replies from {@code addresses} only (the offload=on cells' instances); the other
     * addresses are offload=off. Only where {@link #scopesFault()}.
     */
    default LabState faultOnlyFor(Collection<Inet4Address> addresses) throws IOException {
        throw new IOException("a " + kind().id() + " lab cannot limit its offload state to some addresses");
    }

    /** What offload=on means here, for reports ("emulated fault df-clear", "ethtool -K qlab-dut rx on"). */
    String offloadDescription();

    /** The emulated fault model that is offload=on, or empty where offload=on is a real NIC setting. */
    Optional<FaultModel> faultModel();

    /** The real offload switches made so far, one per state switched to (none on a virtual lab). */
    default List<MatrixDocument.OffloadStateChange> offloadChanges() {
        return List.of();
    }

    /**
     * How probes reach this lab's responder (its journal, probe tags, pcaps): the lab's Unix socket by default; a
     * remote agent's HTTP API within the run's lease for an agent lab.
     */
    default ResponderControl control() {
        return new SocketControl(Path.of(state().controlSocket()));
    }

    /** Why a client cannot run against this lab (e.g. a tool that only speaks port 623), or empty when it can. */
    default Optional<String> unsupported(ClientKind client) {
        return Optional.empty();
    }

    /**
     * Where this lab's clients run: empty for this machine (a lab whose machine under test is a guest runs them there).
     */
    default Optional<CommandRunner> clientRunner() {
        return Optional.empty();
    }

    /** The machine under test's environment when it is not this host (a guest): empty for this host's DUT interface. */
    default Optional<MatrixDocument.Environment> environment() throws IOException {
        return Optional.empty();
    }

    /**
     * The lab's own observers when this host's (its DUT capture, the kfree_skb tracer) do not watch the machine under
     * test: empty for those.
     */
    default Optional<DutObservers> observers(Consumer<String> progress) {
        return Optional.empty();
    }

    /** The lab's restore journal, for what a run adds to the host (tracefs mount, tracer process), or null. */
    default RestoreJournal journal() {
        return null;
    }

    @Override
    void close() throws IOException;
}
