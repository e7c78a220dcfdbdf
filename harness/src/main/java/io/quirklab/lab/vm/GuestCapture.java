package io.quirklab.lab.vm;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * tcpdump on the guest's NIC, writing into the guest's /tmp (a tmpfs of the guest's memory): what reached the machine
 * under test, on its side of the driver. {@link #stop} ends it and copies the pcap file to the host.
 */
public final class GuestCapture implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(30);
    private static final Pattern FILTER = Pattern.compile("[A-Za-z0-9 ._:/()&|!<>=-]*");

    private final VmGuest guest;
    private final String file;
    private final String log;
    private final long pid;
    private boolean stopped;

    private GuestCapture(VmGuest guest, String file, String log, long pid) {
        this.guest = guest;
        this.file = file;
        this.log = log;
        this.pid = pid;
    }

    static GuestCapture start(VmGuest guest, int number, String filter) throws IOException {
        String f = filter == null ? "" : filter.strip();
        if (!FILTER.matcher(f).matches()) {
            throw new IllegalArgumentException("capture filter '" + f + "' has characters a pcap filter does not need");
        }
        String file = "/tmp/qvm-capture-" + number + ".pcap";
        String log = "/tmp/qvm-capture-" + number + ".log";
        // tcpdump says "listening on" once its socket is bound: frames from then on are in the file
        // --immediate-mode: each frame is written when it arrives, not when a ring block fills or times out (1 s), so
        // the last replies before stop() are in the file
        String script = "tcpdump -i " + guest.iface() + " --immediate-mode -U -n -s 0 -w " + file + (f.isEmpty() ? "" : " '" + f + "'")
                + " </dev/null >/dev/null 2>" + log + " & p=$!\n"
                + "n=0; until grep -q 'listening on' " + log + " 2>/dev/null; do [ -d /proc/$p ] || { cat " + log + " >&2; exit 1; }; "
                + "n=$((n+1)); [ $n -ge 1000 ] && { echo 'tcpdump did not start' >&2; exit 1; }; usleep 20000; done\n"
                + "echo $p";
        CommandRunner.Result r = guest.exec(START, script);
        if (!r.ok()) {
            throw new IOException("tcpdump in the guest did not start: " + r.firstLine());
        }
        return new GuestCapture(guest, file, log, Long.parseLong(r.stdout().strip()));
    }

    /**
     * A finished capture.
     *
     * @param file    the pcap file on the host
     * @param summary tcpdump's own count ("4 packets captured, 4 packets received by filter, 0 packets dropped by kernel")
     */
    public record Stopped(Path file, String summary) {
    }

    /** Ends tcpdump, copies its file to {@code dest} on the host and removes it from the guest. */
    public Stopped stop(Path dest) throws IOException {
        stopped = true;
        // the file stops growing once tcpdump has written what arrived (bounded: 3 s)
        String script = "s=-1; n=0; while [ $n -lt 30 ]; do t=$(wc -c < " + file + "); [ \"$t\" = \"$s\" ] && break; s=$t; n=$((n+1)); "
                + "usleep 100000; done\n"
                + "kill -INT " + pid + "; n=0; until grep -q 'packets captured' " + log + " 2>/dev/null; do "
                + "n=$((n+1)); [ $n -ge 500 ] && break; usleep 20000; done; cat " + file + "; grep packets " + log + " >&2; rm -f "
                + file + " " + log;
        ChannelFrames.Reply r = guest.execBytes(START, script);
        if (r.exitCode() != 0) {
            throw new IOException("reading the guest's capture failed (exit " + r.exitCode() + ")");
        }
        Files.write(dest, r.stdout());
        return new Stopped(dest, new String(r.stderr(), StandardCharsets.UTF_8).strip().replace('\n', ','));
    }

    @Override
    public void close() {
        if (!stopped) {
            try {
                guest.exec(Duration.ofSeconds(5), "kill -INT " + pid + " 2>/dev/null; rm -f " + file + " " + log);
            } catch (IOException e) {
                // the guest is going away; its tmpfs with it
            }
        }
    }
}
