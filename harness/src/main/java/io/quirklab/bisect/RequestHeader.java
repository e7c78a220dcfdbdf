package io.quirklab.bisect;

import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The IP header fields of the DUT's requests, which {@code template: request} copies into replies: what "request"
 * means in a persona's traits on this lab.
 */
public record RequestHeader(boolean dontFragment, boolean evil, String fragment, int ttl, int tos, String options) {
    /** The value a template field takes from these requests, in the traits' spelling. */
    public String value(String field) {
        return switch (field) {
            case "dont-fragment" -> String.valueOf(dontFragment);
            case "evil-bit" -> String.valueOf(evil);
            case "fragment" -> fragment;
            case "ttl" -> String.valueOf(ttl);
            case "tos" -> String.valueOf(tos);
            case "ip-options" -> options;
            default -> throw new IllegalArgumentException("not a field the template copies: " + field);
        };
    }

    public static RequestHeader of(ParsedFrame.Ipv4 ip) {
        String fragment = ip.moreFragments() ? "more-fragments" : ip.fragmentOffset() != 0 ? "offset" : "none";
        byte[] o = ip.options();
        String options = o.length == 0 ? "none" : Arrays.equals(o, new byte[] {1, 1, 1, 1}) ? "nop" : o[0] == 7 ? "record-route"
                : "request";
        return new RequestHeader(ip.dontFragment(), ip.evil(), fragment, ip.ttl(), ip.tos(), options);
    }

    /** The header of the first RMCP request (UDP to port 623) in a capture, if there is one. */
    public static Optional<RequestHeader> firstRequest(Path pcap) throws IOException {
        for (PcapFile.Record r : PcapFile.read(pcap)) {
            Optional<ParsedFrame> f = ParsedFrame.parse(r.data());
            if (f.isPresent() && f.get().udp().filter(u -> u.dstPort() == 623).isPresent()) {
                return f.get().ipv4().map(RequestHeader::of);
            }
        }
        return Optional.empty();
    }
}
