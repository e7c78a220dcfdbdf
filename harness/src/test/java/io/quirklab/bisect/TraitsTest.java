package io.quirklab.bisect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.QuirkNames;
import io.quirklab.wire.QuirkProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraitsTest {
    private static final Optional<RequestHeader> LINUX = Optional.of(new RequestHeader(true, false, "none", 64, 0, "none"));
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
        assertEquals(QuirkProfile.Template.REQUEST, ttlOnly.template());
        assertEquals(QuirkProfile.IpId.FRESH, ttlOnly.ipId());
        assertEquals(Boolean.TRUE, ttlOnly.dontFragment());
        assertEquals(null, ttlOnly.ttl());
    }

    @Test
    void personasAsTheResponderReportsThemReadBackTheSame() {
        List<PersonaYaml.Entry> entries = new ArrayList<>();
        for (Persona p : BUILT_IN.personas()) {
            List<String> q = new ArrayList<>(QuirkNames.describe(p.quirks()));
            p.bmc().quirks().forEach(f -> q.add("firmware=" + f.cliName()));
            entries.add(PersonaYaml.of(new ControlReply.PersonaView(p.name(), p.address().getHostAddress(), p.mac().toString(),
                    p.expected().name(), p.description(), p.bmc().ipmi20() ? "2.0" : "1.5", q)));
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
        }
    }

    @Test
    void theSlotIsTheHighestFreeAddressOfTheDutSubnet() throws Exception {
        assertEquals("198.18.0.254", LabOracle.slotAddress("198.18.0.1/24", java.util.Set.of("198.18.0.10")));
        assertEquals("198.18.0.253", LabOracle.slotAddress("198.18.0.1/24", java.util.Set.of("198.18.0.254")));
        assertEquals("198.18.1.254", LabOracle.slotAddress("198.18.1.1/24", java.util.Set.of()));
    }
}
