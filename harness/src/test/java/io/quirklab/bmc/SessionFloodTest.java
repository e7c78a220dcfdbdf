package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.CallOutcome;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.DeviceId;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.Lanplus;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Issue 24: the SMDC's limits hold when the sources outnumber its table. A flood of Get Session Challenge and RMCP+
 * Open Session requests from 3,000 loopback addresses (127.1.x.y), for a bounded time, while legitimate clients log in
 * from 127.0.0.1: the project's Java client over IPMI 1.5 and RMCP+, 12 times each, and ipmitool (lan and lanplus)
 * when it is installed. Every legitimate login works.
 */
class SessionFloodTest {
    static final int SOURCES = 3000;
    static final int LOGINS = 12;
    /**
     * The flood's pace: what one BMC thread serves here on a loaded 2-core machine with room to spare, so refusals are the
     * BMC's doing, not the kernel's dropping datagrams at a full socket (-Dquirklab.flood.rate=N for more).
     */
    static final int FLOOD_PER_SECOND = Integer.getInteger("quirklab.flood.rate", 16_000);
    static final Duration FLOOD_AT_MOST = Duration.ofSeconds(90);

    @Test
    void aFloodFromThreeThousandSourcesLeavesEveryLegitimateLoginWorking() throws Exception {
        SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20());
        try (UdpBmcServer server = UdpBmcServer.start(bmc, new InetSocketAddress(InetAddress.getByName("127.0.0.45"), 0), ExchangeLog.NONE);
             Flood flood = new Flood(server.localAddress(), bmc)) {
            flood.start();
            long warm = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (flood.sent.get() < 8L * SOURCES && System.nanoTime() < warm) {
                Thread.sleep(50); // every source has asked a few times: each is a flooder by now
            }
            ClientOptions lan = ClientOptions.of("127.0.0.45", server.localAddress().getPort(), BmcConfig.DEFAULT_USER,
                    BmcConfig.DEFAULT_PASSWORD).withAuthType(AuthType.MD5);
            ClientOptions lanplus = lan.withAuthType(null).withLanplus(Lanplus.suite(CipherSuite.SUITE_3));
            long t0 = System.nanoTime();
            List<String> failed = new ArrayList<>();
            int java15 = logins(lan, "java 1.5", failed);
            int java20 = logins(lanplus, "java 2.0", failed);
            int tool15 = -1;
            int tool20 = -1;
            if (CommandRunner.which("ipmitool").isPresent()) {
                tool15 = ipmitool(server, "lan", failed);
                tool20 = ipmitool(server, "lanplus", failed);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            flood.close();
            System.out.printf("flood from %d sources: %d datagrams in %.1f s (%.0f/s), BMC answered %d, %d dropped rate-limited, "
                    + "%d refused by the global budget%n", SOURCES, flood.sent.get(), flood.seconds(), flood.sent.get() / flood.seconds(),
                    bmc.answeredCount(), bmc.droppedCount(Exchange.Drop.RATE_LIMITED), bmc.refusedByGlobalBudget());
            System.out.printf("legitimate logins during it (%.1f s): java 1.5 %d/%d, java 2.0 %d/%d, ipmitool lan %s, ipmitool lanplus %s%n",
                    seconds, java15, LOGINS, java20, LOGINS, tool15 < 0 ? "not installed" : tool15 + "/" + LOGINS,
                    tool20 < 0 ? "not installed" : tool20 + "/" + LOGINS);
            assertThat(flood.stillRunning.get()).as("the flood lasted while the logins ran").isTrue();
            assertThat(bmc.refusedByGlobalBudget()).as("the flood met the global budget").isPositive();
            assertThat(failed).as("failed logins").isEmpty();
        }
    }

    private static int logins(ClientOptions o, String what, List<String> failed) {
        int ok = 0;
        for (int i = 0; i < LOGINS; i++) {
            CallOutcome<DeviceId> r = IpmiCall.run(o, true, ClientCommands::mcInfo);
            if (r.ok()) {
                ok++;
            } else {
                failed.add(what + " #" + i + ": " + r.message());
            }
        }
        return ok;
    }

    private static int ipmitool(UdpBmcServer s, String iface, List<String> failed) {
        int ok = 0;
        CommandRunner runner = new CommandRunner();
        for (int i = 0; i < LOGINS; i++) {
            CommandRunner.Result r = runner.run(Duration.ofSeconds(30), List.of("ipmitool", "-I", iface, "-H", "127.0.0.45", "-p",
                    Integer.toString(s.localAddress().getPort()), "-U", BmcConfig.DEFAULT_USER, "-P", BmcConfig.DEFAULT_PASSWORD,
                    "-N", "1", "-R", "3", "mc", "info"));
            if (r.ok()) {
                ok++;
            } else {
                failed.add("ipmitool " + iface + " #" + i + ": " + r.firstLine());
            }
        }
        return ok;
    }

    /**
     * One thread sending, round robin over 3,000 sockets each bound to its own loopback address, Get Session Challenge
     * and Open Session in turn, at {@link #FLOOD_PER_SECOND}, never reading the answers; stops at close or after
     * {@link #FLOOD_AT_MOST}.
     */
    static final class Flood implements AutoCloseable {
        final AtomicLong sent = new AtomicLong();
        final AtomicBoolean stillRunning = new AtomicBoolean();
        private final List<DatagramChannel> sources = new ArrayList<>();
        private final InetSocketAddress target;
        private final byte[][] datagrams;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private volatile long started;
        private volatile long ended;

        Flood(InetSocketAddress target, SimulatedBmc bmc) throws IOException {
            this.target = target;
            this.datagrams = new byte[][] {new TestConsole(bmc, BmcConfig.DEFAULT_USER, "wrong", AuthType.MD5).challengeDatagram(),
                RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST,
                        RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).handshake.openSessionRequest())};
            for (int i = 0; i < SOURCES; i++) {
                DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
                sources.add(c);
                c.setOption(StandardSocketOptions.SO_RCVBUF, 1024); // the answers are never read: let the kernel drop them early
                c.bind(new InetSocketAddress(InetAddress.getByName("127.1." + (i / 250) + "." + (1 + i % 250)), 0));
                c.configureBlocking(false);
            }
            thread = new Thread(this::run, "session-flood");
            thread.setDaemon(true);
        }

        void start() {
            started = System.nanoTime();
            stillRunning.set(true);
            thread.start();
        }

        double seconds() {
            return ((ended == 0 ? System.nanoTime() : ended) - started) / 1e9;
        }

        private void run() {
            long deadline = started + FLOOD_AT_MOST.toNanos();
            long gap = 1_000_000_000L / FLOOD_PER_SECOND;
            long next = started;
            ByteBuffer[] b = {ByteBuffer.wrap(datagrams[0]), ByteBuffer.wrap(datagrams[1])};
            long n = 0;
            try {
                while (!stop.get() && System.nanoTime() < deadline) {
                    ByteBuffer d = b[(int) (n / SOURCES % 2)];
                    d.rewind();
                    sources.get((int) (n % SOURCES)).send(d, target);
                    sent.incrementAndGet();
                    n++;
                    next += gap;
                    long ahead = next - System.nanoTime();
                    if (ahead > 200_000) {
                        LockSupport.parkNanos(ahead);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                stillRunning.set(!stop.get() && System.nanoTime() < deadline);
                ended = System.nanoTime();
            }
        }

        @Override
        public void close() throws Exception {
            boolean running = thread.isAlive();
            stop.set(true);
            thread.join(5000);
            stillRunning.set(running);
            for (DatagramChannel c : sources) {
                c.close();
            }
        }
    }
}
