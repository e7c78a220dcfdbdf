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
