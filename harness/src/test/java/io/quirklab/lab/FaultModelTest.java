package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
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

    /** Expressions of the docs, the tests and the scenario suites: matches, accepted. */
    static final List<String> MATCHES = List.of("ip ttl 255", "ip ttl 1", "ip frag-off & 0x4000 == 0 ip ttl 1",
            "ip frag-off & 0x4000 == 0 numgen random mod 10 < 3", "ip frag-off & 0x4000 == 0 numgen random mod 10 < 6", "ip ttl != 64",
            "udp length > 100", "ip saddr 198.18.0.0/24", "ip id 0x1234", "meta length 60-80", "ip dscp 0x2e udp checksum 0xffff",
            "@nh,64,8 1", "ip protocol udp", "ether saddr 02:51:4c:00:00:0a", "meta mark 1", "ip6 hoplimit 1");

    @ParameterizedTest
    @FieldSource("MATCHES")
    void matchesAreAccepted(String expression) {
        assertThat(MatchExpression.problem(expression)).isNull();
        assertThat(FaultModel.custom(expression).ruleset("d")).contains("udp sport 623 " + expression + " udp checksum 0x5555");
    }

    /** A lab file can no longer send packets anywhere, mark, log, count or decide their fate: every statement is refused in words. */
    @ParameterizedTest
    @ValueSource(strings = {"ip ttl 64 dup to \"eth0\"", "dup to \"eth0\"", "ip ttl 64 fwd to \"eth0\"", "meta mark set 1", "ip ttl 1 mark set 1",
        "log prefix \"x\"", "ip ttl 1 log", "ip ttl 1 counter", "counter", "ip ttl 1 queue num 1", "reject", "ip ttl 1 drop", "accept",
        "ip ttl 1 jump x", "goto x", "ct mark set 1", "ct state new", "notrack", "ip ttl 1 limit rate 1/second", "quota 10 mbytes",
        "ip ttl set 5", "ip ttl 1 snat to 198.18.0.9", "ip ttl 1 masquerade", "ip ttl 1 meter m size 1", "ip ttl 1 synproxy",
        "ip ttl 1 update @s", "ip ttl @s", "ip ttl $x", "ip ttl", "ip", "ip foo 1", "tcp option maxseg size 1", "ip ttl 1, 2",
        "ip ttl 1 \u001b[2J", "mark 1"})
    void statementsAndAnythingElseButAMatchAreRefusedInWords(String expression) {
        assertThatThrownBy(() -> FaultModel.custom(expression)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("custom fault expression ").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
        System.out.println(expression.replace("\u001b", "ESC") + " -> " + MatchExpression.problem(expression));
    }

    @Test
    void theRefusalSaysWhatTheStatementWouldDo() {
        assertThat(MatchExpression.problem("ip ttl 64 dup to \"eth0\"")).startsWith("'dup' is a statement (it would act on packets: send copies "
                + "or the packet itself out of another interface), not a match");
        assertThat(MatchExpression.problem("meta mark set 1")).startsWith("'meta mark set' is a statement");
        assertThat(MatchExpression.problem("log prefix \"x\"")).startsWith("'log' is a statement (it would act on packets: log, count");
        assertThat(MatchExpression.problem("ip foo 1")).startsWith("'ip' has no field 'foo' (version, hdrlength");
    }

    /** nft itself reads every accepted expression as a rule of the fault table (checked, never applied). */
    @Test
    void nftAcceptsEveryAcceptedMatch() {
        Require.root("nft -c needs CAP_NET_ADMIN even to check a ruleset");
        Require.capability(Require.TOOLS, CommandRunner.which("nft").isPresent(), "Test requires nft: apt-get install nftables");
        for (String e : MATCHES) {
            assertThat(MatchExpression.problem(e)).as(e).isNull();
            CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(20), List.of("nft", "-c", "-f", "-"),
                    FaultModel.custom(e).ruleset("lo").getBytes());
            assertThat(r.ok()).as(e + ": " + r.stderr()).isTrue();
        }
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

    /** Limited to some addresses, a model acts on their replies only: the run's offload=on instances, beside offload=off ones. */
    @ParameterizedTest
    @ValueSource(strings = {"df-clear", "id-echo", "csum-ffff", "trailing-bytes", "custom"})
    void aModelLimitedToSomeAddressesMatchesTheirRepliesOnlyAndNftAcceptsIt(String name) throws Exception {
        FaultModel m = name.equals("custom") ? FaultModel.custom("ip ttl 255") : FaultModel.of(name);
        List<java.net.Inet4Address> only = List.of((java.net.Inet4Address) java.net.InetAddress.getByName("198.18.0.253"),
                (java.net.Inet4Address) java.net.InetAddress.getByName("198.18.0.20"));
        String rules = m.ruleset("lo", FaultModel.TABLE, only);
        assertThat(rules).contains("set faulted { type ipv4_addr; elements = { 198.18.0.20, 198.18.0.253 } }");
        assertThat(rules.lines().filter(l -> l.contains("udp checksum set"))).hasSize(2)
                .allSatisfy(l -> assertThat(l.trim()).startsWith("ip saddr @faulted udp sport 623 "));
        assertThat(m.ruleset("lo")).doesNotContain("@faulted");
        Require.root("nft -c needs CAP_NET_ADMIN even to check a ruleset");
        Require.capability(Require.TOOLS, CommandRunner.which("nft").isPresent(), "Test requires nft: apt-get install nftables");
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(20), List.of("nft", "-c", "-f", "-"), rules.getBytes());
        assertThat(r.ok()).as(r.stderr()).isTrue();
    }

    @Test
    void aCatalogueModelOrNoAddressCannotBeALimit() throws Exception {
        List<java.net.Inet4Address> one = List.of((java.net.Inet4Address) java.net.InetAddress.getByName("198.18.0.20"));
        assertThat(FaultModel.of("igb-short-frame").scopable()).isFalse();
        assertThat(FaultModel.of("df-clear").scopable()).isTrue();
        assertThatThrownBy(() -> FaultModel.of("igb-short-frame").ruleset("lo", FaultModel.TABLE, one))
                .hasMessageContaining("cannot be limited");
        assertThatThrownBy(() -> FaultModel.of("df-clear").ruleset("lo", FaultModel.TABLE, List.of()))
                .hasMessageContaining("no address");
    }
}
