package io.quirklab.ipmi;

/** The two's-complement checksums of IPMI messages: covered bytes plus checksum sum to zero mod 256. */
public final class Checksums {
    private Checksums() {
    }

    public static int of(byte[] b, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += b[i];
        }
        return -sum & 0xFF;
    }

    public static boolean valid(byte[] b, int from, int toInclusive) {
        int sum = 0;
        for (int i = from; i <= toInclusive; i++) {
            sum += b[i];
        }
        return (sum & 0xFF) == 0;
    }
}
