package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.cli.QuirklabCommand;
import io.quirklab.process.CommandRunner;
import io.quirklab.lab.VirtualLab;
import io.quirklab.testing.Require;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The virtual lab for scenario tests: prerequisites, the CLI in-process, and the "no trace left" check. */
final class LabFixture {
    static final CommandRunner RUN = new CommandRunner();
    /** Whether tracefs was mounted before any lab test ran: a run that mounts it must unmount it again. */
    static final boolean TRACEFS_AT_START = io.quirklab.lab.RestoreJournal.mounted(Path.of("/sys/kernel/tracing"));
    /** The suite group a module's failsafe sets (scenarios, scenarios-isolated): {@link #commandLinesOfThisGroup}. */
    static final String SUITE_GROUP = "QUIRKLAB_SUITE_GROUP";

    private LabFixture() {
    }

    static void requirePrerequisites() {
        Require.root("the virtual lab creates a network namespace, a veth pair and an nftables table");
        for (String[] t : new String[][] {{"ip", "iproute2"}, {"nft", "nftables"}, {"ethtool", "ethtool"}, {"tcpdump", "tcpdump"},
            {"ipmitool", "ipmitool"}}) {
            Tools.require(t[0], t[1]);
        }
        Optional<String> pcap = PcapLink.available();
        Require.capability(Require.TOOLS, pcap.isEmpty(), "Test requires packet capture: " + pcap.orElse(""));
        Require.capability(Require.FREE_LAB, !Files.exists(Path.of("/sys/class/net", VirtualLab.DUT_IF)),
                "a virtual lab is already up on this host (" + VirtualLab.DUT_IF + " exists): " + takeDown());
    }

    /** How to take down the lab that is up, as its owner file says (the harness writes it when it makes the namespace). */
    private static String takeDown() {
        try {
            return "run 'quirklab lab down --state-dir " + Files.readString(VirtualLab.OWNER).strip() + "' first";
        } catch (IOException e) {
            return "run 'quirklab lab down' (with the --state-dir it was made with) first";
        }
    }

    /** The delivery matrix needs root, the lab's tools and pcap; a lab already up is used as it is. */
    static void requireMatrixPrerequisites() {
        Require.root("the virtual lab creates a network namespace, a veth pair and an nftables table");
        for (String[] t : new String[][] {{"ip", "iproute2"}, {"nft", "nftables"}, {"ethtool", "ethtool"}}) {
            Tools.require(t[0], t[1]);
        }
        Optional<String> pcap = PcapLink.available();
        Require.capability(Require.TOOLS, pcap.isEmpty(), "Test requires packet capture: " + pcap.orElse(""));
    }

    /** What a CLI run printed and returned. */
    record Cli(int exit, String out, String err) {
    }

    /**
     * Runs the quirklab command line in this JVM (the responder it starts is a separate process), with writers of its
     * own: nothing global is swapped, so runs may overlap.
     */
    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = QuirklabCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new Cli(rc, out.toString(), err.toString());
    }

    /**
     * The quirklab command line as a separate process (for kill -9 tests), with the JIT's first tier only, as the
     * launcher runs it, and the serial collector, as the test JVMs have.
     */
    static List<String> cliProcess(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> c = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                QuirklabCommand.class.getName()));
        c.addAll(List.of(args));
        return c;
    }

    static long udpCounter(String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            String[] head = null;
            for (String l : lines) {
                if (l.startsWith("Udp:")) {
                    if (head == null) {
                        head = l.split("\\s+");
                    } else {
                        String[] v = l.split("\\s+");
                        for (int i = 1; i < head.length; i++) {
                            if (head[i].equals(name)) {
                                return Long.parseLong(v[i]);
                            }
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no Udp " + name + " in /proc/net/snmp");
    }

    /** Asserts that nothing of the lab is left on this host. */
    static void assertNoTrace(Path stateDir) {
        String links = RUN.run(Duration.ofSeconds(10), List.of("ip", "-o", "link")).stdout();
        assertThat(links).doesNotContain(VirtualLab.DUT_IF).doesNotContain(VirtualLab.RESP_IF);
        assertThat(RUN.run(Duration.ofSeconds(10), List.of("ip", "netns", "list")).stdout()).doesNotContain(VirtualLab.NETNS);
        assertThat(RUN.run(Duration.ofSeconds(10), List.of("nft", "list", "tables")).stdout()).doesNotContain("qlab");
        List<String> ours = commandLinesOfThisGroup().toList();
        assertThat(ours.stream().filter(c -> c.contains("responder --iface " + VirtualLab.RESP_IF))).isEmpty();
        assertThat(ours.stream().filter(c -> c.contains("bpftrace") && c.contains("kfree_skb"))).as("the kfree_skb tracer").isEmpty();
        assertThat(io.quirklab.lab.RestoreJournal.mounted(Path.of("/sys/kernel/tracing"))).as("tracefs mounted as before the tests")
                .isEqualTo(TRACEFS_AT_START);
        assertThat(stateDir.resolve("lab.json")).doesNotExist();
        assertThat(stateDir.resolve("restore-journal.jsonl")).doesNotExist();
    }

    /**
     * The command lines of the processes this group of suites started: scenarios/ and scenarios-isolated/ run at once
     * (the latter in namespaces of its own), each with QUIRKLAB_SUITE_GROUP set to its name, which every process they
     * start inherits; a group looks for what it left behind among its own. Without the variable (a suite run some
     * other way), every process on the host.
     */
    static java.util.stream.Stream<String> commandLinesOfThisGroup() {
        String group = System.getenv(SUITE_GROUP);
        return ProcessHandle.allProcesses().filter(p -> group == null || inEnvironment(p.pid(), SUITE_GROUP + "=" + group))
                .map(p -> p.info().commandLine().orElse(""));
    }

    /** Whether a process's environment has {@code entry} ("NAME=value"); false when it is gone or unreadable. */
    private static boolean inEnvironment(long pid, String entry) {
        try {
            String env = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), java.nio.charset.StandardCharsets.UTF_8);
            return List.of(env.split("\0")).contains(entry);
        } catch (IOException e) {
            return false; // gone, or not ours to read: not of this group
        }
    }

    static CommandRunner.Result ipmitool(String host, String... command) {
        List<String> c = new ArrayList<>(List.of("ipmitool", "-I", "lan", "-H", host, "-U", "admin", "-P", "secret", "-N", "1", "-R", "1"));
        c.addAll(List.of(command));
        return RUN.run(Duration.ofSeconds(30), c);
    }
}
