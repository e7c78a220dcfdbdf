package io.quirklab.lab;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An emulated faulty NIC offload for the virtual lab (QUIRKS.md, "Emulated fault models"): a predicate over
 * received frame headers; matching UDP replies from port 623 get their UDP checksum corrupted in an nftables
 * {@code netdev} ingress chain, which runs after packet taps (tcpdump, the DUT capture) have seen the frame. The
 * stack then drops the datagram with a checksum error while every capture shows a valid checksum - the seed's
 * symptom. Verdicts never consult the model.
 *
 * @param name       model name (df-clear, id-echo, csum-ffff, trailing-bytes, custom)
 * @param expression for custom: an nftables match expression, e.g. {@code ip ttl 255}: a match and nothing else
 *                   ({@link MatchExpression})
 */
public record FaultModel(String name, String expression) {
    public static final String TABLE = "qlab_fault";
    public static final String FAMILY = "netdev";
    /** How long a request's IP ID is remembered by id-echo. */
    static final int ID_MEMORY_SECONDS = 10;

    public static final List<String> BUILT_IN = List.of("df-clear", "id-echo", "csum-ffff", "trailing-bytes");

    public FaultModel {
        name = name.trim().toLowerCase(Locale.ROOT);
        if (!BUILT_IN.contains(name) && !name.equals("custom")) {
            throw new IllegalArgumentException("unknown fault model '" + name + "' (known: " + String.join(", ", BUILT_IN)
                    + ", custom)");
        }
        if (name.equals("custom")) {
            if (expression == null || expression.isBlank()) {
                throw new IllegalArgumentException("fault model custom needs an nftables match expression, e.g. 'ip ttl 255'");
            }
            MatchExpression.check(expression); // a match only: a statement (dup, fwd, mark set, log, ...) would act on packets
        } else if (expression != null && !expression.isBlank()) {
            throw new IllegalArgumentException("only the custom fault model takes an expression");
        }
    }

    public static FaultModel of(String name) {
        return new FaultModel(name, null);
    }

    public static FaultModel custom(String expression) {
        return new FaultModel("custom", expression);
    }

    /** One line for status output. */
    public String describe() {
        return switch (name) {
            case "df-clear" -> "df-clear: corrupts UDP replies from port 623 that have Don't Fragment clear";
            case "id-echo" -> "id-echo: corrupts UDP replies from port 623 whose IP ID equals that of a request the DUT sent to the "
                    + "same address in the last " + ID_MEMORY_SECONDS + " s";
            case "csum-ffff" -> "csum-ffff: corrupts UDP replies from port 623 whose checksum field is 0xFFFF";
            case "trailing-bytes" -> "trailing-bytes: corrupts UDP replies from port 623 whose IP total length exceeds the UDP datagram";
            default -> "custom: corrupts UDP replies from port 623 matching '" + expression + "'";
        };
    }

    /** The nftables ruleset (for {@code nft -f}) that installs this model on {@code device}. */
    public String ruleset(String device) {
        return ruleset(device, TABLE);
    }

    /** The same in a table of another name (one per DUT interface when the DUT is not the virtual lab's). */
    public String ruleset(String device, String table) {
        String dev = "\"" + device + "\"";
        StringBuilder sets = new StringBuilder();
        StringBuilder egress = new StringBuilder();
        String predicate = switch (name) {
            case "df-clear" -> "ip frag-off & 0x4000 == 0";
            case "csum-ffff" -> "udp checksum 0xffff";
            case "id-echo" -> {
                // keyed by the persona's address too: a fresh ID of one persona must not match a request to another
                sets.append("  set request_ids { typeof ip daddr . ip id; size 65535; flags dynamic,timeout; timeout ")
                        .append(ID_MEMORY_SECONDS).append("s; }\n");
                egress.append("  chain egress {\n    type filter hook egress device ").append(dev).append(" priority 0;\n")
                        .append("    udp dport 623 update @request_ids { ip daddr . ip id }\n  }\n");
                yield "ip saddr . ip id @request_ids";
            }
            case "trailing-bytes" -> {
                // nft cannot compare two header fields, so list every consistent (IP length, UDP length) pair of a
                // 20-byte header and match what is not among them.
                String pairs = IntStream.rangeClosed(8, 1480).mapToObj(l -> (l + 20) + " . " + l).collect(Collectors.joining(", "));
                sets.append("  set consistent_lengths { typeof ip length . udp length; elements = { ").append(pairs).append(" } }\n");
                yield "ip hdrlength 5 ip length . udp length != @consistent_lengths";
            }
            default -> expression.trim();
        };
        String match = "udp sport 623 " + predicate;
        // Two rules so the field always ends up wrong, whatever it held: 0x5555 becomes 0x2aaa, anything else 0x5555.
        return "table " + FAMILY + " " + table + " {\n" + sets
                + "  chain ingress {\n    type filter hook ingress device " + dev + " priority 0;\n"
                + "    " + match + " udp checksum 0x5555 counter udp checksum set 0x2aaa accept\n"
                + "    " + match + " counter udp checksum set 0x5555\n"
                + "  }\n" + egress + "}\n";
    }
}
