package io.quirklab.scenarios;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

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
 * evidence when it is not, and is broken for {@code HARNESS_ERROR}. Runs last: the lab lifecycle suites need the host
 * to themselves, this one shares its lab with whatever comes after it in the launcher session.
 */
@DisplayName("delivery matrix")
@Order(Integer.MAX_VALUE)
@ExtendWith(MatrixSessionExtension.class)
class DeliveryMatrixIT {
    @TestFactory
    Stream<DynamicNode> cells(MatrixSession session) {
        MatrixPlan plan = session.plan;
        List<DynamicNode> panels = new ArrayList<>();
        for (String offload : plan.offload()) {
            List<DynamicNode> cells = new ArrayList<>();
            for (MatrixPlan.Planned p : plan.cells(session.state())) {
                if (p.offload().equals(offload)) {
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
        return panels.stream();
    }

    private static void check(MatrixSession session, MatrixPlan.Planned p) throws Exception {
        MatrixRecorder.Recorded rec = session.run(p);
        new CellReport(session.environment, rec.cell(), session.quirks().getOrDefault(p.persona(), java.util.List.of()),
                session.recorder.runDir()).decorateCurrentTest();
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

    private static String evidence(MatrixSession session, MatrixRecorder.Recorded rec) {
        var e = rec.cell().evidence();
        return "\n  responder: " + e.requestsSeen() + " requests seen, " + e.repliesSent() + " replies sent"
                + "\n  DUT wire: " + e.repliesOnDutWire() + " replies, UDP checksums valid: " + e.dutWireUdpChecksumValid()
                + "\n  counters: " + e.counters() + (e.nicCounters().isEmpty() ? "" : ", NIC " + e.nicCounters())
                + "\n  client: exit " + e.clientExit() + ": " + e.clientMessage()
                + "\n  evidence: " + session.recorder.cellDir(rec.cell().key()).toAbsolutePath();
    }
}
