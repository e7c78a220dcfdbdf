package io.quirklab.cli;

import java.net.Inet4Address;
import java.net.InetAddress;

/** The network safety rule: test traffic only on loopback or 198.18.0.0/15 (RFC 2544 benchmarking space). */
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
}
