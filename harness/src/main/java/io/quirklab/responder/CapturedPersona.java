package io.quirklab.responder;

import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.wire.CapturedReplies;
import io.quirklab.wire.CapturedReplies.Exchange;
import io.quirklab.wire.InternetChecksum;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A persona cloned from a capture of a real BMC's replies and the requests they answer: what its IP, UDP and
 * Ethernet headers do relative to the requests, as a quirk profile (each field told by its row of the quirk table,
 * {@link CapturedReplies}), plus the identity it reports (Get Device ID) and the firmware quirks visible on the wire.
 * A field the capture cannot tell is listed in {@link #undetermined}, never guessed; a field that is what a clean
 * stack sends is left out of the quirks.
 *
 * @param bmc          the BMC's address
 * @param replies      replies seen (frames from the BMC)
 * @param paired       replies paired with the request they answer
 * @param quirks       the quirk profile the replies show
 * @param firmware     firmware quirks seen
 * @param ipmi         "1.5" or "2.0", or null when the capture does not tell
 * @param identity     what Get Device ID said, or null
 * @param undetermined "field: why" for every field the capture cannot tell
 */
public record CapturedPersona(String bmc, int replies, int paired, QuirkProfile quirks, Set<FirmwareQuirk> firmware, String ipmi,
                              Identity identity, List<String> undetermined) {
    /** The identity from a Get Device ID response. */
    public record Identity(int deviceId, int deviceRevision, String firmware, String ipmiVersion, int manufacturerId, int productId) {
        public String describe() {
            return String.format(Locale.ROOT, "device id %d rev %d, firmware %s, IPMI %s, manufacturer (IANA) %d, product 0x%04x",
                    deviceId, deviceRevision, firmware, ipmiVersion, manufacturerId, productId);
        }
    }

    /** Requests remembered per client port to pair replies with; beyond, the oldest is forgotten (a port scan of a capture). */
    static final int REQUESTS_REMEMBERED = 256;

    /** A capture's records from the start, one at a time; null at the end. */
    public interface Records extends AutoCloseable {
        PcapFile.Record next() throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    /** A capture that can be read from the start more than once (to find the BMC first, then read its replies). */
    @FunctionalInterface
    public interface Capture {
        Records open() throws IOException;
    }

    /**
     * Reads a capture file a record at a time through the input gate ({@link PcapFile#open}): memory does not grow with
     * the capture, whose size only the capture's cap bounds.
     *
     * @param bmc the BMC's address, or empty: the destination of the first request to UDP 623
     */
    public static CapturedPersona read(Path capture, Optional<? extends InetAddress> bmc) throws IOException {
        return of(() -> {
            PcapFile.Reader r = PcapFile.open(capture);
            return new Records() {
                @Override
                public PcapFile.Record next() throws IOException {
                    return r.next();
                }

                @Override
                public void close() throws IOException {
                    r.close();
                }
            };
        }, bmc);
    }

    /**
     * Reads the capture.
     *
     * @param records the capture's records, in order
     * @param bmc     the BMC's address (IPv4 or IPv6), or empty: the destination of the requests to UDP 623
     */
    public static CapturedPersona of(List<PcapFile.Record> records, Optional<? extends InetAddress> bmc) {
        try {
            return of(() -> {
                Iterator<PcapFile.Record> it = records.iterator();
                return () -> it.hasNext() ? it.next() : null;
            }, bmc);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a list is not read from anywhere
        }
    }

    /** Reads the capture: once for the BMC when it is not given, once for its replies, each a record at a time. */
    public static CapturedPersona of(Capture capture, Optional<? extends InetAddress> bmc) throws IOException {
        InetAddress address = bmc.isPresent() ? bmc.get() : firstRequest(capture)
                .orElseThrow(() -> new IllegalArgumentException("no request to UDP port 623 in the capture; name the BMC with --bmc"));
        Reading reading = new Reading(address);
        try (Records r = capture.open()) {
            for (PcapFile.Record rec = r.next(); rec != null; rec = r.next()) {
                long at = rec.timestampMicros();
                frame(rec).ifPresent(f -> reading.add(f, at));
            }
        }
        reading.flush();
        if (reading.replies.replies() == 0) {
            throw new IllegalArgumentException("no UDP replies from " + address.getHostAddress() + " in the capture");
        }
        return reading.read();
    }

    /** The destination of the capture's first request to UDP port 623. */
    private static Optional<InetAddress> firstRequest(Capture capture) throws IOException {
        try (Records r = capture.open()) {
            for (PcapFile.Record rec = r.next(); rec != null; rec = r.next()) {
                Optional<ParsedFrame> f = frame(rec).filter(x -> x.udp().filter(u -> u.dstPort() == 623).isPresent());
                if (f.isPresent()) {
                    return f.get().ipDestination();
                }
            }
        }
        return Optional.empty();
    }

    /** The record as an IP frame (v4 or v6); a frame the parser cannot read is no evidence either way. */
    private static Optional<ParsedFrame> frame(PcapFile.Record r) {
        try {
            return ParsedFrame.parse(r.data()).filter(f -> f.ipSource().isPresent());
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** The persona as a catalogue entry (the identity, which the catalogue has no field for, goes into the description). */
    public PersonaYaml.Entry entry(String name) {
        String description = "cloned from a capture of " + bmc + (identity == null ? "" : ": " + identity.describe());
        return new PersonaYaml.Entry(name, description, null, quirks, firmware, ipmi, null, null, null, null, address6().orElse(null));
    }

    /** A BMC captured over IPv6 is cloned onto the lab's IPv6 segment: at its own address when that is a test address. */
    static final String CLONE_ADDRESS6 = "2001:2::10";

    /** The clone's address6: empty for a BMC captured over IPv4. */
    private Optional<String> address6() {
        if (!bmc.contains(":")) {
            return Optional.empty();
        }
        return Optional.of(PersonaCatalogue.address6(bmc) instanceof Inet6Address a && PersonaCatalogue.isTestAddress(a) ? bmc : CLONE_ADDRESS6);
    }

    /** The persona YAML, with what could not be told as comments. */
    public String yaml(String name) {
        StringBuilder out = new StringBuilder("# persona cloned by quirklab persona from-pcap from " + replies + " replies of " + bmc
                + " (" + paired + " paired with their request)\n");
        if (identity != null) {
            out.append("# identity (Get Device ID): ").append(identity.describe()).append('\n');
        }
        address6().filter(a -> !a.equals(bmc)).ifPresent(a -> out.append("# address6: ").append(a).append(", on the lab's IPv6 segment (")
                .append(bmc).append(" is outside ").append(PersonaCatalogue.TEST_RANGE6).append(")\n"));
        if (!undetermined.isEmpty()) {
            out.append("# not told by the capture (left at the clean default):\n");
            undetermined.forEach(u -> out.append("#   ").append(u).append('\n'));
        }
        return out + PersonaYaml.catalogue(List.of(entry(name)));
    }

    /** The request a reply answers, and when it came. */
    private record Request(ParsedFrame frame, long atMicros) {
    }

    /** Fragments with one IP ID kept until they make a datagram; at most this many IDs at once (the oldest go as they are). */
    static final int DATAGRAMS_PENDING = 64;

    /** A fragment waiting for its datagram: when it came and the request it would answer. */
    private record Piece(ParsedFrame frame, long atMicros, Request request) {
    }

    /**
     * The datagram of these fragments put back together, behind the first fragment's Ethernet and IP headers (MF cleared,
     * total length set, header checksum recomputed, left wrong where the first fragment's was); empty while a piece is
     * missing.
     */
    static Optional<ParsedFrame> reassembled(List<ParsedFrame> got) {
        List<ParsedFrame> sorted = got.stream().sorted(Comparator.comparingInt(f -> f.ipv4().get().fragmentOffset())).toList();
        ParsedFrame first = sorted.get(0);
        ParsedFrame last = sorted.get(sorted.size() - 1);
        if (sorted.size() < 2 || first.ipv4().get().fragmentOffset() != 0 || last.ipv4().get().moreFragments()) {
            return Optional.empty();
        }
        ByteBuffer data = ByteBuffer.allocate(65535);
        for (ParsedFrame f : sorted) {
            ParsedFrame.Ipv4 ip = f.ipv4().get();
            if (ip.fragmentOffset() * 8 != data.position()) {
                return Optional.empty();
            }
            data.put(f.bytes(), ip.payloadOffset(), ip.payloadLength());
        }
        ParsedFrame.Ipv4 head = first.ipv4().get();
        byte[] f = Arrays.copyOf(first.bytes(), head.payloadOffset() + data.position());
        System.arraycopy(data.array(), 0, f, head.payloadOffset(), data.position());
        int o = head.offset();
        int total = head.headerLength() + data.position();
        f[o + 2] = (byte) (total >> 8);
        f[o + 3] = (byte) total;
        f[o + 6] &= (byte) 0xC0; // keep the reserved bit and DF, clear MF and the offset
        f[o + 7] = 0;
        f[o + 10] = 0;
        f[o + 11] = 0;
        int c = InternetChecksum.checksum(f, o, head.headerLength());
        if (!head.headerChecksumValid()) {
            c ^= 0x5555;
        }
        f[o + 10] = (byte) (c >> 8);
        f[o + 11] = (byte) c;
        return ParsedFrame.parse(f);
    }

    /**
     * One pass over the capture: requests paired with the replies that follow them, the quirk table's fields told each
     * exchange, and what only the IPMI messages tell (session IDs, Get Device ID, RMCP+) kept as counts and a first find.
     */
    private static final class Reading {
        private final InetAddress bmc;
        private final CapturedReplies replies = new CapturedReplies();
        private final Map<Integer, Request> lastRequest = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Request> eldest) {
                return size() > REQUESTS_REMEMBERED;
            }
        };
        // the BMC's fragments by IP ID, in capture order: collected until they are complete (a lone MF or offset, as the
        // mf-set and frag-offset personas send, never is: it goes as a reply of its own when pushed out or at the end)
        private final Map<Integer, List<Piece>> pending = new LinkedHashMap<>();
        private Request anyRequest;
        private int inSession;
        private int sessionZero;
        private Identity identity;
        private boolean rmcpPlus;

        Reading(InetAddress bmc) {
            this.bmc = bmc;
        }

        void add(ParsedFrame f, long atMicros) {
            if (f.ipDestination().get().equals(bmc) && f.udp().filter(u -> u.dstPort() == 623).isPresent()) {
                anyRequest = new Request(f, atMicros);
                lastRequest.put(f.udp().get().srcPort(), anyRequest);
            } else if (f.ipSource().get().equals(bmc) && f.ipProtocol() == ParsedFrame.PROTO_UDP) {
                // a fragment carries no readable UDP header: pair it with the latest request
                Integer port = f.udp().map(ParsedFrame.Udp::dstPort).orElse(null);
                Request rq = port != null && lastRequest.containsKey(port) ? lastRequest.get(port) : anyRequest;
                if (f.ipv4().filter(ParsedFrame.Ipv4::isFragment).isPresent()) {
                    fragment(new Piece(f, atMicros, rq));
                } else {
                    reply(f, atMicros, rq, List.of());
                }
            }
        }

        private void reply(ParsedFrame f, long atMicros, Request rq, List<ParsedFrame> pieces) {
            Exchange e = rq == null ? new Exchange(atMicros, f, null, 0, pieces) : new Exchange(atMicros, f, rq.frame(), rq.atMicros(), pieces);
            replies.add(e);
            ipmi(e);
        }

        /** A piece of a datagram: the datagram goes as one reply at its last piece, with the request its first piece followed. */
        private void fragment(Piece p) {
            int id = p.frame().ipv4().get().id();
            List<Piece> got = pending.computeIfAbsent(id, k -> new ArrayList<>());
            got.add(p);
            Optional<ParsedFrame> whole = reassembled(got.stream().map(Piece::frame).toList());
            if (whole.isPresent()) {
                pending.remove(id);
                List<ParsedFrame> ordered = got.stream().map(Piece::frame)
                        .sorted(Comparator.comparingInt(x -> x.ipv4().get().fragmentOffset())).toList();
                reply(whole.get(), p.atMicros(), got.get(0).request(), ordered);
            } else if (pending.size() > DATAGRAMS_PENDING) {
                List<Piece> oldest = pending.remove(pending.keySet().iterator().next());
                oldest.forEach(o -> reply(o.frame(), o.atMicros(), o.request(), List.of()));
            }
        }

        /** The pieces that never made a datagram, each a reply of its own, in the order they came. */
        void flush() {
            pending.values().stream().flatMap(List::stream).sorted(Comparator.comparingLong(Piece::atMicros))
                    .forEach(o -> reply(o.frame(), o.atMicros(), o.request(), List.of()));
            pending.clear();
        }

        /** What the IPMI messages of one exchange tell. */
        private void ipmi(Exchange e) {
            if (e.request() != null) {
                Optional<Long> rq = sessionId(e.request());
                Optional<Long> rs = sessionId(e.reply());
                if (rq.isPresent() && rs.isPresent() && rq.get() != 0) {
                    inSession++;
                    sessionZero += rs.get() == 0 ? 1 : 0;
                }
            }
            e.reply().udp().ifPresent(u -> {
                byte[] p = u.payload();
                rmcpPlus |= p.length > 4 && (p[3] & 0x1F) == 0x07 && (p[4] & 0x0F) == 0x06;
                if (identity == null) {
                    identity = identity(p);
                }
            });
        }

        CapturedPersona read() {
            CapturedReplies.Reading headers = replies.read();
            List<String> unknown = new ArrayList<>(headers.untold());
            Set<FirmwareQuirk> firmware = EnumSet.noneOf(FirmwareQuirk.class);
            if (inSession == 0) {
                unknown.add("firmware-quirks session-id-zero: no IPMI 1.5 session in the capture");
            } else if (sessionZero > 0 && sessionZero * 2 >= inSession) {
                // activation still answers with the temporary ID; the session's own replies then carry 0
                firmware.add(FirmwareQuirk.SESSION_ID_ZERO);
            }
            unknown.add("firmware-quirks reused-sequence, oem-auth-required: not told from headers");
            String ipmi = rmcpPlus ? PersonaCatalogue.IPMI_20 : identity == null ? null
                    : identity.ipmiVersion().startsWith("2") ? PersonaCatalogue.IPMI_20 : PersonaCatalogue.IPMI_15;
            if (ipmi == null) {
                unknown.add("ipmi: no RMCP+ reply and no Get Device ID response in the capture");
            }
            if (identity == null) {
                unknown.add("identity: no Get Device ID response in the capture");
            }
            return new CapturedPersona(bmc.getHostAddress(), count(replies.replies()), count(replies.paired()), headers.quirks(), firmware,
                    ipmi, identity, unknown);
        }

        private static int count(long n) {
            return (int) Math.min(Integer.MAX_VALUE, n);
        }

        private static Optional<Long> sessionId(ParsedFrame f) {
            return f.udp().map(ParsedFrame.Udp::payload).filter(p -> p.length >= 13 && (p[3] & 0x1F) == 0x07 && (p[4] & 0x0F) != 0x06)
                    .map(p -> (p[9] & 0xFFL) | (p[10] & 0xFFL) << 8 | (p[11] & 0xFFL) << 16 | (p[12] & 0xFFL) << 24);
        }

        /** The identity in a Get Device ID response of an IPMI 1.5 message (netFn App response, cmd 0x01, completion 0), or null. */
        private static Identity identity(byte[] p) {
            if (p.length < 14 || (p[3] & 0x1F) != 0x07 || (p[4] & 0x0F) == 0x06) {
                return null;
            }
            int lenAt = 13 + ((p[4] & 0x0F) == 0 ? 0 : 16);
            int m = lenAt + 1;
            if (p.length < m + 7 + 11 || (p[m + 1] & 0xFF) >> 2 != 0x07 || (p[m + 5] & 0xFF) != 0x01 || p[m + 6] != 0) {
                return null;
            }
            int d = m + 7;
            int ipmiBcd = p[d + 4] & 0xFF;
            return new Identity(p[d] & 0xFF, p[d + 1] & 0x0F, (p[d + 2] & 0x7F) + "." + String.format("%02x", p[d + 3] & 0xFF),
                    (ipmiBcd & 0x0F) + "." + (ipmiBcd >> 4), (p[d + 6] & 0xFF) | (p[d + 7] & 0xFF) << 8 | (p[d + 8] & 0x0F) << 16,
                    (p[d + 9] & 0xFF) | (p[d + 10] & 0xFF) << 8);
        }
    }
}
