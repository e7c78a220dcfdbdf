package io.quirklab.lab;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Opens the lab session a lab file asks for. */
public final class LabSessions {
    private LabSessions() {
    }

    /**
     * @param file     the lab file
     * @param fault    the virtual lab's fault model for offload=on (the lab file's, or an override)
     * @param launch   how to start the responder
     * @param stateDir the lab's state directory, or null for the kind's default
     * @param progress one line per step
     */
    public static LabSession open(LabFile file, FaultModel fault, VirtualLab.ResponderLaunch launch, Path stateDir,
                                  Consumer<String> progress) throws IOException {
        if (file.agent().isPresent() && file.agent().get().container().isPresent()) {
            return ContainerLabSession.open(file, file.faultModel().isPresent() ? fault : null,
                    stateDir != null ? stateDir : ContainerLabSession.defaultStateDir(), progress);
        }
        if (file.agent().isPresent()) {
            return AgentLabSession.open(file, file.faultModel().isPresent() ? fault : null,
                    stateDir != null ? stateDir : AgentLabSession.defaultStateDir(), progress);
        }
        if (file.secondNic().isPresent()) {
            HostAdapter host = HostAdapter.detect();
            return SecondNicSession.open(new SecondNicLab(stateDir != null ? stateDir : SecondNicLab.defaultStateDir(), progress),
                    file.secondNic().get(), launch, host, OffloadJournal.defaultDir(host.family()), progress);
        }
        return VirtualLabSession.open(new VirtualLab(stateDir != null ? stateDir : VirtualLab.defaultStateDir(), progress), launch,
                fault, progress);
    }
}
