package io.quirklab.lab;

import io.quirklab.input.InputFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The custom fault model's expression read against the grammar of nftables match expressions, so that it can only
 * select packets, never act on them: one or more matches {@code SELECTOR [OP VALUE]... [RELATION] VALUE}, where a
 * selector is a header field ({@code ip ttl}, {@code udp length}, {@code ip frag-off}, {@code meta length}, a raw
 * {@code @nh,OFFSET,LENGTH}) or {@code numgen random mod N}. Anything else, a statement above all ({@code dup},
 * {@code fwd}, {@code mark set}, {@code log}, {@code counter}, {@code queue}, {@code reject}, {@code drop},
 * {@code accept}, {@code jump}, {@code notrack}, {@code limit}, {@code quota}, ...), is refused in words.
 */
public final class MatchExpression {
    /** Header fields per protocol, as nftables names them (nft describe PROTO). */
    static final Map<String, List<String>> FIELDS = Map.of(
            "ip", List.of("version", "hdrlength", "dscp", "ecn", "length", "id", "frag-off", "ttl", "protocol", "checksum", "saddr", "daddr"),
            "ip6", List.of("version", "dscp", "ecn", "flowlabel", "length", "nexthdr", "hoplimit", "saddr", "daddr"),
            "udp", List.of("sport", "dport", "length", "checksum"),
            "tcp", List.of("sport", "dport", "sequence", "ackseq", "doff", "reserved", "flags", "window", "checksum", "urgptr"),
            "icmp", List.of("type", "code", "checksum", "id", "sequence", "gateway", "mtu"),
            "th", List.of("sport", "dport"),
            "ether", List.of("saddr", "daddr", "type"),
            "vlan", List.of("id", "cfi", "dei", "pcp", "type"),
            "meta", List.of("length", "protocol", "nfproto", "l4proto", "mark", "iif", "iifname", "iiftype", "pkttype", "cpu", "day", "hour",
                    "time"));
    /** Words that start a statement (what a rule does) rather than a match (what it selects). */
    static final Set<String> STATEMENTS = Set.of("accept", "drop", "reject", "queue", "continue", "return", "jump", "goto", "counter",
            "log", "limit", "quota", "meter", "dup", "fwd", "set", "notrack", "snat", "dnat", "masquerade", "redirect", "tproxy", "synproxy",
            "flow", "offload", "add", "update", "delete", "reset", "secmark", "xt", "last", "to", "map", "vmap", "destroy",
            "typeof", "element", "table", "chain", "rule", "flush", "insert", "replace", "create", "list", "include", "define");
    private static final Set<String> RELATIONS = Set.of("==", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt", "le", "ge");
    private static final Set<String> BITWISE = Set.of("&", "|", "^", ">>", "<<", "and", "or", "xor", "lshift", "rshift");
    private static final Pattern RAW = Pattern.compile("@(ll|nh|th|ih),\\d{1,5},\\d{1,4}");
    /** A literal: a number, address, prefix, range, MAC, or a symbolic constant (udp, syn, host); no sets, no variables. */
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*|\"[A-Za-z0-9._-]{1,15}\"");
    private static final Pattern TOKEN = Pattern.compile("\"[^\"]*\"|==|!=|<=|>=|<<|>>|[<>&|^]|[^\\s<>=!&|^\"]+|\\S");

    private MatchExpression() {
    }

    /** Why {@code expression} is not one nftables match expression, in words; null when it is one. */
    public static String problem(String expression) {
        if (expression == null || expression.isBlank()) {
            return "an empty expression; the custom model needs an nftables match expression, e.g. 'ip ttl 255'";
        }
        if (expression.matches("(?s).*[;{}\\n\\r#].*")) {
            return "must be one match expression without ; { } # or newlines";
        }
        if (expression.length() > 512) {
            return "is " + expression.length() + " characters long; a match expression is a short line (at most 512)";
        }
        List<String> t = tokens(expression);
        int i = 0;
        int matches = 0;
        while (i < t.size()) {
            String word = t.get(i);
            if (STATEMENTS.contains(word)) {
                return statement(t, i);
            }
            if (word.equals("ct")) {
                return "'" + word + "': connection tracking does not exist at the netdev ingress hook the fault table uses";
            }
            if (FIELDS.get("meta").contains(word)) {
                return i + 1 < t.size() && t.get(i + 1).equals("set") ? statement(t, i + 1) : "'" + word + "': write 'meta " + word + "'";
            }
            int next;
            if (word.equals("numgen")) {
                next = numgen(t, i);
            } else if (RAW.matcher(word).matches()) {
                next = i + 1;
            } else if (FIELDS.containsKey(word)) {
                if (i + 1 >= t.size()) {
                    return "'" + word + "' needs a field (" + String.join(", ", FIELDS.get(word)) + ")";
                }
                String field = t.get(i + 1);
                if (STATEMENTS.contains(field) && !FIELDS.get(word).contains(field)) {
                    return statement(t, i + 1);
                }
                if (!FIELDS.get(word).contains(field)) {
                    return "'" + word + "' has no field " + InputFile.token(field) + " (" + String.join(", ", FIELDS.get(word)) + ")";
                }
                next = i + 2;
            } else {
                return InputFile.token(word) + " does not start a match: a match starts with " + String.join(", ", selectors())
                        + ", numgen or a raw @nh,OFFSET,LENGTH";
            }
            if (next < 0) {
                return "'numgen' needs 'random mod N' or 'inc mod N' (and optionally 'offset N')";
            }
            String selector = String.join(" ", t.subList(i, next));
            i = next;
            while (i < t.size() && BITWISE.contains(t.get(i))) {
                if (i + 1 >= t.size() || !isValue(t.get(i + 1))) {
                    return valueProblem(t, i + 1, "'" + selector + " " + t.get(i) + "'");
                }
                i += 2;
            }
            if (i < t.size() && RELATIONS.contains(t.get(i))) {
                i++;
            }
            if (i >= t.size() || !isValue(t.get(i))) {
                return valueProblem(t, i, "'" + selector + "'");
            }
            i++;
            matches++;
        }
        return matches == 0 ? "no match in it" : null;
    }

    /** @throws IllegalArgumentException when {@link #problem} finds one */
    public static void check(String expression) {
        String p = problem(expression);
        if (p != null) {
            throw new IllegalArgumentException("custom fault expression " + InputFile.token(expression) + ": " + p);
        }
    }

    private static List<String> selectors() {
        return List.of("ip", "ip6", "udp", "tcp", "icmp", "th", "ether", "vlan", "meta");
    }

    private static boolean isValue(String token) {
        return VALUE.matcher(token).matches() && !STATEMENTS.contains(token) && !token.equals("numgen"); // udp, ip: constants too
    }

    private static String valueProblem(List<String> t, int i, String after) {
        if (i >= t.size()) {
            return after + " needs a value to compare with";
        }
        String v = t.get(i);
        if (STATEMENTS.contains(v)) {
            return statement(t, i);
        }
        if (v.startsWith("@") || v.startsWith("$")) {
            return InputFile.token(v) + " after " + after + ": named sets, maps and variables do not exist in the fault table; compare "
                    + "with a literal value";
        }
        return InputFile.token(v) + " after " + after + " is not a value (a number, an address or prefix, a range, a MAC, or a "
                + "constant such as udp)";
    }

    private static String statement(List<String> t, int i) {
        String word = t.get(i);
        String shown = word;
        if (word.equals("set") && i > 0) {
            shown = (i > 1 && FIELDS.containsKey(t.get(i - 2)) ? t.get(i - 2) + " " : "") + t.get(i - 1) + " set";
        }
        return "'" + shown + "' is a statement (it would act on packets: " + what(word) + "), not a match; a custom fault expression "
                + "only selects the replies to corrupt, e.g. 'ip ttl 255' or 'ip frag-off & 0x4000 == 0'";
    }

    private static String what(String word) {
        return switch (word) {
            case "dup", "fwd", "to" -> "send copies or the packet itself out of another interface";
            case "set", "mark" -> "change a field, mark or conntrack state";
            case "log", "counter", "quota", "limit", "meter", "last" -> "log, count or rate-limit";
            case "accept", "drop", "reject", "queue", "continue", "return", "jump", "goto" -> "decide its fate or jump elsewhere";
            case "snat", "dnat", "masquerade", "redirect", "tproxy" -> "rewrite its addresses";
            default -> "change the ruleset or the packet";
        };
    }

    /** After 'numgen': random|inc mod N [offset N]; the index after it, or -1. */
    private static int numgen(List<String> t, int i) {
        if (i + 3 >= t.size()) {
            return -1;
        }
        if (!(t.get(i + 1).equals("random") || t.get(i + 1).equals("inc")) || !t.get(i + 2).equals("mod") || !t.get(i + 3).matches("\\d{1,10}")) {
            return -1;
        }
        int next = i + 4;
        if (next + 1 < t.size() && t.get(next).equals("offset") && t.get(next + 1).matches("\\d{1,10}")) {
            next += 2;
        }
        return next;
    }

    static List<String> tokens(String expression) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(expression);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
