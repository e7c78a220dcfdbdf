package io.quirklab.ipmi;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The RMCP+ cipher suites the project implements (IPMI v2.0 table 22-20): an authentication (RAKP), an integrity
 * and a confidentiality algorithm each.
 */
public enum CipherSuite {
    SUITE_0(0, Alg.RAKP_NONE, Alg.INTEGRITY_NONE, Alg.CONFIDENTIALITY_NONE),
    SUITE_1(1, Alg.RAKP_HMAC_SHA1, Alg.INTEGRITY_NONE, Alg.CONFIDENTIALITY_NONE),
    SUITE_2(2, Alg.RAKP_HMAC_SHA1, Alg.HMAC_SHA1_96, Alg.CONFIDENTIALITY_NONE),
    SUITE_3(3, Alg.RAKP_HMAC_SHA1, Alg.HMAC_SHA1_96, Alg.AES_CBC_128),
    SUITE_17(17, Alg.RAKP_HMAC_SHA256, Alg.HMAC_SHA256_128, Alg.AES_CBC_128);

    /** Algorithm numbers as the Open Session messages and cipher suite records carry them. */
    public static final class Alg {
        public static final int RAKP_NONE = 0x00;
        public static final int RAKP_HMAC_SHA1 = 0x01;
        public static final int RAKP_HMAC_SHA256 = 0x03;
        public static final int INTEGRITY_NONE = 0x00;
        public static final int HMAC_SHA1_96 = 0x01;
        public static final int HMAC_SHA256_128 = 0x04;
        public static final int CONFIDENTIALITY_NONE = 0x00;
        public static final int AES_CBC_128 = 0x01;

        private Alg() {
        }
    }

    /** Strongest first: what a console picks from the suites both sides support (ipmitool: 17, then 3). */
    public static final List<CipherSuite> PREFERENCE = List.of(SUITE_17, SUITE_3, SUITE_2, SUITE_1, SUITE_0);

    /** Start byte of a standard cipher suite record in Get Channel Cipher Suites data; 0xC1 starts an OEM one. */
    static final int RECORD_STANDARD = 0xC0;
    static final int RECORD_OEM = 0xC1;

    private final int id;
    private final int authAlg;
    private final int integrityAlg;
    private final int confidentialityAlg;

    CipherSuite(int id, int authAlg, int integrityAlg, int confidentialityAlg) {
        this.id = id;
        this.authAlg = authAlg;
        this.integrityAlg = integrityAlg;
        this.confidentialityAlg = confidentialityAlg;
    }

    public int id() {
        return id;
    }

    public int authAlg() {
        return authAlg;
    }

    public int integrityAlg() {
        return integrityAlg;
    }

    public int confidentialityAlg() {
        return confidentialityAlg;
    }

    /** True when packets of the session carry an integrity auth code. */
    public boolean authenticated() {
        return integrityAlg != Alg.INTEGRITY_NONE;
    }

    /** True when payloads of the session are AES-CBC-128 encrypted. */
    public boolean encrypted() {
        return confidentialityAlg != Alg.CONFIDENTIALITY_NONE;
    }

    /** JCA name of the RAKP HMAC, or null for RAKP-none. */
    String rakpHmac() {
        return switch (authAlg) {
            case Alg.RAKP_HMAC_SHA1 -> "HmacSHA1";
            case Alg.RAKP_HMAC_SHA256 -> "HmacSHA256";
            default -> null;
        };
    }

    /** Length of the RAKP 4 integrity check value: HMAC-SHA1-96 or HMAC-SHA256-128 of the SIK. */
    int rakp4IcvLength() {
        return switch (authAlg) {
            case Alg.RAKP_HMAC_SHA1 -> 12;
            case Alg.RAKP_HMAC_SHA256 -> 16;
            default -> 0;
        };
    }

    /** JCA name of the integrity HMAC, or null when packets are not authenticated. */
    String integrityHmac() {
        return switch (integrityAlg) {
            case Alg.HMAC_SHA1_96 -> "HmacSHA1";
            case Alg.HMAC_SHA256_128 -> "HmacSHA256";
            default -> null;
        };
    }

    /** Bytes of the auth code in the session trailer. */
    public int integrityCodeLength() {
        return switch (integrityAlg) {
            case Alg.HMAC_SHA1_96 -> 12;
            case Alg.HMAC_SHA256_128 -> 16;
            default -> 0;
        };
    }

    public static Optional<CipherSuite> byId(int id) {
        for (CipherSuite s : values()) {
            if (s.id == id) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The suite made of exactly these algorithms, among {@code offered}. */
    public static Optional<CipherSuite> matching(Collection<CipherSuite> offered, int authAlg, int integrityAlg, int confidentialityAlg) {
        return offered.stream().filter(s -> s.authAlg == authAlg && s.integrityAlg == integrityAlg
                && s.confidentialityAlg == confidentialityAlg).findFirst();
    }

    /** Command-line form: the suite number, as ipmitool's -C takes it. */
    public static CipherSuite parse(String text) {
        try {
            return byId(Integer.parseInt(text.trim())).orElseThrow(IllegalArgumentException::new);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported cipher suite '" + text + "' (0, 1, 2, 3 or 17)");
        }
    }

    /** Comma-separated suite numbers, e.g. "3,17". */
    public static Set<CipherSuite> parseList(String text) {
        Set<CipherSuite> out = EnumSet.noneOf(CipherSuite.class);
        for (String part : text.split(",")) {
            out.add(parse(part));
        }
        return out;
    }

    /** Get Channel Cipher Suites data listing algorithms by cipher suite: one 5-byte standard record per suite. */
    public static byte[] records(Collection<CipherSuite> suites) {
        ByteWriter w = new ByteWriter();
        for (CipherSuite s : suites) {
            w.u8(RECORD_STANDARD).u8(s.id).u8(s.authAlg).u8(0x40 | s.integrityAlg).u8(0x80 | s.confidentialityAlg);
        }
        return w.toByteArray();
    }

    /** Get Channel Cipher Suites data listing the supported algorithms, each tagged by kind, each once. */
    public static byte[] algorithmTags(Collection<CipherSuite> suites) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int kind = 0; kind < 3; kind++) {
            Set<Integer> seen = new java.util.TreeSet<>();
            for (CipherSuite s : suites) {
                seen.add(kind == 0 ? s.authAlg : kind == 1 ? 0x40 | s.integrityAlg : 0x80 | s.confidentialityAlg);
            }
            seen.forEach(out::write);
        }
        return out.toByteArray();
    }

    /** Suite IDs of the standard records in cipher suite record data; OEM records are skipped, garbage ends the list. */
    public static List<Integer> parseRecords(byte[] data) {
        List<Integer> ids = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            int start = data[i] & 0xFF;
            int size = start == RECORD_STANDARD ? 2 : start == RECORD_OEM ? 5 : -1;
            if (size < 0 || i + size > data.length) {
                break;
            }
            if (start == RECORD_STANDARD) {
                ids.add(data[i + 1] & 0xFF);
            }
            i += size;
            // Algorithm bytes follow, tagged 00xxxxxx, 01xxxxxx, 10xxxxxx; a record start byte has both top bits set.
            while (i < data.length && (data[i] & 0xC0) != 0xC0) {
                i++;
            }
        }
        return ids;
    }

    @Override
    public String toString() {
        return "cipher suite " + id;
    }
}
