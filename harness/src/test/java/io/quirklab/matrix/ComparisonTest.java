package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static io.quirklab.testing.Matrices.cell;
import static io.quirklab.testing.Matrices.document;
import static io.quirklab.testing.Matrices.environment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.matrix.Comparison.CellChange;
import io.quirklab.matrix.Comparison.Field;
import io.quirklab.matrix.Comparison.Kind;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.MatrixDocument.Key;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each category of MATRIX.md's comparison on hand-built documents, and the environments side by side. */
class ComparisonTest {
    private static final Cell CLEAN_OK = cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED);

    private static Comparison compare(List<Cell> before, List<Cell> after) {
        List<Cell> old = new ArrayList<>(List.of(CLEAN_OK));
        old.addAll(before);
        List<Cell> now = new ArrayList<>(List.of(CLEAN_OK));
        now.addAll(after);
        return Comparison.of(document("old", environment("5.4.0-k"), old), document("new", environment("5.4.0-k"), now));
    }

    private static CellChange only(Comparison c) {
        assertThat(c.changes()).hasSize(1);
        return c.changes().get(0);
    }

    @Test
    void aCellThatStopsBeingAsExpectedIsARegression() {
        Comparison c = compare(List.of(cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED)),
                List.of(cell("smdc-tyan", "ipmitool-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)));
        CellChange change = only(c);
        assertThat(change.kind()).isEqualTo(Kind.REGRESSION);
        assertThat(change.key()).isEqualTo(new Key("smdc-tyan", "ipmitool-lan", OffloadState.ON));
        assertThat(change.summary()).isEqualTo("DELIVERED -> DROPPED_IN_STACK (UDP_CSUM)");
        assertThat(change.expectation()).isEqualTo("expected DELIVERED");
        assertThat(c.hasRegressions()).isTrue();
        assertThat(c.count(Kind.REGRESSION)).isEqualTo(1);
        assertThat(c.count(Kind.UNCHANGED)).isEqualTo(1);
    }

    @Test
    void aNegativeControlThatStartsDeliveringIsARegressionToo() {
        Comparison c = compare(List.of(cell("bad-udp-csum", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DROPPED_IN_STACK)),
                List.of(cell("bad-udp-csum", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DROPPED_IN_STACK)));
        assertThat(only(c).kind()).isEqualTo(Kind.REGRESSION);
    }

    @Test
    void aCellThatBecomesAsExpectedIsAFix() {
        Comparison c = compare(List.of(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)),
                List.of(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED)));
        assertThat(only(c).kind()).isEqualTo(Kind.FIX);
        assertThat(only(c).summary()).isEqualTo("DROPPED_IN_STACK (UDP_CSUM) -> DELIVERED");
        assertThat(c.hasRegressions()).isFalse();
    }

    @Test
    void anotherWrongVerdictIsChanged() {
        Comparison c = compare(List.of(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)),
                List.of(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.CLIENT_REJECTED, null, Verdict.DELIVERED)));
        assertThat(only(c).kind()).isEqualTo(Kind.CHANGED);
        assertThat(only(c).summary()).isEqualTo("DROPPED_IN_STACK (UDP_CSUM) -> CLIENT_REJECTED");
    }

    @Test
    void anotherReasonIsChanged() {
        Comparison c = compare(List.of(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)),
                List.of(cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UNKNOWN", Verdict.DELIVERED)));
        assertThat(only(c).kind()).isEqualTo(Kind.CHANGED);
        assertThat(only(c).summary()).isEqualTo("DROPPED_IN_STACK (UDP_CSUM) -> DROPPED_IN_STACK (UNKNOWN)");
    }

    @Test
    void aChangedExpectationIsShown() {
        Comparison c = compare(List.of(cell("odd", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED)),
                List.of(cell("odd", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.CLIENT_REJECTED)));
        assertThat(only(c).kind()).isEqualTo(Kind.CHANGED);
        assertThat(only(c).expectation()).isEqualTo("expected DELIVERED -> CLIENT_REJECTED");
    }

    @Test
    void cellsInOneFileOnlyAreAddedOrRemoved() {
        Cell gone = cell("id-zero", "ipmiutil-lan", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DELIVERED);
        Cell fresh = cell("vlan-tagged", "java-lan", OffloadState.OFF, Verdict.DROPPED_IN_STACK, "VLAN", Verdict.DROPPED_IN_STACK);
        Comparison c = compare(List.of(gone), List.of(fresh));
        assertThat(c.cells(Kind.REMOVED)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(gone.key());
            assertThat(r.before()).isEqualTo(gone);
            assertThat(r.after()).isNull();
            assertThat(r.summary()).isEqualTo("DELIVERED (only in OLD)");
        });
        assertThat(c.cells(Kind.ADDED)).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo(fresh.key());
            assertThat(a.before()).isNull();
            assertThat(a.summary()).isEqualTo("DROPPED_IN_STACK (VLAN) (only in NEW)");
        });
        assertThat(c.personas()).contains("id-zero", "vlan-tagged");
        assertThat(c.clients()).contains("ipmiutil-lan");
        assertThat(c.offloads()).containsExactly(OffloadState.ON, OffloadState.OFF);
    }

    @Test
    void unchangedCellsAreNotListedEvenWhenCountsOrNotesDiffer() {
        Cell before = cell("smdc-tyan", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED);
        Cell after = new Cell(before.persona(), before.client(), before.offload(), before.verdict(), before.reason(), before.expected(),
                7, 0, 9000, "other words", "QL-12", before.evidence());
        Comparison c = compare(List.of(before), List.of(after));
        assertThat(c.changes()).isEmpty();
        assertThat(c.count(Kind.UNCHANGED)).isEqualTo(2);
        assertThat(c.cells()).extracting(CellChange::kind).containsOnly(Kind.UNCHANGED);
        assertThat(c.cell(before.key())).get().extracting(CellChange::summary).isEqualTo("DROPPED_IN_STACK (UDP_CSUM)");
        assertThat(c.cell(new Key("nobody", "java-lan", OffloadState.ON))).isEmpty();
    }

    @Test
    void changesListRegressionsFirstThenFixesChangedAddedRemoved() {
        Comparison c = compare(
                List.of(cell("a", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                        cell("b", "java-lan", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                        cell("c", "java-lan", OffloadState.ON, Verdict.NO_REQUEST, null, Verdict.DELIVERED),
                        cell("e", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED)),
                List.of(cell("d", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                        cell("c", "java-lan", OffloadState.ON, Verdict.LOST_BEFORE_DUT, null, Verdict.DELIVERED),
                        cell("b", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                        cell("a", "java-lan", OffloadState.ON, Verdict.HARNESS_ERROR, null, Verdict.DELIVERED)));
        assertThat(c.changes()).extracting(CellChange::kind)
                .containsExactly(Kind.REGRESSION, Kind.FIX, Kind.CHANGED, Kind.ADDED, Kind.REMOVED);
        assertThat(c.changes()).extracting(ch -> ch.key().persona()).containsExactly("a", "b", "c", "d", "e");
        // NEW's axis order first, OLD's extra values after
        assertThat(c.personas()).containsExactly("clean", "d", "c", "b", "a", "e");
    }

    @Test
    void differingEnvironmentFieldsAreListedSideBySide() {
        MatrixDocument.Environment oldEnv = environment("5.4.0-k");
        MatrixDocument.Environment base = environment("5.6.0-k");
        Map<String, String> clients = new LinkedHashMap<>(base.clients());
        clients.put("ipmitool", "1.8.18");
        clients.remove("java");
        clients.put("ipmiutil-new", "3.2.0");
        Map<String, String> offloads = new LinkedHashMap<>(base.dutInterface().offloads());
        offloads.put("rx_udp4_checksum", "off");
        MatrixDocument.DutInterface d = base.dutInterface();
        MatrixDocument.Environment newEnv = new MatrixDocument.Environment(
                new MatrixDocument.Os("linux", "Debian GNU/Linux 12", "12", "6.1.0-28-amd64"), base.host(), base.java(),
                new MatrixDocument.DutInterface(d.name(), d.mac(), d.model(), d.pciId(), d.driver(), d.driverVersion(), "2025-01-01", d.driverFile(),
                        "3.30", d.linkSpeed(), offloads), clients);
        Comparison c = Comparison.of(document("old", oldEnv, List.of(CLEAN_OK)), document("new", newEnv, List.of(CLEAN_OK)));

        assertThat(c.environmentDifferences()).containsExactly(
                new Field("os.build", "6.1.0-26-amd64", "6.1.0-28-amd64"),
                new Field("dut_interface.driver_version", "5.4.0-k", "5.6.0-k"),
                new Field("dut_interface.driver_date", null, "2025-01-01"),
                new Field("dut_interface.firmware", "3.25, 0x800005cc", "3.30"),
                new Field("dut_interface.offloads.rx_udp4_checksum", "on", "off"),
                new Field("clients.ipmitool", "1.8.19", "1.8.18"),
                new Field("clients.java", "0.1.0", null),
                new Field("clients.ipmiutil-new", null, "3.2.0"));
        assertThat(c.environment()).extracting(Field::name).contains("os.name", "host", "dut_interface.driver", "dut_interface.pci_id",
                "dut_interface.offloads.tx_udp4_checksum", "clients.freeipmi");
        assertThat(c.environment()).filteredOn(f -> f.name().equals("dut_interface.driver")).singleElement()
                .satisfies(f -> assertThat(f.differs()).isFalse());
    }

    @Test
    void identicalEnvironmentsHaveNoDifferencesButTheRunsAreSideBySide() {
        MatrixDocument before = document("run-a", environment("5.4.0-k"), List.of(CLEAN_OK));
        MatrixDocument after = new MatrixDocument(MatrixDocument.SCHEMA,
                new MatrixDocument.Run("run-b", "2026-11-23T08:00:00Z", null, "0.2.0",
                        new MatrixDocument.Lab("virtual", "scenarios/labs/virtual.yaml", "id-echo")),
                environment("5.4.0-k"), before.axes(), List.of(CLEAN_OK));
        Comparison c = Comparison.of(before, after);
        assertThat(c.environmentDifferences()).isEmpty();
        assertThat(c.environment()).isNotEmpty();
        assertThat(c.run()).filteredOn(Field::differs).extracting(Field::name)
                .containsExactly("id", "started", "finished", "quirklab_version", "lab.fault_model");
        assertThat(c.run()).contains(new Field("schema", MatrixDocument.SCHEMA, MatrixDocument.SCHEMA),
                new Field("lab.fault_model", "df-clear", "id-echo"), new Field("lab.kind", "virtual", "virtual"));
    }

    @Test
    void aDocumentWithoutEnvironmentComparesAsAllAdded() {
        MatrixDocument bare = new MatrixDocument(MatrixDocument.SCHEMA, null, null, null, List.of());
        Comparison c = Comparison.of(bare, document("new", environment("5.4.0-k"), List.of(CLEAN_OK)));
        assertThat(c.changes()).extracting(CellChange::kind).containsExactly(Kind.ADDED);
        assertThat(c.environmentDifferences()).extracting(Field::before).containsOnlyNulls();
        assertThat(c.environmentDifferences()).extracting(Field::name).contains("dut_interface.driver_version");
    }

    @Test
    void twoCellsWithOneKeyAreRefused() {
        MatrixDocument twice = document("x", environment("5.4.0-k"), List.of(CLEAN_OK, CLEAN_OK));
        assertThatThrownBy(() -> Comparison.of(twice, twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OLD: two cells for clean x java-lan x offload=on");
    }
}
