package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.client.Failure;
import io.quirklab.process.CommandRunner;
import io.quirklab.matrix.Verdict;
import io.quirklab.testing.Require;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * pcap capture, injection and the stack's checksum counters on a veth pair of the test's own (root only). The pair is
 * named qlt-XXXXd / qlt-XXXXr so a leftover from a killed run is recognisable, and deleted in a finally.
 */
@Timeout(120)
class VethCaptureTest {
    static final CommandRunner RUN = new CommandRunner();
    static final Duration COMMAND = Duration.ofSeconds(10);
    static final SecureRandom RANDOM = new SecureRandom();

    /** The DUT end carries 198.18.N.1/24 with rx checksum offload off; the responder end has no address. */
    static final class Veth implements AutoCloseable {
        final String dut;
        final String resp;
        final String dutIp;
        final String personaIp;
        private final Thread deleteAtExit;

        Veth() {
            String tag = HexFormat.of().toHexDigits((short) RANDOM.nextInt());
            int subnet = 200 + RANDOM.nextInt(50);
            dut = "qlt-" + tag + "d";
            resp = "qlt-" + tag + "r";
            dutIp = "198.18." + subnet + ".1";
            personaIp = "198.18." + subnet + ".10";
            RUN.require(COMMAND, List.of("ip", "link", "add", dut, "type", "veth", "peer", "name", resp));
            deleteAtExit = new Thread(() -> RUN.run(COMMAND, List.of("ip", "link", "del", dut)), "delete-" + dut);
            Runtime.getRuntime().addShutdownHook(deleteAtExit);
            try {
                RUN.require(COMMAND, List.of("ip", "addr", "add", dutIp + "/24", "dev", dut));
                // else veth marks injected frames CHECKSUM_UNNECESSARY and the stack never verifies them
                RUN.require(COMMAND, List.of("ethtool", "-K", dut, "rx", "off"));
                RUN.require(COMMAND, List.of("ip", "link", "set", dut, "up"));
                RUN.require(COMMAND, List.of("ip", "link", "set", resp, "up"));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        MacAddress mac(String iface) {
            try {
                return MacAddress.parse(Files.readString(Path.of("/sys/class/net", iface, "address")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A UDP frame from the persona to the DUT, as the responder would inject it. */
        TestFrame reply(String payload, int dstPort) {
            return TestFrame.udp(personaIp, dutIp, payload.getBytes(StandardCharsets.US_ASCII)).macs(mac(resp), mac(dut)).ports(623, dstPort);
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(deleteAtExit);
            } catch (IllegalStateException e) {
                // the JVM is exiting and the hook deletes the pair
            }
            CommandRunner.Result r = RUN.run(COMMAND, List.of("ip", "link", "del", dut));
            if (!r.ok() && Files.exists(Path.of("/sys/class/net", dut))) {
                throw new IllegalStateException("could not delete test veth " + dut + ": " + r.firstLine());
            }
        }
    }

    @BeforeEach
    void requirements() {
        Require.root("creates a veth pair and captures on it");
        Require.capability(Require.TOOLS, Files.isReadable(SnmpCounters.PROC_NET_SNMP), "Test requires Linux (/proc/net/snmp)");
        Require.capability(Require.TOOLS, CommandRunner.which("ip").isPresent() && CommandRunner.which("ethtool").isPresent(),
                "Test requires ip and ethtool: apt-get install iproute2 ethtool");
        Optional<String> pcap = PcapLink.available();
        Require.capability(Require.TOOLS, pcap.isEmpty(), "Test requires pcap: " + pcap.orElse(""));
    }

    @Test
    void aWrongChecksumIsCapturedAsSentAndCountedByTheStack(@TempDir Path tmp) throws Exception {
        try (Veth v = new Veth()) {
            DutCapture capture = DutCapture.start(v.dut, TestFrame.ip(v.personaIp));
            OsReport os;
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(v.dutIp, 0));
                 FrameInjector injector = PcapLink.openInjector(v.resp);
                 OsEvidence evidence = OsEvidence.begin(RUN, v.dut)) {
                int port = socket.getLocalPort();
                long sentAt = injector.send(v.reply("good", port).bytes());
                assertThat(sentAt).isCloseTo(System.currentTimeMillis() * 1000, org.assertj.core.data.Offset.offset(5_000_000L));
                assertThat(receive(socket, 2000)).contains("good");

                SnmpCounters before = SnmpCounters.read();
                injector.send(v.reply("bad!", port).badUdpChecksum().bytes());
                assertThat(receive(socket, 500)).isEmpty();
                assertThat(SnmpCounters.read().deltaSince(before).get(SnmpCounters.UDP_IN_CSUM_ERRORS)).isPositive();
                os = evidence.end();
            }
            assertThat(os.counter(SnmpCounters.UDP_IN_CSUM_ERRORS)).isPositive();
            assertThat(os.available(OsReport.ETHTOOL)).isTrue();
            assertThat(os.sources().get(1).note()).endsWith("rx checksum-error counters: none");

            DutCapture.Frames frames = capture.stop();
            assertThat(frames.failure()).isNull();
            assertThat(frames.replies()).extracting(WireReply::udp).containsExactly(WireReply.UdpCheck.VALID, WireReply.UdpCheck.INVALID);
            assertThat(frames.udpChecksumsValid()).isFalse();
            assertThat(frames.ipChecksumsValid()).isTrue();
            assertThat(frames.frames().get(0).timestampMicros()).isCloseTo(System.currentTimeMillis() * 1000,
                    org.assertj.core.data.Offset.offset(10_000_000L));

            Path pcap = tmp.resolve("veth.pcap");
            frames.writePcap(pcap);
            assertThat(PcapFile.read(pcap)).hasSize(frames.frames().size());

            // the bad reply alone, as one probe would see it: on the wire corrupt, dropped with a checksum error
            DutWire badOnly = DutWire.of(frames.replies().subList(1, 2), 0);
            VerdictRules.Decision d = VerdictRules.decide(Evidence.of(Evidence.Client.failed(Failure.TIMEOUT, "timed out", 1))
                    .withJournal(1, 1).withDutWire(badOnly).withOs(os).withPcap(pcap));
            assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
            assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
            assertThat(d.explanation()).contains("arrived corrupt");
        }
    }

    @Test
    void anInboundTapDoesNotSeeWhatItsOwnSideInjects() throws Exception {
        try (Veth v = new Veth()) {
            String filter = DutCapture.filterFor(TestFrame.ip(v.personaIp));
            try (FrameTap inbound = PcapLink.openTap(v.resp, filter, PcapLink.Direction.IN);
                 FrameTap both = PcapLink.openTap(v.resp, filter, PcapLink.Direction.BOTH);
                 FrameInjector fromResponder = PcapLink.openInjector(v.resp);
                 FrameInjector fromDut = PcapLink.openInjector(v.dut)) {
                byte[] reply = v.reply("reply", 40000).bytes();
                byte[] request = TestFrame.udp(v.dutIp, v.personaIp, "request".getBytes(StandardCharsets.US_ASCII))
                        .macs(v.mac(v.dut), MacAddress.local(10)).ports(40000, 623).bytes();
                fromResponder.send(reply);
                fromDut.send(request);
                // the DUT also answers the reply with ARP and ICMP: look for our two frames among what each tap saw
                List<byte[]> seenInbound = drain(inbound);
                List<byte[]> seenBoth = drain(both);
                assertThat(seenBoth).anySatisfy(f -> assertThat(f).isEqualTo(reply)).anySatisfy(f -> assertThat(f).isEqualTo(request));
                assertThat(seenInbound).anySatisfy(f -> assertThat(f).isEqualTo(request))
                        .noneSatisfy(f -> assertThat(f).isEqualTo(reply));
            }
        }
    }

    @Test
    void closingFromAnotherThreadEndsAWaitingRead() throws Exception {
        try (Veth v = new Veth()) {
            FrameTap tap = PcapLink.openTap(v.resp, "udp port 9", PcapLink.Direction.IN);
            CompletableFuture<Optional<FrameTap.Captured>> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return tap.next(Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(200);
            long t0 = System.nanoTime();
            tap.close();
            assertThat(read.get(5, TimeUnit.SECONDS)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(tap.next(Duration.ofSeconds(5))).isEmpty();
            tap.close();

            FrameInjector injector = PcapLink.openInjector(v.resp);
            injector.close();
            assertThatThrownBy(() -> injector.send(v.reply("late", 9).bytes())).isInstanceOf(IOException.class)
                    .hasMessageContaining("is closed");
        }
    }

    /** Every frame the tap delivers until it has been quiet for 300 ms (at most 50). */
    private static List<byte[]> drain(FrameTap tap) throws IOException {
        List<byte[]> out = new java.util.ArrayList<>();
        Optional<FrameTap.Captured> c;
        while (out.size() < 50 && (c = tap.next(Duration.ofMillis(300))).isPresent()) {
            out.add(c.get().data());
        }
        return out;
    }

    private static Optional<String> receive(DatagramSocket socket, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        try {
            socket.receive(p);
            return Optional.of(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
    }
}
