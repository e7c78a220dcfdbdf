package io.quirklab.bisect;

import static io.quirklab.wire.QuirkField.TEMPLATE;

import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything about a persona that shapes its reply frames, as one value per field: the quirk profile resolved against
 * the clean defaults (a {@code template: request} persona has {@code request} in every field the template copies
 * unless the profile overrides it), the IPMI version and each firmware quirk. Two personas differ in exactly the
 * fields whose values differ, which is what a bisection splits; any mix of two personas' values is again a persona.
 * The quirk fields, their clean values and what the template does come from the {@link QuirkField} table.
 *
 * @param values field -> value, in table order, then {@code ipmi} and the firmware quirks
 */
public record Traits(Map<String, String> values) {
    /** The value of a header field copied from the request under {@code template: request}. */
    public static final String REQUEST = "request";
    static final String IPMI = "ipmi";
    static final String FIRMWARE = "firmware-quirk:";
    static final String ON = "on";
    static final String OFF = "off";

    public Traits {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The traits of a persona. */
    public static Traits of(Persona p) {
        return of(p.quirks(), p.bmc().quirks(), p.bmc().ipmi20());
    }

    public static Traits of(QuirkProfile q, Set<FirmwareQuirk> firmware, boolean ipmi20) {
        Map<String, String> v = new LinkedHashMap<>();
        boolean template = q.effective(TEMPLATE) == QuirkProfile.Template.REQUEST;
        for (QuirkField<?> f : dimensions()) {
            v.put(f.name(), trait(f, q, template));
        }
        v.put(IPMI, ipmi20 ? PersonaCatalogue.IPMI_20 : PersonaCatalogue.IPMI_15);
        for (FirmwareQuirk f : FirmwareQuirk.values()) {
            v.put(FIRMWARE + f.cliName(), firmware.contains(f) ? ON : OFF);
        }
        return new Traits(v);
    }

    /** The value set, else what the template gives ({@code request} where it copies the request), else the clean one. */
    private static <T> String trait(QuirkField<T> f, QuirkProfile q, boolean template) {
        if (q.isSet(f)) {
            return f.trait(q.get(f).orElseThrow(), q);
        }
        if (template && f.templated()) {
            return f.templateValue().map(v -> f.trait(v, q)).orElse(REQUEST);
        }
        return f.trait(f.clean(), q);
    }

    /**
     * The quirk fields bisect splits: every row but the template (split into the fields it decides) and details (shown
     * with their owner: {@code ip-id=fixed:4660}).
     */
    static List<QuirkField<?>> dimensions() {
        return QuirkField.ALL.stream().filter(f -> f != TEMPLATE && f.owner().isEmpty()).toList();
    }

    /**
     * The same traits with every {@code request} value replaced by what the DUT's requests carry, when that is known:
     * then a template field the requests fill with the clean value (a Linux client's DF, TTL 64) is no difference.
     */
    public Traits resolve(Optional<RequestHeader> requests) {
        if (requests.isEmpty()) {
            return this;
        }
        Map<String, String> v = new LinkedHashMap<>(values);
        v.replaceAll((field, value) -> REQUEST.equals(value) ? requests.get().value(field) : value);
        return new Traits(v);
    }

    /** The fields in which {@code target} differs from these traits (the reference), in field order. */
    public List<Dimension> differences(Traits target) {
        List<Dimension> out = new ArrayList<>();
        for (Map.Entry<String, String> e : target.values.entrySet()) {
            String mine = values.get(e.getKey());
            if (!e.getValue().equals(mine)) {
                out.add(new Dimension(e.getKey(), e.getValue(), mine));
            }
        }
        return out;
    }

    /** These traits with the dimensions' values put in. */
    public Traits with(Collection<Dimension> dims) {
        Map<String, String> v = new LinkedHashMap<>(values);
        dims.forEach(d -> v.put(d.field(), d.value()));
        return new Traits(v);
    }

    public boolean ipmi20() {
        return PersonaCatalogue.IPMI_20.equals(values.get(IPMI));
    }

    public Set<FirmwareQuirk> firmware() {
        Set<FirmwareQuirk> out = EnumSet.noneOf(FirmwareQuirk.class);
        for (FirmwareQuirk f : FirmwareQuirk.values()) {
            if (ON.equals(values.get(FIRMWARE + f.cliName()))) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The quirk profile that sends these traits: a field the clean default covers is left unset; a {@code request}
     * field needs {@code template: request}, and then every other field the template decides is set back explicitly.
     */
    public QuirkProfile profile() {
        List<QuirkField<?>> fields = dimensions();
        boolean template = fields.stream().anyMatch(f -> f.templated() && REQUEST.equals(values.get(f.name())));
        QuirkProfile.Builder b = QuirkProfile.builder();
        if (template) {
            b.set(TEMPLATE, QuirkProfile.Template.REQUEST);
        }
        for (QuirkField<?> f : fields) {
            String value = values.get(f.name());
            if (value == null || REQUEST.equals(value)) {
                continue; // the template copies it
            }
            if (!value.equals(f.textOf(f.clean())) || template && f.templated()) {
                f.setTrait(value, b);
            }
        }
        return b.build();
    }
}
