package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership and recovery rules of the offload journal, with the macOS adapter on recorded outputs as the host (its
 * switch is a single sysctl value the fake keeps). The real Linux switch and a real kill -9 are in LinuxHostTest.
 */
class OffloadJournalTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void endChildren() {
        children.forEach(Process::destroyForcibly);
    }

    private MacHostTest.FakeMac mac(String value) {
        return new MacHostTest.FakeMac(value, "system_profiler-ethernet.json");
    }

    /** A journal entry as a run with {@code owner} would have left it. */
    private void leave(io.quirklab.process.ProcessOwner owner, String original) throws IOException {
        OffloadJournal.Entry e = new OffloadJournal.Entry(HostAdapter.MACOS, "en0", OffloadKeys.RX_UDP4_CHECKSUM, original,
                "sysctl -w net.link.generic.system.hwcksum_rx=0", owner, Instant.now().toString());
        Files.createDirectories(dir);
        new ObjectMapper().writeValue(dir.resolve(e.fileName()).toFile(), e);
    }

    private Process sleeper() throws IOException {
        Require.capability(Require.TOOLS, CommandRunner.which("sleep").isPresent(), "Test requires sleep");
        Process p = new ProcessBuilder("sleep", "60").start();
        children.add(p);
        return p;
    }

    /** The owner a run that has ended was (its start an hour ago, so a recycled PID does not count as it). */
    private static io.quirklab.process.ProcessOwner deadOwner(Process ended) {
        return new io.quirklab.process.ProcessOwner(ended.pid(), Instant.now().minusSeconds(3600).toString());
    }

    private static io.quirklab.process.ProcessOwner ownerOf(Process p) {
        return io.quirklab.process.ProcessOwner.of(p.toHandle());
    }

    @Test
    void aLiveRunsChangeRefusesTheStartAndNamesItsPid() throws Exception {
        Process other = sleeper();
        leave(ownerOf(other), "1");
        MacHostTest.FakeMac fake = mac("0");
        assertThatThrownBy(() -> OffloadJournal.open(dir, fake.host(), l -> { })).isInstanceOf(OffloadJournal.BusyException.class)
                .hasMessageContaining("pid " + other.pid()).hasMessageContaining("quirklab restore")
                .satisfies(e -> assertThat(((OffloadJournal.BusyException) e).pid()).isEqualTo(other.pid()));
        // quirklab restore leaves it to its live owner, and says so.
        assertThat(OffloadJournal.restoreLeftovers(dir, fake.host())).singleElement().satisfies(o -> {
            assertThat(o.restored()).isFalse();
            assertThat(o.problem()).contains("pid " + other.pid()).contains("still going");
        });
        assertThat(fake.rec.ran("sysctl -w")).isEmpty();

        other.destroyForcibly();
        assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> progress = new ArrayList<>();
        try (OffloadJournal j = OffloadJournal.open(dir, fake.host(), progress::add)) {
            assertThat(progress).singleElement().satisfies(l -> assertThat(l).startsWith("left by a run that is gone: restored rx_udp4_checksum on en0: 0 -> 1"));
            assertThat(fake.hwRx.get()).isEqualTo("1");
            assertThat(j.mine()).isEmpty();
        }
        assertThat(WindowsHostTest.entryFiles(dir)).isEmpty();
    }

    @Test
    void aLiveRunThatAppearsLaterStopsAChangeBeforeItIsMade() throws Exception {
        MacHostTest.FakeMac fake = mac("1");
        try (OffloadJournal j = OffloadJournal.open(dir, fake.host(), l -> { })) {
            Process other = sleeper();
            leave(ownerOf(other), "1");
            assertThatThrownBy(() -> fake.host().setRxUdp4Checksum("en0", false, j)).isInstanceOf(OffloadJournal.BusyException.class)
                    .hasMessageContaining("pid " + other.pid());
            assertThat(fake.rec.ran("sysctl -w")).isEmpty();
            Files.delete(WindowsHostTest.entryFiles(dir).get(0));
        }
    }

    @Test
    void aRecycledPidIsNotTheOwner() throws Exception {
        Process other = sleeper();
        leave(new io.quirklab.process.ProcessOwner(other.pid(), Instant.now().minusSeconds(3600).toString()), "1");
        MacHostTest.FakeMac fake = mac("0");
        try (OffloadJournal j = OffloadJournal.open(dir, fake.host(), l -> { })) {
            assertThat(fake.hwRx.get()).isEqualTo("1");
        }
        assertThat(other.isAlive()).isTrue();
    }

    @Test
    void quirklabRestorePutsBackWhatADeadRunLeftAndIsIdempotent() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        leave(deadOwner(gone), "1");
        MacHostTest.FakeMac fake = mac("0");
        assertThat(OffloadJournal.restoreLeftovers(dir, fake.host())).singleElement().satisfies(o -> {
            assertThat(o.restored()).isTrue();
            assertThat(o.describe()).startsWith("restored rx_udp4_checksum on en0: 0 -> 1");
        });
        assertThat(fake.hwRx.get()).isEqualTo("1");
        assertThat(OffloadJournal.restoreLeftovers(dir, fake.host())).isEmpty();
        assertThat(OffloadJournal.restoreLeftovers(dir.resolve("never-made"), fake.host())).isEmpty();

        // Already back at the original (someone fixed it by hand): nothing is switched, the entry goes.
        leave(deadOwner(gone), "1");
        assertThat(OffloadJournal.restoreLeftovers(dir, fake.host())).singleElement()
                .satisfies(o -> assertThat(o.describe()).contains("nothing to do").contains("it is 1 already"));
        assertThat(fake.rec.ran("sysctl -w")).hasSize(1);
    }

    @Test
    void theFirstOriginalIsKeptAcrossSeveralChanges() throws IOException {
        MacHostTest.FakeMac fake = mac("1");
        MacHost host = fake.host();
        try (OffloadJournal j = OffloadJournal.open(dir, host, l -> { })) {
            host.setRxUdp4Checksum("en0", false, j);
            host.setRxUdp4Checksum("en0", true, j);
            host.setRxUdp4Checksum("en0", false, j);
            assertThat(j.mine()).singleElement().satisfies(e -> assertThat(e.original()).isEqualTo("1"));
        }
        assertThat(fake.hwRx.get()).isEqualTo("1");
    }

    @Test
    void whatTheEndOfARunCannotPutBackIsSaidThroughItsProgressNotOnTheConsole() throws IOException {
        List<String> progress = new ArrayList<>();
        OffloadJournal j = OffloadJournal.open(dir, mac("1").host(), progress::add);
        OffloadJournal.Entry mine = new OffloadJournal.Entry(HostAdapter.MACOS, "en0", "rx_sctp_checksum", "1", "?",
                io.quirklab.process.ProcessOwner.current(), Instant.now().toString());
        new ObjectMapper().writeValue(dir.resolve(mine.fileName()).toFile(), mine);
        j.close();
        assertThat(progress).singleElement().satisfies(l -> assertThat(l).contains("unknown setting 'rx_sctp_checksum'")
                .endsWith("(run 'quirklab restore')"));
        assertThat(dir.resolve(mine.fileName())).as("kept for quirklab restore").exists();
    }

    @Test
    void aClosedJournalRefusesNewChanges() throws IOException {
        MacHostTest.FakeMac fake = mac("1");
        OffloadJournal j = OffloadJournal.open(dir, fake.host(), l -> { });
        j.close();
        j.close();
        assertThatThrownBy(() -> fake.host().setRxUdp4Checksum("en0", false, j)).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
        assertThat(fake.hwRx.get()).isEqualTo("1");
    }

    @Test
    void unreadableOrForeignEntriesAreReportedNotGuessed() throws IOException {
        Process gone = new ProcessBuilder("true").start();
        try {
            gone.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        OffloadJournal.Entry foreign = new OffloadJournal.Entry(HostAdapter.MACOS, "en0", "rx_sctp_checksum", "1", "?",
                deadOwner(gone), Instant.now().toString());
        new ObjectMapper().writeValue(dir.resolve(foreign.fileName()).toFile(), foreign);
        assertThat(OffloadJournal.restoreLeftovers(dir, mac("1").host())).singleElement()
                .satisfies(o -> assertThat(o.describe()).contains("unknown setting 'rx_sctp_checksum'"));
        assertThatThrownBy(() -> OffloadJournal.open(dir, mac("1").host(), l -> { })).isInstanceOf(IOException.class)
                .hasMessageContaining("nothing was changed");

        Files.delete(dir.resolve(foreign.fileName()));
        Path torn = dir.resolve(OffloadJournal.PREFIX + "1-en0-x-rx_udp4_checksum.json");
        Files.writeString(torn, "{\"family\":\"mac");
        assertThatThrownBy(() -> OffloadJournal.restoreLeftovers(dir, mac("1").host())).isInstanceOf(IOException.class)
                .hasMessageContaining(torn.toString()).hasMessageContaining("restore it by hand");
    }

    @Test
    void theDefaultDirectoryPerOsAndItsOverride() {
        String old = System.getProperty("quirklab.offload.state");
        try {
            System.clearProperty("quirklab.offload.state");
            if (System.getenv("QUIRKLAB_OFFLOAD_STATE") == null) {
                assertThat(OffloadJournal.defaultDir(HostAdapter.LINUX)).isEqualTo(Path.of("/var/lib/quirklab"));
                assertThat(OffloadJournal.defaultDir(HostAdapter.MACOS)).isEqualTo(Path.of("/Library/Application Support/quirklab"));
                assertThat(OffloadJournal.defaultDir(HostAdapter.WINDOWS).getFileName()).hasToString("quirklab");
            }
            System.setProperty("quirklab.offload.state", dir.toString());
            assertThat(OffloadJournal.defaultDir(HostAdapter.LINUX)).isEqualTo(dir);
        } finally {
            if (old == null) {
                System.clearProperty("quirklab.offload.state");
            } else {
                System.setProperty("quirklab.offload.state", old);
            }
        }
    }
}
