package io.quirklab.responder;

import static io.quirklab.wire.QuirkField.DELAY_MILLIS;
import static io.quirklab.wire.QuirkField.DONT_FRAGMENT;
import static io.quirklab.wire.QuirkField.DUPLICATE;
import static io.quirklab.wire.QuirkField.FRAGMENT;
import static io.quirklab.wire.QuirkField.IP_ID;
import static io.quirklab.wire.QuirkField.IP_ID_VALUE;
import static io.quirklab.wire.QuirkField.SOURCE_PORT;
import static io.quirklab.wire.QuirkField.TEMPLATE;
import static io.quirklab.wire.QuirkField.TOS;
import static io.quirklab.wire.QuirkField.TRAILING_BYTES;
import static io.quirklab.wire.QuirkField.TTL;
import static io.quirklab.wire.QuirkField.UDP_CHECKSUM;
import static io.quirklab.wire.QuirkField.VLAN_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.matrix.Verdict;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonaCatalogueTest {
    private static final Inet4Address BASE = TestFrames.ip("198.18.0.10");
    private static final List<String> BUILT_IN_NAMES = List.of("clean", "smdc-tyan", "id-echo", "id-zero", "id-fixed",
            "df-clear", "evil-bit", "mf-set", "frag-offset", "ttl-1", "tos-ef", "ip-options-nop", "ip-options-rr",
            "trailing-bytes", "udp-csum-none", "udp-csum-negative-zero", "udp-csum-zero-as-none", "sport-6230",
            "payload-odd", "payload-even", "eth-padding-junk", "vlan-tagged", "broadcast-dst", "delayed-300ms",
            "duplicate-replies", "bad-udp-csum", "bad-ip-csum");
    private static final Set<String> DROPPED = Set.of("mf-set", "frag-offset", "sport-6230", "vlan-tagged", "bad-udp-csum",
            "bad-ip-csum");

    @Test
    void builtInCatalogueInQuirksOrder() {
        PersonaCatalogue c = PersonaCatalogue.builtIn();
        assertThat(c.names()).containsExactlyElementsOf(BUILT_IN_NAMES);
        for (int i = 0; i < c.personas().size(); i++) {
            Persona p = c.personas().get(i);
            assertThat(p.address()).isEqualTo(TestFrames.ip("198.18.0." + (10 + i)));
            assertThat(p.mac()).isEqualTo(MacAddress.local(i + 1));
            assertThat(p.description()).as(p.name()).isNotBlank().doesNotContain("\n");
            assertThat(p.bmc().identity().manufacturerId()).isEqualTo(BmcConfig.smdcDefaults().identity().manufacturerId());
            assertThat(p.bmc().quirks()).isEmpty();
        }
        assertThat(new HashSet<>(c.personas().stream().map(Persona::address).toList())).hasSize(BUILT_IN_NAMES.size());
        assertThat(new HashSet<>(c.personas().stream().map(Persona::mac).toList())).hasSize(BUILT_IN_NAMES.size());
    }

    @Test
    void expectationsOfACorrectStack() {
        for (Persona p : PersonaCatalogue.builtIn().personas()) {
            assertThat(p.expected()).as(p.name()).isEqualTo(DROPPED.contains(p.name()) ? Verdict.DROPPED_IN_STACK : Verdict.DELIVERED);
        }
    }

    @Test
    void singleDimensionPersonasChangeExactlyOneThing() {
        for (Persona p : PersonaCatalogue.builtIn().personas()) {
            int set = p.quirks().set().size();
            int expected = switch (p.name()) {
                case "clean" -> 0;
                case "smdc-tyan", "id-fixed" -> 2; // template + DF clear; ip-id fixed + its value
                default -> 1;
            };
            assertThat(set).as("quirk fields set in %s", p.name()).isEqualTo(expected);
        }
    }

    @Test
    void everyRowOfTheQuirkTableIsReadByItsKey() {
        // every row a persona of its IP version may set: IPv4 rows on an IPv4 persona, IPv6 rows on one reached over IPv6
        StringBuilder yaml = new StringBuilder("personas:\n");
        for (boolean v6 : new boolean[] {false, true}) {
            yaml.append("  - name: all").append(v6 ? "6" : "4").append('\n').append(v6 ? "    address6: 2001:2::44\n" : "")
                    .append("    quirks:\n");
            for (QuirkField<?> f : QuirkField.ALL.stream().filter(f -> f.family().fits(v6)).toList()) {
                String value = f.detail().map(d -> f.textOf(d.ownerValue())).orElseGet(() -> f.values() instanceof QuirkField.Range r
                        ? String.valueOf(Math.max(r.min(), 1)) : f.values() instanceof QuirkField.Flag ? String.valueOf(!(Boolean) f.clean())
                        : ((Enum<?>) f.values().type().getEnumConstants()[1]).name()); // an enum constant's spelling: MORE_FRAGMENTS
                yaml.append("      ").append(f.name()).append(": ").append(value).append('\n');
            }
        }
        PersonaCatalogue c = parse(yaml.toString());
        java.util.Set<QuirkField<?>> read = new java.util.HashSet<>(c.get("all4").quirks().set().keySet());
        read.addAll(c.get("all6").quirks().set().keySet());
        assertThat(read).containsExactlyInAnyOrderElementsOf(QuirkField.ALL);
        for (Persona p : c.personas()) {
            for (QuirkField<?> f : p.quirks().set().keySet()) {
                assertThat(p.quirks().get(f)).as(f.name()).isNotEqualTo(java.util.Optional.ofNullable(f.clean()));
            }
        }
        assertThat(c.get("all6").address6().getHostAddress()).isEqualTo("2001:2:0:0:0:0:0:44");
    }

    @Test
    void aQuirkOfTheOtherIpVersionIsRefusedWithWhatToDo() {
        assertError("personas:\n  - name: a\n    quirks: { ipv6-ext: dest-opts }\n", "personas.yaml: persona 'a', field 'ipv6-ext' is an "
                + "IPv6 quirk; give the persona an address6 in 2001:2::/48 to reach it over IPv6 (line 3)");
        assertError("personas:\n  - name: a\n    address6: 2001:2::50\n    quirks: { dont-fragment: false }\n", "personas.yaml: persona "
                + "'a', field 'dont-fragment' is an IPv4 quirk, and this persona is reached over IPv6 (address6) (line 4)");
    }

    @Test
    void ipv6AddressesKeepToTheBenchmarkingRangeAndTheLabsSubnet() {
        PersonaCatalogue.Segment virtual = new io.quirklab.lab.LabKind.Virtual().segment();
        String yaml = "personas:\n  - name: a\n    address6: %s\n";
        assertThat(PersonaCatalogue.parse("p.yaml", yaml.formatted("2001:2::10"), BASE, virtual).get("a").target().getHostAddress())
                .isEqualTo("2001:2:0:0:0:0:0:10");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", yaml.formatted("2001:db8::10"), BASE, virtual))
                .hasMessage("p.yaml: persona 'a', field 'address6': '2001:db8::10' is outside 2001:2::/48, the only IPv6 range test traffic "
                        + "may use (line 3)");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", yaml.formatted("2001:2:0:1::10"), BASE, virtual))
                .hasMessage("p.yaml: persona 'a', field 'address6': '2001:2:0:1::10' is outside the virtual lab's IPv6 subnet 2001:2::/64: "
                        + "the clients would send to it through another interface, out of the lab (line 3)");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", yaml.formatted("2001:2::1"), BASE, virtual))
                .hasMessage("p.yaml: persona 'a', field 'address6': '2001:2::1' is the DUT's own address on the virtual lab (2001:2::1) (line 3)");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", yaml.formatted("\"2001:2::\""), BASE, virtual))
                .hasMessage("p.yaml: persona 'a', field 'address6': '2001:2::' is the subnet-router anycast address of the virtual lab's "
                        + "subnet 2001:2::/64 (line 3)");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", yaml.formatted("fe80::1%eth0"), BASE, virtual))
                .hasMessage("p.yaml: persona 'a', field 'address6': 'fe80::1%eth0' is not an IPv6 address like 2001:2::10 (line 3)");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", yaml.formatted("bmc.example"), BASE, virtual))
                .hasMessage("p.yaml: persona 'a', field 'address6': 'bmc.example' is not an IPv6 address like 2001:2::10 (line 3)");
        PersonaCatalogue.Segment noV6 = new io.quirklab.lab.LabKind.SecondNic("eth1", "eth2", PersonaCatalogue.address("198.18.1.10"))
                .segment();
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", "personas:\n  - name: a\n    address: 198.18.1.20\n    address6: "
                + "2001:2::10\n", BASE, noV6)).hasMessageContaining("is IPv6, and the second-nic lab on eth1 has no IPv6 segment");
        assertThatThrownBy(() -> parse("personas:\n  - name: a\n    address6: 2001:2::10\n  - name: b\n    address6: 2001:2:0::10\n"))
                .hasMessage("personas.yaml: persona 'b', field 'address6': '2001:2::10' is already taken by persona 'a' (line 5)");
    }

    @Test
    void aFileCanIncludeTheBuiltInPersonasBeforeItsOwn() {
        PersonaCatalogue c = parse("include: [built-in]\npersonas:\n  - name: mine\n    quirks: { ttl: 9 }\n");
        List<Persona> builtIn = PersonaCatalogue.builtIn().personas();
        assertThat(c.personas()).hasSize(builtIn.size() + 1).startsWith(builtIn.toArray(Persona[]::new));
        Persona mine = c.get("mine");
        assertThat(mine.address().getHostAddress()).isEqualTo("198.18.0." + (10 + builtIn.size()));
        assertThat(mine.mac()).isEqualTo(MacAddress.local(builtIn.size() + 1));
        assertError("include: [others]\npersonas:\n  - name: a\n", "personas.yaml: field 'include': 'others' is not a catalogue this file "
                + "can include (only built-in) (line 1)");
        assertError("include: [built-in]\npersonas:\n  - name: clean\n", "personas.yaml: persona 'clean', field 'name': 'clean' is used "
                + "twice (line 3)");
    }

    @Test
    void sessionTableAndAuthenticationPerPersona() {
        PersonaCatalogue c = PersonaCatalogue.builtIn();
        assertThat(c.get("smdc-tyan").bmc().maxSessions()).as("the real card's table").isEqualTo(4);
        assertThat(c.get("smdc-tyan").bmc().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
        for (Persona p : c.personas()) {
            assertThat(p.bmc().authTypes()).as("%s: no auth type NONE by default", p.name()).doesNotContain(io.quirklab.ipmi.AuthType.NONE);
            assertThat(p.bmc().cipherSuites()).as("%s: no cipher suite 0 by default", p.name())
                    .doesNotContain(io.quirklab.ipmi.CipherSuite.SUITE_0);
            if (!p.name().equals("smdc-tyan")) {
                assertThat(p.bmc().maxSessions()).as(p.name()).isEqualTo(PersonaCatalogue.DEFAULT_MAX_SESSIONS);
            }
        }
        Persona old = parse("""
                personas:
                  - name: old
                    firmware-quirks: [auth-none-accepted, cipher-zero]
                    max-sessions: 2
                    idle-timeout: 5
                """).get("old");
        assertThat(old.bmc().authTypes()).contains(io.quirklab.ipmi.AuthType.NONE);
        assertThat(old.bmc().cipherSuites()).contains(io.quirklab.ipmi.CipherSuite.SUITE_0);
        assertThat(old.bmc().maxSessions()).isEqualTo(2);
        assertThat(old.bmc().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertError("personas:\n  - name: a\n    max-sessions: 64\n",
                "personas.yaml: persona 'a', field 'max-sessions': '64' is not a whole number of sessions from 1 to 63 (line 3)");
        assertError("personas:\n  - name: a\n    idle-timeout: soon\n",
                "personas.yaml: persona 'a', field 'idle-timeout': 'soon' is not a whole number of seconds from 1 to 3600 (line 3)");
    }

    @Test
    void builtInValues() {
        PersonaCatalogue c = PersonaCatalogue.builtIn();
        QuirkProfile tyan = c.get("smdc-tyan").quirks();
        assertThat(tyan.get(TEMPLATE)).hasValue(QuirkProfile.Template.REQUEST);
        assertThat(tyan.get(DONT_FRAGMENT)).hasValue(false);
        assertThat(c.get("id-fixed").quirks().get(IP_ID_VALUE)).hasValue(0x1234);
        assertThat(c.get("tos-ef").quirks().get(TOS)).hasValue(0xB8);
        assertThat(c.get("ttl-1").quirks().get(TTL)).hasValue(1);
        assertThat(c.get("sport-6230").quirks().effective(SOURCE_PORT)).isEqualTo(6230);
        assertThat(c.get("vlan-tagged").quirks().get(VLAN_ID)).hasValue(100);
        assertThat(c.get("delayed-300ms").quirks().effective(DELAY_MILLIS)).isEqualTo(300);
        assertThat(c.get("duplicate-replies").quirks().effective(DUPLICATE)).isTrue();
        assertThat(c.get("frag-offset").quirks().get(FRAGMENT)).hasValue(QuirkProfile.Fragment.OFFSET);
        assertThat(c.get("udp-csum-zero-as-none").quirks().get(UDP_CHECKSUM)).hasValue(QuirkProfile.UdpChecksum.ZERO_AS_NONE);
        assertThat(c.get("trailing-bytes").quirks().get(TRAILING_BYTES)).hasValue(10);
        assertThatThrownBy(() -> c.get("nope")).hasMessageStartingWith("no persona 'nope' (known: clean, smdc-tyan, ");
    }

    @Test
    void addressesStartAtTheGivenBase() {
        PersonaCatalogue c = PersonaCatalogue.builtIn(TestFrames.ip("198.19.1.0"));
        assertThat(c.personas().get(0).address()).isEqualTo(TestFrames.ip("198.19.1.0"));
        assertThat(c.personas().get(26).address()).isEqualTo(TestFrames.ip("198.19.1.26"));
        assertThatThrownBy(() -> PersonaCatalogue.builtIn(TestFrames.ip("192.168.1.10")))
                .hasMessage("base address 192.168.1.10 is outside 198.18.0.0/15");
    }

    @Test
    void explicitAddressMacAndFirmwareQuirks() {
        PersonaCatalogue c = parse("""
                personas:
                  - name: idzero
                    description: "Old Tyan firmware"
                    expected: client_rejected
                    quirks: { ip-id: fixed, ip-id-value: 7, udp-checksum: NEGATIVE_ZERO }
                    firmware-quirks: [session-id-zero, reused-sequence]
                    address: 198.19.200.1
                    mac: 02:aa:bb:cc:dd:ee
                  - name: second
                """);
        Persona p = c.get("idzero");
        assertThat(p.expected()).isEqualTo(Verdict.CLIENT_REJECTED);
        assertThat(p.quirks().get(IP_ID)).hasValue(QuirkProfile.IpId.FIXED);
        assertThat(p.quirks().get(UDP_CHECKSUM)).hasValue(QuirkProfile.UdpChecksum.NEGATIVE_ZERO);
        assertThat(p.bmc().quirks()).containsExactlyInAnyOrder(FirmwareQuirk.SESSION_ID_ZERO, FirmwareQuirk.REUSED_SEQUENCE);
        assertThat(p.address()).isEqualTo(TestFrames.ip("198.19.200.1"));
        assertThat(p.mac()).isEqualTo(MacAddress.parse("02:aa:bb:cc:dd:ee"));
        Persona second = c.get("second");
        assertThat(second.address()).isEqualTo(TestFrames.ip("198.18.0.11"));
        assertThat(second.quirks()).isEqualTo(QuirkProfile.CLEAN);
        assertThat(second.expected()).isEqualTo(Verdict.DELIVERED);
        assertThat(second.description()).isEmpty();
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("lab-personas.yaml");
        Files.writeString(f, "personas:\n  - name: x\n    quirks: { ttl: 300 }\n");
        assertThatThrownBy(() -> PersonaCatalogue.load(f, BASE))
                .hasMessage("lab-personas.yaml: persona 'x', field 'ttl': 300 is outside 1..255 (line 3)");
        Files.writeString(f, "personas:\n  - name: x\n");
        assertThat(PersonaCatalogue.load(f, BASE).names()).containsExactly("x");
    }

    @Test
    void badChoiceNamesFilePersonaFieldValueAllowedValuesAndLine() {
        assertError("""
                personas:
                  - name: clean
                  - name: id-zero
                    quirks: { ip-id: zeroo }
                """, "personas.yaml: persona 'id-zero', field 'ip-id': 'zeroo' is not one of fresh, echo, zero, fixed (line 4)");
        assertError("""
                personas:
                  - name: a
                    quirks:
                      fragment: maybe
                """, "personas.yaml: persona 'a', field 'fragment': 'maybe' is not one of none, more-fragments, offset (line 4)");
        assertError("""
                personas:
                  - name: a
                    expected: fine
                """, "personas.yaml: persona 'a', field 'expected': 'fine' is not one of delivered, delivered-nic-flagged, "
                + "dropped-in-stack, lost-before-dut, no-request, client-rejected, harness-error, intermittent (line 3)");
        assertError("""
                personas:
                  - name: a
                    quirks: { duplicate: yes }
                """, "personas.yaml: persona 'a', field 'duplicate': 'yes' is not one of true, false (line 3)");
        assertError("""
                personas:
                  - name: a
                    firmware-quirks: [session-id-zero, idzero]
                """, "personas.yaml: persona 'a', field 'firmware-quirks': 'idzero' is not one of session-id-zero, "
                + "reused-sequence, oem-auth-required, auth-none-accepted, cipher-zero (line 3)");
    }

    @Test
    void rangesAndNumbers() {
        assertError("personas:\n  - name: a\n    quirks: { ttl: 0 }\n",
                "personas.yaml: persona 'a', field 'ttl': 0 is outside 1..255 (line 3)");
        assertError("personas:\n  - name: a\n    quirks: { vlan-id: 4095 }\n",
                "personas.yaml: persona 'a', field 'vlan-id': 4095 is outside 0..4094 (line 3)");
        assertError("personas:\n  - name: a\n    quirks: { trailing-bytes: lots }\n",
                "personas.yaml: persona 'a', field 'trailing-bytes': 'lots' is not a whole number in 0..64 (line 3)");
        assertError("personas:\n  - name: a\n    quirks: { ip-id: fixed }\n",
                "personas.yaml: persona 'a', field 'ip-id': 'fixed' needs ip-id-value (0..65535) (line 3)");
        assertError("personas:\n  - name: a\n    quirks: { ip-id-value: 5 }\n",
                "personas.yaml: persona 'a', field 'ip-id-value' only means something with ip-id: fixed (line 3)");
    }

    @Test
    void unknownFields() {
        assertError("personas:\n  - name: a\n    quirks: { ttll: 3 }\n",
                "personas.yaml: persona 'a', field 'ttll' is not a quirk (known: template, ip-id, ip-id-value, dont-fragment, "
                        + "evil-bit, fragment, split, ttl, tos, ip-options, ip-checksum, ipv6-ext, trailing-bytes, udp-checksum, "
                        + "source-port, payload-parity, eth-padding, frame-trailer, vlan-id, vlan-outer, destination, delay-millis, "
                        + "duplicate) (line 3)");
        assertError("personas:\n  - name: a\n    adress: 198.18.0.99\n",
                "personas.yaml: persona 'a', field 'adress' is not a persona field (known: name, description, expected, "
                        + "quirks, firmware-quirks, ipmi, address, mac, max-sessions, idle-timeout, address6) (line 3)");
        assertError("persona:\n  - name: a\n", "personas.yaml: unknown top-level field 'persona' (known: personas, include) (line 2)");
    }

    @Test
    void duplicatesAreRejected() {
        assertError("personas:\n  - name: a\n  - name: a\n", "personas.yaml: persona 'a', field 'name': 'a' is used twice (line 3)");
        assertError("personas:\n  - name: a\n    address: 198.18.0.11\n  - name: b\n",
                "personas.yaml: persona 'b', field 'address': '198.18.0.11' is already taken by persona 'a' (line 4)");
        assertError("personas:\n  - name: a\n    mac: 02:51:4c:00:00:02\n  - name: b\n",
                "personas.yaml: persona 'b', field 'mac': '02:51:4c:00:00:02' is already taken by persona 'a' (line 4)");
        assertError("personas:\n  - name: a\n    quirks: { ttl: 3, ttl: 4 }\n", "personas.yaml: field 'ttl' appears twice (line 3)");
    }

    @Test
    void onlyBenchmarkingAddresses() {
        assertError("personas:\n  - name: a\n    address: 10.0.0.5\n",
                "personas.yaml: persona 'a', field 'address': '10.0.0.5' is outside 198.18.0.0/15, the only range test traffic may use (line 3)");
        assertError("personas:\n  - name: a\n    address: 198.20.0.1\n",
                "personas.yaml: persona 'a', field 'address': '198.20.0.1' is outside 198.18.0.0/15, the only range test traffic may use (line 3)");
        assertError("personas:\n  - name: a\n    address: bmc.example.com\n",
                "personas.yaml: persona 'a', field 'address': 'bmc.example.com' is not a dotted IPv4 address (names are not looked up) (line 3)");
        assertError("personas:\n  - name: a\n    mac: ff:ff:ff:ff:ff:ff\n",
                "personas.yaml: persona 'a', field 'mac': 'ff:ff:ff:ff:ff:ff' is not a unicast address (line 3)");
        assertThatThrownBy(() -> PersonaCatalogue.parse("p.yaml", "personas:\n  - name: a\n  - name: b\n",
                TestFrames.ip("198.19.255.255")))
                .hasMessage("p.yaml: persona 'b', field 'address' is missing, and base 198.19.255.255 + 1 would leave 198.18.0.0/15 (line 3)");
    }

    @Test
    void malformedDocuments() {
        assertError("", "personas.yaml: is empty; expected a 'personas:' list");
        assertError("personas: 3\n", "personas.yaml: field 'personas' must be a list of personas (line 1)");
        assertError("personas:\n  - description: nameless\n",
                "personas.yaml: persona #1, field 'name' is missing (every persona needs a unique name) (line 2)");
        assertError("personas:\n  - name: Bad Name\n",
                "personas.yaml: persona #1, field 'name': 'Bad Name' is not a name (lower-case letters, digits and '-') (line 2)");
        assertThatThrownBy(() -> parse("personas:\n  - name: a\n    quirks: { ttl: 3\n"))
                .isInstanceOf(PersonaCatalogue.CatalogueException.class).hasMessageStartingWith("personas.yaml: not valid YAML: ")
                .hasMessageContaining("(line ");
    }

    private static PersonaCatalogue parse(String yaml) {
        return PersonaCatalogue.parse("personas.yaml", yaml, BASE);
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(PersonaCatalogue.CatalogueException.class).hasMessage(message);
    }

    @Test
    void ipmiVersionDefaultsToTwoAndTheSmdcSpeaksOnlyOneFive() {
        PersonaCatalogue c = PersonaCatalogue.builtIn();
        assertThat(c.find("smdc-tyan").orElseThrow().bmc().ipmi20()).isFalse();
        assertThat(c.find("clean").orElseThrow().bmc().ipmi20()).isTrue();
        assertError("personas:\n  - name: a\n    ipmi: \"3.0\"\n",
                "personas.yaml: persona 'a', field 'ipmi': '3.0' is not an IPMI version (1.5: IPMI 1.5 only; 2.0: 1.5 and RMCP+) (line 3)");
    }

    /** A typed persona travels as catalogue text: written and read back, it is the same persona. */
    @Test
    void everyPersonaWrittenOutReadsBackEqual() {
        List<Persona> builtIn = PersonaCatalogue.builtIn().personas();
        String text = PersonaYaml.personas(builtIn);
        assertThat(PersonaCatalogue.parse("written.yaml", text, BASE).personas()).isEqualTo(builtIn);
        Persona every = parse("""
                personas:
                  - name: every
                    description: "every field"
                    expected: CLIENT_REJECTED
                    quirks: { template: request, ip-id: fixed, ip-id-value: 0x10, dont-fragment: false, evil-bit: true, fragment: offset,
                              split: short-tail, ttl: 7, tos: 0x04, ip-options: record-route, ip-checksum: wrong, trailing-bytes: 3,
                              udp-checksum: zero-as-none, source-port: 700, payload-parity: odd, eth-padding: junk, frame-trailer: 5,
                              vlan-id: 4094, vlan-outer: 0, destination: broadcast, delay-millis: 20, duplicate: true }
                    firmware-quirks: [cipher-zero, session-id-zero]
                    ipmi: "1.5"
                    address: 198.18.0.99
                    mac: 02:aa:bb:cc:dd:ee
                    max-sessions: 9
                    idle-timeout: 33
                """).get("every");
        assertThat(every.quirks().set()).hasSize((int) QuirkField.ALL.stream().filter(f -> f.family().fits(false)).count());
        assertThat(PersonaCatalogue.parse("w.yaml", PersonaYaml.personas(List.of(every)), BASE).personas()).containsExactly(every);
        Persona every6 = parse("""
                personas:
                  - name: every6
                    address6: 2001:2::abcd
                    quirks: { template: request, ttl: 2, tos: 0x20, ipv6-ext: routing, udp-checksum: none, frame-trailer: 1 }
                """).get("every6");
        assertThat(PersonaCatalogue.parse("w.yaml", PersonaYaml.personas(List.of(every6)), BASE).personas()).containsExactly(every6);

        Persona custom = new Persona("own-users", "", BASE, MacAddress.local(1), QuirkProfile.CLEAN,
                BmcConfig.smdcDefaults().withUsers(BmcConfig.parseUsers(List.of("root:pw:admin"))), Verdict.DELIVERED);
        assertThatThrownBy(() -> PersonaYaml.of(custom)).hasMessageContaining("own-users")
                .hasMessageContaining("a persona catalogue cannot carry");
    }

    @Test
    void valuesOfTheWrongShapeAnchorsAndBombsAreRefusedInOneLine() {
        assertError("personas:\n  - name: a\n    quirks: { ttl: [3] }\n",
                "personas.yaml: persona 'a', field 'ttl' must be a single value (line 3)");
        assertError("personas:\n  - name: a\n    description: { a: b }\n",
                "personas.yaml: persona 'a', field 'description' must be a single value (line 3)");
        assertError("personas:\n  - name: a\n    quirks: [ttl]\n", "personas.yaml: persona 'a', field 'quirks' must be a mapping of "
                + "quirk fields (" + String.join(", ", QuirkField.names()) + ") (line 3)");
        assertError("personas:\n  - name: a\n    firmware-quirks: session-id-zero\n", "personas.yaml: persona 'a', field "
                + "'firmware-quirks' must be a list, e.g. [session-id-zero] (known: " + FirmwareQuirk.names() + ") (line 3)");
        assertError("personas:\n  - name: a\n    firmware-quirks: [~]\n", "personas.yaml: persona 'a', field "
                + "'firmware-quirks' must be a list of names (known: " + FirmwareQuirk.names() + ") (line 3)");
        assertError("personas:\n  - 3\n", "personas.yaml: persona #1: expected a mapping with name, description, expected, quirks, ... "
                + "(line 2)");
        assertError("- a\n", "personas.yaml: expected a mapping with a 'personas:' list (line 1)");
        assertError("personas:\n  - name: [a]\n", "personas.yaml: persona #1, field 'name' is missing (every persona needs a unique "
                + "name) (line 2)");
        assertError("personas:\n  - name: b\n    zz: 1\n    yy: 2\n", "personas.yaml: persona 'b', field 'zz' is not a persona field "
                + "(known: " + String.join(", ", PersonaCatalogue.PERSONA_FIELDS) + ") (line 3)");
        // an alias is not expanded: it is the text of its name, so a billion laughs stays a few bytes
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(", ", java.util.Collections.nCopies(9, "*" + (char) (c - 1))))
                    .append("]\n");
        }
        assertError(bomb + "personas:\n  - name: a\n", "personas.yaml: unknown top-level field 'a' (known: personas, include) (line 1)");
        assertError("personas:\n  - name: a\n    description: &d x\n    expected: *d\n", "personas.yaml: persona 'a', field 'expected': "
                + "'d' is not one of delivered, delivered-nic-flagged, dropped-in-stack, lost-before-dut, no-request, client-rejected, "
                + "harness-error, intermittent (line 4)");
        assertThatThrownBy(() -> parse("personas: " + "[".repeat(2000) + "\n")).isInstanceOf(PersonaCatalogue.CatalogueException.class)
                .hasMessageStartingWith("personas.yaml: not valid YAML: ").hasMessageNotContaining("\n");
    }
}
