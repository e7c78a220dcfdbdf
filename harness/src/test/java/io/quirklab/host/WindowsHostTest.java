package io.quirklab.host;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static io.quirklab.host.RecordedCommands.fails;
import static io.quirklab.host.RecordedCommands.failsWith;
import static io.quirklab.host.RecordedCommands.fixture;
import static io.quirklab.host.RecordedCommands.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.DutWire;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.NicChecksumInfo;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import io.quirklab.client.Failure;
import io.quirklab.matrix.Verdict;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Windows adapter against hand-written outputs in the documented formats (see resources/io/quirklab/host/windows/README.md). */
class WindowsHostTest {
    static final String IF = "Ethernet 2";
    static final String ADAPTER = "Select-Object Name,InterfaceDescription";
    static final String OS = "Windows NT\\CurrentVersion";
    static final String ADVANCED_ALL = "-AllProperties";
    static final String ADVANCED_UDP4 = "-RegistryKeyword '*UDPChecksumOffloadIPv4'";
    static final String CHECKSUM = "IpIPv4Enabled,TcpIPv4Enabled";
    static final String TCPIP = "Tcpip\\Parameters";
    static final String SET = "Set-NetAdapterChecksumOffload";
    static final String LINK = "[pscustomobject]@{ Status";
    static final OsReport.Flow CELL = new OsReport.Flow("198.18.0.10", 623, "198.18.0.1", 50123);

    @TempDir
    Path tmp;

    /** An I211 whose *UDPChecksumOffloadIPv4 follows Set-NetAdapterChecksumOffload and which restarts (2 polls down) after a set. */
    static final class FakeI211 {
        final AtomicInteger udp4;
        final AtomicInteger pollsSinceSet = new AtomicInteger(100);
        final RecordedCommands rec = new RecordedCommands();
        /** What the journal directory held each time the Set command ran. */
        final List<List<String>> journalAtSet = new java.util.ArrayList<>();
        Path journalDir;

        FakeI211(int initial) {
            udp4 = new AtomicInteger(initial);
            rec.on(ADAPTER, fixture("windows/get-netadapter.json"))
                    .on(OS, fixture("windows/os-currentversion-win11.json"))
                    .on(ADVANCED_UDP4, inv -> fixture("windows/advanced-property-udp4-" + udp4.get() + ".json"))
                    .on(ADVANCED_ALL, inv -> fixture(udp4.get() == 3 ? "windows/advanced-properties.json" : "windows/advanced-properties-rx-off.json"))
                    .on(CHECKSUM, fixture("windows/checksum-offload.json"))
                    .on(TCPIP, fixture("windows/tcpip-parameters.json"))
                    .on(LINK, inv -> fixture(pollsSinceSet.getAndIncrement() < 2 ? "windows/link-down.json" : "windows/link-up.json"))
                    .on("hostname", fixture("windows/hostname.txt"))
                    .on("ipmiutil", new RecordedCommands.Reply(234, RecordedCommands.bytes("windows/ipmiutil-usage.txt"), new byte[0]));
        }

        FakeI211 setsTheValue() {
            rec.on(SET, inv -> {
                if (journalDir != null) {
                    journalAtSet.add(entryTexts(journalDir));
                }
                String name = inv.shown().substring(inv.shown().lastIndexOf(' ') + 1).replace("\"", "");
                udp4.set(WindowsHost.DIRECTIONS.indexOf(name));
                pollsSinceSet.set(0);
                return ok();
            });
            return this;
        }

        WindowsHost host() {
            return new WindowsHost(rec.runner(), Duration.ofSeconds(5), Duration.ofMillis(5));
        }
    }

    @Test
    void fingerprintFromTheRegistryAndTheNetAdapterCmdlets() throws IOException {
        FakeI211 fake = new FakeI211(3);
        MatrixDocument.Environment env = fake.host().fingerprint(IF);
        assertThat(env.os()).isEqualTo(new MatrixDocument.Os("windows", "Windows 11 Pro 23H2", "10.0.22631", "22631.4460"));
        assertThat(env.host()).isEqualTo("TV-LAB-07");
        assertThat(env.java()).isEqualTo(System.getProperty("java.version"));
        MatrixDocument.DutInterface d = env.dutInterface();
        assertThat(d.name()).isEqualTo(IF);
        assertThat(d.mac()).isEqualTo("00:1b:21:3a:4f:5c");
        assertThat(d.model()).isEqualTo("Intel(R) I211 Gigabit Network Connection");
        assertThat(d.pciId()).isEqualTo("8086:1539");
        assertThat(d.pciSubsystemId()).isEqualTo("8086:0000");
        assertThat(d.driver()).isEqualTo("e1r68x64");
        assertThat(d.driverFile()).isEqualTo("e1r68x64.sys");
        assertThat(d.driverVersion()).isEqualTo("12.19.1.37");
        assertThat(d.driverDate()).isEqualTo("2023-05-11");
        assertThat(d.driverProvider()).isEqualTo("Intel");
        assertThat(d.linkSpeed()).isEqualTo("1 Gbps");
        assertThat(d.firmware()).isNull();
        assertThat(d.offloads()).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on").containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.RX_TCP4_CHECKSUM, "on").containsEntry(OffloadKeys.RX_IP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.LSO, "on").containsEntry(OffloadKeys.LSO6, "on").containsEntry(OffloadKeys.RSS, "on")
                .containsEntry(OffloadKeys.TCPIP_DISABLE_TASK_OFFLOAD, "unset");
        assertThat(d.offloads().keySet()).allMatch(k -> k.matches("[a-z0-9_]+"), "stable snake_case keys, never display names");
        assertThat(env.clients()).containsEntry("ipmiutil", "3.18").containsOnlyKeys("ipmiutil", "java");
        assertThat(fake.rec.log()).contains(PowerShell.shown("Get-NetAdapter -Name 'Ethernet 2' | Select-Object Name,InterfaceDescription,"
                + "MacAddress,LinkSpeed,Status,DriverProvider,DriverVersionString,DriverDate,DriverDescription,DriverFileName,DriverName,"
                + "NdisVersion,ComponentID,PnPDeviceID | ConvertTo-Json -Depth 3 -Compress"));
        assertThat(env.label()).isEqualTo("Windows 11 Pro 23H2 / Intel(R) I211 Gigabit Network Connection / e1r68x64 12.19.1.37");
    }

    @Test
    void missingScriptPropertiesAndAnOlderWindowsAreTolerated() throws IOException {
        RecordedCommands rec = new RecordedCommands()
                .on(ADAPTER, fixture("windows/get-netadapter-no-driverfilename.json"))
                .on(OS, fixture("windows/os-currentversion-win10-1809.json"))
                .on(ADVANCED_ALL, ok(""))
                .on(CHECKSUM, fixture("windows/checksum-offload-names.json"))
                .on(TCPIP, fixture("windows/tcpip-parameters-disabled.json"));
        MatrixDocument.Environment env = new WindowsHost(rec.runner()).fingerprint("Ethernet");
        assertThat(env.os()).isEqualTo(new MatrixDocument.Os("windows", "Windows 10 Enterprise LTSC 2019 1809", "10.0.17763", "17763.5329"));
        MatrixDocument.DutInterface d = env.dutInterface();
        assertThat(d.driverFile()).isEqualTo("e1i63x64.sys"); // from DriverName when DriverFileName vanished
        assertThat(d.driver()).isEqualTo("e1i63x64");
        assertThat(d.driverProvider()).isEqualTo("Microsoft");
        assertThat(d.pciId()).isEqualTo("8086:1502");
        assertThat(d.pciSubsystemId()).isEqualTo("17aa:21ce");
        // No advanced properties: the checksum cmdlet's enum names, split by direction.
        assertThat(d.offloads()).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on").containsEntry(OffloadKeys.TX_UDP4_CHECKSUM, "off")
                .containsEntry(OffloadKeys.RX_TCP4_CHECKSUM, "off").containsEntry(OffloadKeys.TX_TCP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.RX_TCP6_CHECKSUM, "off").containsEntry(OffloadKeys.TCPIP_DISABLE_TASK_OFFLOAD, "1")
                .doesNotContainKey(OffloadKeys.LSO);
        assertThat(env.host()).isEqualTo(System.getenv().getOrDefault("COMPUTERNAME", "unknown"));
        assertThat(env.clients()).containsOnlyKeys("java");

        RecordedCommands bare = new RecordedCommands().on(ADAPTER, fixture("windows/get-netadapter-bare.json"))
                .on(OS, fixture("windows/os-currentversion-win11.json")).on(ADVANCED_ALL, ok("")).on(TCPIP, ok(""));
        MatrixDocument.DutInterface usb = new WindowsHost(bare.runner()).fingerprint("Ethernet 3").dutInterface();
        assertThat(usb.model()).isEqualTo("Realtek USB GbE Family Controller");
        assertThat(usb.pciId()).isNull();
        assertThat(usb.driver()).isNull();
        assertThat(usb.offloads()).isEqualTo(Map.of(OffloadKeys.TCPIP_DISABLE_TASK_OFFLOAD, "unset"));
    }

    @Test
    void anAdapterThatIsNotThereIsAClearError() {
        RecordedCommands rec = new RecordedCommands().on(ADAPTER, failsWith(1, "windows/get-netadapter-not-found.stderr.txt"));
        assertThatThrownBy(() -> new WindowsHost(rec.runner()).fingerprint("Ethernet 9")).isInstanceOf(IOException.class)
                .hasMessageContaining("no network adapter 'Ethernet 9'").hasMessageContaining("No MSFT_NetAdapter objects found")
                .hasMessageContaining("Get-NetAdapter -Physical");
    }

    @Test
    void switchingRxOffKeepsTxJournalsFirstWaitsForTheAdapterAndRestores() throws IOException {
        FakeI211 fake = new FakeI211(3).setsTheValue();
        fake.journalDir = tmp;
        WindowsHost host = fake.host();
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            OffloadChange c = host.setRxUdp4Checksum(IF, false, journal);
            // When the Set command ran, the original value was already on disk.
            assertThat(fake.journalAtSet).singleElement().satisfies(files -> assertThat(files).singleElement()
                    .satisfies(t -> assertThat(t).contains("\"original\" : \"3\"").contains("\"iface\" : \"Ethernet 2\"")));
            assertThat(c.from()).isEqualTo("3");
            assertThat(c.to()).isEqualTo("1");
            assertThat(c.now()).isEqualTo("1");
            assertThat(c.changed()).isTrue();
            assertThat(c.verified()).isTrue();
            assertThat(c.linkWentDown()).isTrue();
            assertThat(c.linkBack()).isTrue();
            assertThat(c.mechanism()).isEqualTo("Set-NetAdapterChecksumOffload -Name 'Ethernet 2' -UdpIPv4Enabled TxEnabled");
            assertThat(c.before()).containsEntry(OffloadKeys.RSS, "on").containsEntry(OffloadKeys.LSO, "on");
            assertThat(c.after()).containsEntry(OffloadKeys.RSS, "on");
            assertThat(c.sideEffects()).containsExactly("lso: on -> off"); // this driver drags LSO along
            assertThat(c.describe()).contains("3 -> 1").contains("verified").contains("went down and came back").contains("also changed: lso: on -> off");
            assertThat(fake.rec.ran(SET)).singleElement().satisfies(l -> assertThat(l).endsWith("-UdpIPv4Enabled TxEnabled\""));
            assertThat(journal.mine()).singleElement().satisfies(e -> {
                assertThat(e.original()).isEqualTo("3");
                assertThat(e.family()).isEqualTo("windows");
                assertThat(e.owner().pid()).isEqualTo(ProcessHandle.current().pid());
            });
            assertThat(entryFiles(tmp)).hasSize(1);

            OffloadChange again = host.setRxUdp4Checksum(IF, false, journal);
            assertThat(again.changed()).isFalse();
            assertThat(fake.rec.ran(SET)).hasSize(1);

            List<OffloadJournal.Outcome> restored = journal.restoreAll();
            assertThat(restored).singleElement().satisfies(o -> {
                assertThat(o.restored()).isTrue();
                assertThat(o.change().to()).isEqualTo("3");
                assertThat(o.change().verified()).isTrue();
            });
            assertThat(fake.rec.ran(SET)).hasSize(2).last().satisfies(l -> assertThat(l).endsWith("-UdpIPv4Enabled RxTxEnabled\""));
            assertThat(fake.udp4.get()).isEqualTo(3);
            assertThat(entryFiles(tmp)).isEmpty();
        }
    }

    @Test
    void anOriginalWithoutTxIsRestoredExactly() throws IOException {
        FakeI211 fake = new FakeI211(2).setsTheValue();
        WindowsHost host = fake.host();
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            assertThat(host.setRxUdp4Checksum(IF, false, journal).to()).isEqualTo("0");
        }
        assertThat(fake.rec.ran(SET)).extracting(l -> l.substring(l.lastIndexOf(' ') + 1)).containsExactly("Disabled\"", "RxEnabled\"");
        assertThat(fake.udp4.get()).isEqualTo(2);
    }

    @Test
    void aSettingThatDoesNotTakeIsReportedNotVerified() throws IOException {
        FakeI211 fake = new FakeI211(3);
        fake.rec.on(SET, ok()); // the driver ignores it: the registry keeps 3
        WindowsHost host = fake.host();
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            OffloadChange c = host.setRxUdp4Checksum(IF, false, journal);
            assertThat(c.verified()).isFalse();
            assertThat(c.now()).isEqualTo("3");
            assertThat(c.describe()).contains("NOT verified: reads back 3");
        }
        assertThat(entryFiles(tmp)).isEmpty(); // already the original at the end: nothing to restore
    }

    @Test
    void aRefusalCarriesWindowsWordsAndLeavesNothingInTheJournal() throws IOException {
        FakeI211 fake = new FakeI211(3);
        fake.rec.on(SET, failsWith(1, "windows/set-checksum-offload-denied.stderr.txt"));
        WindowsHost host = fake.host();
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            assertThatThrownBy(() -> host.setRxUdp4Checksum(IF, false, journal)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Access to a CIM resource was not available").hasMessageContaining("Administrator");
            assertThat(journal.mine()).isEmpty();
        }
    }

    @Test
    void aSilentExit87FromPowerShellIsAnErrorThatSaysSo() throws IOException {
        FakeI211 fake = new FakeI211(3);
        fake.rec.on(SET, fails(87, "")); // ERROR_INVALID_PARAMETER, without a word
        WindowsHost host = fake.host();
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            assertThatThrownBy(() -> host.setRxUdp4Checksum(IF, false, journal)).isInstanceOf(IOException.class)
                    .hasMessageEndingWith(PowerShell.shown("Set-NetAdapterChecksumOffload -Name 'Ethernet 2' -UdpIPv4Enabled TxEnabled")
                            + ": exit 87");
            assertThat(journal.mine()).isEmpty();
        }
        RecordedCommands rec = new RecordedCommands().on(ADAPTER, fixture("windows/get-netadapter.json")).on(ADVANCED_ALL, fails(87, ""));
        assertThatThrownBy(() -> new WindowsHost(rec.runner()).fingerprint(IF)).isInstanceOf(IOException.class)
                .hasMessageContaining("Get-NetAdapterAdvancedProperty").hasMessageEndingWith(": exit 87");
    }

    @Test
    void anAdapterThatDoesNotComeBackIsReportedWithinTheBound() throws IOException {
        FakeI211 fake = new FakeI211(3);
        fake.rec.on(SET, inv -> {
            fake.udp4.set(WindowsHost.DIRECTIONS.indexOf(inv.shown().substring(inv.shown().lastIndexOf(' ') + 1).replace("\"", "")));
            fake.pollsSinceSet.set(-1_000_000); // stays down
            return ok();
        });
        WindowsHost host = new WindowsHost(fake.rec.runner(), Duration.ofMillis(200), Duration.ofMillis(20));
        OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { });
        long t0 = System.nanoTime();
        OffloadChange c = host.setRxUdp4Checksum(IF, false, journal);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(c.linkBack()).isFalse();
        assertThat(c.linkWaitMs()).isGreaterThanOrEqualTo(200);
        assertThat(c.note()).contains("were up [198.18.0.1] before and are down");
        assertThat(c.describe()).contains("link/address NOT back");
        assertThat(journal.restoreAll()).singleElement().satisfies(o -> {
            assertThat(o.restored()).isTrue(); // the value is back; the link was down already, so not waited for
            assertThat(o.change().to()).isEqualTo("3");
        });
        journal.close();
    }

    @Test
    void pktmonDropsBecomeTheCellsReasonAndNetstatTheFallback() throws IOException {
        RecordedCommands rec = pktmonSession();
        rec.on("pktmon start", fixture("windows/pktmon-start.txt"));
        rec.on("pktmon etl2txt", RecordedCommands.writesFileAfter("--out", "windows/pktmon-drops-utf16le.txt", ok("Processing...")));
        OsReport report;
        try (EvidenceSession s = new WindowsHost(rec.runner()).beginDropEvidence(IF, tmp)) {
            report = s.end();
            assertThat(s.end()).isSameAs(report);
        }
        assertThat(report.available(OsReport.PKTMON)).isTrue();
        assertThat(report.available(OsReport.NETSTAT)).isTrue();
        assertThat(report.dropReasons()).isEqualTo(Map.of("UDP_CSUM", 3L, "NO_PORT", 1L));
        assertThat(report.dropReasonSource()).isEqualTo(OsReport.PKTMON);
        assertThat(report.counter(SnmpCounters.UDP_IN_ERRORS)).isEqualTo(4);
        assertThat(report.counter("PktMon.Drops")).isEqualTo(3);
        assertThat(report.describeSources()).contains("pktmon yes", "netstat yes", "etw yes");
        assertThat(report.nicChecksums()).isEmpty(); // the log holds no TCPIP event: no NIC verdict, no NIC_FLAGGED_BAD
        assertThat(rec.log()).noneMatch(l -> l.startsWith("netsh"));

        List<String> log = rec.log();
        assertThat(log.indexOf("pktmon counters --json")).isLessThan(log.indexOf("pktmon stop")); // stop clears the counters
        assertThat(log).containsSubsequence("pktmon filter remove", "pktmon filter add quirklab -t UDP -p 623",
                "pktmon start --capture --comp all --type all --pkt-size 0 --trace --provider Microsoft-Windows-TCPIP --level 5 --file-name "
                        + tmp.resolve(WindowsEvidence.ETL),
                "pktmon counters --json", "pktmon stop", "pktmon etl2txt " + tmp.resolve(WindowsEvidence.ETL) + " --out "
                        + tmp.resolve(WindowsEvidence.TXT) + " --verbose 2", "pktmon filter remove");
        assertThat(log.stream().filter("pktmon stop"::equals)).hasSize(1);
        assertThat(tmp.resolve(WindowsEvidence.COUNTERS)).exists();

        VerdictRules.Decision mine = VerdictRules.decide(timedOut(report.forFlows(List.of(CELL))));
        assertThat(mine.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(mine.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(mine.source()).hasToString(OsReport.PKTMON);
        assertThat(mine.explanation()).contains("PktMon logged 2 drops with DropReason 'INET: checksum is invalid' at component 49 TCP/IP");
        // Another cell's flow that PktMon did not see dropped: no PktMon reason; netstat's errors remain (not per flow).
        VerdictRules.Decision other = VerdictRules.decide(timedOut(report.forFlows(List.of(new OsReport.Flow("198.18.0.12", 623, null, 0)))));
        assertThat(other.source()).hasToString(OsReport.NETSTAT);
        assertThat(other.reason()).isEqualTo(Reason.UDP_ERROR);
    }

    @Test
    void theTcpipProviderInThePktmonTraceProvesTheNicFlaggedTheCellsValidReplies() throws IOException {
        RecordedCommands rec = pktmonSession();
        rec.on("pktmon start", fixture("windows/pktmon-start.txt"));
        rec.on("pktmon etl2txt", writesTestData("--out", "etw/pktmon-with-tcpip-checksum-drop.txt"));
        OsReport report;
        try (EvidenceSession s = new WindowsHost(rec.runner()).beginDropEvidence(IF, tmp)) {
            report = s.end();
        }
        assertThat(report.available(OsReport.ETW)).isTrue();
        assertThat(report.sources()).filteredOn(x -> x.name().equals(OsReport.ETW)).singleElement()
                .satisfies(x -> assertThat(x.note()).contains("in the PktMon trace: 1 received datagrams", "1 marked failed"));
        OsReport cell = report.forFlows(List.of(CELL));
        assertThat(cell.nicChecksums()).singleElement().satisfies(n -> {
            assertThat(n.flags()).containsExactly("UdpChecksumFailed");
            assertThat(n.packet()).isEqualTo(CELL);
            assertThat(n.stack()).isEqualTo("dropped: Checksum is invalid");
        });
        assertThat(cell.counter(OsReport.ETW_NIC_FLAGGED_BAD)).isEqualTo(1);
        VerdictRules.Decision d = VerdictRules.decide(timedOut(cell));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.NIC_FLAGGED_BAD);
        assertThat(d.source()).hasToString(OsReport.ETW);
        assertThat(d.explanation()).contains("UdpChecksumFailed", "the capture shows valid checksums");
        // Another persona's cell: nothing of the NIC's verdict is its own.
        assertThat(report.forFlows(List.of(new OsReport.Flow("198.18.0.12", 623, null, 0))).nicChecksums()).isEmpty();
    }

    @Test
    void aPktmonWithoutTraceLeavesTheProviderToNetshAndDeliveredRepliesKeepTheNicsJudgement() throws IOException {
        RecordedCommands rec = new RecordedCommands()
                .on("netstat -s -p udp", fixture("windows/netstat-udp-en.txt"))
                .on("pktmon filter remove", ok("All filters removed."))
                .on("pktmon filter add", fixture("windows/pktmon-filter-add.txt"))
                .on("--trace", fails(87, ""))
                .on("pktmon start", fixture("windows/pktmon-start.txt"))
                .on("pktmon counters --json", fixture("windows/pktmon-counters.json"))
                .on("pktmon stop", fixture("windows/pktmon-stop.txt"))
                .on("pktmon etl2txt", RecordedCommands.writesFileAfter("--out", "windows/pktmon-drops-utf16le.txt", ok()))
                .on("netsh trace start", ok("Trace configuration:"))
                .on("netsh trace stop", ok("Tracing session was successfully stopped."))
                .on("netsh trace convert", inv -> {
                    String out = inv.command().stream().filter(a -> a.startsWith("output=")).findFirst().orElseThrow().substring(7);
                    try {
                        Files.write(Path.of(out), TestData.bytes("etw/netsh-tcpip-udp-checksum-failed.txt"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return ok("Input file: ...");
                });
        OsReport report;
        try (EvidenceSession s = new WindowsHost(rec.runner()).beginDropEvidence(IF, tmp)) {
            report = s.end();
        }
        assertThat(rec.log()).containsSubsequence(TRACED_START + tmp.resolve(WindowsEvidence.ETL), PLAIN_START + tmp.resolve(WindowsEvidence.ETL),
                NETSH_START + tmp.resolve(WindowsEvidence.TCPIP_ETL),
                "pktmon stop", "netsh trace stop", "netsh trace convert input=" + tmp.resolve(WindowsEvidence.TCPIP_ETL) + " output="
                        + tmp.resolve(WindowsEvidence.TCPIP_TXT) + " dump=TXT overwrite=yes report=no");
        assertThat(rec.log().stream().filter("netsh trace stop"::equals)).hasSize(1);
        assertThat(report.sources()).filteredOn(x -> x.name().equals(OsReport.ETW)).singleElement()
                .satisfies(x -> assertThat(x.note()).contains("by netsh trace: 4 received datagrams", "2 marked failed"));
        assertThat(report.counter(OsReport.ETW_NIC_FLAGGED_BAD)).isEqualTo(2);
        assertThat(report.counter(OsReport.ETW_NIC_NOT_CHECKED)).isEqualTo(1);
        assertThat(report.counter(OsReport.ETW_NIC_VERIFIED_GOOD)).isEqualTo(1);
        // The persona at .20 got its reply through: the NIC did not check it, tcpip did (its judgement is recorded, no verdict from it).
        OsReport delivered = report.forFlows(List.of(new OsReport.Flow("198.18.0.20", 0, null, 0)));
        assertThat(delivered.nicChecksums()).singleElement().satisfies(n -> {
            assertThat(n.judgement()).isEqualTo(NicChecksumInfo.Judgement.NOT_CHECKED);
            assertThat(n.stack()).isEqualTo("slow path: UDP checksum offload not computed");
        });
        assertThat(delivered.counterDeltas()).containsEntry(OsReport.ETW_NIC_NOT_CHECKED, 1L).doesNotContainKey(OsReport.ETW_NIC_FLAGGED_BAD);
    }

    static final String TRACED_START = "pktmon start --capture --comp all --type all --pkt-size 0 --trace --provider Microsoft-Windows-TCPIP "
            + "--level 5 --file-name ";
    static final String PLAIN_START = "pktmon start --capture --comp all --type all --pkt-size 0 --file-name ";
    static final String NETSH_START = "netsh trace start provider=Microsoft-Windows-TCPIP level=5 capture=no report=disabled overwrite=yes "
            + "maxsize=256 tracefile=";

    /** Writes a file of the test data to the path after {@code flag}, then answers ok. */
    private static java.util.function.Function<CommandRunner.Invocation, RecordedCommands.Reply> writesTestData(String flag, String path) {
        return inv -> {
            try {
                Files.write(Path.of(inv.command().get(inv.command().indexOf(flag) + 1)), TestData.bytes(path));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ok();
        };
    }

    @Test
    void pktmonExit87LeavesNetstatToSayThatSomethingWasDropped() {
        RecordedCommands rec = pktmonSession();
        rec.on("pktmon start", fails(87, ""));
        OsReport report;
        try (EvidenceSession s = new WindowsHost(rec.runner()).beginDropEvidence(IF, tmp)) {
            report = s.end();
        }
        assertThat(report.available(OsReport.PKTMON)).isFalse();
        assertThat(report.sources()).filteredOn(x -> x.name().equals(OsReport.PKTMON)).singleElement()
                .satisfies(x -> assertThat(x.note()).contains("exited 87 (invalid parameter)").contains("another syntax"));
        assertThat(rec.log()).containsSubsequence(TRACED_START + tmp.resolve(WindowsEvidence.ETL),
                PLAIN_START + tmp.resolve(WindowsEvidence.ETL), "pktmon filter remove", NETSH_START + tmp.resolve(WindowsEvidence.TCPIP_ETL))
                .endsWith("netstat -s -p udp").doesNotContain("pktmon stop");
        assertThat(report.sources()).filteredOn(x -> x.name().equals(OsReport.ETW)).singleElement()
                .satisfies(x -> assertThat(x.available()).isFalse()).satisfies(x -> assertThat(x.note()).contains("netsh is not available"));
        VerdictRules.Decision d = VerdictRules.decide(timedOut(report));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_ERROR);
        assertThat(d.source()).hasToString(OsReport.NETSTAT);
        assertThat(d.explanation()).contains("Udp.InErrors (netstat -s) +4");
    }

    @Test
    void newerBuildsFormatInsteadOfEtl2txtAndMissingPktmonIsSaid() {
        RecordedCommands rec = pktmonSession();
        rec.on("pktmon start", fixture("windows/pktmon-start.txt"));
        rec.on("pktmon etl2txt", fails(87, ""));
        rec.on("pktmon format", RecordedCommands.writesFileAfter("-o", "windows/pktmon-drops-de.txt", ok()));
        try (EvidenceSession s = new WindowsHost(rec.runner()).beginDropEvidence(IF, tmp)) {
            assertThat(s.end().dropReasons()).isEqualTo(Map.of("UDP_CSUM", 2L));
        }
        RecordedCommands none = new RecordedCommands().on("netstat", fixture("windows/netstat-udp-en.txt"));
        try (EvidenceSession s = new WindowsHost(none.runner()).beginDropEvidence(IF, tmp)) {
            assertThat(s.end().describeSources()).contains("pktmon no (pktmon is not available").contains("1809 and later");
        }
    }

    @Test
    void countersStandInWhenTheLogCannotBeRead() {
        RecordedCommands rec = pktmonSession();
        rec.on("pktmon start", fixture("windows/pktmon-start.txt"));
        rec.on("pktmon etl2txt", fails(1, "The system cannot find the file specified."));
        rec.on("pktmon format", fails(1, "The system cannot find the file specified."));
        OsReport r;
        try (EvidenceSession s = new WindowsHost(rec.runner()).beginDropEvidence(IF, tmp)) {
            r = s.end();
        }
        assertThat(r.dropReasons()).isEqualTo(Map.of("UDP_CSUM", 3L));
        assertThat(r.drops()).singleElement().satisfies(d -> {
            assertThat(d.packet()).isNull();
            assertThat(d.component()).isEqualTo("49 TCP/IP");
        });
        assertThat(r.sources()).filteredOn(x -> x.name().equals(OsReport.PKTMON)).singleElement()
                .satisfies(x -> assertThat(x.note()).contains("could not be turned into text").contains("counters: 3 drops"));
    }

    @Test
    void theDefaultRouteAndTheFactory() {
        RecordedCommands rec = new RecordedCommands().on("Get-NetRoute", fixture("windows/netroute-default.json"));
        assertThat(new WindowsHost(rec.runner()).defaultInterface()).contains("Ethernet 2");
        assertThat(new WindowsHost(new RecordedCommands().runner()).defaultInterface()).isEmpty();
        assertThat(HostAdapter.forOs("Windows 11", rec.runner())).isInstanceOf(WindowsHost.class);
        assertThat(HostAdapter.forOs("Windows Server 2022", rec.runner()).family()).isEqualTo(HostAdapter.WINDOWS);
        assertThat(HostAdapter.forOs("Mac OS X", rec.runner()).family()).isEqualTo(HostAdapter.MACOS);
        assertThat(HostAdapter.forOs("Linux", rec.runner()).family()).isEqualTo(HostAdapter.LINUX);
        assertThatThrownBy(() -> HostAdapter.forOs("SunOS", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SunOS");
    }

    /** netstat before (17 receive errors) and after (21), the pktmon steps that do not vary. */
    private static RecordedCommands pktmonSession() {
        AtomicInteger netstat = new AtomicInteger();
        return new RecordedCommands()
                .on("netstat -s -p udp", inv -> fixture(netstat.getAndIncrement() == 0 ? "windows/netstat-udp-en.txt" : "windows/netstat-udp-en-after.txt"))
                .on("pktmon filter remove", ok("All filters removed."))
                .on("pktmon filter add", fixture("windows/pktmon-filter-add.txt"))
                .on("pktmon counters --json", fixture("windows/pktmon-counters.json"))
                .on("pktmon stop", fixture("windows/pktmon-stop.txt"));
    }

    private static Evidence timedOut(OsReport os) {
        return Evidence.of(Evidence.Client.failed(Failure.TIMEOUT, "Error: Unable to establish IPMI v1.5 / RMCP session", 4))
                .withJournal(4, 4).withDutWire(new DutWire(4, 0, 0, 0, 0, 0, 0)).withOs(os);
    }

    static List<Path> entryFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(OffloadJournal.PREFIX)).toList();
        }
    }

    static List<String> entryTexts(Path dir) {
        try {
            List<String> out = new java.util.ArrayList<>();
            for (Path p : entryFiles(dir)) {
                out.add(Files.readString(p));
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
