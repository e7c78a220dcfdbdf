package io.quirklab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapLinkTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingInterfaceIsNamedBeforeLibpcapIsAsked() {
        assertThatThrownBy(() -> PcapLink.openTap("qlt-none0", null, PcapLink.Direction.IN))
                .isInstanceOf(IOException.class).hasMessageStartingWith("no such interface: qlt-none0").hasMessageContaining("lo");
        assertThatThrownBy(() -> PcapLink.openInjector("qlt-none0")).hasMessageStartingWith("no such interface: qlt-none0");
    }

    @Test
    void oddInterfaceNamesAreRefusedWithoutAStackTraceFromPcap4j() {
        for (String bad : new String[] {null, "", " ", "a/b", "an-interface-name-too-long"}) {
            assertThatThrownBy(() -> PcapLink.openTap(bad, "", PcapLink.Direction.BOTH)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("not an interface name");
        }
    }

    @Test
    void interfaceNamesComeFromProcNetDev() throws IOException {
        Path dev = Files.writeString(tmp.resolve("dev"), """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 27281068  424634    0    0    0     0          0         0 27281068  424634    0    0    0     0       0          0
                qlab-dut:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
                """);
        assertThat(PcapLink.interfaceNames(dev)).contains(List.of("lo", "qlab-dut"));
        assertThat(PcapLink.interfaceNames(tmp.resolve("absent"))).isEmpty();
    }

    @Test
    void libpcapErrorsBecomeSentencesThatSayWhatToDo() {
        assertThat(PcapLink.openFailure("qlab-dut", "capture", "socket: Operation not permitted", null, null).getMessage())
                .contains("qlab-dut").contains("root or CAP_NET_RAW+CAP_NET_ADMIN").contains("socket: Operation not permitted");
        assertThat(PcapLink.openFailure("x", "capture", "You don't have permission to capture on that device", -8, null).getMessage())
                .contains("root or CAP_NET_RAW+CAP_NET_ADMIN");
        assertThat(PcapLink.openFailure("x", "capture", "No such device exists", -5, null).getMessage())
                .startsWith("no such interface: x");
        assertThat(PcapLink.openFailure("x", "injection", "something else", -1, null).getMessage())
                .isEqualTo("x: cannot open for injection: something else");
    }

    @Test
    void linkageErrorsSayWhichPieceIsMissing() {
        assertThat(PcapLink.linkageMessage(new UnsatisfiedLinkError("Unable to load library 'pcap':\nlibpcap.so: cannot open")))
                .startsWith("libpcap is not installed: apt-get install libpcap0.8").contains("Unable to load library 'pcap':")
                .doesNotContain("libpcap.so: cannot open");
        assertThat(PcapLink.linkageMessage(new NoClassDefFoundError("Could not initialize class org.pcap4j.core.NativeMappings")))
                .contains("apt-get install libpcap0.8");
        assertThat(PcapLink.linkageMessage(new NoClassDefFoundError("com/sun/jna/Platform"))).startsWith("JNA is missing");
    }

    @Test
    void capabilitiesAreReadFromCapEff() throws IOException {
        Path none = Files.writeString(tmp.resolve("none"), "Name:\tjava\nCapEff:\t0000000000000000\n");
        Path rawOnly = Files.writeString(tmp.resolve("raw"), "CapEff:\t0000000000002000\n");
        Path all = Files.writeString(tmp.resolve("all"), "CapEff:\t000001fffeffffff\n");
        assertThat(PcapLink.missingCapabilities(none)).contains(
                "packet capture and injection need root or CAP_NET_RAW+CAP_NET_ADMIN; this process lacks CAP_NET_RAW and CAP_NET_ADMIN");
        assertThat(PcapLink.missingCapabilities(rawOnly).orElseThrow()).endsWith("lacks CAP_NET_ADMIN");
        assertThat(PcapLink.missingCapabilities(all)).isEmpty();
        assertThat(PcapLink.missingCapabilities(tmp.resolve("absent"))).isEmpty();
    }

    @Test
    void timestampsKeepTheirMicroseconds() {
        Timestamp t = new Timestamp(1_700_000_000_123L);
        t.setNanos(123_456_789);
        assertThat(PcapLink.micros(t)).isEqualTo(1_700_000_000_123_456L);
    }

    /** Run in a child JVM whose libpcap cannot load: what available() and openTap() say then. */
    public static final class WithoutLibpcap {
        public static void main(String[] args) {
            System.out.println("available: " + PcapLink.available().orElse("yes"));
            try {
                PcapLink.openTap("lo", null, PcapLink.Direction.BOTH).close();
                System.out.println("open: opened");
            } catch (IOException e) {
                System.out.println("open: " + e.getMessage());
            }
            System.out.println("again: " + PcapLink.available().orElse("yes"));
        }
    }

    @Test
    void aMissingLibpcapIsReportedNotThrown() {
        Optional<Path> java = Optional.of(Path.of(System.getProperty("java.home"), "bin", "java")).filter(Files::isExecutable);
        Require.capability(Require.TOOLS, java.isPresent(), "Test requires the java launcher to start a child JVM");
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(60), List.of(java.get().toString(),
                "-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap-quirklab.so", "-cp", System.getProperty("java.class.path"),
                WithoutLibpcap.class.getName()));
        assertThat(r.ok()).as(r.stdout() + r.stderr()).isTrue();
        assertThat(r.stdout()).contains("available: libpcap is not installed: apt-get install libpcap0.8")
                .contains("open: lo: cannot open for capture: libpcap is not installed: apt-get install libpcap0.8")
                .contains("again: libpcap is not installed: apt-get install libpcap0.8");
    }

    @Test
    void aQuietReadReturnsAtItsTimeoutAndACloseEndsAWaitingOne() throws Exception {
        requirePcap();
        try (FrameTap quiet = PcapLink.openTap("lo", "udp port 9 and host 198.18.255.254", PcapLink.Direction.IN)) {
            long t0 = System.nanoTime();
            assertThat(quiet.next(Duration.ofMillis(300))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(290), Duration.ofMillis(1000));
            var read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return quiet.next(Duration.ofSeconds(30));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(100);
            long t1 = System.nanoTime();
            quiet.close();
            assertThat(read.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(1));
            assertThat(quiet.next(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void readsWaitOnLibpcapsDescriptorNotInASleepLoop() throws Exception {
        requirePcap();
        Require.capability(Require.TOOLS, System.getProperty("os.name").toLowerCase().contains("linux"), "Test requires Linux");
        org.pcap4j.core.PcapHandle h = new org.pcap4j.core.PcapHandle.Builder("lo").snaplen(128).timeoutMillis(20).immediateMode(true).build();
        try {
            assertThat(PcapLink.Readiness.of(h).polls()).isTrue();
        } finally {
            h.close();
        }
    }

    private static void requirePcap() {
        Require.root("opening a pcap handle");
        Optional<String> why = PcapLink.available();
        Require.capability(Require.TOOLS, why.isEmpty(), why.orElse(""));
    }

    @Test
    void aBadFilterIsNamed() {
        requirePcap();
        assertThatThrownBy(() -> PcapLink.openTap("lo", "host 198.18.0.1 or (", PcapLink.Direction.BOTH))
                .isInstanceOf(IOException.class).hasMessageStartingWith("lo: bad capture filter 'host 198.18.0.1 or ('")
                .hasMessageContaining("syntax error");
    }
}
