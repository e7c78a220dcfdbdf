package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.lab.RestoreJournal;
import io.quirklab.observe.FlowDrops;
import io.quirklab.observe.KfreeSkbTracer;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kfree_skb tracer reports the drops of one network namespace only: the same datagram (198.18.99.1 to a closed port
 * of its own, the kernel drops it with NO_SOCKET) is sent in two namespaces made for the test, and the tracer of the
 * second one reports the second one's drop and not the first one's. This is what lets a run's evidence ignore another
 * lab on the same host with the same addresses (scenarios-isolated/ runs its virtual labs beside scenarios/' ones).
 */
@DisplayName("the kernel's drop reasons, per network namespace")
class KernelDropsPerNamespaceIT {
    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    private static final CommandRunner RUN = new CommandRunner();
    private static final Duration T = Duration.ofSeconds(20);
    private static final String ADDRESS = "198.18.99.1";
    private static final String NS_OTHER = "qtrace-other";
    private static final String NS_OWN = "qtrace-own";

    @Test
    void aDropInAnotherNamespaceIsNotTheTracedNamespaces() throws Exception {
        Require.root("the test makes two network namespaces and runs bpftrace");
        Tools.require("bpftrace", "bpftrace");
        Tools.require("ip", "iproute2");
        Path python = Path.of("/usr/bin/python3");
        Require.capability(Require.TOOLS, java.nio.file.Files.isExecutable(python), "Test requires /usr/bin/python3 (to send from a chosen port)");
        boolean mounted = false;
        List<String> made = new ArrayList<>();
        try {
            if (!RestoreJournal.mounted(TRACEFS)) {
                assertThat(RUN.run(T, List.of("mount", "-t", "tracefs", "nodev", TRACEFS.toString())).exitCode()).isZero();
                mounted = true;
            }
            for (String ns : List.of(NS_OTHER, NS_OWN)) {
                assertThat(RUN.run(T, List.of("ip", "netns", "add", ns)).exitCode()).as("ip netns add " + ns).isZero();
                made.add(ns);
                assertThat(RUN.run(T, List.of("ip", "-n", ns, "link", "set", "lo", "up")).exitCode()).isZero();
                assertThat(RUN.run(T, List.of("ip", "-n", ns, "address", "add", ADDRESS + "/32", "dev", "lo")).exitCode()).isZero();
            }
            long own = KfreeSkbTracer.netnsOf(Path.of("/run/netns", NS_OWN));
            assertThat(own).isNotEqualTo(KfreeSkbTracer.netnsOf(Path.of("/run/netns", NS_OTHER)));
            try (KfreeSkbTracer tracer = KfreeSkbTracer.start(TRACEFS, own, p -> { })) {
                long from = System.nanoTime();
                send(python, NS_OTHER, 40001);
                send(python, NS_OWN, 40002);
                send(python, NS_OTHER, 40003);
                long to = System.nanoTime();
                assertThat(tracer.awaitUpTo(to, Duration.ofSeconds(10))).as("the tracer read past the sends").isTrue();
                List<FlowDrops.Drop> drops = tracer.drops(ADDRESS, null, Set.of(9), from, to);
                assertThat(drops).extracting(d -> d.packet().srcPort()).containsExactly(40002);
                assertThat(drops).extracting(FlowDrops.Drop::reason).containsExactly("NO_SOCKET");
            }
        } finally {
            for (String ns : made) {
                RUN.run(T, List.of("ip", "netns", "delete", ns));
            }
            if (mounted) {
                RUN.run(T, List.of("umount", TRACEFS.toString()));
            }
        }
        assertThat(RUN.run(T, List.of("ip", "netns", "list")).stdout()).doesNotContain("qtrace-");
    }

    /** One datagram from ADDRESS:port to ADDRESS:9 (nothing listens: the kernel drops it), in namespace {@code ns}. */
    private static void send(Path python, String ns, int port) {
        CommandRunner.Result r = RUN.run(T, List.of("ip", "netns", "exec", ns, python.toString(), "-c",
                "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('" + ADDRESS + "', " + port + ")); "
                        + "s.sendto(b'quirklab', ('" + ADDRESS + "', 9))"));
        assertThat(r.exitCode()).as(r.commandLine() + ": " + r.stderr()).isZero();
    }
}
