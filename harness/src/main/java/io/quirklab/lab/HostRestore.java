package io.quirklab.lab;

import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts back what killed quirklab runs left changed on this host, whatever it was: the virtual lab's links, namespace,
 * nftables tables, processes, files and mounts, a second-nic lab's responder, a vm lab's guest (QEMU, namespace, tap,
 * files, kernel cache lock), and NIC offload settings. The one
 * entry point of {@code quirklab lab restore} and {@code quirklab restore}; what a live run still holds is left to it.
 */
public final class HostRestore {
    private HostRestore() {
    }

    /**
     * What a restore did.
     *
     * @param lines  one line per thing removed, put back, left to its owner or not removable
     * @param notes  what was left alone and why (a lab that is up)
     * @param failed true when something could not be put back (the journals keep it for the next try)
     */
    public record Report(List<String> lines, List<String> notes, boolean failed) {
        public boolean nothing() {
            return lines.isEmpty();
        }
    }

    /**
     * @param virtualState   the virtual lab's state directory
     * @param secondNicState the second-nic lab's state directory
     * @param offloadDir     the offload journal's directory
     * @param includeHealthyLab also take down a virtual lab that is up and answering ({@code lab restore}); otherwise only
     *                       the leftovers of one whose responder died
     */
    public static Report run(Path virtualState, Path secondNicState, Path offloadDir, HostAdapter host, boolean includeHealthyLab)
            throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean failed = false;
        if (virtualState != null && Files.isDirectory(virtualState)) {
            VirtualLab lab = new VirtualLab(virtualState, x -> { });
            if (!includeHealthyLab && lab.readState().filter(lab::healthy).isPresent()) {
                notes.add("the virtual lab in " + virtualState + " is up and answering: left as it is ('quirklab lab down' takes it down)");
            } else {
                for (String l : lab.restore()) {
                    lines.add(l);
                    failed |= l.startsWith("could not");
                }
            }
        }
        if (Files.exists(secondNicState.resolve("restore-journal.jsonl")) || Files.exists(secondNicState.resolve(LabLock.FILE))) {
            SecondNicLab nic = new SecondNicLab(secondNicState, x -> { });
            try (LabLock hold = LabLock.take(secondNicState, notes::add, dead -> List.of())) {
                for (String l : nic.down()) {
                    lines.add("second-nic lab: " + l);
                    failed |= l.startsWith("could not");
                }
            } catch (LabLock.Busy busy) {
                notes.add("the second-nic lab's run is still going (" + busy.holder().describe() + "); its responder is left to it");
            }
        }
        failed |= undoJournal(ContainerLabSession.defaultStateDir(), "container lab", "its container", lines, notes);
        if (!VmLabSession.defaultStateDir().equals(virtualState)) {
            failed |= undoJournal(VmLabSession.defaultStateDir(), "vm lab", "its guest", lines, notes);
        }
        // agent-lab runs of this host that died: their fault tables (the lease on the agent expires by itself)
        AgentLabSession.sweep(AgentLabSession.defaultStateDir(), lines::add);
        for (OffloadJournal.Outcome o : OffloadJournal.restoreLeftovers(offloadDir, host)) {
            lines.add(o.describe());
            failed |= !o.restored();
        }
        return new Report(lines, notes, failed);
    }

    /**
     * Undoes the restore journal of a lab kind's state directory unless a live run holds that lab; true when something
     * could not be removed.
     */
    private static boolean undoJournal(Path stateDir, String lab, String whatItHas, List<String> lines, List<String> notes) throws IOException {
        if (!Files.exists(stateDir.resolve("restore-journal.jsonl"))) {
            return false;
        }
        boolean failed = false;
        RestoreJournal j = new RestoreJournal(stateDir.resolve("restore-journal.jsonl"), new CommandRunner());
        try (LabLock hold = LabLock.take(stateDir, notes::add, dead -> List.of())) {
            for (String l : j.undoAll()) {
                lines.add(lab + ": " + l);
                failed |= l.startsWith("could not");
            }
        } catch (LabLock.Busy busy) {
            notes.add("the " + lab + "'s run is still going (" + busy.holder().describe() + "); " + whatItHas + " is left to it");
        }
        return failed;
    }
}
