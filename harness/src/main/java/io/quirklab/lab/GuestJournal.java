package io.quirklab.lab;

import io.quirklab.lab.vm.VmJournal;
import java.nio.file.Path;

/**
 * A guest's journal backed by a lab's restore journal: every kind of entry a guest records (process, netns, link,
 * file) is one the restore journal already undoes, so {@code quirklab lab restore} removes a killed guest's QEMU,
 * namespace, tap, work files and kernel cache lock without knowing about guests.
 */
final class GuestJournal implements VmJournal {
    private final RestoreJournal journal;

    GuestJournal(RestoreJournal journal) {
        this.journal = journal;
    }

    @Override
    public Recorded process(String name, ProcessHandle process) {
        return record(JournalEntry.Process.of(name, process));
    }

    @Override
    public Recorded netns(String name) {
        return record(new JournalEntry.Netns(name));
    }

    @Override
    public Recorded link(String name) {
        return record(new JournalEntry.Link(name));
    }

    @Override
    public Recorded file(Path path) {
        return record(new JournalEntry.File(path));
    }

    private Recorded record(JournalEntry e) {
        journal.record(e);
        return () -> journal.forget(e);
    }
}
