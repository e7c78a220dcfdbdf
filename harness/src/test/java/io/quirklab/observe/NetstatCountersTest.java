package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetstatCountersTest {
    static String text(String fixture, Charset cs) {
        return CommandRunner.decode(HostFixtures.bytes(fixture), cs);
    }

    @Test
    void windowsEnglishLabelsMapToTheSnmpNames() {
        assertThat(NetstatCounters.parseWindowsUdp(text("windows/netstat-udp-en.txt", StandardCharsets.UTF_8))).isEqualTo(Map.of(
                SnmpCounters.UDP_IN_DATAGRAMS, 184467L, SnmpCounters.UDP_NO_PORTS, 1211L, SnmpCounters.UDP_IN_ERRORS, 17L,
                NetstatCounters.UDP_OUT_DATAGRAMS, 90112L));
    }

    @Test
    void windowsGermanLabelsAreKnown() {
        Map<String, Long> m = NetstatCounters.parseWindowsUdp(text("windows/netstat-udp-de.txt", StandardCharsets.UTF_8));
        assertThat(m).containsEntry(SnmpCounters.UDP_IN_ERRORS, 9L).containsEntry(SnmpCounters.UDP_NO_PORTS, 44L).hasSize(4);
    }

    @Test
    void windowsGermanLabelsAreReadByLabelNotByPosition() {
        // "Keine Anschlüsse" is what a German Windows prints for "No Ports" (issue 15); lines out of order prove the label decides.
        String shuffled = "UDP-Statistik für IPv4\n\n  Empfangsfehler         = 9\n  Keine Anschlüsse       = 44\n"
                + "  Gesendete Datagramme   = 611\n  Empfangene Datagramme  = 523\n";
        assertThat(NetstatCounters.parseWindowsUdp(shuffled)).isEqualTo(Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 523L,
                SnmpCounters.UDP_NO_PORTS, 44L, SnmpCounters.UDP_IN_ERRORS, 9L, NetstatCounters.UDP_OUT_DATAGRAMS, 611L));
    }

    @Test
    void windowsAWholeNetstatSGivesItsUdpIpv4SectionNotTheFirstOne() {
        String all = "IPv4 Statistics\n\n  Packets Received = 100\n  Received Header Errors = 1\n\n"
                + "UDP Statistics for IPv6\n\n  Datagrams Received = 7\n  No Ports = 7\n  Receive Errors = 7\n  Datagrams Sent = 7\n\n"
                + "UDP Statistics for IPv4\n\n  Datagrams Received = 50\n  No Ports = 2\n  Receive Errors = 3\n  Datagrams Sent = 40\n";
        assertThat(NetstatCounters.parseWindowsUdp(all)).containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 50L).containsEntry(SnmpCounters.UDP_IN_ERRORS, 3L);
        assertThat(NetstatCounters.parseWindowsIp(all)).isEmpty(); // an IPv4 section of 2 lines is not the one netstat prints
        assertThat(NetstatCounters.parseWindowsUdp("IPv4 Statistics\n\n  Packets Received = 100\n")).isEmpty();
    }

    @Test
    void windowsUnknownLabelsInAnotherCodePageGoByPosition() {
        // Decoded as UTF-8 on purpose: the accented bytes of code page 850 are garbage then, the numbers are not.
        Map<String, Long> m = NetstatCounters.parseWindowsUdp(text("windows/netstat-udp-fr-cp850.txt", StandardCharsets.UTF_8));
        assertThat(m).isEqualTo(Map.of(SnmpCounters.UDP_IN_DATAGRAMS, 1000L, SnmpCounters.UDP_NO_PORTS, 5L, SnmpCounters.UDP_IN_ERRORS, 3L,
                NetstatCounters.UDP_OUT_DATAGRAMS, 900L));
        assertThat(NetstatCounters.parseWindowsUdp("The requested operation requires elevation.")).isEmpty();
    }

    @Test
    void macUdpAndIpCounters() {
        Map<String, Long> udp = NetstatCounters.parseMacUdp(text("macos/netstat-udp-before.txt", StandardCharsets.UTF_8));
        assertThat(udp).containsEntry(SnmpCounters.UDP_IN_CSUM_ERRORS, 2L).containsEntry(NetstatCounters.UDP_SOFTWARE_CHECKSUMMED, 310L)
                .containsEntry(NetstatCounters.UDP_NO_CHECKSUM, 51L).containsEntry(SnmpCounters.UDP_NO_PORTS, 1804L)
                .containsEntry(SnmpCounters.UDP_RCVBUF_ERRORS, 0L).containsEntry(SnmpCounters.UDP_IN_DATAGRAMS, 34854L)
                .containsEntry(NetstatCounters.UDP_RECEIVED, 40211L).containsEntry(NetstatCounters.UDP_OUT_DATAGRAMS, 31977L);
        Map<String, Long> ip = NetstatCounters.parseMacIp(text("macos/netstat-ip-before.txt", StandardCharsets.UTF_8));
        assertThat(ip).containsEntry(NetstatCounters.IP_TRAILING_BYTES, 12L).containsEntry(SnmpCounters.IP_IN_HDR_ERRORS, 0L)
                .containsEntry(SnmpCounters.IP_REASM_TIMEOUT, 0L);
        assertThat(NetstatCounters.parseMacUdp("udp:\n\t1 datagram received\n\tsomething new\n")).isEqualTo(Map.of(NetstatCounters.UDP_RECEIVED, 1L));
    }
}
