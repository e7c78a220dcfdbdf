package io.quirklab.scenarios;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.lab.LabState;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.Comparison;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Cells in parallel are as good as cells one after another: every persona with two clients (the Java client and
 * ipmitool), both offload states, run serially and in parallel on the virtual lab, compared with {@code quirklab
 * compare}; and a fault the harness never heard of, injected for one persona, changes that persona's cells only.
 */
@DisplayName("parallel matrix runs")
@Order(70)
class ParallelMatrixIT {
    static final String CLIENTS = "java-lan,ipmitool-lan";

    @Test
    void aParallelRunGivesTheVerdictsAndReasonsOfASerialOne() throws Exception {
        LabFixture.requirePrerequisites();
        Tools.require("bpftrace", "bpftrace");
        Path work = Files.createTempDirectory("quirklab-parallel");
        Path serial = run(work, "serial", "--jobs", "1");
        Path parallel = run(work, "parallel", "--jobs", "12");
        LabFixture.assertNoTrace(work.resolve("state"));

        LabFixture.Cli compare = LabFixture.cli("compare", serial.toString(), parallel.toString(), "--fail-on-regression");
        assertThat(compare.exit()).as(compare.out() + compare.err()).isZero();
        MatrixDocument s = MatrixDocument.read(serial);
        MatrixDocument p = MatrixDocument.read(parallel);
        assertThat(p.cells()).hasSize(s.cells().size()).hasSizeGreaterThan(100);
        assertThat(compare.out()).contains("summary: regressions 0, fixes 0, changed 0, added 0, removed 0, unchanged " + s.cells().size());
        assertThat(p.cells()).filteredOn(c -> Reason.UDP_CSUM.equals(c.reason())).isNotEmpty()
                .allSatisfy(c -> assertThat(c.evidence().reasonSource()).as(c.key().toString()).isEqualTo(ReasonSource.KFREE_SKB));
        double serialSecs = seconds(s);
        double parallelSecs = seconds(p);
        System.out.printf("serial %.0f s, parallel %.0f s for %d cells%n", serialSecs, parallelSecs, p.cells().size());
        assertThat(parallelSecs).as("the parallel run is the faster").isLessThan(serialSecs);
    }

    @Test
    void aHiddenFaultOnOnePersonaChangesOnlyThatPersonasCells() throws Exception {
        LabFixture.requirePrerequisites();
        Tools.require("bpftrace", "bpftrace");
        Path work = Files.createTempDirectory("quirklab-hidden");
        Path state = work.resolve("state");
        assertThat(LabFixture.cli("lab", "--state-dir", state.toString(), "up").exit()).isZero();
        try {
            LabState lab = new VirtualLab(state, l -> { }).readState().orElseThrow();
            String victim = lab.persona("ttl-1").address();
            // Not a fault model: a table of its own that the harness knows nothing of, corrupting one persona's replies.
            String rules = "table netdev qlab_hidden {\n  chain ingress {\n    type filter hook ingress device \"" + VirtualLab.DUT_IF
                    + "\" priority 10;\n    ip saddr " + victim + " udp sport 623 udp checksum 0x7777 udp checksum set 0x1111 accept\n"
                    + "    ip saddr " + victim + " udp sport 623 udp checksum set 0x7777\n  }\n}\n";
            assertThat(LabFixture.RUN.run(Duration.ofSeconds(10), List.of("nft", "-f", "-"), rules.getBytes()).ok()).isTrue();
            Path hidden = run(work, "hidden", "--jobs", "12");
            Comparison c = Comparison.of(MatrixDocument.read(MatrixSession.rootDir().resolve("reports/baselines/virtual-debian12.json")),
                    MatrixDocument.read(hidden));
            List<Comparison.CellChange> moved = c.changes().stream().filter(ch -> ch.kind() != Comparison.Kind.REMOVED).toList();
            assertThat(moved).as("cells that changed against the baseline").isNotEmpty()
                    .allSatisfy(ch -> assertThat(ch.key().persona()).isEqualTo("ttl-1"));
            MatrixDocument doc = MatrixDocument.read(hidden);
            assertThat(doc.cells()).filteredOn(x -> x.persona().equals("ttl-1"))
                    .allSatisfy(x -> assertThat(x.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK));
        } finally {
            LabFixture.RUN.run(Duration.ofSeconds(10), List.of("nft", "delete", "table", "netdev", "qlab_hidden"));
            LabFixture.cli("lab", "--state-dir", state.toString(), "down");
        }
        LabFixture.assertNoTrace(state);
    }

    private static Path run(Path work, String name, String... extra) throws Exception {
        Path reports = work.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("run", "--clients", CLIENTS, "--lab", MatrixSession.labFilePath().toString(),
                "--state-dir", work.resolve("state").toString(), "--reports", reports.toString()));
        args.addAll(List.of(extra));
        LabFixture.Cli r = LabFixture.cli(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        try (Stream<Path> dirs = Files.list(reports.resolve("runs"))) {
            return dirs.findFirst().orElseThrow().resolve("matrix.json");
        }
    }

    private static double seconds(MatrixDocument d) {
        return Duration.between(java.time.Instant.parse(d.run().started()), java.time.Instant.parse(d.run().finished())).toSeconds();
    }
}
