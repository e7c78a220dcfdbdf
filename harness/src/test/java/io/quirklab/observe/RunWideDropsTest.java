package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell's window takes the drops of its flow, and a lone fragment's flow has no ports: a reassembly timeout of an
 * earlier run's fragment at the same address fired inside a later cell's window and was taken as that cell's drop
 * (ParallelMatrixIT once: "dropped in the stack (kfree_skb FRAG_REASM_TIMEOUT)" where its own reply was held). Such a
 * drop counts for a window only once the window is as old as the reassembly time.
 */
class RunWideDropsTest {
    static final String PERSONA = "198.18.0.250";
    static final String DUT = "198.18.0.1";
    static final long S = 1_000_000_000L;

    @Test
    void aReassemblyTimeoutCountsForAWindowOnlyOnceTheWindowIsAsOldAsTheReassemblyTime() {
        TestDrops d = new TestDrops(PERSONA, DUT);
        long start = 1_000 * S;
        d.drop(start + S, RunWideDrops.REASSEMBLY_TIMEOUT, 0); // an earlier datagram's fragments, timed out now
        d.drop(start + 2 * S, "UDP_CSUM", 40000); // this window's own reply
        d.drop(start + RunWideDrops.REASSEMBLY_NANOS + S, RunWideDrops.REASSEMBLY_TIMEOUT, 0); // this window's own fragments
        assertThat(d.drops(PERSONA, DUT, Set.of(40000), start, start + 10 * S)).extracting(FlowDrops.Drop::reason)
                .containsExactly("UDP_CSUM");
        assertThat(d.drops(PERSONA, DUT, Set.of(40000), start, start + 60 * S)).extracting(FlowDrops.Drop::reason)
                .containsExactly("UDP_CSUM", RunWideDrops.REASSEMBLY_TIMEOUT);
        assertThat(d.drops(PERSONA, DUT, Set.of(), Long.MIN_VALUE, Long.MAX_VALUE)).as("no window: every drop").hasSize(3);
    }

    @Test
    void theReassemblyTimeIsThisHostsIpfragTime(@TempDir Path dir) throws Exception {
        assertThat(RunWideDrops.reassemblySeconds(Files.writeString(dir.resolve("ipfrag_time"), "45\n"))).isEqualTo(45);
        assertThat(RunWideDrops.reassemblySeconds(dir.resolve("absent"))).isEqualTo(30);
        assertThat(RunWideDrops.reassemblySeconds(Files.writeString(dir.resolve("garbled"), "x"))).isEqualTo(30);
        assertThat(RunWideDrops.reassemblySeconds(Files.writeString(dir.resolve("empty"), ""))).isEqualTo(30);
        assertThat(RunWideDrops.reassemblySeconds(Path.of("/proc/sys/net/ipv4/ipfrag_time")))
                .as("this host's, read whole").isEqualTo(Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ipfrag_time")).get(0).strip()));
    }
}
