package io.quirklab.host;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one switch of an offload setting did: asked for, done, verified, and what it dragged along.
 *
 * @param iface        the interface
 * @param setting      {@link OffloadKeys#RX_UDP4_CHECKSUM}
 * @param from         the OS's own value before ("on", Windows "3", macOS "1")
 * @param to           the OS's own value asked for
 * @param now          the value read back afterwards
 * @param changed      a change was made (false: it already had the value)
 * @param verified     the value read back is the one asked for
 * @param linkWaitMs   how long it took until link and addresses were back (0 when nothing was changed)
 * @param linkBack     link and addresses came back within the bound
 * @param linkWentDown the link was seen down while waiting (the adapter restarted)
 * @param mechanism    the command that made the change ("ethtool -K eth1 rx off")
 * @param before       side-effect settings before ({@link OffloadKeys#SIDE_EFFECTS}: RSS, LSO, ...)
 * @param after        the same settings afterwards
 * @param note         a sentence when something needs saying (what could not be read), or null
 */
public record OffloadChange(String iface, String setting, String from, String to, String now, boolean changed, boolean verified,
                            @JsonProperty("link_wait_ms") long linkWaitMs, @JsonProperty("link_back") boolean linkBack,
                            @JsonProperty("link_went_down") boolean linkWentDown, String mechanism, Map<String, String> before,
                            Map<String, String> after, String note) {
    public OffloadChange {
        before = before == null ? Map.of() : new LinkedHashMap<>(before);
        after = after == null ? Map.of() : new LinkedHashMap<>(after);
    }

    /** Side-effect settings whose value differs before and after ("lso: on -> off"). */
    public List<String> sideEffects() {
        List<String> out = new ArrayList<>();
        for (String k : before.keySet()) {
            if (after.containsKey(k) && !Objects.equals(before.get(k), after.get(k))) {
                out.add(k + ": " + before.get(k) + " -> " + after.get(k));
            }
        }
        return out;
    }

    /** One line for people: "rx_udp4_checksum on eth1: on -> off (ethtool -K eth1 rx off), verified, link back after 120 ms". */
    public String describe() {
        StringBuilder sb = new StringBuilder(setting).append(" on ").append(iface).append(": ");
        if (!changed) {
            return sb.append("already ").append(now).append(", nothing changed").toString();
        }
        sb.append(from).append(" -> ").append(to).append(" (").append(mechanism).append("), ")
                .append(verified ? "verified" : "NOT verified: reads back " + now);
        sb.append(linkBack ? ", link " + (linkWentDown ? "went down and came back" : "back") + " after " + linkWaitMs + " ms"
                : ", link/address NOT back after " + linkWaitMs + " ms");
        List<String> side = sideEffects();
        if (!side.isEmpty()) {
            sb.append("; also changed: ").append(String.join(", ", side));
        }
        if (note != null) {
            sb.append("; ").append(note);
        }
        return sb.toString();
    }
}
