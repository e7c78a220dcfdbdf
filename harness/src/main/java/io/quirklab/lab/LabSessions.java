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
     * @param file     the lab file, with the fault model that is offload=on where the kind emulates one
     * @param launch   how to start the responder (labs whose responder runs on this machine)
     * @param stateDir the lab's state directory, or null for the kind's default
     * @param progress one line per step
     */
    public static LabSession open(LabFile file, VirtualLab.ResponderLaunch launch, Path stateDir, Consumer<String> progress)
            throws IOException {
        LabKind kind = file.kind();
        if (kind instanceof LabKind.SecondNic nic) {
            HostAdapter host = HostAdapter.detect();
            return SecondNicSession.open(new SecondNicLab(stateDir != null ? stateDir : SecondNicLab.defaultStateDir(), progress), nic,
                    launch, host, OffloadJournal.defaultDir(host.family()), progress);
        }
        if (kind instanceof LabKind.Agent agent) {
            return AgentLabSession.open(file, agent, stateDir != null ? stateDir : AgentLabSession.defaultStateDir(), progress);
        }
        if (kind instanceof LabKind.Socket s) {
            return SocketLabSession.open(file, s, progress);
        }
        if (kind instanceof LabKind.Vm vm) {
            return VmLabSession.open(file, vm, launch, stateDir != null ? stateDir : VmLabSession.defaultStateDir(), progress);
        }
        if (kind instanceof LabKind.Container c) {
            return ContainerLabSession.open(file, c, stateDir != null ? stateDir : ContainerLabSession.defaultStateDir(), progress);
        }
        return VirtualLabSession.open(new VirtualLab(stateDir != null ? stateDir : VirtualLab.defaultStateDir(), progress), launch,
                file.emulatedFault().orElseThrow(), progress);
    }
}
