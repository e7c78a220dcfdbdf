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
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A device's reply frames as a capture shows them, each with the request it answers, told one at a time
 * ({@link #add}): each row of {@link QuirkField} keeps a {@link Tally} of what it needs (the values seen, a count, the
 * shortest gap), so a capture of millions of replies is read in memory that does not grow with it. A field the
 * replies cannot tell is said so, never guessed.
 */
public final class CapturedReplies {
    /** Two copies of one reply leave the device together; a retry's answer comes a client timeout later. */
    public static final long DUPLICATE_WITHIN_MICROS = 50_000;
    static final String NO_UDP_HEADER = "every reply is a fragment, its UDP header unread";
    /** Distinct values a field keeps to name when replies disagree; more are "...". */
    static final int NAMED_VALUES = 8;

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

    /** What one field keeps of the replies it is told, one at a time, and what it then tells of the field. */
    public interface Tally<T> {
        void add(Exchange e);

        /** What the replies told (a detail asks what its owner told: {@code soFar}). */
        Inferred<T> result(QuirkProfile.Builder soFar);
    }

    private final List<Told<?>> fields;
    private long replies;
    private long paired;

    public CapturedReplies() {
        fields = QuirkField.ALL.stream().<Told<?>>map(Told::of).toList();
    }

    /** The next reply, in capture order. */
    public void add(Exchange e) {
        replies++;
        if (e.request() != null) {
            paired++;
        }
        for (Told<?> f : fields) {
            f.tally().add(e);
        }
    }

    /** Replies told so far. */
    public long replies() {
        return replies;
    }

    /** Those of them paired with a request. */
    public long paired() {
        return paired;
    }

    /** A field and its tally, of one type. */
    private record Told<T>(QuirkField<T> field, Tally<T> tally) {
        static <T> Told<T> of(QuirkField<T> field) {
            return new Told<>(field, field.tally());
        }

        /** Sets what the replies show of the field when it is not the clean value; the result for the caller's account. */
        Inferred<T> infer(QuirkProfile.Builder b) {
            Inferred<T> r = tally.result(b);
            if (r instanceof Inferred.Shown<T> s && !Objects.equals(s.value(), field.clean())) {
                b.set(field, s.value());
            }
            return r;
        }
    }

    /** The distinct values of a field the replies showed: a few by name, the rest counted as more. */
    private static final class Distinct<T> {
        private final Set<T> values = new LinkedHashSet<>();
        private boolean more;

        void add(T v) {
            if (values.size() < NAMED_VALUES || values.contains(v)) {
                values.add(v);
            } else {
                more = true;
            }
        }

        /** The one value all replies agree on; untold when they disagree. */
        Inferred<T> uniform(QuirkField<T> field) {
            if (values.size() > 1 || more) {
                return new Inferred.Untold<>("replies disagree (" + values.stream().map(field::text).collect(Collectors.joining(", "))
                        + (more ? ", ..." : "") + ")", false);
            }
            return values.isEmpty() ? new Inferred.Silent<>() : new Inferred.Shown<>(values.iterator().next());
        }
    }

    /** A field no capture tells. */
    static <T> Tally<T> silent() {
        return new Tally<>() {
            @Override
            public void add(Exchange e) {
            }

            @Override
            public Inferred<T> result(QuirkProfile.Builder soFar) {
                return new Inferred.Silent<>();
            }
        };
    }

    /**
     * A field every reply's IP header shows alike (IPv4 through {@code read}, IPv6 through {@code read6}; a reply of a
     * version the field has no reader for says nothing).
     */
    static <T> Inference<T> fromHeaders(Function<ParsedFrame.Ipv4, Optional<T>> read, Function<ParsedFrame.Ipv6, Optional<T>> read6) {
        return field -> new Tally<>() {
            private final Distinct<T> seen = new Distinct<>();
            private boolean unnamed;

            @Override
            public void add(Exchange e) {
                ParsedFrame f = e.reply();
                Optional<T> value;
                if (f.ipv4().isPresent() && read != null) {
                    value = read.apply(f.ipv4().get());
                } else if (f.ipv6().isPresent() && read6 != null) {
                    value = read6.apply(f.ipv6().get());
                } else {
                    return;
                }
                value.ifPresentOrElse(seen::add, () -> unnamed = true);
            }

            @Override
            public Inferred<T> result(QuirkProfile.Builder soFar) {
                return unnamed ? new Inferred.Untold<>("a reply carries a value the catalogue has no name for", false) : seen.uniform(field);
            }
        };
    }

    /** A field every reply frame shows alike (null: nothing of the kind, as an untagged frame). */
    static <T> Inference<T> fromFrames(Function<ParsedFrame, T> read) {
        return field -> new Tally<>() {
            private final Distinct<T> seen = new Distinct<>();

            @Override
            public void add(Exchange e) {
                seen.add(read.apply(e.reply()));
            }

            @Override
            public Inferred<T> result(QuirkProfile.Builder soFar) {
                return seen.uniform(field);
            }
        };
    }

    /** A field every reply's UDP header shows alike; untold when no reply has one. */
    static <T> Inference<T> fromUdp(Function<ParsedFrame, T> read) {
        return field -> new Tally<>() {
            private final Distinct<T> seen = new Distinct<>();
            private boolean any;

            @Override
            public void add(Exchange e) {
                if (e.reply().udp().isPresent()) {
                    any = true;
                    seen.add(read.apply(e.reply()));
                }
            }

            @Override
            public Inferred<T> result(QuirkProfile.Builder soFar) {
                return any ? seen.uniform(field) : new Inferred.Untold<>(NO_UDP_HEADER, true);
            }
        };
    }

    /** The reply's identification against its request's: echoed, zero, one fixed value or a counter. */
    static Tally<IpId> ipId(QuirkField<IpId> field) {
        return new Tally<>() {
            private long paired;
            private long replies;
            private long ipv6;
            private boolean echo = true;
            private boolean zero = true;
            private boolean same = true;
            private int first;

            @Override
            public void add(Exchange e) {
                replies++;
                ipv6 += e.reply().ipv6().isPresent() ? 1 : 0;
                if (e.request() == null || e.reply().ipv4().isEmpty() || e.request().ipv4().isEmpty()) {
                    return;
                }
                int id = e.reply().ipv4().get().id();
                echo &= id == e.request().ipv4().get().id();
                zero &= id == 0;
                if (paired++ == 0) {
                    first = id;
                } else {
                    same &= id == first;
                }
            }

            @Override
            public Inferred<IpId> result(QuirkProfile.Builder soFar) {
                if (paired == 0 && replies > 0 && ipv6 == replies) {
                    return new Inferred.Silent<>(); // IPv6 has no identification in its header
                } else if (paired == 0) {
                    return new Inferred.Untold<>("no reply paired with a request", false);
                } else if (echo) {
                    return new Inferred.Shown<>(IpId.ECHO);
                } else if (zero) {
                    return new Inferred.Shown<>(IpId.ZERO);
                } else if (paired > 1 && same) {
                    return new Inferred.Shown<>(IpId.FIXED);
                } else if (paired == 1) {
                    return new Inferred.Untold<>("one reply cannot tell a fixed ID from a counter", false);
                }
                return new Inferred.Shown<>(IpId.FRESH); // a changing ID: a counter, as a clean stack has
            }
        };
    }

    /** The fixed identification: the first paired reply's, when ip-id told FIXED. */
    static Tally<Integer> ipIdValue(QuirkField<Integer> field) {
        return new Tally<>() {
            private Integer first;

            @Override
            public void add(Exchange e) {
                if (first == null && e.request() != null && e.reply().ipv4().isPresent()) {
                    first = e.reply().ipv4().get().id();
                }
            }

            @Override
            public Inferred<Integer> result(QuirkProfile.Builder soFar) {
                return soFar.get(QuirkField.IP_ID).filter(id -> id == IpId.FIXED).isPresent() && first != null
                        ? new Inferred.Shown<>(first) : new Inferred.Silent<>();
            }
        };
    }

    static int trailingBytes(ParsedFrame f) {
        return f.ipv4().map(ip -> ip.totalLength() - ip.headerLength() - f.udp().get().length()).orElse(0);
    }

    /** How a reply was cut into fragments: the pieces' sizes tell HALVES, SHORT_HEAD (8 bytes first) and SHORT_TAIL (8 or less last). */
    static Tally<Split> split(QuirkField<Split> field) {
        return new Tally<>() {
            private final Distinct<Split> kinds = new Distinct<>();
            private int otherCount;

            @Override
            public void add(Exchange e) {
                if (e.pieces().isEmpty()) {
                    kinds.add(Split.NONE);
                } else if (e.pieces().size() != 2) {
                    otherCount = e.pieces().size();
                } else {
                    int first = e.pieces().get(0).ipv4().get().payloadLength();
                    int last = e.pieces().get(1).ipv4().get().payloadLength();
                    kinds.add(first == 8 ? Split.SHORT_HEAD : last <= 8 ? Split.SHORT_TAIL : Split.HALVES);
                }
            }

            @Override
            public Inferred<Split> result(QuirkProfile.Builder soFar) {
                return otherCount != 0 ? new Inferred.Untold<>("a reply came in " + otherCount + " fragments, not two", false)
                        : kinds.uniform(field);
            }
        };
    }

    /**
     * Junk after the IP datagram in frames long enough to need no padding (in a 60-byte frame, bytes after the datagram
     * are padding and cannot be told from a trailer).
     */
    static Tally<Integer> frameTrailer(QuirkField<Integer> field) {
        return new Tally<>() {
            private final Distinct<Integer> trailers = new Distinct<>();
            private boolean any;

            @Override
            public void add(Exchange e) {
                for (ParsedFrame f : e.frames()) {
                    int end = f.ipEnd();
                    if (end > 0 && f.length() > ReplyFrameBuilder.MIN_FRAME && end <= f.length()) {
                        any = true;
                        trailers.add(f.length() - end);
                    }
                }
            }

            @Override
            public Inferred<Integer> result(QuirkProfile.Builder soFar) {
                return any ? trailers.uniform(field)
                        : new Inferred.Untold<>("every reply frame is padded to 60 bytes, so a trailer cannot be told from padding", false);
            }
        };
    }

    /**
     * NONE sends 0x0000 always; ZERO_AS_NONE only where the sum is zero (otherwise correct); NEGATIVE_ZERO sends 0xFFFF
     * where the sum is zero, which a clean stack does too: it only tells when every tunable reply has it.
     */
    static Tally<UdpChecksum> udpChecksum(QuirkField<UdpChecksum> field) {
        return new Tally<>() {
            private long udp;
            private long zeros;
            private long ffff;
            private boolean anyWrong;
            private boolean wrongArePartial = true;

            @Override
            public void add(Exchange e) {
                ParsedFrame f = e.reply();
                if (f.udp().isEmpty()) {
                    return;
                }
                udp++;
                int sum = f.udp().get().checksum();
                zeros += sum == 0 ? 1 : 0;
                ffff += sum == 0xFFFF ? 1 : 0;
                // IPv6 takes no zero checksum (RFC 8200 8.1): a zero there is "none" sent anyway, not a wrong sum
                if (!f.udp().get().checksumValid() && f.udp().get().checksumPresent()) {
                    anyWrong = true;
                    wrongArePartial &= partialChecksum(f);
                }
            }

            @Override
            public Inferred<UdpChecksum> result(QuirkProfile.Builder soFar) {
                if (udp == 0) {
                    return new Inferred.Untold<>(NO_UDP_HEADER, true);
                } else if (anyWrong && wrongArePartial) {
                    return new Inferred.Untold<>("the checksums are partial (pseudo-header only), as a capture on the sending host with tx "
                            + "checksum offload shows them; capture on the receiving side", false);
                } else if (anyWrong) {
                    return new Inferred.Shown<>(UdpChecksum.WRONG);
                } else if (zeros == udp) {
                    return new Inferred.Shown<>(UdpChecksum.NONE);
                } else if (zeros > 0) {
                    return new Inferred.Shown<>(UdpChecksum.ZERO_AS_NONE);
                } else if (ffff > 0) {
                    return new Inferred.Shown<>(UdpChecksum.NEGATIVE_ZERO);
                }
                return new Inferred.Untold<>("no reply whose sum is zero, so negative-zero and zero-as-none would look correct too", false);
            }
        };
    }

    /** The checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL: the NIC was to finish it). */
    private static boolean partialChecksum(ParsedFrame f) {
        int sum = InternetChecksum.pseudoHeaderSum(f.ipSource().get(), f.ipDestination().get(), ParsedFrame.PROTO_UDP,
                f.udp().get().length());
        int value = f.udp().get().checksum();
        return value == sum || value == (~sum & 0xFFFF);
    }

    /** A pad byte after the RMCP message shows a parity rule; without one, natural and the observed parity look alike. */
    static Tally<PayloadParity> payloadParity(QuirkField<PayloadParity> field) {
        return new Tally<>() {
            private boolean any;
            private boolean padded;
            private final Set<Integer> parities = new LinkedHashSet<>();

            @Override
            public void add(Exchange e) {
                if (e.reply().udp().isEmpty()) {
                    return;
                }
                any = true;
                byte[] p = e.reply().udp().get().payload();
                int natural = naturalLength(p);
                if (natural >= 0) {
                    padded |= p.length == natural + 1;
                    parities.add(p.length & 1);
                }
            }

            @Override
            public Inferred<PayloadParity> result(QuirkProfile.Builder soFar) {
                if (!any) {
                    return new Inferred.Untold<>(NO_UDP_HEADER, true);
                } else if (padded && parities.size() == 1) {
                    return new Inferred.Shown<>(parities.contains(1) ? PayloadParity.ODD : PayloadParity.EVEN);
                } else if (!padded && parities.size() == 1) {
                    return new Inferred.Untold<>("every reply happened to have " + (parities.contains(1) ? "odd" : "even")
                            + " length without padding, so natural and that parity look alike", false);
                }
                return new Inferred.Silent<>();
            }
        };
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

    static Tally<EthPadding> ethPadding(QuirkField<EthPadding> field) {
        return new Tally<>() {
            private final Set<EthPadding> kinds = EnumSet.noneOf(EthPadding.class);

            @Override
            public void add(Exchange e) {
                for (ParsedFrame f : e.frames()) {
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
            }

            @Override
            public Inferred<EthPadding> result(QuirkProfile.Builder soFar) {
                if (kinds.isEmpty()) {
                    return new Inferred.Untold<>("no reply frame was short enough to be padded", false);
                }
                return kinds.size() == 1 ? new Inferred.Shown<>(kinds.iterator().next()) : new Inferred.Silent<>();
            }
        };
    }

    static Tally<Integer> delayMillis(QuirkField<Integer> field) {
        return new Tally<>() {
            private long paired;
            private long shortestMicros = Long.MAX_VALUE;

            @Override
            public void add(Exchange e) {
                if (e.request() != null) {
                    paired++;
                    shortestMicros = Math.min(shortestMicros, e.atMicros() - e.requestAtMicros());
                }
            }

            @Override
            public Inferred<Integer> result(QuirkProfile.Builder soFar) {
                if (paired == 0) {
                    return new Inferred.Untold<>("no reply paired with a request", false);
                }
                // A deliberate delay holds back every reply; the network, ARP and a cold first answer only add to it: the
                // shortest gap is the delay (a median of two exchanges is the slower one, often the first).
                long shortest = shortestMicros / 1000;
                // under 50 ms is the network and the device's own work, not a deliberate delay
                if (shortest < 50) {
                    return new Inferred.Silent<>();
                }
                int most = ((QuirkField.Range) field.values()).max();
                return new Inferred.Shown<>((int) Math.min(most, Math.round(shortest / 10.0) * 10));
            }
        };
    }

    /**
     * The same reply twice in a row, at once: a client's retry is answered again only after its timeout. Not "to one
     * request frame": a fast client's next request can come between the two copies on the wire.
     */
    static Tally<Boolean> duplicate(QuirkField<Boolean> field) {
        return new Tally<>() {
            private Exchange previous;
            private long exchanges;
            private long pairs;

            @Override
            public void add(Exchange b) {
                exchanges++;
                Exchange a = previous;
                previous = b;
                if (a != null && a.request() != null && b.atMicros() - a.atMicros() < DUPLICATE_WITHIN_MICROS && a.reply().udp().isPresent()
                        && b.reply().udp().isPresent()
                        && a.reply().udp().get().dstPort() == b.reply().udp().get().dstPort()
                        && Arrays.equals(a.reply().udp().get().payload(), b.reply().udp().get().payload())) {
                    pairs++;
                }
            }

            @Override
            public Inferred<Boolean> result(QuirkProfile.Builder soFar) {
                return pairs > 0 && pairs * 2 >= exchanges ? new Inferred.Shown<>(true) : new Inferred.Silent<>();
            }
        };
    }

    /**
     * The quirk profile the replies show, and "field: why" for every field they cannot tell (fields that share one
     * reason in a row are named together).
     */
    public Reading read() {
        QuirkProfile.Builder b = QuirkProfile.builder();
        List<Gap> gaps = new ArrayList<>();
        for (Told<?> f : fields) {
            if (f.infer(b) instanceof Inferred.Untold<?> u) {
                gaps.add(new Gap(f.field().name(), u.why(), u.shared()));
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
