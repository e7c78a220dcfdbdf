package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quirklab.engine.MatrixEngine;
import io.quirklab.engine.RunListener;
import io.quirklab.input.AddressText;
import io.quirklab.lab.JournalEntry;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabSession;
import io.quirklab.lab.LabSessions;
import io.quirklab.lab.LabState;
import io.quirklab.lab.RestoreJournal;
import io.quirklab.lab.VirtualLab;
import io.quirklab.lab.VmLabSession;
import io.quirklab.lab.vm.GuestCounters;
import io.quirklab.lab.vm.Netns;
import io.quirklab.lab.vm.VmConfig;
import io.quirklab.lab.vm.VmGuest;
import io.quirklab.matrix.FleetMatrix;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Real NIC drivers: QEMU's emulated Intel 82574L driven by Debian's e1000e on kernels 6.1 and 6.12, the guest as the
 * machine under test. Per kernel the lab file's real rx checksum axis (a bad checksum dropped with the driver's error
 * counter rising only with rx on; no frame of one state counted in the next) and the seed under the emulated df-clear
 * fault; the two kernels' matrices compared and merged by driver version; a vmxnet3 cell whose NIC cannot tell; a run
 * killed with kill -9 and restored. Needs root, QEMU, busybox-static, libpcap and the Debian mirror (the first run on a
 * machine fetches both kernels into /var/cache/quirklab/kernels). Prints what it took.
 */
@DisplayName("vm lab: real NIC drivers in a QEMU guest")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(85)
class VmLabIT {
    static final List<String> PERSONAS = List.of("clean", "smdc-tyan", "bad-udp-csum");
    static final String CLIENT = "ipmitool-lan";
    static final String ERRORS = "rx_csum_offload_errors";
    static final Map<String, Path> RX_RUNS = new ConcurrentHashMap<>();
    static Path work;

    @BeforeAll
    static void prerequisites() throws IOException {
        Require.root("a vm lab makes network namespace qvm and a tap, and runs QEMU");
        Tools.require("qemu-system-x86_64", "qemu-system-x86");
        Require.capability(Require.TOOLS, staticBusybox(), "Test requires a static busybox for the guest: apt-get install busybox-static");
        for (String[] t : new String[][] {{"ipmitool", "ipmitool"}, {"ethtool", "ethtool"}, {"nft", "nftables"}, {"apt-get", "apt"},
            {"dpkg-deb", "dpkg"}}) {
            Tools.require(t[0], t[1]);
        }
        Optional<String> pcap = PcapLink.available();
        Require.capability(Require.TOOLS, pcap.isEmpty(), "Test requires packet capture: " + pcap.orElse(""));
        Require.capability(Require.ROOT, !Netns.exists(VmConfig.DEFAULT_NETNS),
                "network namespace " + VmConfig.DEFAULT_NETNS + " exists: a vm lab runs here already (quirklab lab restore removes a dead one's)");
        work = Scratch.dir("quirklab-vm");
    }

    static boolean staticBusybox() {
        try {
            return VmGuest.staticBusybox().length > 0;
        } catch (IOException e) {
            return false;
        }
    }

    static Path labFile(String name) {
        return MatrixSession.rootDir().resolve("scenarios/labs").resolve(name);
    }

    @Test
    @Order(1)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void e1000eOnKernel61() throws Exception {
        kernel("vm-e1000e.yaml", "6.1");
    }

    @Test
    @Order(2)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void e1000eOnKernel612() throws Exception {
        kernel("vm-e1000e-6.12.yaml", "6.12");
    }

    /** The lab file on one kernel: the rx checksum axis, the reset between its states, then the seed under df-clear. */
    private void kernel(String file, String generation) throws Exception {
        LabFile lab = LabFile.read(labFile(file));
        Path state = work.resolve("state-" + generation);
        long t0 = System.nanoTime();
        MatrixEngine.Finished rx;
        VirtualLab.ResponderLaunch launch = MatrixSession.launch(lab.personas());
        try (LabSession session = LabSessions.open(lab, launch, state, line -> System.out.println("vm " + generation + ": " + line))) {
            long booted = System.nanoTime();
            rx = new MatrixEngine(MatrixEngine.live(lab, launch, state)).run(session, new MatrixEngine.Request(lab, PERSONAS,
                    List.of(CLIENT), List.of(OffloadState.OFF, OffloadState.ON), Optional.empty(), work.resolve("reports-" + generation), null,
                    null, false), RunListener.NONE);
            System.out.printf("vm %s: lab up in %.1f s; %d cells in %.1f s (%.2f cells/s)%n", generation, (booted - t0) / 1e9,
                    rx.document().cells().size(), rx.seconds(), rx.document().cells().size() / rx.seconds());
            rxAxis(rx.document(), generation);
            everyFrameIsCountedInItsOwnState((VmLabSession) session);
        }
        assertNoGuestLeft(state, -1);
        RX_RUNS.put(generation, rx.matrixFile());
        assertThat(Files.readString(rx.matrixFile().resolveSibling("matrix.html"))).contains("NIC csum err +").contains("NIC not told");

        long f0 = System.nanoTime();
        LabFixture.Cli run = LabFixture.cli("run", "--lab", labFile(file).toString(), "--fault", "df-clear", "--personas",
                String.join(",", PERSONAS), "--clients", CLIENT, "--state-dir", state.toString(), "--reports",
                work.resolve("fault-" + generation).toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        System.out.printf("vm %s: the df-clear run took %.1f s; the whole kernel %.1f s%n", generation, (System.nanoTime() - f0) / 1e9,
                (System.nanoTime() - t0) / 1e9);
        theSeedUnderTheEmulatedFault(MatrixDocument.read(matrixOf(work.resolve("fault-" + generation))));
        assertNoGuestLeft(state, -1);
    }

    /** clean delivered, bad-udp-csum dropped by the stack with the NIC's own error counter rising with rx on only. */
    private static void rxAxis(MatrixDocument doc, String generation) {
        MatrixDocument.DutInterface dut = doc.environment().dutInterface();
        assertThat(dut.driver()).isEqualTo("e1000e");
        assertThat(dut.driverVersion()).as("the driver's version is the guest kernel's").startsWith(generation + ".");
        assertThat(doc.environment().os().build()).isEqualTo(dut.driverVersion());
        assertThat(dut.pciId()).isEqualTo("8086:10d3");
        assertThat(dut.model()).isEqualTo("Intel 82574L (QEMU e1000e)");
        assertThat(dut.offloads()).containsKey("rx_udp4_checksum");
        assertThat(doc.run().lab().kind()).isEqualTo("vm");
        assertThat(doc.run().offloadChanges()).filteredOn(c -> c.state() == OffloadState.OFF).singleElement()
                .satisfies(c -> assertThat(c.verified() && c.now().equals("off")).as(c.description()).isTrue());
        for (OffloadState offload : OffloadState.BOTH) {
            MatrixDocument.Cell clean = cell(doc, "clean", offload);
            assertThat(clean.verdict()).as(clean.explanation()).isEqualTo(Verdict.DELIVERED);
            MatrixDocument.Cell seed = cell(doc, "smdc-tyan", offload);
            assertThat(seed.verdict()).as("QEMU's NIC judges the seed's valid replies good: " + seed.explanation()).isEqualTo(Verdict.DELIVERED);
            MatrixDocument.Cell bad = cell(doc, "bad-udp-csum", offload);
            assertThat(bad.verdict()).as(bad.explanation()).isEqualTo(Verdict.DROPPED_IN_STACK);
            assertThat(bad.reason()).isEqualTo(Reason.UDP_CSUM);
            assertThat(bad.evidence().reasonSource()).isEqualTo(ReasonSource.KFREE_SKB);
            assertThat(bad.evidence().dutWireUdpChecksumValid()).as("the wire shows them corrupt").isFalse();
            MatrixDocument.NicChecksum nic = bad.evidence().nicChecksum();
            assertThat(nic.packets()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.ipSummed()).as("the driver does not vouch for a bad checksum").isEqualTo("NONE");
                assertThat(p.dropReason()).isEqualTo("UDP_CSUM");
            });
            MatrixDocument.NicChecksum cleanNic = clean.evidence().nicChecksum();
            if (offload.on()) {
                assertThat(nic.errors().told()).isTrue();
                assertThat(nic.errors().counter()).isEqualTo(ERRORS);
                assertThat(nic.errors().delta()).as("the NIC flagged every bad reply that reached it").isEqualTo(nic.packets().size());
                assertThat(cleanNic.errors()).isEqualTo(MatrixDocument.NicCounter.told(ERRORS, 0));
                assertThat(cleanNic.ipSummed()).containsOnlyKeys("UNNECESSARY");
            } else {
                assertThat(nic.errors().told()).as("rx off: the NIC does not check, and says nothing").isFalse();
                assertThat(nic.errors().delta()).isNull();
                assertThat(bad.evidence().nicCounters()).doesNotContainKey(ERRORS);
                assertThat(cleanNic.ipSummed()).containsOnlyKeys("NONE");
            }
        }
    }

    /**
     * ethtool -K resets the e1000e's link: bad-checksum frames sent right before switching rx off are all counted by the
     * driver while rx is still on, and none of them in the off state; as many sent with rx off are counted by the stack
     * only, the driver's error counter standing still.
     */
    private static void everyFrameIsCountedInItsOwnState(VmLabSession session) throws Exception {
        VmGuest guest = session.guest();
        assertThat(guest.rxOn()).as("the run ended with rx on").isTrue();
        int n = 20;
        byte[] frame = badChecksumFrame(session.state().persona("clean"), guest.config());
        GuestCounters before = guest.counters();
        send(guest, frame, n);
        session.offload(OffloadState.OFF);
        GuestCounters off = guest.counters();
        assertThat(off.nic().get(ERRORS) - before.nic().get(ERRORS)).as("every frame counted while rx was on").isEqualTo(n);
        assertThat(csumErrors(off) - csumErrors(before)).isEqualTo(n);
        assertThat(guest.settle().uncounted()).isZero();
        GuestCounters settled = guest.counters();
        assertThat(settled.nic().get(ERRORS)).as("nothing of the on state arrives in the off state").isEqualTo(off.nic().get(ERRORS));

        send(guest, frame, n);
        GuestCounters offAfter = await("the stack counting the " + n + " frames sent with rx off").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(guest::counters, c -> csumErrors(c) - csumErrors(settled) >= n);
        assertThat(csumErrors(offAfter) - csumErrors(settled)).as("the stack drops each once").isEqualTo(n);
        assertThat(offAfter.nic().get(ERRORS)).as("rx off: the driver's error counter does not rise").isEqualTo(settled.nic().get(ERRORS));
    }

    private static void send(VmGuest guest, byte[] frame, int n) throws Exception {
        try (FrameInjector injector = Netns.call(guest.config().netns(), () -> PcapLink.openInjector(guest.config().tap()))) {
            for (int i = 0; i < n; i++) {
                injector.send(frame);
            }
        }
    }

    private static long csumErrors(GuestCounters c) {
        return c.snmp().get(SnmpCounters.UDP_IN_CSUM_ERRORS);
    }

    /** A datagram from the persona to the guest with its UDP checksum wrong, built as the wire's truth and then broken. */
    private static byte[] badChecksumFrame(LabState.PersonaInfo persona, VmConfig guest) throws IOException {
        Inet4Address from = AddressText.ipv4(persona.address());
        byte[] f = new TestFrames.Request(from, guest.guestAddress(), 623, 40000, 0x1234, 0b010, 64, 0, new byte[0],
                "quirklab-reset".getBytes(StandardCharsets.US_ASCII)).frame();
        System.arraycopy(guest.guestMac().bytes(), 0, f, 0, 6);
        System.arraycopy(MacAddress.parse(persona.mac()).bytes(), 0, f, 6, 6);
        f[14 + 20 + 6] ^= 0x5A; // the UDP checksum
        return f;
    }

    /** The seed's replies, valid on the wire, dropped by the guest's stack while the emulated fault is on. */
    private static void theSeedUnderTheEmulatedFault(MatrixDocument doc) {
        assertThat(doc.run().lab().faultModel()).isEqualTo("df-clear");
        MatrixDocument.Cell seed = cell(doc, "smdc-tyan", OffloadState.ON);
        assertThat(seed.verdict()).as(seed.explanation()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(seed.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(seed.known()).as("a known deviation of the lab file").isNotNull();
        assertThat(seed.evidence().dutWireUdpChecksumValid()).as("valid on the wire into the NIC").isTrue();
        assertThat(seed.evidence().nicChecksum().errors().told()).as("rx checksumming is off for an emulated fault").isFalse();
        assertThat(cell(doc, "smdc-tyan", OffloadState.OFF).verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(cell(doc, "clean", OffloadState.ON).verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(cell(doc, "bad-udp-csum", OffloadState.OFF).verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(doc.analysis()).isNotNull();
        assertThat(doc.analysis().offloadSensitive()).containsExactly("smdc-tyan");
    }

    /** The two kernels' matrices side by side: compare names the driver versions, fleet merge makes them two machines. */
    @Test
    @Order(3)
    void compareAndFleetMergeSetTheTwoDriverVersionsSideBySide() throws Exception {
        Assumptions.assumeTrue(RX_RUNS.size() == 2, "both kernels' runs are needed");
        Path old = RX_RUNS.get("6.1");
        Path now = RX_RUNS.get("6.12");
        String v61 = MatrixDocument.read(old).environment().dutInterface().driverVersion();
        String v612 = MatrixDocument.read(now).environment().dutInterface().driverVersion();
        LabFixture.Cli compare = LabFixture.cli("compare", old.toString(), now.toString());
        assertThat(compare.exit()).as(compare.out() + compare.err()).isZero();
        assertThat(compare.out()).containsPattern("dut_interface\\.driver_version\\s+" + java.util.regex.Pattern.quote(v61) + "\\s+"
                + java.util.regex.Pattern.quote(v612)).contains("regressions 0");
        Path fleetJson = work.resolve("fleet.json");
        LabFixture.Cli fleet = LabFixture.cli("fleet", "merge", old.toString(), now.toString(), "--json", fleetJson.toString());
        assertThat(fleet.exit()).as(fleet.out() + fleet.err()).isZero();
        assertThat(FleetMatrix.read(fleetJson).machines()).extracting(FleetMatrix.Machine::name)
                .anySatisfy(n -> assertThat(n).contains(v61)).anySatisfy(n -> assertThat(n).contains(v612));
    }

    /**
     * A vmxnet3 guest has no checksum counter: its cell says "not told", never 0. The run is then killed with kill -9
     * and {@code lab restore} leaves no QEMU, tap, namespace, responder or kernel cache lock.
     */
    @Test
    @Order(4)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aVmxnet3CellIsNotToldAndAKilledRunLeavesNothingAfterRestore() throws Exception {
        Path lab = Files.writeString(work.resolve("vm-vmxnet3.yaml"), "kind: vm\nnic-model: vmxnet3\nkernel: \"6.1\"\nclients: [ipmitool-lan]\n"
                + "offload: [\"on\", \"off\"]\n");
        Path state = work.resolve("state-kill");
        Path reports = work.resolve("reports-kill");
        long t0 = System.nanoTime();
        Process run = new ProcessBuilder(LabFixture.cliProcess("run", "--lab", lab.toString(), "--personas", "bad-udp-csum,clean,smdc-tyan",
                "--state-dir", state.toString(), "--reports", reports.toString())).redirectErrorStream(true)
                .redirectOutput(work.resolve("killed-run.log").toFile()).start();
        MatrixDocument.Cell bad;
        try {
            bad = await("the vmxnet3 guest's bad-udp-csum cell recorded").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                    .failFast("the run ended before it was killed", () -> !run.isAlive())
                    .until(() -> recorded(reports, "bad-udp-csum", OffloadState.ON), Optional::isPresent).orElseThrow();
        } finally {
            if (!run.isAlive()) {
                System.out.println(Files.readString(work.resolve("killed-run.log")));
            }
        }
        System.out.printf("vm kill: the first cell after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(bad.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        MatrixDocument.NicCounter errors = bad.evidence().nicChecksum().errors();
        assertThat(errors.told()).isFalse();
        assertThat(errors.delta()).as("not told is no number, not 0").isNull();
        assertThat(errors.notTold()).isEqualTo("vmxnet3 has no such checksum counter");

        long qemu = new RestoreJournal(state.resolve("restore-journal.jsonl"), new CommandRunner()).entries().stream()
                .filter(e -> e instanceof JournalEntry.Process p && p.name().equals("qemu")).map(e -> ((JournalEntry.Process) e).pid())
                .findFirst().orElseThrow();
        assertThat(run.isAlive()).as("the run is still going when killed").isTrue();
        run.destroyForcibly().waitFor();
        assertThat(ProcessHandle.of(qemu).filter(ProcessHandle::isAlive)).as("QEMU outlives the killed run").isPresent();
        assertThat(Netns.exists(VmConfig.DEFAULT_NETNS)).isTrue();

        LabFixture.Cli restore = LabFixture.cli("lab", "--state-dir", state.toString(), "restore");
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        assertThat(restore.out()).contains("removed qemu (pid " + qemu + ")").contains("removed network namespace " + VmConfig.DEFAULT_NETNS)
                .contains("removed responder (pid");
        assertNoGuestLeft(state, qemu);
    }

    /** No QEMU, namespace (and with it no tap), responder, kernel cache lock or journal of the lab in {@code state}. */
    static void assertNoGuestLeft(Path state, long qemuPid) {
        if (qemuPid > 0) {
            assertThat(ProcessHandle.of(qemuPid).filter(ProcessHandle::isAlive)).as("QEMU").isEmpty();
        }
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("qemu-system") && c.contains("quirklab-" + VmConfig.DEFAULT_NETNS))).as("QEMU").isEmpty();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("responder --iface " + VmConfig.DEFAULT_NETNS))).as("the responder").isEmpty();
        assertThat(Netns.exists(VmConfig.DEFAULT_NETNS)).as("namespace " + VmConfig.DEFAULT_NETNS + ", and with it the tap").isFalse();
        assertThat(VmConfig.defaultCache().resolve(".lock")).as("the kernel cache's lock").doesNotExist();
        assertThat(state.resolve("restore-journal.jsonl")).doesNotExist();
        assertThat(state).as("the state directory, emptied and removed").doesNotExist();
    }

    private static MatrixDocument.Cell cell(MatrixDocument doc, String persona, OffloadState offload) {
        return doc.cell(persona, CLIENT, offload).orElseThrow(() -> new AssertionError("no cell " + persona + " x " + CLIENT + " x " + offload));
    }

    private static Path matrixOf(Path reports) throws IOException {
        try (Stream<Path> dirs = Files.list(reports.resolve("runs"))) {
            return dirs.findFirst().orElseThrow().resolve("matrix.json");
        }
    }

    private static Optional<MatrixDocument.Cell> recorded(Path reports, String persona, OffloadState offload) throws IOException {
        if (!Files.isDirectory(reports.resolve("runs"))) {
            return Optional.empty();
        }
        Path m = matrixOf(reports);
        return Files.exists(m) ? MatrixDocument.read(m).cell(persona, CLIENT, offload) : Optional.empty();
    }
}
