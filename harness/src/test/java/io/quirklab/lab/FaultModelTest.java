package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FaultModelTest {
    @Test
    void everyModelCorruptsOnlyRepliesFromPort623AndAlwaysToAWrongValue() {
        for (String name : FaultModel.BUILT_IN) {
            String rules = FaultModel.of(name).ruleset("qlab-dut");
            assertThat(rules).contains("table netdev qlab_fault", "hook ingress device \"qlab-dut\"",
                    "udp sport 623", "udp checksum 0x5555 counter udp checksum set 0x2aaa accept", "counter udp checksum set 0x5555");
        }
        assertThat(FaultModel.of("id-echo").ruleset("d")).contains("hook egress device \"d\"", "update @request_ids { ip daddr . ip id }", "ip saddr . ip id @request_ids");
        assertThat(FaultModel.of("trailing-bytes").ruleset("d")).contains("28 . 8", "1500 . 1480", "!= @consistent_lengths");
        assertThat(FaultModel.custom("ip ttl 255").ruleset("d")).contains("udp sport 623 ip ttl 255 udp checksum 0x5555");
    }

    @Test
    void badNamesAndExpressionsAreRefusedClearly() {
        assertThatThrownBy(() -> FaultModel.of("df-clr")).hasMessageContaining("unknown fault model 'df-clr'").hasMessageContaining("df-clear");
        assertThatThrownBy(() -> FaultModel.custom(" ")).hasMessageContaining("needs an nftables match expression");
        assertThatThrownBy(() -> FaultModel.custom("ip ttl 1; flush ruleset")).hasMessageContaining("without ; { }");
        assertThatThrownBy(() -> new FaultModel("df-clear", "ip ttl 1")).hasMessageContaining("only the custom fault model");
    }

    /** The generated rulesets are real nftables syntax: nft itself checks them (without applying anything). */
    @ParameterizedTest
    @ValueSource(strings = {"df-clear", "id-echo", "csum-ffff", "trailing-bytes", "custom"})
    void nftAcceptsTheRuleset(String name) {
        Require.root("nft -c needs CAP_NET_ADMIN even to check a ruleset");
        Require.capability(Require.TOOLS, CommandRunner.which("nft").isPresent(), "Test requires nft: apt-get install nftables");
        FaultModel m = name.equals("custom") ? FaultModel.custom("ip ttl 255") : FaultModel.of(name);
        // Check against a device that exists on every Linux host; -c never touches the kernel's tables.
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(20), List.of("nft", "-c", "-f", "-"), m.ruleset("lo").getBytes());
        assertThat(r.ok()).as(r.stderr()).isTrue();
    }
}
