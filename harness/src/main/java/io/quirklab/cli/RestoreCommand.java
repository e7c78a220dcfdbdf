package io.quirklab.cli;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quirklab restore}: puts back NIC offload settings a killed run left changed. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore every NIC offload setting a quirklab run changed and did not put back (it was killed).",
                "Reads the offload restore journal; settings of a run that is still going are left to it. Also stops a",
                "second-nic lab's responder and an agent lab's fault tables a killed run left behind.",
                "The virtual lab's leftovers (links, namespace, nftables) are 'quirklab lab restore'."})
public final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "The offload journal directory (default: /var/lib/quirklab, "
            + "%ProgramData%\\quirklab, /Library/Application Support/quirklab).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        HostAdapter host = HostAdapter.detect();
        Path dir = stateDir != null ? stateDir : OffloadJournal.defaultDir(host.family());
        List<OffloadJournal.Outcome> outcomes = OffloadJournal.restoreLeftovers(dir, host);
        java.nio.file.Path nicState = io.quirklab.lab.SecondNicLab.defaultStateDir();
        if (java.nio.file.Files.exists(nicState.resolve("restore-journal.jsonl"))) {
            io.quirklab.lab.SecondNicLab nic = new io.quirklab.lab.SecondNicLab(nicState, l -> System.out.println("restore: " + l));
            if (nic.ownerAlive()) {
                System.out.println("restore: the second-nic lab's run is still going; its responder is left to it");
            } else {
                nic.down().forEach(l -> System.out.println("restore: second-nic lab: " + l));
            }
        }
        // agent-lab runs of this host that died: their fault tables (the lease on the agent expires by itself)
        io.quirklab.lab.AgentLabSession.sweep(io.quirklab.lab.AgentLabSession.defaultStateDir(), l -> System.out.println("restore: " + l));
        if (outcomes.isEmpty()) {
            System.out.println("restore: nothing to restore (" + dir + " holds no offload change)");
            return 0;
        }
        outcomes.forEach(o -> System.out.println("restore: " + o.describe()));
        boolean failed = outcomes.stream().anyMatch(o -> !o.restored());
        if (failed) {
            System.out.println("restore: some settings were not restored (see above); the journal keeps them for the next try");
        }
        return failed ? 1 : 0;
    }
}
