package io.quirklab.lab.vm;

import java.nio.file.Path;

/**
 * Where a guest writes down everything it makes on the host, before it makes it, so a run killed with {@code kill -9}
 * can be undone by a later restore: the lab backs it with its restore journal (process, netns, link and file entries,
 * undone newest first). What the guest removes itself on {@link VmGuest#close} it then forgets.
 */
public interface VmJournal {
    /** A process the guest started (QEMU), with the start time that tells it from a later one with the same PID. */
    Recorded process(String name, ProcessHandle process);

    /** A network namespace the guest is about to add; undone by deleting it (which also removes the tap inside it). */
    Recorded netns(String name);

    /**
     * A link the guest's QEMU is about to create (the tap): inside the guest's namespace, where it goes with QEMU or
     * the namespace; recorded so a restore names it.
     */
    Recorded link(String name);

    /**
     * A file or directory the guest is about to create (work files and the directories they need, the kernel cache's
     * lock); undone by deleting it, a directory once it is empty (the files in it are newer entries, undone first).
     */
    Recorded file(Path path);

    /** One entry, to forget once the guest has undone it itself. */
    @FunctionalInterface
    interface Recorded {
        void forget();
    }
}
