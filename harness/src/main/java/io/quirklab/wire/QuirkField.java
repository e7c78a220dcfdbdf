package io.quirklab.wire;

import io.quirklab.wire.QuirkProfile.Destination;
import io.quirklab.wire.QuirkProfile.EthPadding;
import io.quirklab.wire.QuirkProfile.Fragment;
import io.quirklab.wire.QuirkProfile.IpChecksum;
import io.quirklab.wire.QuirkProfile.IpId;
import io.quirklab.wire.QuirkProfile.IpOptions;
import io.quirklab.wire.QuirkProfile.Ipv6Ext;
import io.quirklab.wire.QuirkProfile.PayloadParity;
import io.quirklab.wire.QuirkProfile.Split;
import io.quirklab.wire.QuirkProfile.Template;
import io.quirklab.wire.QuirkProfile.UdpChecksum;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One row of the quirk table: a field of {@link QuirkProfile} with its YAML key, its values (a choice, a flag or a
 * bounded whole number), what a clean stack sends, what {@code template: request} does with it, the IP version it
 * means something in, how an IPv4 (or IPv6) header shows it and how a capture tells it. {@link #ALL} is the table that the persona catalogue, its writer, bisect's
 * traits and the capture reading iterate; {@link ReplyFrameBuilder} puts each field on the wire.
 *
 * <p>Adding a quirk is a constant here (added to {@link #ALL}) plus its part in {@link ReplyFrameBuilder}.
 *
 * @param <T> the type of its values
 */
public final class QuirkField<T> {
    /** OFF builds a fresh header; REQUEST copies the request's IP header (ID, flags, TOS, TTL, options as received). */
    public static final QuirkField<Template> TEMPLATE = choice("template", Template.class, Template.OFF).build();
    /** Identification: FRESH (a counter, like a kernel), ECHO (the request's), ZERO, FIXED ({@link #IP_ID_VALUE}). */
    public static final QuirkField<IpId> IP_ID = choice("ip-id", IpId.class, IpId.FRESH).templateGives(IpId.ECHO)
            .inferredBy(CapturedReplies::ipId).only(Family.IPV4).build();
    /** The identification sent with {@code ip-id: fixed}. */
    public static final QuirkField<Integer> IP_ID_VALUE = number("ip-id-value", 0, 0xFFFF, null).detailOf(IP_ID, IpId.FIXED)
            .inferredBy(CapturedReplies::ipIdValue).only(Family.IPV4).build();
    /** The DF flag. */
    public static final QuirkField<Boolean> DONT_FRAGMENT = flag("dont-fragment", true)
            .header(ip -> Optional.of(ip.dontFragment())).templateCopies().only(Family.IPV4).build();
    /** The reserved flag bit (RFC 3514). */
    public static final QuirkField<Boolean> EVIL_BIT = flag("evil-bit", false).header(ip -> Optional.of(ip.evil())).templateCopies()
            .only(Family.IPV4).build();
    /** NONE, MORE_FRAGMENTS (MF set), OFFSET (a non-zero fragment offset). */
    public static final QuirkField<Fragment> FRAGMENT = choice("fragment", Fragment.class, Fragment.NONE)
            .header(ip -> Optional.of(ip.moreFragments() ? Fragment.MORE_FRAGMENTS : ip.fragmentOffset() != 0 ? Fragment.OFFSET
                    : Fragment.NONE)).templateCopies().only(Family.IPV4).build();
    /** A reply sent as two IPv4 fragments: NONE, HALVES, SHORT_HEAD (UDP header alone), SHORT_TAIL (1..8 bytes last). */
    public static final QuirkField<Split> SPLIT = choice("split", Split.class, Split.NONE).inferredBy(CapturedReplies::split)
            .only(Family.IPV4).build();
    /** Time to live (IPv6: the hop limit). */
    public static final QuirkField<Integer> TTL = number("ttl", 1, 255, 64).header(ip -> Optional.of(ip.ttl()))
            .header6(ip -> Optional.of(ip.hopLimit())).templateCopies().build();
    /** Type of service: the DSCP and ECN byte (IPv6: the traffic class). */
    public static final QuirkField<Integer> TOS = number("tos", 0, 255, 0).header(ip -> Optional.of(ip.tos()))
            .header6(ip -> Optional.of(ip.trafficClass())).templateCopies().build();
    /** NONE, NOP (4 bytes of NOP padding), RECORD_ROUTE, TIMESTAMP (40 bytes: IHL 15). */
    public static final QuirkField<IpOptions> IP_OPTIONS = choice("ip-options", IpOptions.class, IpOptions.NONE)
            .header(ip -> options(ip.options())).templateCopies().only(Family.IPV4).build();
    /** CORRECT, or WRONG (a negative control). */
    public static final QuirkField<IpChecksum> IP_CHECKSUM = choice("ip-checksum", IpChecksum.class, IpChecksum.CORRECT)
            .header(ip -> Optional.of(ip.headerChecksumValid() ? IpChecksum.CORRECT : IpChecksum.WRONG)).only(Family.IPV4).build();
    /** The IPv6 extension header before UDP: NONE, HOP_BY_HOP, DEST_OPTS, ROUTING (type 0, segments left 0), FRAGMENT (atomic). */
    public static final QuirkField<Ipv6Ext> IPV6_EXT = choice("ipv6-ext", Ipv6Ext.class, Ipv6Ext.NONE)
            .header6(QuirkField::extension).only(Family.IPV6).build();
    /** Bytes after the UDP datagram counted in the IP total length (the UDP length stays exact). */
    public static final QuirkField<Integer> TRAILING_BYTES = number("trailing-bytes", 0, 64, 0)
            .inferredBy(CapturedReplies.fromUdp(CapturedReplies::trailingBytes)).only(Family.IPV4).build();
    /**
     * CORRECT, NONE (0x0000), NEGATIVE_ZERO (sum tuned to zero, sent as 0xFFFF), ZERO_AS_NONE (sum tuned to zero, sent as
     * 0x0000), WRONG (a negative control). Only ASF pongs and sessionless replies can be tuned (responder.ChecksumTuner);
     * replies inside a session, whose auth code covers the message, keep their correct checksum.
     */
    public static final QuirkField<UdpChecksum> UDP_CHECKSUM = choice("udp-checksum", UdpChecksum.class, UdpChecksum.CORRECT)
            .inferredBy(CapturedReplies::udpChecksum).build();
    /** The UDP source port of replies. */
    public static final QuirkField<Integer> SOURCE_PORT = number("source-port", 1, 0xFFFF, 623)
            .inferredBy(CapturedReplies.fromUdp(f -> f.udp().get().srcPort())).build();
    /** NATURAL, EVEN or ODD UDP payload length (a pad byte after the RMCP message when needed). */
    public static final QuirkField<PayloadParity> PAYLOAD_PARITY = choice("payload-parity", PayloadParity.class, PayloadParity.NATURAL)
            .inferredBy(CapturedReplies::payloadParity).build();
    /** ZEROS or JUNK bytes padding frames under 60 bytes. */
    public static final QuirkField<EthPadding> ETH_PADDING = choice("eth-padding", EthPadding.class, EthPadding.ZEROS)
            .inferredBy(CapturedReplies::ethPadding).build();
    /** Junk bytes after the IP datagram in the Ethernet frame, beyond the IP length (a trailer, not padding). */
    public static final QuirkField<Integer> FRAME_TRAILER = number("frame-trailer", 0, 64, 0).inferredBy(CapturedReplies::frameTrailer)
            .build();
    /** An 802.1Q tag on replies (0: a priority tag, RFC-less but 802.1Q's VLAN ID 0); a clean stack sends none. */
    public static final QuirkField<Integer> VLAN_ID = number("vlan-id", 0, 4094, null)
            .inferredBy(CapturedReplies.fromFrames(f -> f.vlanId().isPresent() ? f.vlanId().getAsInt() : null)).build();
    /** An 802.1ad S-tag outside the 802.1Q tag: QinQ (needs vlan-id). */
    public static final QuirkField<Integer> VLAN_OUTER = number("vlan-outer", 0, 4094, null).requires(VLAN_ID)
            .inferredBy(CapturedReplies.fromFrames(f -> f.outerVlanId().isPresent() ? f.outerVlanId().getAsInt() : null)).build();
    /** UNICAST to the DUT's MAC, or BROADCAST. */
    public static final QuirkField<Destination> DESTINATION = choice("destination", Destination.class, Destination.UNICAST)
            .inferredBy(CapturedReplies.fromFrames(f -> f.dst().equals(MacAddress.BROADCAST) ? Destination.BROADCAST
                    : Destination.UNICAST)).build();
    /** Reply after this delay. */
    public static final QuirkField<Integer> DELAY_MILLIS = number("delay-millis", 0, 5000, 0).inferredBy(CapturedReplies::delayMillis)
            .build();
    /** Send every reply twice. */
    public static final QuirkField<Boolean> DUPLICATE = flag("duplicate", false).inferredBy(CapturedReplies::duplicate).build();

    /** The table, in the order catalogues list the keys, bisect its dimensions and a capture reading its findings. */
    public static final List<QuirkField<?>> ALL = List.of(TEMPLATE, IP_ID, IP_ID_VALUE, DONT_FRAGMENT, EVIL_BIT, FRAGMENT, SPLIT, TTL,
            TOS, IP_OPTIONS, IP_CHECKSUM, IPV6_EXT, TRAILING_BYTES, UDP_CHECKSUM, SOURCE_PORT, PAYLOAD_PARITY, ETH_PADDING,
            FRAME_TRAILER, VLAN_ID, VLAN_OUTER, DESTINATION, DELAY_MILLIS, DUPLICATE);
    private static final Map<String, QuirkField<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toMap(QuirkField::name, f -> f, (a, b) -> a, LinkedHashMap::new));
    /** How bisect and descriptions show "nothing sent" (an untagged frame). */
    public static final String NONE = "none";

    private final String name;
    private final Values<T> values;
    private final T clean;
    private final Function<ParsedFrame.Ipv4, Optional<T>> header;
    private final Function<ParsedFrame.Ipv6, Optional<T>> header6;
    private final Family family;
    private final QuirkField<?> requires;
    private final boolean templated;
    private final T templateValue;
    private final QuirkField<?> owner;
    private final Object ownerValue;
    private final Inference<T> inference;

    private QuirkField(Row<T> r) {
        this.name = r.name;
        this.values = r.values;
        this.clean = r.clean;
        this.header = r.header;
        this.header6 = r.header6;
        this.family = r.family;
        this.requires = r.requires;
        this.templated = r.templated;
        this.templateValue = r.templateValue;
        this.owner = r.owner;
        this.ownerValue = r.ownerValue;
        this.inference = r.inference != null ? r.inference : r.header != null || r.header6 != null
                ? CapturedReplies.fromHeaders(r.header, r.header6) : Inference.never();
    }

    /** The key in persona catalogues and in descriptions, e.g. {@code dont-fragment}. */
    public String name() {
        return name;
    }

    public Values<T> values() {
        return values;
    }

    /** What a clean stack sends, or null when it sends nothing of the kind (no VLAN tag; no ip-id-value without fixed). */
    public T clean() {
        return clean;
    }

    /** The value as an IPv4 header shows it; empty when the field is not in the header or none of its values names it. */
    public Optional<T> read(ParsedFrame.Ipv4 ip) {
        return header == null ? Optional.empty() : header.apply(ip);
    }

    /** The value as an IPv6 header (and its extension headers) shows it; empty as for IPv4. */
    public Optional<T> read(ParsedFrame.Ipv6 ip) {
        return header6 == null ? Optional.empty() : header6.apply(ip);
    }

    /** The IP version the field means something in. */
    public Family family() {
        return family;
    }

    /** The field this one needs set beside it (vlan-outer needs vlan-id), or empty. */
    public Optional<QuirkField<?>> requires() {
        return Optional.ofNullable(requires);
    }

    /** Which IP version a field belongs to: a persona of the other version is refused it. */
    public enum Family {
        ANY, IPV4, IPV6;

        /** True when a persona of IP version {@code ipv6 ? 6 : 4} may set it. */
        public boolean fits(boolean ipv6) {
            return this == ANY || (this == IPV6) == ipv6;
        }

        /** How a refusal names it: "IPv4" or "IPv6". */
        public String label() {
            return this == IPV6 ? "IPv6" : "IPv4";
        }
    }

    /** True when {@code template: request} decides this field unless the profile sets it. */
    public boolean templated() {
        return templated;
    }

    /** The value {@code template: request} gives whatever the request says (ip-id: echo); empty when it copies the request's. */
    public Optional<T> templateValue() {
        return Optional.ofNullable(templateValue);
    }

    /** True when the template copies the request's header into this field (the request decides the value). */
    public boolean copiedFromRequest() {
        return templated && templateValue == null;
    }

    /** The field this one details (ip-id-value details ip-id), or empty. */
    public Optional<QuirkField<?>> owner() {
        return Optional.ofNullable(owner);
    }

    /** The owner's value this detail belongs to (ip-id-value: fixed): needed with it, meaningless without it. */
    public Object ownerValue() {
        return ownerValue;
    }

    /** A fresh tally of what a capture of the persona's replies tells of this field, told one reply at a time. */
    public CapturedReplies.Tally<T> tally() {
        return inference.tally(this);
    }

    /** The value from its text (YAML or a description); refused with what is allowed. */
    public T parse(String text) {
        return values.parse(text);
    }

    /** The value as catalogues and descriptions write it: {@code more-fragments}, {@code true}, {@code 64}; "none" for null. */
    public String text(T value) {
        return value == null ? NONE : values.text(value);
    }

    /** The value as a YAML scalar of its kind (text, true/false, a number), for catalogue writers. */
    public Object yaml(T value) {
        return values.yaml(value);
    }

    /** The value cast to this field's type, checked against its range. */
    public T checked(Object value) {
        T v = values.type().cast(Objects.requireNonNull(value, name));
        values.check(this, v);
        return v;
    }

    /** {@link #text} for a caller holding a {@code QuirkField<?>} and a value of its type. */
    public String textOf(Object value) {
        return text(value == null ? null : values.type().cast(value));
    }

    /** {@link #yaml} for a caller holding a {@code QuirkField<?>} and a value of its type. */
    public Object yamlOf(Object value) {
        return yaml(values.type().cast(value));
    }

    /**
     * The value as bisect shows it: its text with its detail after a colon ({@code fixed:4660}), "none" for nothing.
     *
     * @param value   the value (null: nothing)
     * @param profile where a detail comes from
     */
    public String trait(T value, QuirkProfile profile) {
        String detail = detail().filter(d -> Objects.equals(d.ownerValue, value) && profile.isSet(d))
                .map(d -> ":" + d.textOf(profile.get(d).orElseThrow())).orElse("");
        return text(value) + detail;
    }

    /** Sets the value a trait spells (with its detail), or nothing for "none" on a field whose clean stack sends nothing. */
    public void setTrait(String trait, QuirkProfile.Builder b) {
        int colon = trait.indexOf(':');
        String own = colon < 0 ? trait : trait.substring(0, colon);
        if (own.equals(NONE) && clean == null) {
            b.unset(this);
            return;
        }
        b.set(this, parse(own));
        if (colon >= 0) {
            QuirkField<?> d = detail().orElseThrow(() -> new IllegalArgumentException(name + " has no detail: " + trait));
            d.setText(trait.substring(colon + 1), b);
        }
    }

    /** Sets the value its text spells. */
    public void setText(String text, QuirkProfile.Builder b) {
        b.set(this, parse(text));
    }

    /** The field that details this one, if any. */
    public Optional<QuirkField<?>> detail() {
        return ALL.stream().filter(f -> f.owner == this).findFirst();
    }

    /** The field with this key. */
    public static Optional<QuirkField<?>> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every key, in table order, as error messages list them. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    @Override
    public String toString() {
        return name;
    }

    /** The values a field takes: a closed choice, a flag or a bounded whole number. */
    public sealed interface Values<T> permits Choice, Flag, Range {
        Class<T> type();

        /** The value a text spells (YAML, a description, a trait); refused with what is allowed. */
        T parse(String text);

        default String text(T value) {
            return value.toString();
        }

        /** The value as a YAML scalar of its kind. */
        default Object yaml(T value) {
            return value;
        }

        /** The allowed values as messages list them. */
        String allowed();

        default void check(QuirkField<T> field, T value) {
        }
    }

    /** One of an enum's constants, spelled in kebab case: MORE_FRAGMENTS is more-fragments. */
    public record Choice<E extends Enum<E>>(Class<E> type) implements Values<E> {
        @Override
        public E parse(String text) {
            String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return Arrays.stream(type.getEnumConstants()).filter(e -> kebab(e).equals(wanted)).findFirst()
                    .orElseThrow(() -> new Refusal(text, "is not one of " + allowed()));
        }

        @Override
        public String text(E value) {
            return kebab(value);
        }

        @Override
        public Object yaml(E value) {
            return kebab(value);
        }

        @Override
        public String allowed() {
            return Arrays.stream(type.getEnumConstants()).map(QuirkField::kebab).collect(Collectors.joining(", "));
        }
    }

    /** true or false, spelled exactly so. */
    public record Flag() implements Values<Boolean> {
        @Override
        public Class<Boolean> type() {
            return Boolean.class;
        }

        @Override
        public Boolean parse(String text) {
            return switch (text) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new Refusal(text, "is not one of " + allowed());
            };
        }

        @Override
        public String allowed() {
            return "true, false";
        }
    }

    /** A whole number in [min, max], written in decimal or 0x hex. */
    public record Range(int min, int max) implements Values<Integer> {
        @Override
        public Class<Integer> type() {
            return Integer.class;
        }

        @Override
        public Integer parse(String text) {
            int value;
            try {
                String t = text.trim().toLowerCase(Locale.ROOT);
                value = t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new Refusal(text, "is not a whole number in " + allowed());
            }
            if (value < min || value > max) {
                throw new Refusal(null, value + " is outside " + allowed());
            }
            return value;
        }

        @Override
        public String allowed() {
            return min + ".." + max;
        }

        @Override
        public void check(QuirkField<Integer> field, Integer value) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field.name() + ": " + value + " is outside " + allowed());
            }
        }
    }

    /**
     * A text that is no value of the field. The reader that quotes it adds where it was.
     *
     * @see #token()
     * @see #problem()
     */
    public static final class Refusal extends IllegalArgumentException {
        private final String token;
        private final String problem;

        Refusal(String token, String problem) {
            super((token == null ? "" : "'" + token + "' ") + problem);
            this.token = token;
            this.problem = problem;
        }

        /** The text as written, for the reader to quote; null when the problem names the value itself ("300 is outside 1..255"). */
        public String token() {
            return token;
        }

        /** What is wrong: "is not one of true, false", "300 is outside 1..255". */
        public String problem() {
            return problem;
        }
    }

    /**
     * How a capture tells a field: a tally that is told the replies one at a time, keeping only what the field needs (a
     * capture may hold millions), then tells the value (from the fields told before it too, for a detail).
     */
    @FunctionalInterface
    public interface Inference<T> {
        CapturedReplies.Tally<T> tally(QuirkField<T> field);

        /** A field no capture tells on its own (the template: a capture shows the fields it copies, one by one). */
        static <T> Inference<T> never() {
            return field -> CapturedReplies.silent();
        }
    }

    /** What a capture told of one field. */
    public sealed interface Inferred<T> {
        /** The replies show this value (the clean one included: then nothing is set). */
        record Shown<T>(T value) implements Inferred<T> {
        }

        /**
         * The capture cannot tell, and why. {@code shared}: one reason several fields in a row have (they are named
         * together: "trailing-bytes, udp-checksum, ...: every reply is a fragment").
         */
        record Untold<T>(String why, boolean shared) implements Inferred<T> {
        }

        /** Nothing worth saying: the replies look like a clean stack's, or the field is not told by a capture. */
        record Silent<T>() implements Inferred<T> {
        }
    }

    /** Options a reply of ours would carry; empty for others (a router alert, security). */
    private static Optional<IpOptions> options(byte[] o) {
        if (o.length == 0) {
            return Optional.of(IpOptions.NONE);
        }
        if (Arrays.equals(o, ReplyFrameBuilder.NOPS)) {
            return Optional.of(IpOptions.NOP);
        }
        if (o[0] == ReplyFrameBuilder.TIMESTAMP_OPTION && o.length == ReplyFrameBuilder.MAX_OPTIONS) {
            return Optional.of(IpOptions.TIMESTAMP);
        }
        return o[0] == ReplyFrameBuilder.RECORD_ROUTE[0] ? Optional.of(IpOptions.RECORD_ROUTE) : Optional.empty();
    }

    /** The first extension header of an IPv6 reply, as the table names it; empty for a chain of several or another kind. */
    private static Optional<Ipv6Ext> extension(ParsedFrame.Ipv6 ip) {
        List<Integer> ext = ip.extensions();
        if (ext.isEmpty()) {
            return Optional.of(Ipv6Ext.NONE);
        }
        if (ext.size() > 1) {
            return Optional.empty();
        }
        return switch (ext.get(0)) {
            case ParsedFrame.EXT_HOP_BY_HOP -> Optional.of(Ipv6Ext.HOP_BY_HOP);
            case ParsedFrame.EXT_DEST_OPTS -> Optional.of(Ipv6Ext.DEST_OPTS);
            case ParsedFrame.EXT_ROUTING -> Optional.of(Ipv6Ext.ROUTING);
            case ParsedFrame.EXT_FRAGMENT -> ip.fragment() != null && ip.fragment().atomic() ? Optional.of(Ipv6Ext.FRAGMENT) : Optional.empty();
            default -> Optional.empty();
        };
    }

    static String kebab(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> Row<E> choice(String name, Class<E> type, E clean) {
        return new Row<>(name, new Choice<>(type), clean);
    }

    private static Row<Boolean> flag(String name, boolean clean) {
        return new Row<>(name, new Flag(), clean);
    }

    private static Row<Integer> number(String name, int min, int max, Integer clean) {
        return new Row<>(name, new Range(min, max), clean);
    }

    /** A row being declared. */
    private static final class Row<T> {
        final String name;
        final Values<T> values;
        final T clean;
        Function<ParsedFrame.Ipv4, Optional<T>> header;
        Function<ParsedFrame.Ipv6, Optional<T>> header6;
        Family family = Family.ANY;
        QuirkField<?> requires;
        boolean templated;
        T templateValue;
        QuirkField<?> owner;
        Object ownerValue;
        Inference<T> inference;

        Row(String name, Values<T> values, T clean) {
            this.name = name;
            this.values = values;
            this.clean = clean;
        }

        /** How an IPv4 header shows the value; a capture then tells it from the replies' headers. */
        Row<T> header(Function<ParsedFrame.Ipv4, Optional<T>> read) {
            this.header = read;
            return this;
        }

        /** How an IPv6 header shows the value. */
        Row<T> header6(Function<ParsedFrame.Ipv6, Optional<T>> read) {
            this.header6 = read;
            return this;
        }

        /** Means something in one IP version only. */
        Row<T> only(Family f) {
            this.family = f;
            return this;
        }

        /** Needs {@code other} set beside it (any value). */
        Row<T> requires(QuirkField<?> other) {
            this.requires = other;
            return this;
        }

        /** {@code template: request} copies the request's value. */
        Row<T> templateCopies() {
            this.templated = true;
            return this;
        }

        /** {@code template: request} gives this value. */
        Row<T> templateGives(T value) {
            this.templated = true;
            this.templateValue = value;
            return this;
        }

        /** A detail of another field: needed when that field has {@code value}, meaningless otherwise. */
        <O> Row<T> detailOf(QuirkField<O> field, O value) {
            this.owner = field;
            this.ownerValue = value;
            return this;
        }

        Row<T> inferredBy(Inference<T> how) {
            this.inference = how;
            return this;
        }

        QuirkField<T> build() {
            return new QuirkField<>(this);
        }
    }
}
