package io.quirklab.lab;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadChange;
import io.quirklab.host.OffloadJournal;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The offload axis as the DUT NIC's real receive UDP/IPv4 checksum offload (second-nic and agent labs): each switch
 * goes through the host adapter with the original value journaled first, is kept for {@code matrix.json}, and is
 * refused when the read-back value is not the one asked for.
 */
final class RealOffload {
    private final HostAdapter host;
    private final OffloadJournal journal;
    private final String iface;
    private final Consumer<String> progress;
    private final List<MatrixDocument.OffloadStateChange> changes = new ArrayList<>();

    RealOffload(HostAdapter host, OffloadJournal journal, String iface, Consumer<String> progress) {
        this.host = host;
        this.journal = journal;
        this.iface = iface;
        this.progress = progress;
    }

    /** Switches to the setting of {@code offload}. */
    synchronized void switchTo(OffloadState offload) throws IOException {
        OffloadChange c = host.setRxUdp4Checksum(iface, offload.on(), journal);
        changes.add(new MatrixDocument.OffloadStateChange(offload, c.iface(), c.setting(), c.from(), c.to(), c.now(), c.verified(),
                c.linkWaitMs(), c.sideEffects(), c.describe()));
        if (!c.verified()) {
            throw new IOException(c.describe() + ": the cells of offload=" + offload + " would not test what they say");
        }
        progress.accept(c.describe());
    }

    synchronized List<MatrixDocument.OffloadStateChange> changes() {
        return List.copyOf(changes);
    }
}
