package io.quirklab.host;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.ReasonSource;
import static io.quirklab.host.RecordedCommands.failsWith;
import static io.quirklab.host.RecordedCommands.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.client.Failure;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.DutWire;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.observe.VerdictRules;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The macOS adapter against hand-written outputs in the documented formats (see resources/io/quirklab/host/macos/README.md). */
class MacHostTest {
    @TempDir
    Path tmp;

    /** A Mac whose hwcksum_rx sysctl follows sysctl -w. */
    static final class FakeMac {
        final AtomicReference<String> hwRx;
        final RecordedCommands rec = new RecordedCommands();

        FakeMac(String initial, String systemProfiler) {
            hwRx = new AtomicReference<>(initial);
            rec.on("sysctl -w", inv -> {
                String v = inv.shown().substring(inv.shown().indexOf('=') + 1);
                RecordedCommands.Reply r = fixture("macos/sysctl-w-hwcksum_rx-" + v + ".txt");
                hwRx.set(v);
                return r;
            })
                    .on("sysctl -n net.link.generic.system.hwcksum_rx", inv -> fixture("macos/sysctl-hwcksum_rx-" + hwRx.get() + ".txt"))
                    .on("sysctl -n net.link.generic.system.hwcksum_tx", fixture("macos/sysctl-hwcksum_tx-1.txt"))
                    .on("ifconfig -v en0", fixture("macos/ifconfig-v-en0.txt"))
                    .on("ifconfig -v en7", fixture("macos/ifconfig-v-en7-usb.txt"))
                    .on("ifconfig -v en9", failsWith(1, "macos/ifconfig-no-such.stderr.txt"))
                    .on("ifconfig en0", fixture("macos/ifconfig-en0.txt"))
                    .on("system_profiler -json SPEthernetDataType", fixture("macos/" + systemProfiler))
                    .on("sw_vers", fixture("macos/sw_vers.txt"))
                    .on("uname -r", fixture("macos/uname-r.txt"))
                    .on("hostname", fixture("macos/hostname.txt"))
                    .on("route -n get default", fixture("macos/route-get-default.txt"));
        }

        MacHost host() {
            return new MacHost(rec.runner(), Duration.ofSeconds(2), Duration.ofMillis(5));
        }
    }

    @Test
    void fingerprintFromSystemProfilerIfconfigAndSysctl() throws IOException {
        MatrixDocument.Environment env = new FakeMac("1", "system_profiler-ethernet.json").host().fingerprint("en0");
        assertThat(env.os()).isEqualTo(new MatrixDocument.Os("macos", "macOS 14.5", "14.5", "23F79 (Darwin 23.5.0)"));
        assertThat(env.host()).isEqualTo("mac-lab-03.local");
        MatrixDocument.DutInterface d = env.dutInterface();
        assertThat(d.mac()).isEqualTo("3c:a6:f6:01:02:03");
        assertThat(d.model()).isEqualTo("Intel I210 Gigabit Network Connection");
        assertThat(d.pciId()).isEqualTo("8086:1533");
        assertThat(d.pciSubsystemId()).isEqualTo("8086:0000");
        assertThat(d.driver()).isEqualTo("com.apple.DriverKit-AppleEthernetIXGBE");
        assertThat(d.firmware()).isEqualTo("3.25 0x800005d0");
        assertThat(d.linkSpeed()).isEqualTo("1.00 Gbps");
        assertThat(d.driverProvider()).isEqualTo("Intel");
        assertThat(d.offloads()).containsEntry(OffloadKeys.RX_CHECKSUM, "on").containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "on")
                .containsEntry(OffloadKeys.TX_CHECKSUM, "on").containsEntry(OffloadKeys.TSO, "off").containsEntry(OffloadKeys.LRO, "off")
                .containsEntry(OffloadKeys.SYSTEM_HWCKSUM_RX, "1").containsEntry(OffloadKeys.SYSTEM_HWCKSUM_TX, "1");
        assertThat(env.clients()).containsOnlyKeys("java"); // no tool installed; the Java client always is
    }

    @Test
    void otherKeySpellingsUsbAdaptersAndTheSystemSwitch() throws IOException {
        MatrixDocument.DutInterface older = new FakeMac("0", "system_profiler-ethernet-older-keys.json").host().fingerprint("en0").dutInterface();
        assertThat(older.pciSubsystemId()).isEqualTo("15d9:1533");
        assertThat(older.model()).isEqualTo("Ethernet Controller");
        assertThat(older.driver()).isEqualTo("com.apple.driver.AppleIntelI210Ethernet");
        // The interface offers RXCSUM, but the system-wide switch is off: the NIC does not verify UDP checksums.
        assertThat(older.offloads()).containsEntry(OffloadKeys.RX_CHECKSUM, "on").containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off");

        MatrixDocument.DutInterface usb = new FakeMac("1", "system_profiler-ethernet.json").host().fingerprint("en7").dutInterface();
        assertThat(usb.pciId()).isEqualTo("0bda:8153");
        assertThat(usb.pciSubsystemId()).isNull();
        assertThat(usb.model()).isEqualTo("USB 10/100/1000 LAN");
        assertThat(usb.linkSpeed()).isEqualTo("100baseTX");
        assertThat(usb.offloads()).containsEntry(OffloadKeys.RX_CHECKSUM, "off").containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off");

        assertThatThrownBy(() -> new FakeMac("1", "system_profiler-ethernet.json").host().fingerprint("en9"))
                .isInstanceOf(IOException.class).hasMessageContaining("no network interface 'en9'")
                .hasMessageContaining("does not exist").hasMessageContaining("ifconfig -l");
    }

    @Test
    void theSystemWideSwitchIsJournaledVerifiedAndRestored() throws IOException {
        FakeMac mac = new FakeMac("1", "system_profiler-ethernet.json");
        MacHost host = mac.host();
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            OffloadChange c = host.setRxUdp4Checksum("en0", false, journal);
            assertThat(c.from()).isEqualTo("1");
            assertThat(c.to()).isEqualTo("0");
            assertThat(c.verified()).isTrue();
            assertThat(c.linkBack()).isTrue();
            assertThat(c.linkWentDown()).isFalse();
            assertThat(c.mechanism()).isEqualTo("sysctl -w net.link.generic.system.hwcksum_rx=0");
            assertThat(host.offloads("en0")).containsEntry(OffloadKeys.RX_UDP4_CHECKSUM, "off");
            assertThat(journal.mine()).singleElement().satisfies(e -> assertThat(e.original()).isEqualTo("1"));
        }
        assertThat(mac.hwRx.get()).isEqualTo("1");
        assertThat(mac.rec.ran("sysctl -w")).containsExactly("sysctl -w net.link.generic.system.hwcksum_rx=0",
                "sysctl -w net.link.generic.system.hwcksum_rx=1");
    }

    @Test
    void withoutRootTheRefusalSaysSo() throws IOException {
        RecordedCommands both = new RecordedCommands()
                .on("sysctl -w", failsWith(1, "macos/sysctl-w-denied.stderr.txt"))
                .on("sysctl -n net.link.generic.system.hwcksum_rx", fixture("macos/sysctl-hwcksum_rx-1.txt"))
                .on("ifconfig", fixture("macos/ifconfig-v-en0.txt"));
        MacHost host = new MacHost(both.runner(), Duration.ofSeconds(1), Duration.ofMillis(5));
        try (OffloadJournal journal = OffloadJournal.open(tmp, host, l -> { })) {
            assertThatThrownBy(() -> host.setRxUdp4Checksum("en0", false, journal)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Operation not permitted").hasMessageContaining("needs root");
            assertThat(journal.mine()).isEmpty();
        }
    }

    @Test
    void netstatDeltasGiveTheReasonAndNameNetstat() {
        AtomicInteger udp = new AtomicInteger();
        AtomicInteger ip = new AtomicInteger();
        RecordedCommands rec = new RecordedCommands()
                .on("netstat -s -p udp", inv -> fixture(udp.getAndIncrement() == 0 ? "macos/netstat-udp-before.txt" : "macos/netstat-udp-after.txt"))
                .on("netstat -s -p ip", inv -> fixture(ip.getAndIncrement() == 0 ? "macos/netstat-ip-before.txt" : "macos/netstat-ip-after.txt"));
        OsReport r;
        try (EvidenceSession s = new MacHost(rec.runner()).beginDropEvidence("en0", tmp)) {
            r = s.end();
        }
        assertThat(r.counterDeltas()).isEqualTo(Map.of(SnmpCounters.UDP_IN_CSUM_ERRORS, 4L, NetstatCounters.UDP_SOFTWARE_CHECKSUMMED, 4L,
                NetstatCounters.UDP_RECEIVED, 4L, NetstatCounters.UDP_OUT_DATAGRAMS, 4L, NetstatCounters.IP_TRAILING_BYTES, 4L));
        assertThat(r.counterSource()).isEqualTo(OsReport.NETSTAT);
        VerdictRules.Decision d = VerdictRules.decide(Evidence.of(Evidence.Client.failed(Failure.TIMEOUT, "timeout", 4)).withJournal(4, 4)
                .withDutWire(new DutWire(4, 0, 0, 0, 0, 0, 0)).withOs(r));
        assertThat(d.verdict()).isEqualTo(Verdict.DROPPED_IN_STACK);
        assertThat(d.reason()).isEqualTo(Reason.UDP_CSUM);
        assertThat(d.source()).hasToString(OsReport.NETSTAT);

        try (EvidenceSession s = new MacHost(new RecordedCommands().runner()).beginDropEvidence("en0", tmp)) {
            assertThat(s.end().describeSources()).startsWith("netstat no (netstat -s -p udp: cannot start netstat");
        }
    }

    @Test
    void theDefaultRoutesInterface() {
        assertThat(new FakeMac("1", "system_profiler-ethernet.json").host().defaultInterface()).contains("en0");
        assertThat(new MacHost(new RecordedCommands().runner()).defaultInterface()).isEmpty();
    }
}
