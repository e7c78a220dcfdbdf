package io.quirklab.lab;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A run on a second-nic lab: the responder on the second port, and the offload axis as the DUT NIC's real receive
 * UDP/IPv4 checksum offload, switched through the host adapter with the original value journaled on disk first. On
 * close (or JVM shutdown, or {@code quirklab restore} after a crash) the original value is put back and the
 * responder stopped.
 */
public final class SecondNicSession implements LabSession {
    private final SecondNicLab lab;
    private final LabKind.SecondNic nic;
    private final HostAdapter host;
    private final RealOffload real;
    private final LabState state;
    private final Teardown teardown;

    private SecondNicSession(SecondNicLab lab, LabKind.SecondNic nic, HostAdapter host, OffloadJournal journal, LabState state,
                             Consumer<String> progress, LabLock hold) {
        this.lab = lab;
        this.nic = nic;
        this.host = host;
        this.state = state;
        this.real = new RealOffload(host, journal, nic.dutInterface(), progress);
        // the offload journal puts the NIC back at exit by itself; the responder and the lock go here
        this.teardown = Teardown.atExit("quirklab-second-nic-session-shutdown", () -> {
            try {
                journal.close();
            } finally {
                try {
                    lab.down().forEach(l -> progress.accept("  " + l));
                } finally {
                    hold.close();
                }
            }
        });
    }

    /**
     * Opens the session: the offload journal first (it restores what dead runs left and refuses while another live
     * run holds a change), then the responder.
     */
    public static SecondNicSession open(SecondNicLab lab, LabKind.SecondNic nic, VirtualLab.ResponderLaunch launch, HostAdapter host,
                                        java.nio.file.Path journalDir, Consumer<String> progress) throws IOException {
        // one run per lab: refused while another live run holds it; a dead holder's responder is stopped first
        LabLock hold = LabLock.take(lab.stateDir(), progress, dead -> lab.down());
        OffloadJournal journal;
        try {
            journal = OffloadJournal.open(journalDir, host, progress);
        } catch (IOException | RuntimeException e) {
            hold.close();
            throw e;
        }
        try {
            progress.accept(nic.dutInterface() + " receive UDP checksum offload is " + host.rxUdp4Checksum(nic.dutInterface())
                    + " before the run");
            LabState state = lab.up(nic, launch);
            return new SecondNicSession(lab, nic, host, journal, state, progress, hold);
        } catch (IOException | RuntimeException e) {
            try {
                journal.close();
            } finally {
                hold.close();
            }
            throw e;
        }
    }

    @Override
    public LabKind kind() {
        return nic;
    }

    @Override
    public LabState state() {
        return state;
    }

    @Override
    public LabState offload(OffloadState offload) throws IOException {
        real.switchTo(offload);
        return state;
    }

    @Override
    public String offloadDescription() {
        return "offload is the receive UDP/IPv4 checksum offload of " + nic.dutInterface() + " (" + host.family() + " host adapter)";
    }

    @Override
    public RestoreJournal journal() {
        return lab.journal();
    }

    @Override
    public Optional<FaultModel> faultModel() {
        return Optional.empty();
    }

    @Override
    public List<MatrixDocument.OffloadStateChange> offloadChanges() {
        return real.changes();
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }
}
