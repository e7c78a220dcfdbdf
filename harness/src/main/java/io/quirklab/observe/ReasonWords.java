package io.quirklab.observe;

import io.quirklab.matrix.Reason;
import java.util.Locale;

/**
 * Our reason token for an operating system's words for a drop (PktMon's DropReason, tcpip.sys's Reason): a checksum
 * is UDP_CSUM, TCP_CSUM or IP_CSUM by the packet's protocol and layer, a missing listener is NO_PORT, reassembly is
 * FRAGMENT; other words are kept, upper-cased, after the source's prefix ("PKTMON_INET_ACCEPT_INSPECTION").
 */
final class ReasonWords {
    private ReasonWords() {
    }

    /**
     * @param words    the OS's words
     * @param protocol the dropped packet's protocol ("UDP", "TCP"), or null when unknown
     * @param ipLayer  whether the drop was at the IP layer (a checksum there is the IP header's)
     * @param prefix   what unknown words are prefixed with ("PKTMON", "TCPIP")
     */
    static String token(String words, String protocol, boolean ipLayer, String prefix) {
        String r = words.toLowerCase(Locale.ROOT);
        if (r.contains("checksum")) {
            if (ipLayer || r.contains("ip header") || r.contains("ipv4 header")) {
                return Reason.IP_CSUM.token();
            }
            return "TCP".equals(protocol) ? "TCP_CSUM" : Reason.UDP_CSUM.token();
        }
        if (r.contains("transport endpoint was not found") || r.contains("port unreachable") || r.contains("no listener")
                || r.contains("no matching endpoint") || r.contains("not bound") || r.contains("no endpoint")) {
            return Reason.NO_PORT.token();
        }
        if (r.contains("fragment") || r.contains("reassembl")) {
            return Reason.FRAGMENT.token();
        }
        String upper = words.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_|_$", "");
        return prefix + "_" + (upper.isEmpty() ? "UNKNOWN" : upper);
    }
}
