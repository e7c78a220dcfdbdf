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
                "second-nic lab's responder a killed run left behind.",
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
        if (java.nio.file.Files.exists(nicState.resolve("restore-journal.jsonl"))
                || java.nio.file.Files.exists(nicState.resolve(io.quirklab.lab.LabLock.FILE))) {
            io.quirklab.lab.SecondNicLab nic = new io.quirklab.lab.SecondNicLab(nicState, l -> System.out.println("restore: " + l));
            try (var hold = io.quirklab.lab.LabLock.take(nicState, l -> System.out.println("restore: " + l), List::of)) {
                nic.down().forEach(l -> System.out.println("restore: second-nic lab: " + l));
            } catch (io.quirklab.lab.LabLock.Busy busy) {
                System.out.println("restore: the second-nic lab's run is still going (" + busy.holder().describe()
                        + "); its responder is left to it");
            }
        }
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
