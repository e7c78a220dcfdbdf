package io.quirklab.lab;

import io.quirklab.matrix.OffloadState;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A run on the virtual lab: brings the lab up unless it is already up (then uses it as it is), switches the emulated
 * fault model for offload=on, and on close (or JVM shutdown) takes down what it brought up, or puts back the fault
 * model a lab that was already up had. A kill -9 is cleaned by the next {@code lab up} or {@code lab restore}.
 */
public final class VirtualLabSession implements LabSession {
    private final VirtualLab lab;
    private final FaultModel model;
    private final Teardown teardown;
    private LabState state;

    private VirtualLabSession(VirtualLab lab, FaultModel model, LabState state, boolean broughtUp, FaultModel before, LabLock hold) {
        this.lab = lab;
        this.model = model;
        this.state = state;
        this.teardown = Teardown.atExit("quirklab-lab-session-shutdown", () -> {
            try {
                if (broughtUp) {
                    lab.down();
                } else {
                    lab.fault(before);
                }
            } finally {
                hold.close(); // after the lab is as it was: the next run must not see this one's fault model
            }
        });
    }

    /**
     * Opens a session.
     *
     * @param lab      the virtual lab (state directory)
     * @param launch   how to start the responder if the lab is not up
     * @param model    the fault model that is offload=on
     * @param progress one line per step
     */
    public static VirtualLabSession open(VirtualLab lab, VirtualLab.ResponderLaunch launch, FaultModel model,
                                         Consumer<String> progress) throws IOException {
        // one run per lab: refused while another live run holds it; a dead holder's lab is restored first
        LabLock hold = LabLock.take(lab.stateDir(), progress, lab::restoreLeftoversOf);
        try {
            Optional<LabState> running = lab.readState().filter(lab::healthy);
            if (running.isPresent()) {
                progress.accept("using the virtual lab that is already up (" + running.get().personas().size() + " personas); "
                        + "it stays up afterwards");
                LabState.Fault f = running.get().faultModel();
                FaultModel before = f == null ? null : new FaultModel(f.name(), f.expression());
                return new VirtualLabSession(lab, model, running.get(), false, before, hold);
            }
            LabState s = lab.up(launch);
            return new VirtualLabSession(lab, model, s, true, null, hold);
        } catch (IOException | RuntimeException e) {
            hold.close();
            throw e;
        }
    }

    @Override
    public LabKind kind() {
        return new LabKind.Virtual();
    }

    @Override
    public synchronized LabState state() {
        return state;
    }

    @Override
    public synchronized LabState offload(OffloadState offload) throws IOException {
        state = lab.fault(offload.on() ? model : null);
        return state;
    }

    @Override
    public synchronized LabState offload(OffloadState offload, Optional<FaultModel> fault) throws IOException {
        state = lab.fault(offload.on() ? fault.orElse(model) : null);
        return state;
    }

    @Override
    public boolean scopesFault() {
        return model.scopable();
    }

    @Override
    public synchronized LabState faultOnlyFor(Collection<Inet4Address> addresses) throws IOException {
        state = lab.fault(model, addresses);
        return state;
    }

    @Override
    public String offloadDescription() {
        return "offload=on is the emulated faulty offload '" + model.name() + "' (" + model.describe() + ")";
    }

    @Override
    public RestoreJournal journal() {
        return lab.journal();
    }

    @Override
    public Optional<FaultModel> faultModel() {
        return Optional.of(model);
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }
}
