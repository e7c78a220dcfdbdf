package io.quirklab.scenarios;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.engine.EarlyVerdict;
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
 * Cells at the evidence's pace are as good as cells at the full wait: every persona with three clients (the Java
 * client, ipmitool and ipmiutil, whose dropped cells wait longest), both offload states, run once with every client
 * running to its own end and a persona's cells one after another, and once with cells ended when the evidence decides
 * them and a persona's cells at once on instances of it; {@code quirklab compare} finds no change between them, nor
 * against the committed baseline, which was recorded one cell at a time (so a serial run need not be repeated here).
 * And a fault the harness never heard of, injected for one persona, changes that persona's cells only.
 */
@DisplayName("parallel matrix runs")
@Order(70)
class ParallelMatrixIT {
    static final String CLIENTS = "java-lan,ipmitool-lan,ipmiutil";

    @Test
    void theEvidencesPaceGivesTheVerdictsAndReasonsOfTheFullWait() throws Exception {
        LabFixture.requirePrerequisites();
        Tools.require("bpftrace", "bpftrace");
        Tools.require("ipmiutil", "ipmiutil");
        Path work = Scratch.dir("quirklab-parallel");
        Path fullWait = run(work, "full-wait", "--jobs", "12", "--full-wait");
        Path evidence = run(work, "evidence", "--jobs", "12");
        LabFixture.assertNoTrace(work.resolve("state"));

        LabFixture.Cli compare = LabFixture.cli("compare", fullWait.toString(), evidence.toString(), "--fail-on-regression");
        assertThat(compare.exit()).as(compare.out() + compare.err()).isZero();
        MatrixDocument w = MatrixDocument.read(fullWait);
        MatrixDocument e = MatrixDocument.read(evidence);
        assertThat(e.cells()).hasSize(w.cells().size()).hasSizeGreaterThan(150);
        assertThat(compare.out()).contains("summary: regressions 0, fixes 0, changed 0, added 0, removed 0, unchanged " + w.cells().size());
        // the baseline was recorded one cell at a time: neither way differs from it in a cell both have
        MatrixDocument baseline = MatrixDocument.read(MatrixSession.rootDir().resolve("reports/baselines/virtual-debian12.json"));
        for (MatrixDocument run : List.of(w, e)) {
            assertThat(Comparison.of(baseline, run).changes()).filteredOn(c -> c.kind() != Comparison.Kind.REMOVED)
                    .extracting(c -> c.kind() + " " + c.key() + ": " + c.summary()).isEmpty();
        }
        assertThat(e.cells()).filteredOn(c -> Reason.UDP_CSUM.equals(c.reason())).isNotEmpty()
                .allSatisfy(c -> assertThat(c.evidence().reasonSource()).as(c.key().toString()).isEqualTo(ReasonSource.KFREE_SKB));
        // the dropped cells ended at the evidence, and the client's outcome says so; at the full wait none did
        assertThat(e.cells()).filteredOn(c -> Reason.UDP_CSUM.equals(c.reason()) || Reason.IP_CSUM.equals(c.reason()))
                .allSatisfy(c -> assertThat(c.evidence().clientMessage()).as(c.key().toString()).contains(EarlyVerdict.ENDED));
        // so did the lone fragments', which the stack holds for a reassembly that cannot happen (no drop until its timeout)
        assertThat(e.cells()).filteredOn(c -> List.of("mf-set", "frag-offset").contains(c.persona())).hasSizeGreaterThanOrEqualTo(12)
                .allSatisfy(c -> assertThat(c.evidence().clientMessage()).as(c.key().toString()).contains(EarlyVerdict.ENDED)
                        .contains("held in the stack as fragments"));
        assertThat(w.cells()).allSatisfy(c -> assertThat(String.valueOf(c.evidence().clientMessage())).doesNotContain(EarlyVerdict.ENDED));
        double waitSecs = seconds(w);
        double evidenceSecs = seconds(e);
        System.out.printf("%d cells: full wait %.0f s, at the evidence %.0f s; compare: no change%n", e.cells().size(), waitSecs,
                evidenceSecs);
        assertThat(evidenceSecs).as("cells at the evidence's pace take less time").isLessThan(waitSecs);
    }

    @Test
    void aHiddenFaultOnOnePersonaChangesOnlyThatPersonasCells() throws Exception {
        LabFixture.requirePrerequisites();
        Tools.require("bpftrace", "bpftrace");
        Path work = Scratch.dir("quirklab-hidden");
        Path state = work.resolve("state");
        assertThat(LabFixture.cli("lab", "--state-dir", state.toString(), "up").exit()).isZero();
        try {
            // Not a fault model: a table of its own that the harness knows nothing of, corrupting one persona's replies
            // by what its replies carry (TTL 1), so it follows the persona to its instances too.
            String victim = "ip saddr 198.18.0.0/24 ip ttl 1";
            String rules = "table netdev qlab_hidden {\n  chain ingress {\n    type filter hook ingress device \"" + VirtualLab.DUT_IF
                    + "\" priority 10;\n    " + victim + " udp sport 623 udp checksum 0x7777 udp checksum set 0x1111 accept\n"
                    + "    " + victim + " udp sport 623 udp checksum set 0x7777\n  }\n}\n";
            assertThat(LabFixture.RUN.run(Duration.ofSeconds(10), List.of("nft", "-f", "-"), rules.getBytes()).ok()).isTrue();
            Path hidden = run(work, "hidden", "--jobs", "12", "--clients", "java-lan,ipmitool-lan");
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
        List<String> args = new java.util.ArrayList<>(List.of("run", "--lab", MatrixSession.labFilePath().toString(),
                "--state-dir", work.resolve("state").toString(), "--reports", reports.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--clients")) {
            args.addAll(List.of("--clients", CLIENTS));
        }
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
