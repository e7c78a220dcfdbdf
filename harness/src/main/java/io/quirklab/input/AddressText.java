package io.quirklab.input;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IP address as a user writes it (an option, a lab or persona file), read as a literal and nothing else: the JDK's
 * {@code InetAddress.getByName} asks DNS for anything it cannot parse ({@code 999.1.1.1}, a name), and the harness must
 * never make a name query. A name or a malformed literal is refused in words.
 */
public final class AddressText {
    private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("\\[?([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)]?");

    private AddressText() {
    }

    /** A refused address: the message says what the text is not, with the text as a token. */
    public static final class NotAnAddress extends IllegalArgumentException {
        NotAnAddress(String message) {
            super(message);
        }
    }

    /** A dotted IPv4 address ({@code 198.18.0.10}): four numbers 0..255, nothing else. */
    public static Inet4Address ipv4(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = DOTTED.matcher(t);
        if (!m.matches()) {
            throw new NotAnAddress(InputFile.token(text) + " is not a dotted IPv4 address" + (looksLikeName(t) ? " (names are not looked up)" : ""));
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(m.group(i + 1));
            if (octet > 255) {
                throw new NotAnAddress(InputFile.token(text) + " is not a dotted IPv4 address (" + octet + " is more than 255)");
            }
            b[i] = (byte) octet;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b); // bytes in: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    /** An IPv4 address as {@link #ipv4} reads it, or an IPv6 literal ({@code 2001:2::10}, with or without brackets). */
    public static InetAddress ip(String text) {
        String t = text == null ? "" : text.strip();
        if (DOTTED.matcher(t).matches()) {
            return ipv4(t);
        }
        Matcher m = IPV6.matcher(t);
        if (m.matches()) {
            try {
                // text with a colon is only ever parsed as an IPv6 literal, never looked up
                InetAddress a = InetAddress.getByName(m.group(1));
                if (a instanceof Inet6Address || a instanceof Inet4Address) {
                    return a;
                }
            } catch (UnknownHostException e) {
                // said below
            }
        }
        throw new NotAnAddress(InputFile.token(text) + " is not an IP address" + (looksLikeName(t) ? " (names are not looked up)" : ""));
    }

    private static boolean looksLikeName(String t) {
        return t.matches("(?i)[a-z0-9-]*[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*\\.?");
    }
}
