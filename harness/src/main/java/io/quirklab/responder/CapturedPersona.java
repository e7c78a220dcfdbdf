package io.quirklab.responder;

import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A persona cloned from a capture of a real BMC's replies and the requests they answer: what its IP, UDP and
 * Ethernet headers do relative to the requests, as quirk fields, plus the identity it reports (Get Device ID) and the
 * firmware quirks visible on the wire. A field the capture cannot tell is listed in {@link #undetermined}, never
 * guessed; a field that is what a clean stack sends is left out of the quirks.
 *
 * @param bmc          the BMC's address
 * @param replies      replies seen (frames from the BMC)
 * @param paired       replies paired with the request they answer
 * @param quirks       quirk fields, "key=value" in the catalogue's spelling
 * @param firmware     firmware quirks seen
 * @param ipmi         "1.5" or "2.0", or null when the capture does not tell
 * @param identity     what Get Device ID said, or null
 * @param undetermined "field: why" for every field the capture cannot tell
 */
public record CapturedPersona(String bmc, int replies, int paired, List<String> quirks, List<String> firmware, String ipmi,
                              Identity identity, List<String> undetermined) {
    /** The identity from a Get Device ID response. */
    public record Identity(int deviceId, int deviceRevision, String firmware, String ipmiVersion, int manufacturerId, int productId) {
        public String describe() {
            return String.format(Locale.ROOT, "device id %d rev %d, firmware %s, IPMI %s, manufacturer (IANA) %d, product 0x%04x",
                    deviceId, deviceRevision, firmware, ipmiVersion, manufacturerId, productId);
        }
    }

    /** One frame from the BMC and the request it answers (null when none precedes it). */
    /** Two copies of one reply leave the BMC together; a retry's answer comes a client timeout later. */
    static final long DUPLICATE_WITHIN_MICROS = 50_000;

    private record Exchange(long atMicros, ParsedFrame reply, ParsedFrame request, long requestAtMicros) {
    }

    /**
     * Reads the capture.
     *
     * @param records the capture's records, in order
     * @param bmc     the BMC's address, or empty: the destination of the requests to UDP 623
     */
    public static CapturedPersona of(List<PcapFile.Record> records, Optional<Inet4Address> bmc) {
        List<ParsedFrame> frames = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (PcapFile.Record r : records) {
            try {
                ParsedFrame.parse(r.data()).filter(f -> f.ipv4().isPresent()).ifPresent(f -> {
                    frames.add(f);
                    times.add(r.timestampMicros());
                });
            } catch (RuntimeException malformed) {
                // a frame the parser cannot read is no evidence either way
            }
        }
        Inet4Address address = bmc.orElseGet(() -> frames.stream().filter(f -> f.udp().filter(u -> u.dstPort() == 623).isPresent())
                .map(f -> f.ipv4().get().dst()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no request to UDP port 623 in the capture; name the BMC with --bmc")));
        Map<Integer, ParsedFrame> lastRequest = new LinkedHashMap<>();
        Map<Integer, Long> lastRequestAt = new LinkedHashMap<>();
        ParsedFrame anyRequest = null;
        long anyRequestAt = 0;
        List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            ParsedFrame f = frames.get(i);
            ParsedFrame.Ipv4 ip = f.ipv4().get();
            if (ip.dst().equals(address) && f.udp().filter(u -> u.dstPort() == 623).isPresent()) {
                lastRequest.put(f.udp().get().srcPort(), f);
                lastRequestAt.put(f.udp().get().srcPort(), times.get(i));
                anyRequest = f;
                anyRequestAt = times.get(i);
            } else if (ip.src().equals(address) && ip.protocol() == ParsedFrame.PROTO_UDP) {
                // a fragment carries no readable UDP header: pair it with the latest request
                Integer port = f.udp().map(ParsedFrame.Udp::dstPort).orElse(null);
                ParsedFrame rq = port != null && lastRequest.containsKey(port) ? lastRequest.get(port) : anyRequest;
                long at = port != null && lastRequestAt.containsKey(port) ? lastRequestAt.get(port) : anyRequestAt;
                exchanges.add(new Exchange(times.get(i), f, rq, at));
            }
        }
        if (exchanges.isEmpty()) {
            throw new IllegalArgumentException("no UDP replies from " + address.getHostAddress() + " in the capture");
        }
        return new Reading(address, exchanges).read();
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

    /** One pass over the exchanges. */
    private record Reading(Inet4Address bmc, List<Exchange> exchanges) {
        CapturedPersona read() {
            List<String> quirks = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            List<Exchange> paired = exchanges.stream().filter(e -> e.request() != null).toList();
            List<ParsedFrame.Ipv4> ips = exchanges.stream().map(e -> e.reply().ipv4().get()).toList();
            ipId(paired, quirks, unknown);
            uniform("dont-fragment", ips.stream().map(ip -> String.valueOf(ip.dontFragment())).toList(), "true", quirks, unknown);
            uniform("evil-bit", ips.stream().map(ip -> String.valueOf(ip.evil())).toList(), "false", quirks, unknown);
            uniform("fragment", ips.stream().map(ip -> ip.moreFragments() ? "more-fragments" : ip.fragmentOffset() != 0 ? "offset"
                    : "none").toList(), "none", quirks, unknown);
            uniform("ttl", ips.stream().map(ip -> String.valueOf(ip.ttl())).toList(), "64", quirks, unknown);
            uniform("tos", ips.stream().map(ip -> String.valueOf(ip.tos())).toList(), "0", quirks, unknown);
            uniform("ip-options", ips.stream().map(ip -> options(ip.options())).toList(), "none", quirks, unknown);
            uniform("ip-checksum", ips.stream().map(ip -> ip.headerChecksumValid() ? "correct" : "wrong").toList(), "correct", quirks,
                    unknown);
            List<ParsedFrame> udp = exchanges.stream().map(Exchange::reply).filter(f -> f.udp().isPresent()).toList();
            if (udp.isEmpty()) {
                unknown.add("trailing-bytes, udp-checksum, source-port, payload-parity: every reply is a fragment, its UDP header unread");
            } else {
                uniform("trailing-bytes", udp.stream().map(f -> String.valueOf(f.ipv4().get().totalLength() - f.ipv4().get().headerLength()
                        - f.udp().get().length())).toList(), "0", quirks, unknown);
                udpChecksum(udp, quirks, unknown);
                uniform("source-port", udp.stream().map(f -> String.valueOf(f.udp().get().srcPort())).toList(), "623", quirks, unknown);
                parity(udp, quirks, unknown);
            }
            padding(exchanges, quirks, unknown);
            Set<String> vlans = new LinkedHashSet<>();
            exchanges.forEach(e -> vlans.add(e.reply().vlanId().isPresent() ? String.valueOf(e.reply().vlanId().getAsInt()) : "none"));
            if (vlans.size() == 1 && !vlans.contains("none")) {
                quirks.add("vlan-id=" + vlans.iterator().next());
            } else if (vlans.size() > 1) {
                unknown.add("vlan-id: replies disagree (" + vlans + ")");
            }
            uniform("destination", exchanges.stream().map(e -> e.reply().dst().equals(io.quirklab.wire.MacAddress.BROADCAST)
                    ? "broadcast" : "unicast").toList(), "unicast", quirks, unknown);
            delay(paired, quirks, unknown);
            duplicates(exchanges, quirks);
            List<String> firmware = new ArrayList<>();
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
            return new CapturedPersona(bmc.getHostAddress(), exchanges.size(), paired.size(), quirks, firmware, ipmi, id, unknown);
        }

        private static void ipId(List<Exchange> paired, List<String> quirks, List<String> unknown) {
            if (paired.isEmpty()) {
                unknown.add("ip-id: no reply paired with a request");
                return;
            }
            List<Integer> ids = paired.stream().map(e -> e.reply().ipv4().get().id()).toList();
            if (paired.stream().allMatch(e -> e.reply().ipv4().get().id() == e.request().ipv4().get().id())) {
                quirks.add("ip-id=echo");
            } else if (ids.stream().allMatch(i -> i == 0)) {
                quirks.add("ip-id=zero");
            } else if (ids.size() > 1 && ids.stream().distinct().count() == 1) {
                quirks.add("ip-id=fixed");
                quirks.add("ip-id-value=" + ids.get(0));
            } else if (ids.size() == 1) {
                unknown.add("ip-id: one reply cannot tell a fixed ID from a counter");
            }
            // otherwise a changing ID: a counter, as a clean stack has (fresh)
        }

        /** A field every reply agrees on: set when it is not the clean value; listed when the replies disagree. */
        private static void uniform(String field, List<String> values, String clean, List<String> quirks, List<String> unknown) {
            Set<String> distinct = new LinkedHashSet<>(values);
            if (distinct.size() > 1) {
                unknown.add(field + ": replies disagree (" + String.join(", ", distinct) + ")");
            } else if (!distinct.isEmpty() && !distinct.contains(clean)) {
                quirks.add(field + "=" + distinct.iterator().next());
            }
        }

        private static String options(byte[] o) {
            if (o.length == 0) {
                return "none";
            }
            if (o.length == 4 && Arrays.equals(o, new byte[] {1, 1, 1, 1})) {
                return "nop";
            }
            return o[0] == 7 ? "record-route" : "other";
        }

        /**
         * NONE sends 0x0000 always; ZERO_AS_NONE only where the sum is zero (otherwise correct); NEGATIVE_ZERO sends
         * 0xFFFF where the sum is zero, which a clean stack does too: it only tells when every tunable reply has it.
         */
        private static void udpChecksum(List<ParsedFrame> udp, List<String> quirks, List<String> unknown) {
            List<Integer> sums = udp.stream().map(f -> f.udp().get().checksum()).toList();
            boolean anyWrong = udp.stream().anyMatch(f -> !f.udp().get().checksumValid());
            long zeros = sums.stream().filter(s -> s == 0).count();
            long ffff = sums.stream().filter(s -> s == 0xFFFF).count();
            if (anyWrong && udp.stream().filter(f -> !f.udp().get().checksumValid()).allMatch(Reading::partialChecksum)) {
                unknown.add("udp-checksum: the checksums are partial (pseudo-header only), as a capture on the sending host with tx "
                        + "checksum offload shows them; capture on the receiving side");
            } else if (anyWrong) {
                quirks.add("udp-checksum=wrong");
            } else if (zeros == sums.size()) {
                quirks.add("udp-checksum=none");
            } else if (zeros > 0) {
                quirks.add("udp-checksum=zero-as-none");
            } else if (ffff > 0) {
                quirks.add("udp-checksum=negative-zero");
            } else {
                unknown.add("udp-checksum: no reply whose sum is zero, so negative-zero and zero-as-none would look correct too");
            }
        }

        /** The checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL: the NIC was to finish it). */
        private static boolean partialChecksum(ParsedFrame f) {
            ParsedFrame.Ipv4 ip = f.ipv4().get();
            byte[] s = ip.src().getAddress();
            byte[] d = ip.dst().getAddress();
            long sum = ((s[0] & 0xFF) << 8 | (s[1] & 0xFF)) + ((s[2] & 0xFF) << 8 | (s[3] & 0xFF)) + ((d[0] & 0xFF) << 8 | (d[1] & 0xFF))
                    + ((d[2] & 0xFF) << 8 | (d[3] & 0xFF)) + ParsedFrame.PROTO_UDP + f.udp().get().length();
            while (sum > 0xFFFF) {
                sum = (sum & 0xFFFF) + (sum >> 16);
            }
            int field = f.udp().get().checksum();
            return field == sum || field == (~sum & 0xFFFF);
        }

        /** A pad byte after the RMCP message shows a parity rule; without one, natural and the observed parity look alike. */
        private static void parity(List<ParsedFrame> udp, List<String> quirks, List<String> unknown) {
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
                quirks.add("payload-parity=" + (parities.contains(1) ? "odd" : "even"));
            } else if (!padded && parities.size() == 1) {
                unknown.add("payload-parity: every reply happened to have " + (parities.contains(1) ? "odd" : "even")
                        + " length without padding, so natural and that parity look alike");
            }
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

        private static void padding(List<Exchange> exchanges, List<String> quirks, List<String> unknown) {
            Set<String> kinds = new LinkedHashSet<>();
            for (Exchange e : exchanges) {
                ParsedFrame f = e.reply();
                ParsedFrame.Ipv4 ip = f.ipv4().get();
                int end = ip.offset() + ip.totalLength();
                byte[] b = f.bytes();
                if (end < b.length) {
                    boolean zeros = true;
                    for (int i = end; i < b.length; i++) {
                        zeros &= b[i] == 0;
                    }
                    kinds.add(zeros ? "zeros" : "junk");
                }
            }
            if (kinds.isEmpty()) {
                unknown.add("eth-padding: no reply frame was short enough to be padded");
            } else if (kinds.size() == 1 && kinds.contains("junk")) {
                quirks.add("eth-padding=junk");
            }
        }

        private static void delay(List<Exchange> paired, List<String> quirks, List<String> unknown) {
            if (paired.isEmpty()) {
                unknown.add("delay-millis: no reply paired with a request");
                return;
            }
            // A deliberate delay holds back every reply; the network, ARP and a cold first answer only add to it: the
            // shortest gap is the delay (a median of two exchanges is the slower one, often the first).
            long shortest = paired.stream().mapToLong(e -> e.atMicros() - e.requestAtMicros()).min().getAsLong() / 1000;
            // under 50 ms is the network and the BMC's own work, not a deliberate delay
            if (shortest >= 50) {
                quirks.add("delay-millis=" + Math.min(5000, Math.round(shortest / 10.0) * 10));
            }
        }

        /**
         * The same reply twice in a row, at once: a client's retry is answered again only after its timeout. Not "to one
         * request frame": a fast client's next request can come between the two copies on the wire.
         */
        private static void duplicates(List<Exchange> exchanges, List<String> quirks) {
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
            if (pairs > 0 && pairs * 2 >= exchanges.size()) {
                quirks.add("duplicate=true");
            }
        }

        /** Session-id-zero: IPMI 1.5 replies carry session ID 0 where the request carried one. */
        private static void sessionIdZero(List<Exchange> paired, List<String> firmware, List<String> unknown) {
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
                firmware.add("session-id-zero");
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
                return "2.0";
            }
            return id == null ? null : id.ipmiVersion().startsWith("2") ? "2.0" : "1.5";
        }
    }
}
