package io.quirklab.lab;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * A run on a second-nic lab: the responder on the second port, and the offload axis as the DUT NIC's real receive
 * UDP/IPv4 checksum offload, switched through the host adapter with the original value journaled on disk first. On
 * close (or JVM shutdown, or {@code quirklab restore} after a crash) the original value is put back and the
 * responder stopped.
 */
public final class SecondNicSession implements LabSession {
    private final SecondNicLab lab;
    private final LabFile.SecondNic nic;
    private final HostAdapter host;
    private final OffloadJournal journal;
    private final Consumer<String> progress;
    private final RealOffload real;
    private final LabState state;
    private final LabLock hold;
    private boolean closed;

    private SecondNicSession(SecondNicLab lab, LabFile.SecondNic nic, HostAdapter host, OffloadJournal journal, LabState state,
                             Consumer<String> progress, LabLock hold) {
        this.lab = lab;
        this.hold = hold;
        this.nic = nic;
        this.host = host;
        this.journal = journal;
        this.state = state;
        this.progress = progress;
        this.real = new RealOffload(host, journal, nic.dutInterface(), progress);
    }

    /**
     * Opens the session: the offload journal first (it restores what dead runs left and refuses while another live
     * run holds a change), then the responder.
     */
    public static SecondNicSession open(SecondNicLab lab, LabFile.SecondNic nic, VirtualLab.ResponderLaunch launch, HostAdapter host,
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
    public String kind() {
        return "second-nic";
    }

    @Override
    public LabState state() {
        return state;
    }

    @Override
    public LabState offload(String offload) throws IOException {
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
    public String faultModelName() {
        return null;
    }

    @Override
    public List<io.quirklab.matrix.MatrixDocument.OffloadStateChange> offloadChanges() {
        return real.changes();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            journal.close();
        } finally {
            try {
                lab.down().forEach(l -> progress.accept("  " + l));
            } finally {
                hold.close();
            }
        }
    }
}
