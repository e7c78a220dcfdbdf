package io.quirklab.input;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a piece of a file looks like a secret, so that an error line never shows it: a line of a password or shadow
 * file, a crypt(3) hash, a long random-looking token (base64 or hex), a PEM block, or a "password: ..." pair. Errs on
 * the side of hiding: a hidden harmless value costs a less helpful message, a shown secret cannot be taken back.
 */
final class SecretLooking {
    /** crypt(3) hashes: $1$, $5$, $6$, $y$, $2b$, $gy$, $argon2id$ ... */
    private static final Pattern CRYPT = Pattern.compile("\\$[0-9a-z]{1,8}\\$");
    /** A run of token characters long enough to be a key (a 32-byte token is 43 characters of base64). */
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/=_.~-]{20,}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(/\\d{1,3})?(%[A-Za-z0-9._-]+)?");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{24,}");
    private static final Pattern NAMED = Pattern.compile("(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_ ]?key|bearer|"
            + "authorization|credential)\\s*[:=]", Pattern.CASE_INSENSITIVE);

    private SecretLooking() {
    }

    static boolean test(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (CRYPT.matcher(s).find() || NAMED.matcher(s).find() || s.contains("-----BEGIN") || HEX.matcher(s).find()) {
            return true;
        }
        if (s.chars().filter(c -> c == ':').count() >= 3 && !IPV6.matcher(s.strip()).matches()) {
            return true; // name:hash:lastchange:... (shadow), name:x:uid:gid:... (passwd); an IPv6 address is not one
        }
        var run = RUN.matcher(s);
        while (run.find()) {
            String r = run.group();
            boolean upper = !r.equals(r.toLowerCase(Locale.ROOT));
            boolean lower = !r.equals(r.toUpperCase(Locale.ROOT));
            boolean digit = r.chars().anyMatch(Character::isDigit);
            if (upper && lower && digit) {
                return true; // mixed case and digits: random, not a name someone typed
            }
        }
        return false;
    }
}
