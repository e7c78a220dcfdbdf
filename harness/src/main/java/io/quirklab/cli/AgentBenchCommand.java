package io.quirklab.cli;

import io.quirklab.agent.AgentApi;
import io.quirklab.agent.AgentControl;
import io.quirklab.agent.AgentHost;
import io.quirklab.agent.ArpGuard;
import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.InternetChecksum;
import io.quirklab.wire.MacAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quirklab agent-bench}: the agent's memory over a long run. A real agent (HTTP API, leases, responder,
 * journal ring) in this process, two runs' leases, and a million RMCP exchanges fed through an in-memory segment;
 * prints the resident set size as it goes, side by side with the journal ring's bound. Printed, never asserted.
 */
@Command(name = "agent-bench", mixinStandardHelpOptions = true,
        description = {"Print the agent's memory (RSS) after many exchanges (benchmark; no network, no root).",
                "Two leases with two personas each, ASF pings fed through an in-memory segment, the journal read over HTTP",
                "as a run would; RSS and the journal ring's fill are printed every tenth. Bounded in count and time."})
public final class AgentBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--exchanges", defaultValue = "1000000", description = "Exchanges at most (default: ${DEFAULT-VALUE}).")
    long exchanges;

    @Option(names = "--seconds", defaultValue = "300", description = "Time limit (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--journal-entries", defaultValue = "" + AgentHost.JOURNAL_ENTRIES,
            description = "The journal ring's size in entries (default: ${DEFAULT-VALUE}, as the agent).")
    int journalEntries;

    static final Inet4Address DUT = ip("198.18.7.1");
    static final MacAddress DUT_MAC = MacAddress.parse("02:00:00:00:07:01");
    static final List<String> PERSONAS = List.of("198.18.7.10", "198.18.7.11", "198.18.7.60", "198.18.7.61");

    @Override
    public Integer call() throws Exception {
        if (exchanges < 1 || exchanges > 10_000_000 || seconds < 1 || seconds > 1800 || journalEntries < 100 || journalEntries > 10_000_000) {
            throw new IllegalArgumentException("--exchanges must be 1..10000000, --seconds 1..1800, --journal-entries 100..10000000");
        }
        PrintWriter out = spec.commandLine().getOut();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong fed = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        byte[][] requests = PERSONAS.stream().map(p -> ping(ip(p))).toArray(byte[][]::new);
        // The segment: each next() is the next DUT request, round robin over the personas, until the count is reached.
        FrameTap requestsTap = new FrameTap() {
            @Override
            public Optional<Captured> next(Duration timeout) {
                long n = fed.get();
                if (n >= exchanges || System.nanoTime() > deadline || n - sent.get() > 64) {
                    sleep(1);
                    return Optional.empty();
                }
                fed.incrementAndGet();
                return Optional.of(new Captured(System.currentTimeMillis() * 1000, requests[(int) (n % requests.length)]));
            }

            @Override
            public void close() {
            }
        };
        FrameTap quiet = new FrameTap() {
            @Override
            public Optional<Captured> next(Duration timeout) {
                sleep(Math.min(timeout.toMillis(), 200));
                return Optional.empty();
            }

            @Override
            public void close() {
            }
        };
        FrameInjector injector = new FrameInjector() {
            @Override
            public long send(byte[] frame) {
                if (frame.length > 13 && frame[12] == 0x08 && frame[13] == 0x00) {
                    sent.incrementAndGet(); // IPv4 replies; ARP probes and announcements are not exchanges
                }
                return System.currentTimeMillis() * 1000;
            }

            @Override
            public void close() {
            }
        };
        String token = "agent-bench-" + java.util.UUID.randomUUID();
        AgentHost host = AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, null,
                ArpGuard.Timing.FAST, null, Duration.ofSeconds(seconds + 60), journalEntries, AgentHost.JOURNAL_BYTES), requestsTap, quiet,
                injector, line -> { });
        URI url = URI.create("http://127.0.0.1:" + host.address().getPort());
        AgentControl a = new AgentControl(url, token, null);
        AgentControl b = new AgentControl(url, token, null);
        a.claim("bench-a", "agent-bench", "localhost", 600);
        a.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.10", List.of("clean", "smdc-tyan")));
        b.claim("bench-b", "agent-bench", "localhost", 600);
        b.putPersonas(new AgentApi.PersonaSet(null, null, "198.18.7.60", List.of("clean", "smdc-tyan")));
        Thread serving = new Thread(host::run, "agent-bench-responder");
        serving.setDaemon(true);
        out.printf("agent-bench: %,d exchanges at most, %d s at most; journal ring %,d entries / %d MiB (the agent's bound)%n",
                exchanges, seconds, journalEntries, AgentHost.JOURNAL_BYTES >> 20);
        out.printf("JVM max heap %d MiB (the agent's RSS follows the heap the JVM is allowed: run it with -Xmx, e.g. 256m)%n",
                Runtime.getRuntime().maxMemory() >> 20);
        out.printf("%12s %10s %12s %12s %12s %14s%n", "EXCHANGES", "RSS_MiB", "LIVE_MiB", "JOURNAL", "EVICTED", "EXCHANGES/S");
        long start = System.nanoTime();
        line(out, 0, host, start);
        serving.start();
        long step = Math.max(1, exchanges / 10);
        long nextReport = step;
        Path pcap = Files.createTempFile("agent-bench", ".pcap");
        try {
            while (System.nanoTime() < deadline && sent.get() < exchanges) {
                Thread.sleep(20);
                if (sent.get() >= nextReport) {
                    // a run reads its journal and pcap as it goes: cursor pages and a pcap of the last page
                    ControlReply.JournalPage page = a.journal(new ControlRequest.Journal(null, null, Math.max(0, sent.get() * 2 - 2000),
                            1000, pcap.toString()));
                    if (page.pcapError() != null) {
                        throw new IOException(page.pcapError());
                    }
                    line(out, sent.get(), host, start);
                    nextReport += step;
                }
            }
            line(out, sent.get(), host, start);
            out.printf("%,d exchanges in %.1f s%s%n", sent.get(), (System.nanoTime() - start) / 1e9,
                    sent.get() < exchanges ? " (stopped by --seconds)" : "");
        } finally {
            Files.deleteIfExists(pcap);
            host.close();
        }
        out.flush();
        return 0;
    }

    private static void line(PrintWriter out, long done, AgentHost host, long start) {
        ControlReply.Status s = host.agent().status();
        Runtime rt = Runtime.getRuntime();
        double secs = Math.max((System.nanoTime() - start) / 1e9, 0.001);
        System.gc(); // the live set, not the garbage not yet collected
        out.printf("%,12d %10.1f %12.1f %,12d %,12d %,14.0f%n", done, rssMiB(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                s.journalEntries(), s.journalEvicted(), done / secs);
        out.flush();
    }

    /** Resident set size of this process (Linux /proc), or -1 elsewhere. */
    static double rssMiB() {
        try {
            for (String l : InputFile.lenient(Path.of("/proc/self/status"), InputFile.Kind.KERNEL).lines().toList()) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** An ASF presence ping from the DUT to a persona address, checksums correct. */
    static byte[] ping(Inet4Address dst) {
        byte[] payload = RmcpPacket.asf(AsfMessage.ping(1).encode()).encode();
        ByteBuffer udp = ByteBuffer.allocate(8 + payload.length);
        udp.putShort((short) 40000).putShort((short) 623).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        int cs = InternetChecksum.udpChecksum(DUT, dst, 40000, 623, payload);
        udp.putShort(6, (short) (cs == 0 ? 0xFFFF : cs));
        ByteBuffer ip = ByteBuffer.allocate(20 + udp.capacity());
        ip.put((byte) 0x45).put((byte) 0).putShort((short) ip.capacity()).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(DUT.getAddress()).put(dst.getAddress()).put(udp.array());
        byte[] ipb = ip.array();
        int hc = InternetChecksum.checksum(ipb, 0, 20);
        ipb[10] = (byte) (hc >> 8);
        ipb[11] = (byte) hc;
        ByteBuffer eth = ByteBuffer.allocate(Math.max(60, 14 + ipb.length));
        eth.put(MacAddress.BROADCAST.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0800).put(ipb);
        return eth.array();
    }

    static Inet4Address ip(String s) {
        return AddressText.ipv4(s);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
