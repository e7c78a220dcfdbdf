package io.quirklab.lab.vm;

import io.quirklab.lab.RestoreJournal;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A guest's journal backed by the lab's restore journal, as a lab session backs it: every entry kind the guest
 * records is one the restore journal already undoes (process, netns, link, file), so {@code quirklab lab restore}
 * removes a killed guest's leftovers without knowing about guests.
 */
final class RestoreJournalVmJournal implements VmJournal {
    private final RestoreJournal journal;

    RestoreJournalVmJournal(RestoreJournal journal) {
        this.journal = journal;
    }

    RestoreJournal journal() {
        return journal;
    }

    @Override
    public Recorded process(String name, ProcessHandle process) {
        return record(RestoreJournal.Entry.processOf(name, process));
    }

    @Override
    public Recorded netns(String name) {
        return record(entry("netns", name, null));
    }

    @Override
    public Recorded link(String name) {
        return record(entry("link", name, null));
    }

    @Override
    public Recorded file(Path path) {
        return record(entry("file", null, path.toString()));
    }

    private Recorded record(RestoreJournal.Entry e) {
        journal.record(e);
        return () -> journal.forget(e);
    }

    /** The restore journal's own factories for these kinds are package-private to the lab; the record is public. */
    private static RestoreJournal.Entry entry(String kind, String name, String path) {
        return new RestoreJournal.Entry(kind, name, null, null, null, null, path, Instant.now().toString(), null, null, null);
    }
}
