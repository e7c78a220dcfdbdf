package io.quirklab.bisect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraitsTest {
    private static final Optional<RequestHeader> LINUX = Optional.of(linuxRequests());
    private static final PersonaCatalogue BUILT_IN = PersonaCatalogue.builtIn();

    @Test
    void theSeedSplitsIntoTheFieldsItsTemplateChanges() {
        Traits clean = Traits.of(BUILT_IN.get("clean"));
        Traits tyan = Traits.of(BUILT_IN.get("smdc-tyan"));
        assertEquals(List.of("ip-id=echo", "dont-fragment=false", "evil-bit=request", "fragment=request", "ttl=request", "tos=request",
                "ip-options=request", "ipmi=1.5"), clean.differences(tyan).stream().map(Dimension::toString).toList());
        // on a Linux DUT the template copies DF set, TTL 64, TOS 0: no difference left there
        assertEquals(List.of("ip-id=echo", "dont-fragment=false", "ipmi=1.5"),
                clean.resolve(LINUX).differences(tyan.resolve(LINUX)).stream().map(Dimension::toString).toList());
    }

    @Test
    void everyCompositionIsAPersonaWithExactlyThoseTraits() {
        Traits clean = Traits.of(BUILT_IN.get("clean"));
        for (Persona p : BUILT_IN.personas()) {
            List<Dimension> dims = clean.differences(Traits.of(p));
            for (int i = 0; i <= dims.size(); i++) {
                Traits composed = clean.with(dims.subList(0, i));
                Traits back = Traits.of(composed.profile(), composed.firmware(), composed.ipmi20());
                assertEquals(composed, back, p.name() + " with " + dims.subList(0, i));
            }
            // each dimension alone, too: ttl=request alone needs the template with every other copied field set back
            for (Dimension d : dims) {
                Traits composed = clean.with(List.of(d));
                assertEquals(composed, Traits.of(composed.profile(), composed.firmware(), composed.ipmi20()), p.name() + " " + d);
            }
        }
        QuirkProfile ttlOnly = clean.with(List.of(new Dimension("ttl", "request", "64"))).profile();
        assertEquals(List.of("template=request", "ip-id=fresh", "dont-fragment=true", "evil-bit=false", "fragment=none", "tos=0",
                "ip-options=none"), ttlOnly.describe());
        QuirkProfile fixed = clean.with(List.of(new Dimension("ip-id", "fixed:4660", "fresh"))).profile();
        assertEquals(QuirkProfile.builder().set(QuirkField.IP_ID, QuirkProfile.IpId.FIXED).set(QuirkField.IP_ID_VALUE, 0x1234).build(),
                fixed);
        QuirkProfile untagged = clean.with(List.of(new Dimension("vlan-id", "100", "none"))).with(List.of(
                new Dimension("vlan-id", "none", "100"))).profile();
        assertEquals(QuirkProfile.CLEAN, untagged);
    }

    @Test
    void theDimensionsAreTheTablesRowsButTheTemplateAndDetails() {
        Traits clean = Traits.of(QuirkProfile.CLEAN, java.util.Set.of(), true);
        assertEquals(List.of("ip-id", "dont-fragment", "evil-bit", "fragment", "split", "ttl", "tos", "ip-options", "ip-checksum", "ipv6-ext",
                "trailing-bytes", "udp-checksum", "source-port", "payload-parity", "eth-padding", "frame-trailer", "vlan-id", "vlan-outer",
                "destination", "delay-millis", "duplicate",
                "ipmi", "firmware-quirk:session-id-zero", "firmware-quirk:reused-sequence", "firmware-quirk:oem-auth-required",
                "firmware-quirk:auth-none-accepted", "firmware-quirk:cipher-zero"), List.copyOf(clean.values().keySet()));
        assertEquals("fresh", clean.values().get("ip-id"));
        assertEquals("none", clean.values().get("vlan-id"));
        assertEquals("64", clean.values().get("ttl"));
        assertEquals("off", clean.values().get("firmware-quirk:session-id-zero"));
        Traits fixed = Traits.of(PersonaCatalogue.builtIn().get("id-fixed"));
        assertEquals(List.of("ip-id=fixed:4660"), clean.differences(fixed).stream().map(Dimension::toString).toList());
    }

    @Test
    void theRequestHeaderIsReadThroughTheTableAndKeepsOptionsItCannotName() {
        assertEquals(java.util.Map.of("dont-fragment", "true", "evil-bit", "false", "fragment", "none", "ttl", "64", "tos", "0",
                "ip-options", "none"), linuxRequests().values());
        TestFrames.Request odd = TestFrames.Request.to623(new byte[8]).withFlags(0b101).withTtlTos(5, 0x10)
                .withOptions(new byte[] {68, 4, 5, 0});
        RequestHeader h = RequestHeader.of(ParsedFrame.parse(odd.frame()).orElseThrow().ipv4().orElseThrow());
        assertEquals(List.of("false", "true", "more-fragments", "5", "16", "request"), List.of(h.value("dont-fragment"),
                h.value("evil-bit"), h.value("fragment"), h.value("ttl"), h.value("tos"), h.value("ip-options")));
        Traits tyan = Traits.of(PersonaCatalogue.builtIn().get("smdc-tyan")).resolve(Optional.of(h));
        assertEquals("request", tyan.values().get("ip-options"), "a timestamp option has no name: it stays the request's");
        assertEquals("5", tyan.values().get("ttl"));
    }

    /** The header of a request as a Linux client sends it: DF set, TTL 64, TOS 0, no options. */
    static RequestHeader linuxRequests() {
        return RequestHeader.of(ParsedFrame.parse(TestFrames.Request.to623(new byte[8]).frame()).orElseThrow().ipv4().orElseThrow());
    }

    @Test
    void personasAsTheResponderReportsThemReadBackTheSame() {
        List<PersonaYaml.Entry> entries = new ArrayList<>();
        for (Persona p : BUILT_IN.personas()) {
            entries.add(PersonaYaml.of(new ControlReply.PersonaView(p.name(), p.address().getHostAddress(), p.mac().toString(),
                    p.expected().name(), p.description(), p.bmc().ipmi20() ? "2.0" : "1.5", PersonaYaml.served(p), p.bmc().maxSessions(),
                    Math.toIntExact(p.bmc().idleTimeout().toSeconds()), null)));
        }
        PersonaCatalogue back = PersonaCatalogue.parse("put.yaml", PersonaYaml.catalogue(entries),
                PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE));
        for (Persona p : BUILT_IN.personas()) {
            Persona b = back.get(p.name());
            assertEquals(p.quirks(), b.quirks(), p.name());
            assertEquals(p.bmc().quirks(), b.bmc().quirks(), p.name());
            assertEquals(p.bmc().ipmi20(), b.bmc().ipmi20(), p.name());
            assertEquals(p.address(), b.address());
            assertEquals(p.mac(), b.mac());
            assertEquals(p.expected(), b.expected());
            assertEquals(p.description(), b.description());
            // the session table too (smdc-tyan keeps the real card's 4): bisect puts the lab's personas back as they were
            assertEquals(p.bmc().maxSessions(), b.bmc().maxSessions(), p.name());
            assertEquals(p.bmc().idleTimeout(), b.bmc().idleTimeout(), p.name());
        }
        assertEquals(4, back.get("smdc-tyan").bmc().maxSessions());
    }
}
