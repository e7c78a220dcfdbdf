package io.quirklab.matrix;

import io.quirklab.matrix.Verdict;
import io.quirklab.matrix.OffloadState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.matrix.FleetMatrix.MachineCell;
import io.quirklab.matrix.FleetMatrix.Source;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.testing.Matrices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The fleet matrix of two real runs of the virtual lab (df-clear and id-echo standing in for two drivers, see the
 * resources' README) and of made-up Windows/Linux machines: which cells differ, how machines are named, the
 * summaries, the JSON round trip and the page.
 */
class FleetMatrixTest {
    @TempDir
    Path dir;

    static MatrixDocument sample(String fault) throws IOException {
        return MatrixDocument.read(Path.of("src/test/resources/io/quirklab/matrix/fleet", fault, "matrix.json"));
    }

    static FleetMatrix twoRealRuns() throws IOException {
        return FleetMatrix.merge(List.of(new Source("df-clear/matrix.json", sample("df-clear")),
                new Source("id-echo/matrix.json", sample("id-echo"))));
    }

    @Test
    void twoRealRunsDifferExactlyInThePersonasTheirFaultModelsDrop() throws IOException {
        FleetMatrix fleet = twoRealRuns();
        assertThat(fleet.schema()).isEqualTo("quirklab.fleet/1");
        assertThat(fleet.axes().offload()).containsExactly(OffloadState.OFF, OffloadState.ON);
        assertThat(fleet.panel(OffloadState.OFF).differing()).isEmpty();
        assertThat(fleet.panel(OffloadState.ON).differing()).containsExactly("df-clear", "id-echo");
        List<String> differingCells = new ArrayList<>();
        for (FleetMatrix.Panel p : fleet.panels()) {
            p.cells().get("M1").stream().filter(MachineCell::differs).forEach(c -> differingCells.add(c.persona() + " x " + c.client() + " x " + p.offload()));
        }
        assertThat(differingCells).containsExactly("df-clear x java-lan x on", "df-clear x ipmitool-lan x on",
                "id-echo x java-lan x on", "id-echo x ipmitool-lan x on");
        // the SMDC is dropped on both, so it is no difference between them
        assertThat(fleet.panel(OffloadState.ON).cell("M1", "smdc-tyan", "java-lan").verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(fleet.panel(OffloadState.ON).cell("M2", "smdc-tyan", "java-lan").differs()).isFalse();
        assertThat(fleet.panel(OffloadState.ON).cell("M2", "id-echo", "ipmitool-lan").verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(fleet.panel(OffloadState.ON).cell("M1", "id-echo", "ipmitool-lan").verdict()).isEqualTo(Verdict.DELIVERED);
    }

    @Test
    void machinesOfOneOsNicAndDriverAreToldApartByTheirFaultModel() throws IOException {
        FleetMatrix fleet = twoRealRuns();
        assertThat(fleet.machines()).extracting(FleetMatrix.Machine::name).containsExactly(
                "Debian GNU/Linux 12 (bookworm) / veth (virtual) / veth 1.0 [fault df-clear]",
                "Debian GNU/Linux 12 (bookworm) / veth (virtual) / veth 1.0 [fault id-echo]");
        assertThat(fleet.machines().get(0).environment().dutInterface().driver()).isEqualTo("veth");
        assertThat(fleet.machines().get(1).source()).isEqualTo("id-echo/matrix.json");
    }

    @Test
    void theSummarySaysWhereAPersonaWasDroppedAndThatItWasDeliveredEverywhereElse() throws IOException {
        FleetMatrix fleet = twoRealRuns();
        assertThat(fleet.summary("df-clear")).isEqualTo("dropped on veth (virtual)/veth 1.0 [fault df-clear] with offload on; delivered everywhere else");
        assertThat(fleet.summary("id-echo")).isEqualTo("dropped on veth (virtual)/veth 1.0 [fault id-echo] with offload on; delivered everywhere else");
        assertThat(fleet.summary("clean")).isEqualTo("delivered everywhere");
        assertThat(fleet.summary("smdc-tyan")).isEqualTo("delivered with offload off, dropped with offload on, on every machine");
    }

    @Test
    void aWindowsI211AmongLinuxMachinesIsNamedByNicDriverFileAndVersion() {
        MatrixDocument.Environment linux = Matrices.environment("5.6.0-k");
        MatrixDocument.DutInterface i211 = new MatrixDocument.DutInterface("Ethernet 2", "02:00:00:00:00:08",
                "Intel(R) I211 Gigabit Network Connection", "8086:1539", "Intel(R) I211 Gigabit Network Connection", "12.18.9.23",
                "2023-03-14", "e1r68x64.sys", null, "1 Gbps", java.util.Map.of("rx_udp4_checksum", "on"));
        MatrixDocument.Environment windows = new MatrixDocument.Environment(new MatrixDocument.Os("windows", "Windows 11 Pro", "10.0.22631", "22631.4460"),
                "lab-win", "17.0.15", i211, java.util.Map.of());
        List<Cell> win = List.of(Matrices.cell("smdc-tyan", "ipmiutil", OffloadState.ON, Verdict.DROPPED_IN_STACK, "UDP_CSUM", Verdict.DELIVERED),
                Matrices.cell("smdc-tyan", "ipmiutil", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DELIVERED));
        List<Cell> lin = List.of(Matrices.cell("smdc-tyan", "ipmiutil", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED),
                Matrices.cell("smdc-tyan", "ipmiutil", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DELIVERED));
        FleetMatrix fleet = FleetMatrix.merge(List.of(new Source("a", Matrices.document("lin", linux, lin)),
                new Source("b", Matrices.document("win", windows, win)), new Source("c", Matrices.document("lin2", Matrices.environment("5.4.0-k"), lin))));
        assertThat(fleet.machines()).extracting(FleetMatrix.Machine::shortName)
                .containsExactly("I211/igb 5.6.0-k", "I211/e1r68x64 12.18.9.23", "I211/igb 5.4.0-k");
        assertThat(fleet.summary("smdc-tyan")).isEqualTo("dropped on I211/e1r68x64 12.18.9.23 with offload on; delivered everywhere else");
        assertThat(fleet.panel(OffloadState.ON).differing()).containsExactly("smdc-tyan");
        assertThat(fleet.panel(OffloadState.OFF).differing()).isEmpty();
    }

    @Test
    void onATieTheOutcomeACorrectStackGivesIsEverywhereElse() throws IOException {
        MatrixDocument a = sample("df-clear");
        MatrixDocument b = sample("id-echo");
        FleetMatrix onlyOn = FleetMatrix.merge(List.of(new Source("a", a.withCells(a.cells().stream().filter(c -> c.offload() == OffloadState.ON).toList())),
                new Source("b", b.withCells(b.cells().stream().filter(c -> c.offload() == OffloadState.ON).toList()))));
        // one machine each way: the drop is the exception, whichever machine comes first
        assertThat(onlyOn.summary("df-clear")).isEqualTo("dropped on veth (virtual)/veth 1.0 [fault df-clear] with offload on; delivered everywhere else");
        assertThat(onlyOn.summary("id-echo")).isEqualTo("dropped on veth (virtual)/veth 1.0 [fault id-echo] with offload on; delivered everywhere else");
    }

    @Test
    void theSameRunTwiceIsTwoColumnsToldApartByPosition() throws IOException {
        MatrixDocument doc = sample("df-clear");
        FleetMatrix fleet = FleetMatrix.merge(List.of(new Source("a", doc), new Source("b", doc)));
        assertThat(fleet.machines()).extracting(FleetMatrix.Machine::name).allMatch(n -> n.endsWith(" #1") || n.endsWith(" #2"));
        assertThat(fleet.panels()).allMatch(p -> p.differing().isEmpty());
    }

    @Test
    void aDocumentWithTwoCellsForOneKeyIsRefusedNamingItsFile() {
        Cell c = Matrices.cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED);
        MatrixDocument twice = Matrices.document("x", Matrices.environment("1"), List.of(c, c));
        assertThatThrownBy(() -> FleetMatrix.merge(List.of(new Source("lab-07/matrix.json", twice))))
                .hasMessage("lab-07/matrix.json: two cells for clean x java-lan x offload=on");
        assertThatThrownBy(() -> FleetMatrix.merge(List.of())).hasMessageContaining("no matrix documents");
    }

    @Test
    void theJsonRoundTripsAndNamesTheMachinesAndTheDifferingPersonas() throws IOException {
        FleetMatrix fleet = twoRealRuns();
        Path file = dir.resolve("fleet.json");
        fleet.write(file);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        assertThat(tree.path("schema").asText()).isEqualTo("quirklab.fleet/1");
        assertThat(tree.path("machines").get(1).path("environment").path("dut_interface").path("driver_version").asText()).isEqualTo("1.0");
        assertThat(tree.path("panels").get(1).path("differing").toString()).isEqualTo("[\"df-clear\",\"id-echo\"]");
        assertThat(tree.path("panels").get(1).path("cells").path("M2").size()).isEqualTo(8);
        assertThat(FleetMatrix.read(file)).isEqualTo(fleet);
        Files.writeString(file, "{\"schema\":\"quirklab.fleet/2\"}");
        assertThatThrownBy(() -> FleetMatrix.read(file)).hasMessageStartingWith(file + ": not a fleet matrix");
    }

    @Test
    void thePageMarksExactlyTheDifferingCellsAndHasNoScript() throws IOException {
        FleetMatrix fleet = twoRealRuns();
        String html = FleetPage.render(fleet);
        Document page = HtmlPages.parse(html);
        assertThat(HtmlPages.select(page, "//script")).isEmpty();
        List<String> marked = new ArrayList<>();
        List<String> columns = FleetPage.columns(fleet);
        for (int pz = 0; pz < fleet.axes().offload().size(); pz++) {
            for (int ry = 0; ry < fleet.axes().personas().size(); ry++) {
                for (int cx = 0; cx < columns.size(); cx++) {
                    Element e = HtmlPages.cell(page, pz, ry, cx);
                    if (HtmlPages.classes(e).contains("differs")) {
                        marked.add(fleet.axes().personas().get(ry) + " x " + columns.get(cx) + " x " + fleet.axes().offload().get(pz));
                        assertThat(e.getTextContent()).contains("DIFFERS");
                    }
                }
            }
        }
        assertThat(marked).containsExactly("df-clear x java-lan @ M1 x on", "df-clear x java-lan @ M2 x on", "df-clear x ipmitool-lan @ M1 x on",
                "df-clear x ipmitool-lan @ M2 x on", "id-echo x java-lan @ M1 x on", "id-echo x java-lan @ M2 x on",
                "id-echo x ipmitool-lan @ M1 x on", "id-echo x ipmitool-lan @ M2 x on");
        assertThat(html).contains("df-clear: dropped on veth (virtual)/veth 1.0 [fault df-clear] with offload on; delivered everywhere else");
        Path out = dir.resolve("out/fleet.html");
        FleetPage.write(fleet, out);
        assertThat(Files.readString(out)).contains("<link rel=\"stylesheet\" href=\"fleet.css\"/>");
        assertThat(dir.resolve("out/fleet.css")).content().contains(".cell.differs{");
    }

    /** fleet merge DIR: matrix.json files below it, never through a link, and a walk of / passes /proc/PID that vanish. */
    @Test
    void matrixFilesAreFoundWithoutFollowingLinksAndTheRootIsWalkedWithoutFailing() throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path real = Files.createDirectories(runs.resolve("run2")).resolve("matrix.json");
        Files.writeString(real, "{}");
        Files.createDirectories(runs.resolve("run1"));
        Files.createSymbolicLink(runs.resolve("run1/matrix.json"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(runs.resolve("run3"), Path.of("/etc"));
        assertThat(FleetMatrix.matrixFiles(List.of(runs))).containsExactly(real);
        long t0 = System.nanoTime();
        try {
            FleetMatrix.matrixFiles(List.of(Path.of("/")));
        } catch (IOException e) {
            assertThat(e).hasMessage("/: no matrix.json in it or in the run directories below it");
        }
        System.out.printf("fleet merge /: walked in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
}
