package io.quirklab.cli;

import io.quirklab.input.AddressText;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The network safety rule: test traffic only on loopback or 198.18.0.0/15 (RFC 2544 benchmarking space); and the
 * address options read as literals ({@link AddressText}), so none makes a name query.
 */
final class AddressPolicy {
    private AddressPolicy() {
    }

    static boolean isTestAddress(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return true;
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            return (b[0] & 0xFF) == 198 && ((b[1] & 0xFF) == 18 || (b[1] & 0xFF) == 19);
        }
        return false;
    }

    static void requireTestAddress(InetAddress a) {
        if (!isTestAddress(a)) {
            throw new IllegalArgumentException(a.getHostAddress()
                    + " is not a test address: quirklab only uses loopback (127.0.0.0/8) and 198.18.0.0/15");
        }
    }

    /** The address an option gives, a literal only: {@code --bind 999.1.1.1} is refused in words, never looked up. */
    static InetAddress option(String option, String text) {
        try {
            return AddressText.ip(text);
        } catch (AddressText.NotAnAddress e) {
            throw new IllegalArgumentException(option + " " + e.getMessage());
        }
    }

    /** The dotted IPv4 address an option gives, as {@link #option} reads it. */
    static Inet4Address optionV4(String option, String text) {
        try {
            return AddressText.ipv4(text);
        } catch (AddressText.NotAnAddress e) {
            throw new IllegalArgumentException(option + " " + e.getMessage());
        }
    }
}
