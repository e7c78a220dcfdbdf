package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quirklab.bisect.BisectDocument;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.FaultHeatmap;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The catalogue lab ({@code scenarios/labs/catalogue.yaml}): its matrix run once (every client without a fault, then
 * java-lan and FreeIPMI under each of the ten fault models), checked cell by cell against the committed baseline
 * {@code reports/baselines/catalogue-debian12.json}; each model's hits against the personas docs/catalogue.md names
 * for it; IPv6 drops named by kfree_skb; three bisections that name a model's trigger from a persona carrying several
 * quirks. All of it with every other interface of the host watched: no frame of the lab's address ranges may appear
 * there, and the lab's own interface carries nothing but the lab's ranges and IPv6's link-local control traffic.
 */
@DisplayName("the catalogue of NIC misjudgements on the virtual lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CatalogueIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path LAB = ROOT.resolve("scenarios/labs/catalogue.yaml");
    static final Path BASELINE = ROOT.resolve("reports/baselines/catalogue-debian12.json");
    /** Frames of the lab anywhere but its own interface: none may be seen. */
    static final String LAB_TRAFFIC = "net 198.18.0.0/15 or net 2001:2::/48 or (vlan and (net 198.18.0.0/15 or net 2001:2::/48))";
    /**
     * On the lab's interface, what is neither the lab's ranges nor IPv6's own control traffic (link-local sources, the
     * link-scope multicast of neighbour discovery and MLD): none may be seen either.
     */
    static final String NOT_LAB_ON_LAB = "(ip and not net 198.18.0.0/15) or (ip6 and not (net 2001:2::/48 or src net fe80::/10 "
            + "or dst net ff02::/16 or src host ::))";

    private Path state;
    private Path reports;
    private final List<Watch> watches = new ArrayList<>();
    private MatrixDocument doc;
    private long matrixMillis;
    private long bisectMillis;

    /** A capture that must stay empty, on one interface. */
    private record Watch(String iface, String filter, FrameTap tap, Thread reader, List<String> seen) {
    }

    @BeforeAll
    void up() throws Exception {
        LabFixture.requirePrerequisites();
        Tools.require("bmc-info", "freeipmi-tools");
        state = Scratch.dir("quirklab-catalogue-state");
        reports = Scratch.dir("quirklab-catalogue-reports");
        LabFixture.Cli up = LabFixture.cli("lab", "up", "--state-dir", state.toString(), "--lab", LAB.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp()) {
                continue;
            }
            boolean lab = nic.getName().equals(VirtualLab.DUT_IF);
            watches.add(watch(nic.getName(), lab ? NOT_LAB_ON_LAB : LAB_TRAFFIC));
        }
        assertThat(watches).extracting(Watch::iface).contains(VirtualLab.DUT_IF, "lo");
    }

    @AfterAll
    void down() {
        watches.forEach(w -> w.tap().close());
        if (state != null) {
            LabFixture.cli("lab", "down", "--state-dir", state.toString());
            LabFixture.assertNoTrace(state);
        }
    }

    private static Watch watch(String iface, String filter) throws IOException {
        FrameTap tap = PcapLink.openTap(iface, filter, PcapLink.Direction.BOTH);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    Optional<FrameTap.Captured> c = tap.next(Duration.ofMillis(200));
                    c.ifPresent(f -> seen.add(ParsedFrame.parse(f.data()).map(ParsedFrame::toString).orElse(f.data().length + " bytes")));
                }
            } catch (IOException | RuntimeException closed) {
                // the tap was closed: the watch is over
            }
        }, "watch-" + iface);
        reader.setDaemon(true);
        reader.start();
        return new Watch(iface, filter, tap, reader, seen);
    }

    @Test
    @Order(1)
    void theMatrixRuns() throws Exception {
        long start = System.nanoTime();
        LabFixture.Cli run = LabFixture.cli("run", "--lab", LAB.toString(), "--state-dir", state.toString(), "--reports", reports.toString());
        matrixMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        Path matrix = Path.of(run.out().lines().filter(l -> l.startsWith("matrix.json: ")).findFirst().orElseThrow().substring(13));
        doc = MatrixDocument.read(matrix);
        assertThat(matrix.getParent().resolve("faults.html")).isNotEmptyFile();
        System.out.printf("catalogue matrix: %d cells in %.1f s (run command)%n", doc.cells().size(), matrixMillis / 1000.0);
        assertThat(doc.axes().faults()).hasSizeGreaterThanOrEqualTo(10);
    }

    /** Every cell as in the baseline: the same verdict and reason, and no cell more or less. */
    @TestFactory
    @Order(2)
    Stream<DynamicTest> everyCellAsInTheBaseline() throws Exception {
        assertThat(doc).as("the matrix ran").isNotNull();
        MatrixDocument base = MatrixDocument.read(BASELINE);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(dynamicTest("the same cells as the baseline", () -> assertThat(doc.cells().stream().map(c -> c.key().toString()))
                .containsExactlyInAnyOrderElementsOf(base.cells().stream().map(c -> c.key().toString()).toList())));
        for (MatrixDocument.Cell b : base.cells()) {
            tests.add(dynamicTest(b.key().toString(), () -> {
                MatrixDocument.Cell c = doc.cell(b.key()).orElseThrow(() -> new AssertionError("no cell " + b.key() + " in this run"));
                assertThat(c.verdict() + " " + c.reason()).as(b.key() + ": " + c.explanation()).isEqualTo(b.verdict() + " " + b.reason());
            }));
        }
        return tests.stream();
    }

    /** Each fault model changes exactly the personas docs/catalogue.md names for it, and no other. */
    @Test
    @Order(3)
    void eachFaultModelHitsExactlyThePersonasItsTriggerNames() throws Exception {
        Map<String, List<String>> documented = documentedHits();
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(doc.axes().faults());
        for (String fault : doc.axes().faults()) {
            List<String> hit = doc.axes().personas().stream()
                    .filter(p -> FaultHeatmap.summary(doc, p, fault).map(FaultHeatmap.Summary::hit).orElse(false)).toList();
            assertThat(hit).as("the personas %s hits (docs/catalogue.md: %s)", fault, documented.get(fault))
                    .containsExactlyInAnyOrderElementsOf(documented.get(fault));
        }
    }

    /** The "Hits on the catalogue lab" line of each model in docs/catalogue.md. */
    static Map<String, List<String>> documentedHits() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/catalogue.md"));
        Map<String, List<String>> out = new LinkedHashMap<>();
        // one model's section at a time, so a line is never taken from the next model's
        for (String section : page.split("\n### ")) {
            Matcher name = Pattern.compile("\\A`([a-z0-9-]+)`\n").matcher(section);
            Matcher hits = Pattern.compile("(?m)^- Hits on the catalogue lab: (.*)$").matcher(section);
            if (name.find() && FaultModel.CATALOGUE.contains(name.group(1)) && hits.find()) {
                List<String> personas = new ArrayList<>();
                Matcher p = Pattern.compile("`([a-z0-9-]+)`").matcher(hits.group(1));
                while (p.find()) {
                    personas.add(p.group(1));
                }
                out.put(name.group(1), personas);
            }
        }
        return out;
    }

    /** IPv6 cells exist for every IPv6 client, and their drops are the kernel's own verdict, per packet. */
    @Test
    @Order(4)
    void ipv6CellsCarryTheKernelsDropReason() {
        List<MatrixDocument.Cell> v6 = doc.cells().stream().filter(c -> c.persona().startsWith("v6-")).toList();
        assertThat(v6).extracting(MatrixDocument.Cell::client).contains("java-lan", "java-lanplus", "ipmitool-lan", "ipmitool-lanplus",
                "freeipmi").doesNotContain("ipmiutil");
        assertThat(v6).filteredOn(c -> Reason.UDP_CSUM.equals(c.reason())).isNotEmpty()
                .allSatisfy(c -> assertThat(c.evidence().reasonSource()).as(c.key().toString()).isEqualTo(ReasonSource.KFREE_SKB))
                .allSatisfy(c -> assertThat(c.evidence().dropReasons()).as(c.key().toString()).containsKey("UDP_CSUM"));
    }

    @Test
    @Order(5)
    void bisectNamesTheTriggersOfThreeFaultModels() throws Exception {
        long start = System.nanoTime();
        assertThat(bisect("short-head-multi", "clean", "igb-short-frame").answer()).startsWith("trigger: split=short-head (");
        assertThat(bisect("udp-zero-multi", "clean", "ixgbe-udp-zero").answer()).startsWith("trigger: udp-checksum=none (");
        assertThat(bisect("v6-ext-multi", "v6-clean", "i40e-ipv6-ext").answer()).startsWith("trigger: ipv6-ext=dest-opts (");
        bisectMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("catalogue bisections: 3 in %.1f s%n", bisectMillis / 1000.0);
    }

    private BisectDocument bisect(String persona, String reference, String fault) throws Exception {
        LabFixture.Cli r = LabFixture.cli("bisect", persona, "--reference", reference, "--fault", fault, "--repeat", "4", "--lab",
                LAB.toString(), "--state-dir", state.toString(), "--reports", reports.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        Path json = Path.of(r.out().lines().filter(l -> l.startsWith("bisect.json: ")).findFirst().orElseThrow().substring(13));
        BisectDocument d = BisectDocument.read(json);
        System.out.println(persona + " under " + fault + ": " + d.answer());
        return d;
    }

    /** Last: nothing of the lab reached another interface, and nothing but the lab's ranges went over the lab's own. */
    @Test
    @Order(6)
    void nothingLeftTheLab() {
        assertThat(watches).allSatisfy(w -> assertThat(w.seen()).as(w.iface() + " [" + w.filter() + "]").isEmpty());
        System.out.printf("catalogue: %d interfaces watched (%s); matrix %.1f s, bisections %.1f s%n", watches.size(),
                String.join(", ", watches.stream().map(Watch::iface).toList()), matrixMillis / 1000.0, bisectMillis / 1000.0);
    }
}
