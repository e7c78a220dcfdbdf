package io.quirklab.testing;

import io.quirklab.bisect.RequestHeader;
import io.quirklab.bisect.Traits;
import io.quirklab.responder.CapturedPersona;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a persona cloned from a capture is equivalent to the one captured: the same reply traits once the
 * template's "request" fields are resolved against the requests in the capture, leaving out the fields the capture
 * could not tell (listed by the clone) and the IPMI version and firmware quirks (not quirk-profile fields).
 */
public final class PersonaEquivalence {
    private PersonaEquivalence() {
    }

    /**
     * A delay read from a capture carries the host's jitter and the clone's 10 ms rounding: the same within 20 ms or a
     * tenth of it, whichever is more (300 ms and 310 ms are one persona; 0 and 60 are not).
     */
    static boolean sameDelay(String original, String cloned) {
        try {
            long a = Long.parseLong(original);
            long b = Long.parseLong(cloned);
            return a > 0 && b > 0 && Math.abs(a - b) <= Math.max(20, a / 10);
        } catch (NumberFormatException | NullPointerException e) {
            return false;
        }
    }

    /** "field: original X, cloned Y" for every difference; empty when equivalent. */
    public static List<String> differences(Persona original, CapturedPersona clone, Optional<RequestHeader> requests) {
        Persona cloned = PersonaCatalogue.parse("clone.yaml", clone.yaml("clone"), PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE))
                .personas().get(0);
        Map<String, String> a = Traits.of(original).resolve(requests).values();
        Map<String, String> b = Traits.of(cloned).resolve(requests).values();
        List<String> unknown = new ArrayList<>();
        for (String u : clone.undetermined()) {
            String fields = u.substring(0, u.indexOf(':'));
            Arrays.stream(fields.split(",")).map(String::trim).forEach(unknown::add);
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : a.entrySet()) {
            String f = e.getKey();
            if (f.equals("ipmi") || f.startsWith("firmware-quirk:") || unknown.contains(f)) {
                continue;
            }
            if (f.equals("delay-millis") && sameDelay(e.getValue(), b.get(f))) {
                continue;
            }
            if (!e.getValue().equals(b.get(f))) {
                out.add(f + ": original " + e.getValue() + ", cloned " + b.get(f));
            }
        }
        return out;
    }
}
