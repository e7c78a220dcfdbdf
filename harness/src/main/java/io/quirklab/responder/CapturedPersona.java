package io.quirklab.responder;

import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.wire.CapturedReplies;
import io.quirklab.wire.CapturedReplies.Exchange;
import io.quirklab.wire.InternetChecksum;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.QuirkProfile;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
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

    /**
     * Reads the capture.
     *
     * @param records the capture's records, in order
     * @param bmc     the BMC's address (IPv4 or IPv6), or empty: the destination of the requests to UDP 623
     */
    public static CapturedPersona of(List<PcapFile.Record> records, Optional<? extends InetAddress> bmc) {
        List<ParsedFrame> frames = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (PcapFile.Record r : records) {
            try {
                ParsedFrame.parse(r.data()).filter(f -> f.ipSource().isPresent()).ifPresent(f -> {
                    frames.add(f);
                    times.add(r.timestampMicros());
                });
            } catch (RuntimeException malformed) {
                // a frame the parser cannot read is no evidence either way
            }
        }
        InetAddress address = bmc.isPresent() ? bmc.get() : frames.stream().filter(f -> f.udp().filter(u -> u.dstPort() == 623).isPresent())
                .map(f -> f.ipDestination().get()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no request to UDP port 623 in the capture; name the BMC with --bmc"));
        Map<Integer, ParsedFrame> lastRequest = new LinkedHashMap<>();
        Map<Integer, Long> lastRequestAt = new LinkedHashMap<>();
        ParsedFrame anyRequest = null;
        long anyRequestAt = 0;
        Map<Integer, Whole> wholes = wholes(frames, address);
        List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            ParsedFrame f = frames.get(i);
            if (f.ipDestination().get().equals(address) && f.udp().filter(u -> u.dstPort() == 623).isPresent()) {
                lastRequest.put(f.udp().get().srcPort(), f);
                lastRequestAt.put(f.udp().get().srcPort(), times.get(i));
                anyRequest = f;
                anyRequestAt = times.get(i);
            } else if (f.ipSource().get().equals(address) && f.ipProtocol() == ParsedFrame.PROTO_UDP) {
                Whole whole = wholes.get(i);
                if (whole != null && whole.reply() == null) {
                    continue; // a piece of a datagram that is put together at its last piece
                }
                ParsedFrame reply = whole == null ? f : whole.reply();
                // a fragment that never became whole carries no readable UDP header: pair it with the latest request
                Integer port = reply.udp().map(ParsedFrame.Udp::dstPort).orElse(null);
                ParsedFrame rq = port != null && lastRequest.containsKey(port) ? lastRequest.get(port) : anyRequest;
                long at = port != null && lastRequestAt.containsKey(port) ? lastRequestAt.get(port) : anyRequestAt;
                exchanges.add(new Exchange(times.get(i), reply, rq, at, whole == null ? List.of() : whole.pieces()));
            }
        }
        if (exchanges.isEmpty()) {
            throw new IllegalArgumentException("no UDP replies from " + address.getHostAddress() + " in the capture");
        }
        return new Reading(address, new CapturedReplies(exchanges)).read();
    }

    /** A datagram that came in fragments: the reply put together (at its last piece's index; null at the others) and its pieces. */
    private record Whole(ParsedFrame reply, List<ParsedFrame> pieces) {
    }

    /**
     * The BMC's IPv4 fragments that make whole datagrams, by frame index, taken in capture order: pieces with one ID are
     * collected until they are complete (then the next pieces with that ID start another datagram). Fragments that never
     * complete (a lone MF or offset, as the mf-set and frag-offset personas send) are left out: they stay replies of
     * their own.
     */
    private static Map<Integer, Whole> wholes(List<ParsedFrame> frames, InetAddress bmc) {
        Map<Integer, Whole> out = new LinkedHashMap<>();
        Map<Integer, List<Integer>> pending = new LinkedHashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            ParsedFrame f = frames.get(i);
            if (f.ipv4().isEmpty() || !f.ipv4().get().isFragment() || !f.ipSource().get().equals(bmc)) {
                continue;
            }
            List<Integer> got = pending.computeIfAbsent(f.ipv4().get().id(), k -> new ArrayList<>());
            got.add(i);
            List<ParsedFrame> pieces = got.stream().map(frames::get).toList();
            Optional<ParsedFrame> whole = reassembled(pieces);
            if (whole.isPresent()) {
                pending.remove(f.ipv4().get().id());
                List<ParsedFrame> ordered = pieces.stream().sorted(java.util.Comparator.comparingInt(p -> p.ipv4().get().fragmentOffset()))
                        .toList();
                got.forEach(j -> out.put(j, new Whole(null, ordered)));
                out.put(i, new Whole(whole.get(), ordered));
            }
        }
        return out;
    }

    /**
     * The datagram of these fragments put back together, behind the first fragment's Ethernet and IP headers (MF cleared,
     * total length set, header checksum recomputed, left wrong where the first fragment's was); empty while a piece is
     * missing.
     */
    static Optional<ParsedFrame> reassembled(List<ParsedFrame> got) {
        List<ParsedFrame> sorted = got.stream().sorted(java.util.Comparator.comparingInt(f -> f.ipv4().get().fragmentOffset())).toList();
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

    /** The persona as a catalogue entry (the identity, which the catalogue has no field for, goes into the description). */
    public PersonaYaml.Entry entry(String name) {
        String description = "cloned from a capture of " + bmc + (identity == null ? "" : ": " + identity.describe());
        return new PersonaYaml.Entry(name, description, null, quirks, firmware, ipmi, null, null);
    }

    /** The persona YAML, with what could not be told as comments. */
    public String yaml(String name) {
        StringBuilder out = new StringBuilder("# persona cloned by quirklab persona from-pcap from " + replies + " replies of " + bmc
                + " (" + paired + " paired with their request)\n");
        if (identity != null) {
            out.append("# identity (Get Device ID): ").append(identity.describe()).append('\n');
        }
        if (!undetermined.isEmpty()) {
            out.append("# not told by the capture (left at the clean default):\n");
            undetermined.forEach(u -> out.append("#   ").append(u).append('\n'));
        }
        return out + PersonaYaml.catalogue(List.of(entry(name)));
    }

    /** One pass over the exchanges: the quirk table's fields, then what only the IPMI messages tell. */
    private record Reading(InetAddress bmc, CapturedReplies replies) {
        CapturedPersona read() {
            CapturedReplies.Reading headers = replies.read();
            List<String> unknown = new ArrayList<>(headers.untold());
            List<Exchange> paired = replies.paired();
            List<ParsedFrame> udp = replies.udp();
            Set<FirmwareQuirk> firmware = EnumSet.noneOf(FirmwareQuirk.class);
            sessionIdZero(paired, firmware, unknown);
            unknown.add("firmware-quirks reused-sequence, oem-auth-required: not told from headers");
            Identity id = identity(udp);
            String ipmi = ipmi(udp, id);
            if (ipmi == null) {
                unknown.add("ipmi: no RMCP+ reply and no Get Device ID response in the capture");
            }
            if (id == null) {
                unknown.add("identity: no Get Device ID response in the capture");
            }
            return new CapturedPersona(bmc.getHostAddress(), replies.exchanges().size(), paired.size(), headers.quirks(), firmware, ipmi,
                    id, unknown);
        }

        /** Session-id-zero: IPMI 1.5 replies carry session ID 0 where the request carried one. */
        private static void sessionIdZero(List<Exchange> paired, Set<FirmwareQuirk> firmware, List<String> unknown) {
            int inSession = 0;
            int zero = 0;
            for (Exchange e : paired) {
                Optional<Long> rq = sessionId(e.request());
                Optional<Long> rs = sessionId(e.reply());
                if (rq.isPresent() && rs.isPresent() && rq.get() != 0) {
                    inSession++;
                    zero += rs.get() == 0 ? 1 : 0;
                }
            }
            if (inSession == 0) {
                unknown.add("firmware-quirks session-id-zero: no IPMI 1.5 session in the capture");
            } else if (zero > 0 && zero * 2 >= inSession) {
                // activation still answers with the temporary ID; the session's own replies then carry 0
                firmware.add(FirmwareQuirk.SESSION_ID_ZERO);
            }
        }

        private static Optional<Long> sessionId(ParsedFrame f) {
            return f.udp().map(ParsedFrame.Udp::payload).filter(p -> p.length >= 13 && (p[3] & 0x1F) == 0x07 && (p[4] & 0x0F) != 0x06)
                    .map(p -> (p[9] & 0xFFL) | (p[10] & 0xFFL) << 8 | (p[11] & 0xFFL) << 16 | (p[12] & 0xFFL) << 24);
        }

        /** The first Get Device ID response of an IPMI 1.5 message (netFn App response, cmd 0x01, completion 0). */
        private static Identity identity(List<ParsedFrame> udp) {
            for (ParsedFrame f : udp) {
                byte[] p = f.udp().get().payload();
                if (p.length < 14 || (p[3] & 0x1F) != 0x07 || (p[4] & 0x0F) == 0x06) {
                    continue;
                }
                int lenAt = 13 + ((p[4] & 0x0F) == 0 ? 0 : 16);
                int m = lenAt + 1;
                if (p.length < m + 7 + 11 || (p[m + 1] & 0xFF) >> 2 != 0x07 || (p[m + 5] & 0xFF) != 0x01 || p[m + 6] != 0) {
                    continue;
                }
                int d = m + 7;
                int ipmiBcd = p[d + 4] & 0xFF;
                return new Identity(p[d] & 0xFF, p[d + 1] & 0x0F, (p[d + 2] & 0x7F) + "." + String.format("%02x", p[d + 3] & 0xFF),
                        (ipmiBcd & 0x0F) + "." + (ipmiBcd >> 4), (p[d + 6] & 0xFF) | (p[d + 7] & 0xFF) << 8 | (p[d + 8] & 0x0F) << 16,
                        (p[d + 9] & 0xFF) | (p[d + 10] & 0xFF) << 8);
            }
            return null;
        }

        /** 2.0 when an RMCP+ reply is there; otherwise what Get Device ID says, if it is there. */
        private static String ipmi(List<ParsedFrame> udp, Identity id) {
            boolean rmcpPlus = udp.stream().map(f -> f.udp().get().payload())
                    .anyMatch(p -> p.length > 4 && (p[3] & 0x1F) == 0x07 && (p[4] & 0x0F) == 0x06);
            if (rmcpPlus) {
                return PersonaCatalogue.IPMI_20;
            }
            return id == null ? null : id.ipmiVersion().startsWith("2") ? PersonaCatalogue.IPMI_20 : PersonaCatalogue.IPMI_15;
        }
    }
}
