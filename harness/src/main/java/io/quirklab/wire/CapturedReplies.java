package io.quirklab.wire;

import io.quirklab.wire.QuirkField.Inference;
import io.quirklab.wire.QuirkField.Inferred;
import io.quirklab.wire.QuirkProfile.EthPadding;
import io.quirklab.wire.QuirkProfile.IpId;
import io.quirklab.wire.QuirkProfile.PayloadParity;
import io.quirklab.wire.QuirkProfile.Split;
import io.quirklab.wire.QuirkProfile.UdpChecksum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A device's reply frames as a capture shows them, each with the request it answers: what the rows of
 * {@link QuirkField} tell their values from. A field the replies cannot tell is said so, never guessed.
 *
 * @param exchanges every reply (IPv4 or IPv6 frames from the device; a datagram sent in fragments as one reply, reassembled),
 *                  in capture order
 */
public record CapturedReplies(List<Exchange> exchanges) {
    /** Two copies of one reply leave the device together; a retry's answer comes a client timeout later. */
    public static final long DUPLICATE_WITHIN_MICROS = 50_000;
    static final String NO_UDP_HEADER = "every reply is a fragment, its UDP header unread";

    /**
     * One reply and the request it answers.
     *
     * @param atMicros        when the reply was captured
     * @param reply           the reply frame (IPv4 or IPv6; for a reply sent in fragments, the datagram put back together
     *                        behind the first fragment's headers)
     * @param request         the request it answers, or null when none precedes it
     * @param requestAtMicros when that request was captured
     * @param pieces          the fragments it was put together from, in order; empty for a reply sent whole
     */
    public record Exchange(long atMicros, ParsedFrame reply, ParsedFrame request, long requestAtMicros, List<ParsedFrame> pieces) {
        public Exchange {
            pieces = List.copyOf(pieces);
        }

        /** A reply sent whole. */
        public Exchange(long atMicros, ParsedFrame reply, ParsedFrame request, long requestAtMicros) {
            this(atMicros, reply, request, requestAtMicros, List.of());
        }

        /** The frames on the wire: the pieces, or the reply itself. */
        public List<ParsedFrame> frames() {
            return pieces.isEmpty() ? List.of(reply) : pieces;
        }
    }

    public CapturedReplies {
        exchanges = List.copyOf(exchanges);
    }

    /** The replies paired with a request. */
    public List<Exchange> paired() {
        return exchanges.stream().filter(e -> e.request() != null).toList();
    }

    /** The reply frames whose UDP header is readable (fragments' is not). */
    public List<ParsedFrame> udp() {
        return exchanges.stream().map(Exchange::reply).filter(f -> f.udp().isPresent()).toList();
    }

    /**
     * A field every reply's IP header shows alike (IPv4 through {@code read}, IPv6 through {@code read6}; a reply of a
     * version the field has no reader for says nothing).
     */
    static <T> Inference<T> fromHeaders(Function<ParsedFrame.Ipv4, Optional<T>> read, Function<ParsedFrame.Ipv6, Optional<T>> read6) {
        return (field, replies, soFar) -> {
            List<Optional<T>> values = new ArrayList<>();
            for (Exchange e : replies.exchanges()) {
                ParsedFrame f = e.reply();
                if (f.ipv4().isPresent() && read != null) {
                    values.add(read.apply(f.ipv4().get()));
                } else if (f.ipv6().isPresent() && read6 != null) {
                    values.add(read6.apply(f.ipv6().get()));
                }
            }
            if (values.stream().anyMatch(Optional::isEmpty)) {
                return new Inferred.Untold<>("a reply carries a value the catalogue has no name for", false);
            }
            return uniform(field, values.stream().map(Optional::get).toList());
        };
    }

    /** A field every reply frame shows alike (null: nothing of the kind, as an untagged frame). */
    static <T> Inference<T> fromFrames(Function<ParsedFrame, T> read) {
        return (field, replies, soFar) -> uniform(field, replies.exchanges().stream().map(e -> read.apply(e.reply())).toList());
    }

    /** A field every reply's UDP header shows alike; untold when no reply has one. */
    static <T> Inference<T> fromUdp(Function<ParsedFrame, T> read) {
        return (field, replies, soFar) -> replies.udp().isEmpty() ? new Inferred.Untold<>(NO_UDP_HEADER, true)
                : uniform(field, replies.udp().stream().map(read).toList());
    }

    /** The one value all replies agree on; untold when they disagree. */
    private static <T> Inferred<T> uniform(QuirkField<T> field, List<T> values) {
        Set<T> distinct = new LinkedHashSet<>(values);
        if (distinct.size() > 1) {
            return new Inferred.Untold<>("replies disagree (" + distinct.stream().map(field::text).collect(Collectors.joining(", ")) + ")",
                    false);
        }
        return distinct.isEmpty() ? new Inferred.Silent<>() : new Inferred.Shown<>(distinct.iterator().next());
    }

    static Inferred<IpId> ipId(QuirkField<IpId> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<Exchange> paired = replies.paired().stream().filter(e -> e.reply().ipv4().isPresent() && e.request().ipv4().isPresent())
                .toList();
        if (paired.isEmpty() && !replies.exchanges().isEmpty() && replies.exchanges().stream().allMatch(e -> e.reply().ipv6().isPresent())) {
            return new Inferred.Silent<>(); // IPv6 has no identification in its header
        }
        if (paired.isEmpty()) {
            return new Inferred.Untold<>("no reply paired with a request", false);
        }
        List<Integer> ids = paired.stream().map(e -> e.reply().ipv4().get().id()).toList();
        if (paired.stream().allMatch(e -> e.reply().ipv4().get().id() == e.request().ipv4().get().id())) {
            return new Inferred.Shown<>(IpId.ECHO);
        } else if (ids.stream().allMatch(i -> i == 0)) {
            return new Inferred.Shown<>(IpId.ZERO);
        } else if (ids.size() > 1 && ids.stream().distinct().count() == 1) {
            return new Inferred.Shown<>(IpId.FIXED);
        } else if (ids.size() == 1) {
            return new Inferred.Untold<>("one reply cannot tell a fixed ID from a counter", false);
        }
        return new Inferred.Shown<>(IpId.FRESH); // a changing ID: a counter, as a clean stack has
    }

    static Inferred<Integer> ipIdValue(QuirkField<Integer> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        return soFar.get(QuirkField.IP_ID).filter(id -> id == IpId.FIXED).isPresent()
                ? new Inferred.Shown<>(replies.paired().get(0).reply().ipv4().get().id()) : new Inferred.Silent<>();
    }

    static int trailingBytes(ParsedFrame f) {
        return f.ipv4().map(ip -> ip.totalLength() - ip.headerLength() - f.udp().get().length()).orElse(0);
    }

    /** How a reply was cut into fragments: the pieces' sizes tell HALVES, SHORT_HEAD (8 bytes first) and SHORT_TAIL (8 or less last). */
    static Inferred<Split> split(QuirkField<Split> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<Split> kinds = new ArrayList<>();
        for (Exchange e : replies.exchanges()) {
            if (e.pieces().isEmpty()) {
                kinds.add(Split.NONE);
                continue;
            }
            if (e.pieces().size() != 2) {
                return new Inferred.Untold<>("a reply came in " + e.pieces().size() + " fragments, not two", false);
            }
            int first = e.pieces().get(0).ipv4().get().payloadLength();
            int last = e.pieces().get(1).ipv4().get().payloadLength();
            kinds.add(first == 8 ? Split.SHORT_HEAD : last <= 8 ? Split.SHORT_TAIL : Split.HALVES);
        }
        return uniform(field, kinds);
    }

    /**
     * Junk after the IP datagram in frames long enough to need no padding (in a 60-byte frame, bytes after the datagram
     * are padding and cannot be told from a trailer).
     */
    static Inferred<Integer> frameTrailer(QuirkField<Integer> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<Integer> trailers = new ArrayList<>();
        for (Exchange e : replies.exchanges()) {
            for (ParsedFrame f : e.frames()) {
                int end = f.ipEnd();
                if (end > 0 && f.length() > ReplyFrameBuilder.MIN_FRAME && end <= f.length()) {
                    trailers.add(f.length() - end);
                }
            }
        }
        return trailers.isEmpty() ? new Inferred.Untold<>("every reply frame is padded to 60 bytes, so a trailer cannot be told from padding",
                false) : uniform(field, trailers);
    }

    /**
     * NONE sends 0x0000 always; ZERO_AS_NONE only where the sum is zero (otherwise correct); NEGATIVE_ZERO sends 0xFFFF
     * where the sum is zero, which a clean stack does too: it only tells when every tunable reply has it.
     */
    static Inferred<UdpChecksum> udpChecksum(QuirkField<UdpChecksum> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<ParsedFrame> udp = replies.udp();
        if (udp.isEmpty()) {
            return new Inferred.Untold<>(NO_UDP_HEADER, true);
        }
        List<Integer> sums = udp.stream().map(f -> f.udp().get().checksum()).toList();
        // IPv6 takes no zero checksum (RFC 8200 8.1): a zero there is "none" sent anyway, not a wrong sum
        boolean anyWrong = udp.stream().anyMatch(f -> !f.udp().get().checksumValid() && f.udp().get().checksumPresent());
        long zeros = sums.stream().filter(s -> s == 0).count();
        long ffff = sums.stream().filter(s -> s == 0xFFFF).count();
        if (anyWrong && udp.stream().filter(f -> !f.udp().get().checksumValid()).allMatch(CapturedReplies::partialChecksum)) {
            return new Inferred.Untold<>("the checksums are partial (pseudo-header only), as a capture on the sending host with tx "
                    + "checksum offload shows them; capture on the receiving side", false);
        } else if (anyWrong) {
            return new Inferred.Shown<>(UdpChecksum.WRONG);
        } else if (zeros == sums.size()) {
            return new Inferred.Shown<>(UdpChecksum.NONE);
        } else if (zeros > 0) {
            return new Inferred.Shown<>(UdpChecksum.ZERO_AS_NONE);
        } else if (ffff > 0) {
            return new Inferred.Shown<>(UdpChecksum.NEGATIVE_ZERO);
        }
        return new Inferred.Untold<>("no reply whose sum is zero, so negative-zero and zero-as-none would look correct too", false);
    }

    /** The checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL: the NIC was to finish it). */
    private static boolean partialChecksum(ParsedFrame f) {
        int sum = InternetChecksum.pseudoHeaderSum(f.ipSource().get(), f.ipDestination().get(), ParsedFrame.PROTO_UDP,
                f.udp().get().length());
        int value = f.udp().get().checksum();
        return value == sum || value == (~sum & 0xFFFF);
    }

    /** A pad byte after the RMCP message shows a parity rule; without one, natural and the observed parity look alike. */
    static Inferred<PayloadParity> payloadParity(QuirkField<PayloadParity> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<ParsedFrame> udp = replies.udp();
        if (udp.isEmpty()) {
            return new Inferred.Untold<>(NO_UDP_HEADER, true);
        }
        boolean padded = false;
        Set<Integer> parities = new LinkedHashSet<>();
        for (ParsedFrame f : udp) {
            byte[] p = f.udp().get().payload();
            int natural = naturalLength(p);
            if (natural < 0) {
                continue;
            }
            padded |= p.length == natural + 1;
            parities.add(p.length & 1);
        }
        if (padded && parities.size() == 1) {
            return new Inferred.Shown<>(parities.contains(1) ? PayloadParity.ODD : PayloadParity.EVEN);
        } else if (!padded && parities.size() == 1) {
            return new Inferred.Untold<>("every reply happened to have " + (parities.contains(1) ? "odd" : "even")
                    + " length without padding, so natural and that parity look alike", false);
        }
        return new Inferred.Silent<>();
    }

    /** The length of the RMCP message at the start of a payload, or -1 when it cannot be told (RMCP+). */
    static int naturalLength(byte[] p) {
        if (p.length < 5 || (p[0] & 0xFF) != 0x06) {
            return -1;
        }
        int cls = p[3] & 0x1F;
        if (cls == 0x06 && p.length >= 12) {
            return 12 + (p[11] & 0xFF);
        }
        if (cls != 0x07) {
            return -1;
        }
        int auth = p[4] & 0x0F;
        if (auth == 0x06) {
            return -1;
        }
        int lenAt = 4 + 1 + 4 + 4 + (auth == 0 ? 0 : 16);
        return p.length > lenAt ? lenAt + 1 + (p[lenAt] & 0xFF) : -1;
    }

    static Inferred<EthPadding> ethPadding(QuirkField<EthPadding> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        Set<EthPadding> kinds = new LinkedHashSet<>();
        for (ParsedFrame f : replies.exchanges().stream().flatMap(e -> e.frames().stream()).toList()) {
            int end = f.ipEnd();
            byte[] b = f.bytes();
            // only a frame padded up to the minimum shows padding (a longer one's extra bytes are a trailer)
            if (end > 0 && end < b.length && b.length == ReplyFrameBuilder.MIN_FRAME) {
                boolean zeros = true;
                for (int i = end; i < b.length; i++) {
                    zeros &= b[i] == 0;
                }
                kinds.add(zeros ? EthPadding.ZEROS : EthPadding.JUNK);
            }
        }
        if (kinds.isEmpty()) {
            return new Inferred.Untold<>("no reply frame was short enough to be padded", false);
        }
        return kinds.size() == 1 ? new Inferred.Shown<>(kinds.iterator().next()) : new Inferred.Silent<>();
    }

    static Inferred<Integer> delayMillis(QuirkField<Integer> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<Exchange> paired = replies.paired();
        if (paired.isEmpty()) {
            return new Inferred.Untold<>("no reply paired with a request", false);
        }
        // A deliberate delay holds back every reply; the network, ARP and a cold first answer only add to it: the
        // shortest gap is the delay (a median of two exchanges is the slower one, often the first).
        long shortest = paired.stream().mapToLong(e -> e.atMicros() - e.requestAtMicros()).min().getAsLong() / 1000;
        // under 50 ms is the network and the device's own work, not a deliberate delay
        if (shortest < 50) {
            return new Inferred.Silent<>();
        }
        int most = ((QuirkField.Range) field.values()).max();
        return new Inferred.Shown<>((int) Math.min(most, Math.round(shortest / 10.0) * 10));
    }

    /**
     * The same reply twice in a row, at once: a client's retry is answered again only after its timeout. Not "to one
     * request frame": a fast client's next request can come between the two copies on the wire.
     */
    static Inferred<Boolean> duplicate(QuirkField<Boolean> field, CapturedReplies replies, QuirkProfile.Builder soFar) {
        List<Exchange> exchanges = replies.exchanges();
        int pairs = 0;
        for (int i = 1; i < exchanges.size(); i++) {
            Exchange a = exchanges.get(i - 1);
            Exchange b = exchanges.get(i);
            if (a.request() != null && b.atMicros() - a.atMicros() < DUPLICATE_WITHIN_MICROS && a.reply().udp().isPresent()
                    && b.reply().udp().isPresent()
                    && a.reply().udp().get().dstPort() == b.reply().udp().get().dstPort()
                    && Arrays.equals(a.reply().udp().get().payload(), b.reply().udp().get().payload())) {
                pairs++;
            }
        }
        return pairs > 0 && pairs * 2 >= exchanges.size() ? new Inferred.Shown<>(true) : new Inferred.Silent<>();
    }

    /**
     * The quirk profile the replies show, and "field: why" for every field they cannot tell (fields that share one
     * reason in a row are named together).
     */
    public Reading read() {
        QuirkProfile.Builder b = QuirkProfile.builder();
        List<Gap> gaps = new ArrayList<>();
        for (QuirkField<?> f : QuirkField.ALL) {
            if (infer(f, b) instanceof Inferred.Untold<?> u) {
                gaps.add(new Gap(f.name(), u.why(), u.shared()));
            }
        }
        List<String> untold = new ArrayList<>();
        int i = 0;
        while (i < gaps.size()) {
            Gap first = gaps.get(i);
            int end = i + 1;
            while (end < gaps.size() && first.shared() && gaps.get(end).shared() && gaps.get(end).why().equals(first.why())) {
                end++;
            }
            untold.add(gaps.subList(i, end).stream().map(Gap::field).collect(Collectors.joining(", ")) + ": " + first.why());
            i = end;
        }
        return new Reading(b.build(), untold);
    }

    private record Gap(String field, String why, boolean shared) {
    }

    /** Sets what the replies show of one field when it is not the clean value; the result for the caller's account. */
    private <T> Inferred<T> infer(QuirkField<T> f, QuirkProfile.Builder b) {
        Inferred<T> r = f.infer(this, b);
        if (r instanceof Inferred.Shown<T> s && !Objects.equals(s.value(), f.clean())) {
            b.set(f, s.value());
        }
        return r;
    }

    /**
     * What a capture told.
     *
     * @param quirks   the profile the replies show (clean where they look clean or cannot tell)
     * @param untold   "field: why" for every field the capture cannot tell
     */
    public record Reading(QuirkProfile quirks, List<String> untold) {
        public Reading {
            untold = List.copyOf(untold);
        }
    }
}
