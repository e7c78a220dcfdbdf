package io.quirklab.lab.vm;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Enters a named network namespace ({@code /run/netns/NAME}) from this JVM: a fresh thread calls setns(2), which moves
 * only that thread, and runs a task there. Sockets and pcap handles the task opens belong to the namespace for their
 * whole life, whichever thread uses them later, so the host side of a guest's tap can be captured and injected from
 * this JVM without a helper process.
 */
public final class Netns {
    static final Path RUN_NETNS = Path.of("/run/netns");
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private Netns() {
    }

    /** The C library calls this needs. */
    interface Libc extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    /** Whether the namespace exists. */
    public static boolean exists(String name) {
        return Files.exists(RUN_NETNS.resolve(name));
    }

    /**
     * Runs {@code task} on a new thread inside the namespace and returns its result.
     *
     * @throws IOException when the namespace cannot be entered, or the task fails (its exception as the cause)
     */
    public static <T> T call(String name, Callable<T> task) throws IOException {
        Path ns = RUN_NETNS.resolve(name);
        if (!Files.exists(ns)) {
            throw new IOException("no network namespace " + name + " (" + ns + ")");
        }
        FutureTask<T> job = new FutureTask<>(() -> {
            enter(ns);
            return task.call();
        });
        Thread t = new Thread(job, "netns-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted inside network namespace " + name, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("inside network namespace " + name + ": " + c.getMessage(), c);
        }
    }

    private static void enter(Path ns) throws IOException {
        Libc c;
        try {
            c = Native.load("c", Libc.class);
        } catch (LinkageError e) {
            throw new IOException("cannot load the C library to enter " + ns + ": " + e.getMessage(), e);
        }
        int fd = c.open(ns.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open " + ns + " (errno " + Native.getLastError() + ")");
        }
        try {
            if (c.setns(fd, CLONE_NEWNET) != 0) {
                throw new IOException("setns(" + ns + ") failed (errno " + Native.getLastError() + "; needs CAP_SYS_ADMIN)");
            }
        } finally {
            c.close(fd);
        }
    }
}
