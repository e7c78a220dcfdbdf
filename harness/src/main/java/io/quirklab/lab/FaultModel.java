package io.quirklab.lab;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * An emulated faulty NIC offload for the virtual lab (QUIRKS.md, "Emulated fault models"): a predicate over
 * received frame headers; matching UDP replies from port 623 get their UDP checksum corrupted in an nftables
 * {@code netdev} ingress chain, which runs after packet taps (tcpdump, the DUT capture) have seen the frame. The
 * stack then drops the datagram with a checksum error while every capture shows a valid checksum - the seed's
 * symptom. Verdicts never consult the model.
 *
 * <p>The catalogue's models ({@link #CATALOGUE}, docs/catalogue.md) each emulate one documented NIC or driver
 * misjudgement: they match the frames of its trigger (from any of the lab's addresses, IPv4 or IPv6), corrupt their
 * UDP checksum the same way, and where the trigger can be a later IPv4 fragment (no UDP header in it) two bytes of its
 * data instead, so the datagram fails its checksum once reassembled. {@code netvsc-bad-as-good} does the opposite: it
 * clears the UDP checksum of IPv4 replies, so the stack checks nothing and takes a bad datagram as good.
 *
 * @param name       model name (df-clear, id-echo, csum-ffff, trailing-bytes, a catalogue model, custom)
 * @param expression for custom: an nftables match expression, e.g. {@code ip ttl 255}: a match and nothing else
 *                   ({@link MatchExpression})
 */
public record FaultModel(String name, String expression) {
    public static final String TABLE = "qlab_fault";
    public static final String FAMILY = "netdev";
    /** How long a request's IP ID is remembered by id-echo. */
    static final int ID_MEMORY_SECONDS = 10;

    public static final List<String> BUILT_IN = List.of("df-clear", "id-echo", "csum-ffff", "trailing-bytes");
    /** Replies from the lab's addresses (the models below never touch anything else). */
    static final String LAB4 = "ip saddr 198.18.0.0/15";
    static final String LAB6 = "ip6 saddr 2001:2::/48";

    /**
     * A catalogue model: what it does in one line, its matches (any one triggers it), whether a later IPv4 fragment can
     * carry its trigger, and whether it clears checksums instead of corrupting them.
     */
    private record Emulation(String does, List<String> matches, boolean fragments, boolean clears) {
    }

    private static final Map<String, Emulation> EMULATIONS = emulations();

    /** The catalogue's models, in the order docs/catalogue.md lists them. */
    public static final List<String> CATALOGUE = List.copyOf(EMULATIONS.keySet());

    private static Map<String, Emulation> emulations() {
        Map<String, Emulation> m = new LinkedHashMap<>();
        m.put("igb-short-frame", new Emulation("corrupts UDP replies in frames of 60 bytes or less (IP length up to 46, padded): the L4 "
                + "error bit the igb/igc errata sets on 60-byte frames", List.of(LAB4 + " ip length <= 46"), false, false));
        m.put("ixgbe-udp-zero", new Emulation("corrupts UDP replies whose checksum field is 0x0000 (no checksum): the 82599 errata "
                + "flags them as checksum errors", List.of(LAB4 + " udp checksum 0"), false, false));
        m.put("i40e-ipv6-ext", new Emulation("corrupts IPv6 UDP replies carrying a routing or destination options header: the "
                + "IPV6EXADD case i40e calls 'likely incorrect csum'", List.of(LAB6 + " ip6 nexthdr { 43, 60 }"), false, false));
        m.put("mlx4-padding", new Emulation("corrupts replies in padded frames whose padding is not zero (the last two bytes of a "
                + "60-byte frame): the hardware checksum leaves the padding out", List.of(LAB4 + " ip length <= 44 @nh,352,16 != 0"),
                true, false));
        m.put("mlx5-csum-complete", new Emulation("corrupts VLAN-tagged replies and replies with bytes after the IP datagram: "
                + "CHECKSUM_COMPLETE leaves the VLAN header and the tail out", List.of("vlan type ip " + LAB4, "vlan type ip6 " + LAB6,
                LAB4 + " ip length . meta length != @consistent_frames"), true, false));
        m.put("netvsc-bad-as-good", new Emulation("clears the UDP checksum of IPv4 replies, so the stack verifies nothing and takes "
                + "a bad datagram as good: the receive checksum status passed up wrongly", List.of(LAB4), false, true));
        m.put("netvsc-udp6", new Emulation("corrupts every IPv6 UDP reply: the checksum computed for IPv4 only",
                List.of(LAB6), false, false));
        m.put("vmxnet3-vxlan", new Emulation("corrupts UDP replies from the VXLAN ports 4789 and 8472: the checksum offload "
                + "mangles what it takes for tunnel packets", List.of(LAB4 + " udp sport { 4789, 8472 }", LAB6 + " udp sport { 4789, 8472 }"),
                false, false));
        m.put("re-short-fragment", new Emulation("corrupts IPv4 datagrams of 28 bytes or less (a tiny fragment): the RealTek "
                + "checksum offload garbles their payload", List.of(LAB4 + " ip length <= 28"), true, false));
        m.put("x710-geneve", new Emulation("corrupts UDP replies from the GENEVE port 6081: the outer UDP checksum of tunnel "
                + "packets handled wrongly", List.of(LAB4 + " udp sport 6081", LAB6 + " udp sport 6081"), false, false));
        return m;
    }

    /** Every model name but custom: the built-in ones, then the catalogue's. */
    public static List<String> names() {
        return Stream.concat(BUILT_IN.stream(), CATALOGUE.stream()).toList();
    }

    public FaultModel {
        name = name.trim().toLowerCase(Locale.ROOT);
        if (!names().contains(name) && !name.equals("custom")) {
            throw new IllegalArgumentException("unknown fault model '" + name + "' (known: " + String.join(", ", names())
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

    /**
     * Whether the model matches only what a persona puts in every reply (DF, the IP and UDP lengths), so that what it
     * drops of one reply it drops of the next; not a model that looks at each reply's IP ID or checksum (id-echo,
     * csum-ffff), a custom expression (it may draw random numbers) or a catalogue model.
     */
    public boolean sameFateForEveryReply() {
        return name.equals("df-clear") || name.equals("trailing-bytes");
    }

    /** One line for status output. */
    public String describe() {
        return switch (name) {
            case "df-clear" -> "df-clear: corrupts UDP replies from port 623 that have Don't Fragment clear";
            case "id-echo" -> "id-echo: corrupts UDP replies from port 623 whose IP ID equals that of a request the DUT sent to the "
                    + "same address in the last " + ID_MEMORY_SECONDS + " s";
            case "csum-ffff" -> "csum-ffff: corrupts UDP replies from port 623 whose checksum field is 0xFFFF";
            case "trailing-bytes" -> "trailing-bytes: corrupts UDP replies from port 623 whose IP total length exceeds the UDP datagram";
            case "custom" -> "custom: corrupts UDP replies from port 623 matching '" + expression + "'";
            default -> name + ": " + EMULATIONS.get(name).does();
        };
    }

    /** True for a model of the catalogue (docs/catalogue.md). */
    public boolean catalogue() {
        return EMULATIONS.containsKey(name);
    }

    /** The nftables ruleset (for {@code nft -f}) that installs this model on {@code device}. */
    public String ruleset(String device) {
        return ruleset(device, TABLE);
    }

    /** The same in a table of another name (one per DUT interface when the DUT is not the virtual lab's). */
    public String ruleset(String device, String table) {
        return ruleset(device, table, null);
    }

    /**
     * Whether the model can be limited to replies from some addresses ({@link #ruleset(String, String, Collection)}): a
     * built-in or custom model, which matches IPv4 replies only; not a catalogue model (IPv6, later fragments).
     */
    public boolean scopable() {
        return !catalogue();
    }

    /**
     * The ruleset with the model acting on replies from {@code only} (IPv4 addresses), or from every address when null: so
     * that one run's offload=off and offload=on cells can run at once, each state on persona instances of its own.
     */
    public String ruleset(String device, String table, Collection<Inet4Address> only) {
        String dev = "\"" + device + "\"";
        if (only != null && (!scopable() || only.isEmpty())) {
            throw new IllegalArgumentException(only.isEmpty() ? "a fault model limited to no address would do nothing"
                    : "fault model " + name + " cannot be limited to some addresses");
        }
        if (catalogue()) {
            return catalogueRuleset(dev, table, EMULATIONS.get(name));
        }
        StringBuilder sets = new StringBuilder();
        if (only != null) {
            sets.append("  set faulted { type ipv4_addr; elements = { ")
                    .append(only.stream().map(Inet4Address::getHostAddress).sorted().distinct().collect(Collectors.joining(", ")))
                    .append(" } }\n");
        }
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
        String match = (only != null ? "ip saddr @faulted " : "") + "udp sport 623 " + predicate;
        // Two rules so the field always ends up wrong, whatever it held: 0x5555 becomes 0x2aaa, anything else 0x5555.
        return "table " + FAMILY + " " + table + " {\n" + sets
                + "  chain ingress {\n    type filter hook ingress device " + dev + " priority 0;\n"
                + "    " + match + " udp checksum 0x5555 counter udp checksum set 0x2aaa accept\n"
                + "    " + match + " counter udp checksum set 0x5555\n"
                + "  }\n" + egress + "}\n";
    }

    /**
     * A catalogue model's table: per match, the two rules that leave the UDP checksum wrong whatever it held (or one
     * that clears it), and for a trigger a later fragment can carry, two that do the same to the two data bytes after a
     * 20-byte IPv4 header. Every rule accepts, so one packet is changed once.
     */
    private static String catalogueRuleset(String dev, String table, Emulation e) {
        StringBuilder rules = new StringBuilder();
        for (String m : e.matches()) {
            if (e.clears()) {
                rules.append("    ").append(m).append(" meta l4proto udp counter udp checksum set 0 accept\n");
                continue;
            }
            String udp = m + " meta l4proto udp";
            rules.append("    ").append(udp).append(" udp checksum 0x5555 counter udp checksum set 0x2aaa accept\n")
                    .append("    ").append(udp).append(" counter udp checksum set 0x5555 accept\n");
            if (e.fragments() && m.contains(LAB4)) {
                String later = m + " ip protocol udp ip hdrlength 5 ip frag-off & 0x1fff != 0";
                rules.append("    ").append(later).append(" @nh,160,16 0x5555 counter @nh,160,16 set 0x2aaa accept\n")
                        .append("    ").append(later).append(" counter @nh,160,16 set 0x5555 accept\n");
            }
        }
        String sets = e.matches().stream().anyMatch(m -> m.contains("@consistent_frames")) ? consistentFrames() : "";
        return "table " + FAMILY + " " + table + " {\n" + sets + "  chain ingress {\n    type filter hook ingress device " + dev
                + " priority 0;\n" + rules + "  }\n}\n";
    }

    /**
     * The (IP length . length at the ingress hook) pairs of frames with nothing after the datagram: the hook's length is
     * the datagram's, or 46 for one padded to a 60-byte frame. nft cannot compare two fields, so the pairs are listed.
     */
    private static String consistentFrames() {
        String exact = IntStream.rangeClosed(46, 1500).mapToObj(l -> l + " . " + l).collect(Collectors.joining(", "));
        String padded = IntStream.rangeClosed(20, 45).mapToObj(l -> l + " . 46").collect(Collectors.joining(", "));
        return "  set consistent_frames { typeof ip length . meta length; elements = { " + exact + ", " + padded + " } }\n";
    }
}
