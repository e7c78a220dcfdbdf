package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PktmonCountersTest {
    @Test
    void dropCountersAndTheLastDropReasonPerComponent() throws IOException {
        PktmonCounters c = PktmonCounters.parse(new String(HostFixtures.bytes("windows/pktmon-counters.json"), StandardCharsets.UTF_8));
        assertThat(c.dropsByComponent()).containsExactly(java.util.Map.entry("49 TCP/IP", 3L));
        assertThat(c.lastDropReason()).containsEntry("49 TCP/IP", "INET: checksum is invalid");
        assertThat(c.totalDrops()).isEqualTo(3);
    }

    @Test
    void otherShapesAndSpellingsAreWalkedToo() throws IOException {
        String json = "{\"groups\":{\"x\":[{\"id\":\"7\",\"name\":\"NDIS\",\"counters\":[{\"type\":\"DROP\",\"inbound\":2,\"outbound\":\"1\","
                + "\"details\":{\"dropReason\":\"Filtered VLAN\"}},{\"type\":\"flow\",\"inbound\":{\"packets\":9}}],\"extra\":null}]}}";
        PktmonCounters c = PktmonCounters.parse(json);
        assertThat(c.dropsByComponent()).containsEntry("7 NDIS", 3L);
        assertThat(c.lastDropReason()).containsEntry("7 NDIS", "Filtered VLAN");
        assertThat(PktmonCounters.parse("  ").totalDrops()).isZero();
        assertThat(PktmonCounters.parse("[]").totalDrops()).isZero();
    }

    @Test
    void brokenJsonSaysSo() {
        assertThatThrownBy(() -> PktmonCounters.parse("Access is denied.")).isInstanceOf(IOException.class)
                .hasMessageContaining("pktmon counters --json is not JSON");
    }
}
