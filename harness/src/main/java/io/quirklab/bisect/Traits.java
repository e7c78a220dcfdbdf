package io.quirklab.bisect;

import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.responder.Persona;
import io.quirklab.wire.QuirkProfile;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything about a persona that shapes its reply frames, as one value per field: the quirk profile resolved against
 * the clean defaults (a {@code template: request} persona has {@code request} in every field the template copies
 * unless the profile overrides it), the IPMI version and each firmware quirk. Two personas differ in exactly the
 * fields whose values differ, which is what a bisection splits; any mix of two personas' values is again a persona.
 *
 * @param values field -> value, in {@link #FIELDS} order
 */
public record Traits(Map<String, String> values) {
    /** The value of a header field copied from the request under {@code template: request}. */
    public static final String REQUEST = "request";
    /** The header fields {@code template: request} copies from the request, with their clean values. */
    static final Map<String, String> TEMPLATE_FIELDS = orderedMap("ip-id", "echo", "dont-fragment", REQUEST, "evil-bit", REQUEST,
            "fragment", REQUEST, "ttl", REQUEST, "tos", REQUEST, "ip-options", REQUEST);
    /** What a clean stack sends in every field. */
    static final Map<String, String> CLEAN = orderedMap("ip-id", "fresh", "dont-fragment", "true", "evil-bit", "false",
            "fragment", "none", "ttl", "64", "tos", "0", "ip-options", "none", "ip-checksum", "correct", "trailing-bytes", "0",
            "udp-checksum", "correct", "source-port", "623", "payload-parity", "natural", "eth-padding", "zeros", "vlan-id", "none",
            "destination", "unicast", "delay-millis", "0", "duplicate", "false", "ipmi", "2.0");
    static final String FIRMWARE = "firmware-quirk:";

    public Traits {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The traits of a persona. */
    public static Traits of(Persona p) {
        return of(p.quirks(), p.bmc().quirks(), p.bmc().ipmi20());
    }

    public static Traits of(QuirkProfile q, Set<FirmwareQuirk> firmware, boolean ipmi20) {
        Map<String, String> v = new LinkedHashMap<>(CLEAN);
        if (q.template() == QuirkProfile.Template.REQUEST) {
            v.putAll(TEMPLATE_FIELDS);
        }
        put(v, "ip-id", q.ipId() == QuirkProfile.IpId.FIXED ? "fixed:" + q.ipIdValue() : name(q.ipId()));
        put(v, "dont-fragment", q.dontFragment());
        put(v, "evil-bit", q.evilBit());
        put(v, "fragment", name(q.fragment()));
        put(v, "ttl", q.ttl());
        put(v, "tos", q.tos());
        put(v, "ip-options", name(q.ipOptions()));
        put(v, "ip-checksum", name(q.ipChecksum()));
        put(v, "trailing-bytes", q.trailingBytes());
        put(v, "udp-checksum", name(q.udpChecksum()));
        put(v, "source-port", q.sourcePort());
        put(v, "payload-parity", name(q.payloadParity()));
        put(v, "eth-padding", name(q.ethPadding()));
        put(v, "vlan-id", q.vlanId());
        put(v, "destination", name(q.destination()));
        put(v, "delay-millis", q.delayMillis());
        put(v, "duplicate", q.duplicate());
        v.put("ipmi", ipmi20 ? "2.0" : "1.5");
        for (FirmwareQuirk f : FirmwareQuirk.values()) {
            v.put(FIRMWARE + f.cliName(), firmware.contains(f) ? "on" : "off");
        }
        return new Traits(v);
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
    public Traits with(java.util.Collection<Dimension> dims) {
        Map<String, String> v = new LinkedHashMap<>(values);
        dims.forEach(d -> v.put(d.field(), d.value()));
        return new Traits(v);
    }

    public boolean ipmi20() {
        return "2.0".equals(values.get("ipmi"));
    }

    public Set<FirmwareQuirk> firmware() {
        Set<FirmwareQuirk> out = EnumSet.noneOf(FirmwareQuirk.class);
        for (FirmwareQuirk f : FirmwareQuirk.values()) {
            if ("on".equals(values.get(FIRMWARE + f.cliName()))) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The quirk profile that sends these traits: a field the clean default covers is left unset; a {@code request}
     * field needs {@code template: request}, and then every other field the template copies is set back explicitly.
     */
    public QuirkProfile profile() {
        boolean template = TEMPLATE_FIELDS.keySet().stream().anyMatch(f -> REQUEST.equals(values.get(f)));
        Map<String, String> set = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String field = e.getKey();
            if (field.equals("ipmi") || field.startsWith(FIRMWARE)) {
                continue;
            }
            String clean = CLEAN.get(field);
            boolean copied = template && TEMPLATE_FIELDS.containsKey(field);
            if (REQUEST.equals(e.getValue())) {
                continue; // the template copies it
            }
            if (!e.getValue().equals(clean) || copied) {
                set.put(field, e.getValue());
            }
        }
        return new QuirkProfile(template ? QuirkProfile.Template.REQUEST : null,
                enumOrNull(set.get("ip-id"), QuirkProfile.IpId.class),
                set.getOrDefault("ip-id", "").startsWith("fixed:") ? Integer.parseInt(set.get("ip-id").substring(6)) : null,
                bool(set.get("dont-fragment")), bool(set.get("evil-bit")), enumOrNull(set.get("fragment"), QuirkProfile.Fragment.class),
                integer(set.get("ttl")), integer(set.get("tos")), enumOrNull(set.get("ip-options"), QuirkProfile.IpOptions.class),
                enumOrNull(set.get("ip-checksum"), QuirkProfile.IpChecksum.class), integer(set.get("trailing-bytes")),
                enumOrNull(set.get("udp-checksum"), QuirkProfile.UdpChecksum.class), integer(set.get("source-port")),
                enumOrNull(set.get("payload-parity"), QuirkProfile.PayloadParity.class),
                enumOrNull(set.get("eth-padding"), QuirkProfile.EthPadding.class),
                "none".equals(set.get("vlan-id")) ? null : integer(set.get("vlan-id")),
                enumOrNull(set.get("destination"), QuirkProfile.Destination.class), integer(set.get("delay-millis")),
                bool(set.get("duplicate")));
    }

    private static void put(Map<String, String> v, String field, Object value) {
        if (value != null) {
            v.put(field, String.valueOf(value));
        }
    }

    private static String name(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E enumOrNull(String v, Class<E> type) {
        if (v == null) {
            return null;
        }
        String n = v.startsWith("fixed:") ? "FIXED" : v.toUpperCase(Locale.ROOT).replace('-', '_');
        return Enum.valueOf(type, n);
    }

    private static Boolean bool(String v) {
        return v == null ? null : Boolean.valueOf(v);
    }

    private static Integer integer(String v) {
        return v == null ? null : Integer.valueOf(v);
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
