package io.quirklab.bisect;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.QuirkField;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The IP header fields of the DUT's requests that {@code template: request} copies into replies, read through the
 * {@link QuirkField} rows: what "request" means in a persona's traits on this lab. In bisect.json it is the mapping
 * field -> value ({@code {"dont-fragment": "true", "ttl": "64", ...}}).
 *
 * @param values field -> its value in the traits' spelling ({@code request} where no value of the field names it)
 */
public record RequestHeader(Map<String, String> values) {
    @JsonCreator
    public RequestHeader {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    @JsonValue
    @Override
    public Map<String, String> values() {
        return values;
    }

    /** The value a template field takes from these requests, in the traits' spelling. */
    public String value(String field) {
        String v = values.get(field);
        if (v == null) {
            throw new IllegalArgumentException("not a field the template copies: " + field);
        }
        return v;
    }

    public static RequestHeader of(ParsedFrame.Ipv4 ip) {
        Map<String, String> v = new LinkedHashMap<>();
        for (QuirkField<?> f : QuirkField.ALL) {
            if (f.copiedFromRequest()) {
                v.put(f.name(), f.read(ip).map(f::textOf).orElse(Traits.REQUEST));
            }
        }
        return new RequestHeader(v);
    }

    /** The header of the first RMCP request (UDP to port 623) in a capture, if there is one. */
    public static Optional<RequestHeader> firstRequest(Path pcap) throws IOException {
        // a record at a time through the input gate, stopping at the first request: a run's capture may be large
        try (PcapFile.Reader records = PcapFile.open(pcap)) {
            for (PcapFile.Record r = records.next(); r != null; r = records.next()) {
                Optional<ParsedFrame> f;
                try {
                    f = ParsedFrame.parse(r.data());
                } catch (RuntimeException malformed) {
                    continue; // a frame the parser cannot read holds no request header
                }
                if (f.isPresent() && f.get().udp().filter(u -> u.dstPort() == 623).isPresent()) {
                    return f.get().ipv4().map(RequestHeader::of);
                }
            }
        }
        return Optional.empty();
    }
}
