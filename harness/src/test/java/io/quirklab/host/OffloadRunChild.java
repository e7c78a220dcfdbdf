package io.quirklab.host;

import java.nio.file.Path;

/**
 * A quirklab run in a child JVM for LinuxHostTest: opens the offload journal in DIR, switches receive checksum
 * offload of IF off, prints "CHANGED ..." and then either waits to be killed (kill) or exits without closing the
 * journal (exit), so the shutdown hook has to restore.
 */
public final class OffloadRunChild {
    private OffloadRunChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String iface = args[1];
        HostAdapter host = HostAdapter.detect();
        OffloadJournal journal = OffloadJournal.open(dir, host, l -> System.out.println("progress: " + l));
        OffloadChange c = host.setRxUdp4Checksum(iface, false, journal);
        System.out.println("CHANGED " + c.describe());
        System.out.flush();
        if (args[2].equals("exit")) {
            System.exit(0);
        }
        Thread.sleep(120_000);
        System.exit(3);
    }
}
