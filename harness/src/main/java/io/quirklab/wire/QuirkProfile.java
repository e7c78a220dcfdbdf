package io.quirklab.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a persona's reply frames differ from what a clean, modern IP stack sends (QUIRKS.md): the fields it sets, each
 * a row of {@link QuirkField}; a field it does not set is the clean default. Building a reply is: clean defaults, then
 * the request's header when {@link QuirkField#TEMPLATE} is REQUEST, then every field that is set - in one place,
 * {@link ReplyFrameBuilder}.
 *
 * <pre>
 * QuirkProfile.builder().set(TTL, 1).set(DONT_FRAGMENT, false).build()
 * </pre>
 *
 * @param set the fields set and their values, in table order
 */
public record QuirkProfile(Map<QuirkField<?>, Object> set) {
    public enum Template { OFF, REQUEST }

    public enum IpId { FRESH, ECHO, ZERO, FIXED }

    public enum Fragment { NONE, MORE_FRAGMENTS, OFFSET }

    /**
     * A reply really sent as two IPv4 fragments: HALVES of about equal size, SHORT_HEAD (the first carries the UDP header
     * alone: a 60-byte padded frame), SHORT_TAIL (the last carries 1 to 8 bytes: a 60-byte padded frame).
     */
    public enum Split { NONE, HALVES, SHORT_HEAD, SHORT_TAIL }

    /** TIMESTAMP fills the header: a 40-byte timestamp option, IHL 15. */
    public enum IpOptions { NONE, NOP, RECORD_ROUTE, TIMESTAMP }

    /** The IPv6 extension header before UDP: hop-by-hop or destination options (PadN), a routing header, an atomic fragment. */
    public enum Ipv6Ext { NONE, HOP_BY_HOP, DEST_OPTS, ROUTING, FRAGMENT }

    public enum IpChecksum { CORRECT, WRONG }

    public enum UdpChecksum { CORRECT, NONE, NEGATIVE_ZERO, ZERO_AS_NONE, WRONG }

    public enum PayloadParity { NATURAL, EVEN, ODD }

    public enum EthPadding { ZEROS, JUNK }

    public enum Destination { UNICAST, BROADCAST }

    /** A profile with nothing set: a clean stack. */
    public static final QuirkProfile CLEAN = new QuirkProfile(Map.of());

    /** Checks every value against its field and the cross-field rules (a detail goes with its owner's value). */
    public QuirkProfile {
        Map<QuirkField<?>, Object> ordered = new LinkedHashMap<>();
        for (QuirkField<?> f : QuirkField.ALL) {
            Object v = set.get(f);
            if (v != null) {
                ordered.put(f, f.checked(v));
            }
        }
        for (QuirkField<?> f : QuirkField.ALL) {
            broken(f, ordered).ifPresent(b -> {
                throw new IllegalArgumentException(b.message());
            });
        }
        set = Collections.unmodifiableMap(ordered);
    }

    /**
     * What is wrong with a detail field among these values, or empty: it is needed with its owner's value (on the owner:
     * "'fixed' needs ip-id-value (0..65535)") and meaningless without it (on the detail: "only means something with
     * ip-id: fixed").
     */
    public static Optional<Broken> broken(QuirkField<?> detail, Map<QuirkField<?>, Object> values) {
        Optional<QuirkField<?>> needs = detail.requires();
        if (needs.isPresent() && values.containsKey(detail) && !values.containsKey(needs.get())) {
            return Optional.of(new Broken(detail, new QuirkField.Refusal(null, "needs " + needs.get().name() + " too ("
                    + needs.get().values().allowed() + ")")));
        }
        if (detail.owner().isEmpty()) {
            return Optional.empty();
        }
        QuirkField<?> owner = detail.owner().get();
        boolean needed = detail.ownerValue().equals(values.get(owner));
        String ownerText = owner.textOf(detail.ownerValue());
        if (needed && !values.containsKey(detail)) {
            return Optional.of(new Broken(owner, new QuirkField.Refusal(ownerText, "needs " + detail.name() + " ("
                    + detail.values().allowed() + ")")));
        }
        if (!needed && values.containsKey(detail)) {
            return Optional.of(new Broken(detail, new QuirkField.Refusal(null, "only means something with " + owner.name() + ": "
                    + ownerText)));
        }
        return Optional.empty();
    }

    /** A cross-field rule broken: the field to name and what is wrong. */
    public record Broken(QuirkField<?> field, QuirkField.Refusal why) {
        public String message() {
            return field.name() + ": " + why.getMessage();
        }
    }

    public static Builder builder() {
        return new Builder(Map.of());
    }

    /** A builder holding these values, to change some. */
    public Builder toBuilder() {
        return new Builder(set);
    }

    /** The value set for a field, or empty (then the clean default applies). */
    public <T> Optional<T> get(QuirkField<T> field) {
        return Optional.ofNullable(field.values().type().cast(set.get(field)));
    }

    /** The value set for a field, else its clean default (null only where a clean stack sends nothing, as for vlan-id). */
    public <T> T effective(QuirkField<T> field) {
        return get(field).orElse(field.clean());
    }

    public boolean isSet(QuirkField<?> field) {
        return set.containsKey(field);
    }

    /** The fields set as "key=value" in the catalogue's spelling, in table order: {@code [ip-id=fixed, ip-id-value=4660]}. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        set.forEach((f, v) -> out.add(f.name() + "=" + f.textOf(v)));
        return out;
    }

    /** The profile a {@link #describe()} list spells; refused with the key or value that is wrong. */
    public static QuirkProfile fromDescription(List<String> keyValues) {
        Builder b = builder();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            QuirkField<?> f = eq < 0 ? null : QuirkField.named(kv.substring(0, eq)).orElse(null);
            if (f == null) {
                throw new IllegalArgumentException("not a quirk (key=value): " + kv);
            }
            f.setText(kv.substring(eq + 1), b);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "QuirkProfile" + describe();
    }

    /** Values being collected; {@link #build()} checks the cross-field rules. */
    public static final class Builder {
        private final Map<QuirkField<?>, Object> values;

        private Builder(Map<QuirkField<?>, Object> start) {
            this.values = new LinkedHashMap<>(start);
        }

        /** Sets a field (checked against its range); null unsets it. */
        public <T> Builder set(QuirkField<T> field, T value) {
            if (value == null) {
                return unset(field);
            }
            values.put(field, field.checked(value));
            return this;
        }

        public Builder unset(QuirkField<?> field) {
            values.remove(field);
            return this;
        }

        /** The value set so far, or empty. */
        public <T> Optional<T> get(QuirkField<T> field) {
            return Optional.ofNullable(field.values().type().cast(values.get(field)));
        }

        /** The values so far, for checking the cross-field rules before building. */
        public Map<QuirkField<?>, Object> values() {
            return Collections.unmodifiableMap(values);
        }

        public QuirkProfile build() {
            return new QuirkProfile(values);
        }
    }
}
