package io.quirklab.scenarios;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.OffloadState;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.engine.MatrixEngine;
import io.quirklab.matrix.Comparison;
import io.quirklab.engine.MatrixPlan;
import io.quirklab.engine.MatrixRecorder;
import io.quirklab.matrix.CellJudge;
import io.quirklab.report.CellReport;
import io.quirklab.testing.Require;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

/**
 * The delivery matrix of the lab in use: personas x clients x offload states, one test per cell named like the cell
 * ({@code smdc-tyan x ipmitool-lan x offload=on}). A cell passes when its verdict is the persona's {@code expected} or
 * a known deviation (known-issues of the lab file, or the same verdict in {@code -Dquirklab.baseline}), fails with the
 * evidence when it is not, and is broken for {@code HARNESS_ERROR}. The engine runs the cells (in parallel where the
 * evidence is per flow) and each test renders its cell. Runs last: the lab lifecycle suites need the host to
 * themselves, this one shares its lab with whatever comes after it in the launcher session.
 */
@DisplayName("delivery matrix")
@Order(Integer.MAX_VALUE)
@ExtendWith(MatrixSessionExtension.class)
class DeliveryMatrixIT {
    @TestFactory
    Stream<DynamicNode> cells(MatrixSession session) {
        MatrixPlan plan = session.plan;
        List<DynamicNode> panels = new ArrayList<>();
        for (OffloadState offload : plan.offload()) {
            List<DynamicNode> cells = new ArrayList<>();
            for (MatrixPlan.Planned p : plan.cells(session.state())) {
                if (p.offload() == offload) {
                    cells.add(dynamicTest(p.toString(), () -> check(session, p)));
                }
            }
            for (MatrixPlan.Missing m : plan.missing()) {
                for (String persona : plan.personas()) {
                    if (MatrixPlan.applicable(session.state(), persona, m.client())) {
                        String name = persona + " x " + m.client().id() + " x offload=" + offload;
                        cells.add(dynamicTest(name, () -> Require.capability(Require.TOOLS, false, m.hint())));
                    }
                }
            }
            panels.add(dynamicContainer("offload=" + offload, cells));
        }
        panels.add(dynamicTest("the run as a whole", () -> whole(session)));
        return panels.stream();
    }

    /**
     * After the last cell: the wall time, and with a baseline no cell changed at all (no regression, fix or other
     * change); where drops are seen per packet, every checksum drop names kfree_skb as its source.
     */
    private static void whole(MatrixSession session) throws Exception {
        MatrixEngine.Finished f = session.finished();
        MatrixEngine.Started s = session.run();
        System.out.printf("delivery matrix: %d cells in %.1f s wall, %d at once (%s); %s pace: %s%n", f.document().cells().size(),
                f.seconds(), f.jobs(), s.observers(), f.pace().token(), f.dropTimes().describe());
        var baseline = session.baseline();
        if (baseline.isPresent()) {
            var changes = Comparison.of(baseline.get(), f.document()).changes().stream()
                    .filter(c -> c.kind() != Comparison.Kind.REMOVED && c.kind() != Comparison.Kind.ADDED).toList();
            assertThat(changes).as("cells that differ from the baseline " + baseline.get().run().id())
                    .extracting(c -> c.kind() + " " + c.key() + ": " + c.summary()).isEmpty();
        }
        if ("linux".equals(s.environment().os().family())) {
            // a Linux machine under test has the kernel's own verdict per packet; without it (no bpftrace, no root) say so
            Require.capability(Require.TOOLS, s.observers().contains("bpftrace on kfree_skb"), "the kernel's drop reasons per packet "
                    + "(bpftrace on kfree_skb, root) are missing on this Linux machine under test: " + s.observers());
            assertThat(f.document().cells()).filteredOn(c -> Reason.UDP_CSUM.equals(c.reason()))
                    .allSatisfy(c -> assertThat(c.evidence().reasonSource()).as(c.key().toString()).isEqualTo(ReasonSource.KFREE_SKB));
        }
    }

    private static void check(MatrixSession session, MatrixPlan.Planned p) throws Exception {
        MatrixRecorder.Recorded rec = session.await(p);
        MatrixEngine.Started run = session.run();
        new CellReport(run.environment(), rec.cell(), session.quirks().getOrDefault(p.persona(), java.util.List.of()),
                run.runDir()).decorateCurrentTest();
        CellJudge.Judgement j = rec.judgement();
        switch (j.outcome()) {
            case PASSED, KNOWN -> {
                // as expected, or a deviation already understood (the message says which)
            }
            case FAILED -> throw new AssertionFailedError(p + ": " + j.message() + evidence(session, rec));
            case BROKEN -> throw new IllegalStateException(p + ": the harness could not run this cell: " + j.message() + evidence(session, rec));
            default -> throw new IllegalStateException(j.outcome().name());
        }
    }

    private static String evidence(MatrixSession session, MatrixRecorder.Recorded rec) throws Exception {
        var e = rec.cell().evidence();
        return "\n  responder: " + e.requestsSeen() + " requests seen, " + e.repliesSent() + " replies sent"
                + "\n  DUT wire: " + e.repliesOnDutWire() + " replies, UDP checksums valid: " + e.dutWireUdpChecksumValid()
                + "\n  counters: " + e.counters() + (e.nicCounters().isEmpty() ? "" : ", NIC " + e.nicCounters())
                + "\n  client: exit " + e.clientExit() + ": " + e.clientMessage()
                + "\n  evidence: " + session.run().runDir().resolve("cells").resolve(rec.cell().key().slug()).toAbsolutePath();
    }
}
