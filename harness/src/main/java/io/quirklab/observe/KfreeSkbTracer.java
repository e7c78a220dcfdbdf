package io.quirklab.observe;

import io.quirklab.input.InputFile;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.LongRunning;
import io.quirklab.process.ProcessOwner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own verdict on every IPv4 and IPv6 packet from the lab it drops, with the packet's flow: bpftrace on
 * {@code tracepoint:skb:kfree_skb} reads the addresses and ports from the {@code struct sk_buff} through the kernel's
 * BTF (no headers), so each drop belongs to one flow and cells can run in parallel. One process for a whole run; it
 * prints a tick every {@link #TICK}, which tells a reader that every drop before the tick has been read
 * ({@link #awaitUpTo}). Only packets from 198.18.0.0/15 and 2001:2::/48 are reported, and only those dropped in the
 * network namespace of the machine under test (the run's own; drops on no device are kept), filtered in the kernel:
 * kfree_skb is host-wide, and another namespace's lab (a container's, another run's in a namespace of its own) may use
 * the same addresses. The process ends with {@link #close}, and by itself when the JVM dies (its next write fails on
 * the closed pipe).
 */
public final class KfreeSkbTracer extends RunWideDrops {
    static final Duration TICK = Duration.ofMillis(2);
    static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_KEPT = 200_000;
    static final Path FORMAT = Path.of("events/skb/kfree_skb/format");

    /**
     * The bpftrace program: 0x12c6 / 0xfeff is 198.18.0.0/15 as the kernel's network-order u32 reads on little-endian;
     * an IPv6 source is tested byte by byte against 2001:2::/48, and its ports are read at the transport header the
     * stack set (past any extension headers it walked). NETNS is the inode of the namespace whose drops count: the
     * device's namespace ({@code skb->dev->nd_net}), where the skb has a device.
     */
    static final String PROGRAM = """
            tracepoint:skb:kfree_skb /args->protocol == 0x0800/ {
              $skb = (struct sk_buff *)args->skbaddr;
              $ip = (struct iphdr *)($skb->head + $skb->network_header);
              $s = $ip->saddr;
              $dev = $skb->dev;
              if (($s & 0xfeff) == 0x12c6 && ($dev == 0 || $dev->nd_net.net->ns.inum == NETNS)) {
                $b0 = *(uint8 *)$ip;
                $fo = ((*(uint8 *)((uint8 *)$ip + 6) << 8) | *(uint8 *)((uint8 *)$ip + 7)) & 0x1fff;
                $l4 = (uint8 *)$ip + ($b0 & 0x0f) * 4;
                printf("D %lld %d %s %d %s %d %d %d\\n", nsecs, args->reason, ntop($ip->saddr),
                       (*(uint8 *)$l4 << 8) | *(uint8 *)($l4 + 1), ntop($ip->daddr),
                       (*(uint8 *)($l4 + 2) << 8) | *(uint8 *)($l4 + 3), $ip->protocol, $fo);
              }
            }
            tracepoint:skb:kfree_skb /args->protocol == 0x86dd/ {
              $skb6 = (struct sk_buff *)args->skbaddr;
              $ip6 = (struct ipv6hdr *)($skb6->head + $skb6->network_header);
              $a = $ip6->saddr.in6_u.u6_addr8;
              $dev6 = $skb6->dev;
              if ($a[0] == 0x20 && $a[1] == 0x01 && $a[2] == 0 && $a[3] == 0x02 && $a[4] == 0 && $a[5] == 0
                  && ($dev6 == 0 || $dev6->nd_net.net->ns.inum == NETNS)) {
                $t = (uint8 *)($skb6->head + $skb6->transport_header);
                printf("D %lld %d %s %d %s %d %d %d\\n", nsecs, args->reason, ntop($ip6->saddr.in6_u.u6_addr8),
                       (*(uint8 *)$t << 8) | *(uint8 *)($t + 1), ntop($ip6->daddr.in6_u.u6_addr8),
                       (*(uint8 *)($t + 2) << 8) | *(uint8 *)($t + 3), $ip6->nexthdr, 0);
              }
            }
            interval:ms:2 { printf("T %lld\\n", nsecs); }
            """;

    /** IPv6 extension headers (hop-by-hop, routing, destination options, an atomic fragment): UDP behind them in this lab. */
    private static final Set<Integer> V6_EXTENSIONS = Set.of(0, 43, 44, 60);
    private static final Pattern DROP = Pattern.compile("^D (\\d+) (\\d+) (\\S+) (\\d+) (\\S+) (\\d+) (\\d+) (\\d+)$");
    private static final Pattern TICK_LINE = Pattern.compile("^T (\\d+)$");
    private static final Pattern NS_LINK = Pattern.compile("net:\\[(\\d+)]");
    private static final Pattern SYMBOL = Pattern.compile("\\{\\s*(\\d+)\\s*,\\s*\"([A-Z0-9_]+)\"\\s*}");

    private final Process process;
    private final Map<Integer, String> reasonNames;
    private final Thread reader;
    private final List<String> errors = new ArrayList<>();
    private volatile long lastTick;
    private volatile boolean attached;
    private volatile String ended;

    private KfreeSkbTracer(Process process, Map<Integer, String> reasonNames) {
        super(MAX_KEPT);
        this.process = process;
        this.reasonNames = reasonNames;
        this.reader = new Thread(this::read, "kfree-skb-tracer");
        this.reader.setDaemon(true);
    }

    /** Why the tracer cannot run here, or empty when it can (bpftrace installed, tracefs mounted at {@code tracefs}, root). */
    public static Optional<String> unavailable(Path tracefs) {
        if (CommandRunner.which("bpftrace").isEmpty()) {
            return Optional.of("kfree_skb per flow needs bpftrace (apt-get install bpftrace)");
        }
        if (!Files.isRegularFile(tracefs.resolve(FORMAT))) {
            return Optional.of("kfree_skb per flow needs tracefs at " + tracefs + " (no " + tracefs.resolve(FORMAT) + ")");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("kfree_skb per flow needs root (bpftrace)");
        }
        if (!Files.isRegularFile(Path.of("/sys/kernel/btf/vmlinux"))) {
            return Optional.of("kfree_skb per flow needs the kernel's BTF (/sys/kernel/btf/vmlinux)");
        }
        return Optional.empty();
    }

    /**
     * Starts bpftrace and waits until its probes are attached (its first tick).
     *
     * @param tracefs  the mounted tracefs (for the reason names)
     * @param started  told the process once it runs (to journal it)
     */
    public static KfreeSkbTracer start(Path tracefs, Consumer<ProcessHandle> started) throws IOException {
        return start(tracefs, ownNetns(), started);
    }

    /**
     * Starts bpftrace for the drops in one network namespace (tests: a namespace made for them).
     *
     * @param netns the namespace's inode ({@link #netnsOf})
     */
    public static KfreeSkbTracer start(Path tracefs, long netns, Consumer<ProcessHandle> started) throws IOException {
        Optional<String> why = unavailable(tracefs);
        if (why.isPresent()) {
            throw new IOException(why.get());
        }
        Map<Integer, String> names = reasonNames(InputFile.lenient(tracefs.resolve(FORMAT), InputFile.Kind.KERNEL));
        Process p = LongRunning.start(List.of("bpftrace", "-e", program(netns)), LongRunning.Output.PIPE,
                null, false, started).process();
        KfreeSkbTracer t = new KfreeSkbTracer(p, names);
        t.reader.start();
        Thread err = new Thread(() -> t.drainErrors(p), "kfree-skb-tracer-stderr");
        err.setDaemon(true);
        err.start();
        long deadline = System.nanoTime() + ATTACH_TIMEOUT.toNanos();
        synchronized (t) {
            while (!t.attached && t.ended == null && System.nanoTime() < deadline) {
                try {
                    t.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!t.attached) {
            String why2 = t.ended != null ? t.ended : "bpftrace did not attach within " + ATTACH_TIMEOUT.toSeconds() + " s";
            t.close();
            throw new IOException(why2 + t.errorTail());
        }
        return t;
    }

    /** The program for the drops in the namespace with inode {@code netns}. */
    static String program(long netns) {
        return PROGRAM.replace("NETNS", Long.toString(netns));
    }

    /** The inode of this process's network namespace: the machine under test's, whose drops the tracer reports. */
    static long ownNetns() throws IOException {
        return netnsOf(Path.of("/proc/self/ns/net"));
    }

    /**
     * The inode of a network namespace from its link ({@code /proc/PID/ns/net} reads {@code net:[4026531840]}) or
     * from a file bound to it ({@code /run/netns/NAME}).
     */
    public static long netnsOf(Path nsFile) throws IOException {
        if (Files.isSymbolicLink(nsFile)) {
            String link = Files.readSymbolicLink(nsFile).toString();
            Matcher m = NS_LINK.matcher(link);
            if (!m.matches()) {
                throw new IOException(nsFile + " is not a network namespace's link: " + link);
            }
            return Long.parseLong(m.group(1));
        }
        Object ino = Files.getAttribute(nsFile, "unix:ino");
        return ((Number) ino).longValue();
    }

    /** The reason names of the event's print format: {@code { 2, "NOT_SPECIFIED" }, { 11, "UDP_CSUM" }, ...}. */
    static Map<Integer, String> reasonNames(String format) {
        Map<Integer, String> out = new TreeMap<>();
        Matcher m = SYMBOL.matcher(format);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        return out;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                accept(line);
            }
            ended = "bpftrace exited (" + exitText() + ")";
        } catch (IOException e) {
            ended = "bpftrace output could not be read: " + e.getMessage();
        }
        end(ended);
        synchronized (this) {
            notifyAll();
        }
    }

    /** Takes one line of bpftrace's output; other lines ("Attaching 2 probes...") are ignored. */
    void accept(String line) {
        Matcher t = TICK_LINE.matcher(line);
        if (t.matches()) {
            synchronized (this) {
                lastTick = Long.parseLong(t.group(1));
                attached = true;
                notifyAll(); // wakes start() and awaitUpTo()
            }
            return;
        }
        Matcher d = DROP.matcher(line);
        if (!d.matches()) {
            return;
        }
        int code = Integer.parseInt(d.group(2));
        int proto = Integer.parseInt(d.group(7));
        // a later IPv4 fragment has no UDP header; an IPv6 packet's ports are read behind its extension headers
        boolean v6 = d.group(3).contains(":");
        boolean ports = (proto == 17 || v6 && V6_EXTENSIONS.contains(proto)) && Integer.parseInt(d.group(8)) == 0;
        OsReport.Flow flow = new OsReport.Flow(d.group(3), ports ? Integer.parseInt(d.group(4)) : 0, d.group(5),
                ports ? Integer.parseInt(d.group(6)) : 0);
        String reason = reasonNames.getOrDefault(code, "REASON_" + code);
        // its time is the kernel's CLOCK_MONOTONIC, which System.nanoTime reads on Linux
        add(new Drop(Long.parseLong(d.group(1)), reason, "kfree_skb reason " + reason, flow, null));
    }

    @Override
    public String source() {
        return OsReport.KFREE_SKB;
    }

    @Override
    public String describe() {
        return "kernel drop reasons per packet (bpftrace on kfree_skb)";
    }

    private void drainErrors(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("RLIMIT_MEMLOCK")) {
                    continue; // bpftrace 0.17 warns and works anyway
                }
                synchronized (errors) {
                    if (errors.size() < 20) {
                        errors.add(line);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    private String errorTail() {
        synchronized (errors) {
            return errors.isEmpty() ? "" : ": " + String.join(" / ", errors);
        }
    }

    private String exitText() {
        try {
            return process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS) ? "exit " + process.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Waits until every drop up to {@code monoNanos} has been read (a tick after it arrived), at most {@code max}.
     *
     * @return false when the tracer fell behind or ended: the caller should not trust an empty answer then
     */
    @Override
    public synchronized boolean awaitUpTo(long monoNanos, Duration max) {
        return awaitOn(this, () -> lastTick >= monoNanos + TICK.toNanos(), () -> ended != null, max, Long.MAX_VALUE); // ticks notify
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ProcessOwner.of(process.toHandle()).end(java.time.Duration.ofSeconds(3));
    }
}
