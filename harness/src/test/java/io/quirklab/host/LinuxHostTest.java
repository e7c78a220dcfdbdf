package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.cli.QuirklabCommand;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.OsEvidence;
import io.quirklab.observe.OsReport;
import io.quirklab.testing.Require;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux adapter for real (root): a veth pair of the test's own (qlt-XXXXa/b, 198.19.2xx.1/24, deleted in a
 * finally), its fingerprint, a real {@code ethtool -K rx off} and its restore through the journal, and runs in a
 * child JVM that are killed with SIGKILL or exit without closing the journal.
 */
@Timeout(180)
class LinuxHostTest {
    static final CommandRunner RUN = new CommandRunner();
    static final Duration COMMAND = Duration.ofSeconds(10);
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path journalDir;

    final HostAdapter linux = HostAdapter.forOs("Linux", RUN);

    /** A veth pair in this namespace, the "a" end up with an address; deleted on close and at JVM exit. */
    static final class Veth implements AutoCloseable {
        final String a;
        final String b;
        final String address;
        private final Thread deleteAtExit;

        Veth() {
            String tag = HexFormat.of().toHexDigits((short) RANDOM.nextInt());
            a = "qlt-" + tag + "a";
            b = "qlt-" + tag + "b";
            address = "198.19." + (200 + RANDOM.nextInt(50)) + ".1";
            RUN.require(COMMAND, List.of("ip", "link", "add", a, "type", "veth", "peer", "name", b));
            deleteAtExit = new Thread(() -> RUN.run(COMMAND, List.of("ip", "link", "del", a)), "delete-" + a);
            Runtime.getRuntime().addShutdownHook(deleteAtExit);
            try {
                RUN.require(COMMAND, List.of("ip", "addr", "add", address + "/24", "dev", a));
                RUN.require(COMMAND, List.of("ip", "link", "set", a, "up"));
                RUN.require(COMMAND, List.of("ip", "link", "set", b, "up"));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** What ethtool -k says about rx-checksumming, straight from the tool. */
        String rxChecksumming() {
            String out = RUN.require(COMMAND, List.of("ethtool", "-k", a)).stdout();
            return out.lines().filter(l -> l.startsWith("rx-checksumming:")).findFirst().orElseThrow();
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(deleteAtExit);
            } catch (IllegalStateException e) {
                // exiting: the hook deletes the pair
            }
            CommandRunner.Result r = RUN.run(COMMAND, List.of("ip", "link", "del", a));
            if (!r.ok() && Files.exists(Path.of("/sys/class/net", a))) {
                throw new IllegalStateException("could not delete test veth " + a + ": " + r.firstLine());
            }
        }
    }

    @BeforeEach
    void requirements() {
        Require.capability(Require.TOOLS, System.getProperty("os.name").startsWith("Linux"), "Test requires Linux");
        Require.root("creates a veth pair and switches its receive checksum offload");
        Require.capability(Require.TOOLS, CommandRunner.which("ip").isPresent() && CommandRunner.which("ethtool").isPresent(),
                "Test requires ip and ethtool: apt-get install iproute2 ethtool");
    }

    @Test
    void fingerprintOfARealVeth() throws IOException {
        try (Veth v = new Veth()) {
            MatrixDocument.Environment env = linux.fingerprint(v.a);
            assertThat(env.os().family()).isEqualTo("linux");
            assertThat(env.os().build()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
            assertThat(env.java()).isEqualTo(System.getProperty("java.version"));
            MatrixDocument.DutInterface d = env.dutInterface();
            assertThat(d.name()).isEqualTo(v.a);
            assertThat(d.mac()).isEqualTo(Files.readString(Path.of("/sys/class/net", v.a, "address")).trim());
            assertThat(d.driver()).isEqualTo("veth");
            assertThat(d.model()).isEqualTo("veth (virtual)");
            assertThat(d.pciId()).isNull();
            assertThat(d.offloads()).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on").containsEntry(OffloadKeys.RX_CHECKSUM, "on")
                    .containsKeys(OffloadKeys.TX_UDP4_CHECKSUM, OffloadKeys.TSO, OffloadKeys.GRO);
            assertThat(d.offloads().keySet()).allMatch(k -> k.matches("[a-z0-9_]+"));
            if (CommandRunner.which("ipmitool").isPresent()) {
                assertThat(env.clients()).containsKey("ipmitool");
                assertThat(env.clients().get("ipmitool")).matches("\\d+\\.\\d+.*");
            }
            assertThat(env.label()).startsWith(env.os().name() + " / veth (virtual) / veth");
        }
        assertThatThrownBy(() -> linux.fingerprint("qlt-none0")).isInstanceOf(IOException.class).hasMessageContaining("ip -br link");
    }

    @Test
    void ethtoolRxOffIsJournaledVerifiedAndRestored() throws IOException {
        try (Veth v = new Veth()) {
            try (OffloadJournal journal = OffloadJournal.open(journalDir, linux, l -> { })) {
                OffloadChange c = linux.setRxUdp4Checksum(v.a, false, journal);
                assertThat(c.from()).isEqualTo("on");
                assertThat(c.now()).isEqualTo("off");
                assertThat(c.verified()).isTrue();
                assertThat(c.linkBack()).isTrue();
                assertThat(c.mechanism()).isEqualTo("ethtool -K " + v.a + " rx off");
                assertThat(c.before()).containsKey(OffloadKeys.TSO);
                assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: off");
                assertThat(linux.offloads(v.a)).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off");
                assertThat(journal.mine()).singleElement().satisfies(e -> {
                    assertThat(e.original()).isEqualTo("on");
                    assertThat(e.iface()).isEqualTo(v.a);
                });
            }
            assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: on");
            assertThat(WindowsHostTest.entryFiles(journalDir)).isEmpty();

            try (EvidenceSession s = linux.beginDropEvidence(v.a, journalDir)) {
                assertThat(s).isInstanceOf(OsEvidence.class);
                assertThat(s.end().available(OsReport.SNMP)).isTrue();
            }
        }
    }

    @Test
    void aKilledRunIsRefusedWhileAliveThenRestoredByQuirklabRestore() throws Exception {
        try (Veth v = new Veth()) {
            Process child = startChild(v.a, "kill");
            try {
                awaitChanged(child);
                assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: off");
                assertThatThrownBy(() -> OffloadJournal.open(journalDir, linux, l -> { })).isInstanceOf(OffloadJournal.BusyException.class)
                        .hasMessageContaining("pid " + child.pid());
                child.destroyForcibly(); // SIGKILL: no shutdown hook runs
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: off");

                java.io.StringWriter out = new java.io.StringWriter();
                var cl = QuirklabCommand.commandLine(new PrintWriter(out, true), new PrintWriter(new java.io.StringWriter(), true));
                int exit = cl.execute("restore", "--state-dir", journalDir.toString());
                assertThat(exit).as(out.toString()).isZero();
                assertThat(out.toString()).contains("restore: restored rx_udp4_checksum on " + v.a + ": off -> on");
                assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: on");
                assertThat(WindowsHostTest.entryFiles(journalDir)).isEmpty();
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void theNextStartRestoresWhatAKilledRunLeft() throws Exception {
        try (Veth v = new Veth()) {
            Process child = startChild(v.a, "kill");
            try {
                awaitChanged(child);
                child.destroyForcibly();
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: off");
            List<String> progress = new java.util.ArrayList<>();
            try (OffloadJournal journal = OffloadJournal.open(journalDir, linux, progress::add)) {
                assertThat(progress).singleElement().satisfies(l -> assertThat(l).contains("restored rx_udp4_checksum on " + v.a));
                assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: on");
            }
        }
    }

    @Test
    void aRunThatExitsWithoutClosingIsRestoredByItsShutdownHook() throws Exception {
        try (Veth v = new Veth()) {
            Process child = startChild(v.a, "exit");
            try {
                awaitChanged(child);
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isZero();
            } finally {
                child.destroyForcibly();
            }
            assertThat(v.rxChecksumming()).isEqualTo("rx-checksumming: on");
            assertThat(WindowsHostTest.entryFiles(journalDir)).isEmpty();
        }
    }

    private Process startChild(String iface, String mode) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Require.capability(Require.TOOLS, Files.isExecutable(java), "Test requires the java launcher to start a child JVM");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), OffloadRunChild.class.getName(),
                journalDir.toString(), iface, mode).redirectErrorStream(true).start();
    }

    /** Reads the child's output until it says CHANGED (bounded); its output is in the failure message otherwise. */
    private static void awaitChanged(Process child) throws Exception {
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> changed = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                    if (line.startsWith("CHANGED")) {
                        // keep draining in the background so the child never blocks on a full pipe
                        CompletableFuture.runAsync(() -> r.lines().forEach(l -> { }));
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        boolean ok;
        try {
            ok = changed.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ok = false;
        }
        synchronized (seen) {
            assertThat(ok).as("the child run did not report its change: %s", seen).isTrue();
        }
    }
}
