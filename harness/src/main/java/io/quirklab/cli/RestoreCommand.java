package io.quirklab.cli;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import io.quirklab.lab.HostRestore;
import io.quirklab.lab.SecondNicLab;
import io.quirklab.lab.VirtualLab;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quirklab restore}: puts back NIC offload settings a killed run left changed. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Put back whatever killed quirklab runs left changed on this host: NIC offload settings, a second-nic",
                "lab's responder, the virtual lab's links, namespace, nftables tables, processes and mounts, an agent lab's fault tables (the same as",
                "'quirklab lab restore'). What a run that is still going holds is left to it."})
public final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "The offload journal directory (default: /var/lib/quirklab, "
            + "%%ProgramData%%\\quirklab, /Library/Application Support/quirklab).")
    Path stateDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HostAdapter host = HostAdapter.detect();
        Path dir = stateDir != null ? stateDir : OffloadJournal.defaultDir(host.family());
        HostRestore.Report r = HostRestore.run(VirtualLab.defaultStateDir(), SecondNicLab.defaultStateDir(),
                dir, host, false);
        PrintWriter out = spec.commandLine().getOut();
        r.notes().forEach(l -> out.println("restore: note: " + l));
        if (r.nothing()) {
            out.println("restore: nothing to restore (no journal of a killed run on this host; offload journal: " + dir + ")");
            return 0;
        }
        r.lines().forEach(l -> out.println("restore: " + l));
        if (r.failed()) {
            out.println("restore: some things were not put back (see above); the journals keep them for the next try");
        }
        return r.failed() ? 1 : 0;
    }
}
