package io.quirklab.ipmi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RMCP+ session set-up payloads (IPMI v2.0 sections 13.17-13.23): Open Session request and response, RAKP
 * messages 1-4, their status codes, and the key-exchange HMACs they carry.
 */
public final class RakpMessages {
    /** RMCP+ and RAKP message status codes (IPMI v2.0 table 13-15). */
    public static final int STATUS_OK = 0x00;
    public static final int STATUS_INSUFFICIENT_RESOURCES = 0x01;
    public static final int STATUS_INVALID_SESSION_ID = 0x02;
    public static final int STATUS_INVALID_ROLE = 0x09;
    public static final int STATUS_UNAUTHORIZED_ROLE = 0x0A;
    public static final int STATUS_INVALID_NAME_LENGTH = 0x0C;
    public static final int STATUS_UNAUTHORIZED_NAME = 0x0D;
    public static final int STATUS_INVALID_INTEGRITY_CHECK_VALUE = 0x0F;
    public static final int STATUS_NO_CIPHER_SUITE_MATCH = 0x11;
    public static final int STATUS_ILLEGAL_PARAMETER = 0x12;

    /** Bit 4 of the RAKP 1 role byte: look the user up by name only, not by name and privilege. */
    public static final int NAME_ONLY_LOOKUP = 0x10;
    /** IPMI 2.0 passwords and Kg are 20 bytes, NUL-padded. */
    public static final int KEY_LENGTH = 20;
    public static final int RANDOM_LENGTH = 16;
    public static final int MAX_NAME_LENGTH = 16;

    private RakpMessages() {
    }

    /**
     * Open Session request (payload type 0x10).
     *
     * @param maxPrivilege requested maximum privilege; 0 asks for the highest the algorithms allow
     */
    public record OpenSessionRequest(int tag, int maxPrivilege, int consoleId, int authAlg, int integrityAlg, int confidentialityAlg) {
        public static final int LENGTH = 32;

        public byte[] encode() {
            ByteWriter w = new ByteWriter().u8(tag).u8(maxPrivilege).u16le(0).u32le(consoleId);
            algorithm(w, 0, authAlg);
            algorithm(w, 1, integrityAlg);
            return algorithm(w, 2, confidentialityAlg).toByteArray();
        }

        public static OpenSessionRequest decode(byte[] p) {
            ByteReader r = reader(p, LENGTH, "Open Session request");
            int tag = r.u8("tag");
            int priv = r.u8("maximum privilege") & 0x0F;
            r.u16le("reserved");
            int console = r.u32le("console session ID");
            return new OpenSessionRequest(tag, priv, console, algorithm(r, 0), algorithm(r, 1), algorithm(r, 2));
        }
    }

    /** Open Session response (payload type 0x11); on an error status only the first 8 bytes are sent. */
    public record OpenSessionResponse(int tag, int status, int maxPrivilege, int consoleId, int bmcId, int authAlg,
                                      int integrityAlg, int confidentialityAlg) {
        public static OpenSessionResponse error(int tag, int status, int consoleId) {
            return new OpenSessionResponse(tag, status, 0, consoleId, 0, 0, 0, 0);
        }

        public byte[] encode() {
            ByteWriter w = new ByteWriter().u8(tag).u8(status).u8(maxPrivilege).u8(0).u32le(consoleId);
            if (status != STATUS_OK) {
                return w.toByteArray();
            }
            w.u32le(bmcId);
            algorithm(w, 0, authAlg);
            algorithm(w, 1, integrityAlg);
            return algorithm(w, 2, confidentialityAlg).toByteArray();
        }

        public static OpenSessionResponse decode(byte[] p) {
            ByteReader r = reader(p, 8, "Open Session response");
            int tag = r.u8("tag");
            int status = r.u8("status");
            int priv = r.u8("maximum privilege") & 0x0F;
            r.u8("reserved");
            int console = r.u32le("console session ID");
            if (status != STATUS_OK) {
                return error(tag, status, console);
            }
            int bmc = r.u32le("BMC session ID");
            return new OpenSessionResponse(tag, status, priv, console, bmc, algorithm(r, 0), algorithm(r, 1), algorithm(r, 2));
        }
    }

    /** RAKP message 1: console to BMC, with the console's random number and the user name. */
    public record Rakp1(int tag, int bmcId, byte[] rm, int role, byte[] name) {
        public static final int MIN_LENGTH = 28;

        public byte[] encode() {
            return new ByteWriter().u8(tag).u8(0).u16le(0).u32le(bmcId).bytes(rm).u8(role).u16le(0).u8(name.length).bytes(name)
                    .toByteArray();
        }

        /** A name length over 16 decodes (the BMC answers it with a status); one longer than the message does not. */
        public static Rakp1 decode(byte[] p) {
            ByteReader r = reader(p, MIN_LENGTH, "RAKP 1");
            int tag = r.u8("tag");
            r.u8("reserved");
            r.u16le("reserved");
            int bmc = r.u32le("BMC session ID");
            byte[] rm = r.bytes(RANDOM_LENGTH, "console random number");
            int role = r.u8("role");
            r.u16le("reserved");
            int len = r.u8("user name length");
            return new Rakp1(tag, bmc, rm, role, r.bytes(len, "user name"));
        }

        public String nameText() {
            return new String(name, StandardCharsets.ISO_8859_1);
        }
    }

    /** RAKP message 2: BMC to console, with the BMC's random number, its GUID and the key exchange auth code. */
    public record Rakp2(int tag, int status, int consoleId, byte[] rc, byte[] guid, byte[] authCode) {
        public static Rakp2 error(int tag, int status, int consoleId) {
            return new Rakp2(tag, status, consoleId, new byte[0], new byte[0], new byte[0]);
        }

        public byte[] encode() {
            ByteWriter w = new ByteWriter().u8(tag).u8(status).u16le(0).u32le(consoleId);
            return status != STATUS_OK ? w.toByteArray() : w.bytes(rc).bytes(guid).bytes(authCode).toByteArray();
        }

        public static Rakp2 decode(byte[] p) {
            ByteReader r = reader(p, 8, "RAKP 2");
            int tag = r.u8("tag");
            int status = r.u8("status");
            r.u16le("reserved");
            int console = r.u32le("console session ID");
            if (status != STATUS_OK) {
                return error(tag, status, console);
            }
            return new Rakp2(tag, status, console, r.bytes(RANDOM_LENGTH, "BMC random number"), r.bytes(16, "BMC GUID"), r.rest());
        }
    }

    /** RAKP message 3: console to BMC, proving the console knows the password (or reporting its error). */
    public record Rakp3(int tag, int status, int bmcId, byte[] authCode) {
        public byte[] encode() {
            return new ByteWriter().u8(tag).u8(status).u16le(0).u32le(bmcId).bytes(authCode).toByteArray();
        }

        public static Rakp3 decode(byte[] p) {
            ByteReader r = reader(p, 8, "RAKP 3");
            int tag = r.u8("tag");
            int status = r.u8("status");
            r.u16le("reserved");
            return new Rakp3(tag, status, r.u32le("BMC session ID"), r.rest());
        }
    }

    /** RAKP message 4: BMC to console, proving the BMC derived the same session integrity key. */
    public record Rakp4(int tag, int status, int consoleId, byte[] icv) {
        public byte[] encode() {
            return new ByteWriter().u8(tag).u8(status).u16le(0).u32le(consoleId).bytes(icv).toByteArray();
        }

        public static Rakp4 decode(byte[] p) {
            ByteReader r = reader(p, 8, "RAKP 4");
            int tag = r.u8("tag");
            int status = r.u8("status");
            r.u16le("reserved");
            return new Rakp4(tag, status, r.u32le("console session ID"), r.rest());
        }
    }

    /** Kuid or Kg as a key: the text NUL-padded to 20 bytes. */
    public static byte[] key20(String text) {
        byte[] raw = text.getBytes(StandardCharsets.ISO_8859_1);
        if (raw.length > KEY_LENGTH) {
            throw new IllegalArgumentException("longer than 20 bytes: IPMI 2.0 passwords and keys are at most 20");
        }
        return Arrays.copyOf(raw, KEY_LENGTH);
    }

    /** RAKP 2 key exchange auth code: HMAC_Kuid(SIDm | SIDc | Rm | Rc | GUIDc | role | name length | name). */
    public static byte[] rakp2AuthCode(CipherSuite suite, byte[] kuid, int consoleId, int bmcId, byte[] rm, byte[] rc,
                                       byte[] guid, int role, byte[] name) {
        String alg = suite.rakpHmac();
        return alg == null ? new byte[0] : Hmac.of(alg, kuid, le32(consoleId), le32(bmcId), rm, rc, guid,
                new byte[] {(byte) role, (byte) name.length}, name);
    }

    /** RAKP 3 key exchange auth code: HMAC_Kuid(Rc | SIDm | role | name length | name). */
    public static byte[] rakp3AuthCode(CipherSuite suite, byte[] kuid, byte[] rc, int consoleId, int role, byte[] name) {
        String alg = suite.rakpHmac();
        return alg == null ? new byte[0] : Hmac.of(alg, kuid, rc, le32(consoleId), new byte[] {(byte) role, (byte) name.length}, name);
    }

    /** RAKP 4 integrity check value: HMAC_SIK(Rm | SIDc | GUIDc), cut to 12 (SHA-1) or 16 (SHA-256) bytes. */
    public static byte[] rakp4Icv(CipherSuite suite, byte[] sik, byte[] rm, int bmcId, byte[] guid) {
        String alg = suite.rakpHmac();
        return alg == null ? new byte[0] : Arrays.copyOf(Hmac.of(alg, sik, rm, le32(bmcId), guid), suite.rakp4IcvLength());
    }

    public static String describeStatus(int status) {
        String text = switch (status) {
            case STATUS_OK -> "no errors";
            case STATUS_INSUFFICIENT_RESOURCES -> "insufficient resources to create a session";
            case STATUS_INVALID_SESSION_ID -> "invalid session ID";
            case 0x03 -> "invalid payload type";
            case 0x04 -> "invalid authentication algorithm";
            case 0x05 -> "invalid integrity algorithm";
            case 0x08 -> "inactive session ID";
            case STATUS_INVALID_ROLE -> "invalid role";
            case STATUS_UNAUTHORIZED_ROLE -> "unauthorized role or privilege level requested";
            case 0x0B -> "insufficient resources to create a session at the requested role";
            case STATUS_INVALID_NAME_LENGTH -> "invalid name length";
            case STATUS_UNAUTHORIZED_NAME -> "unauthorized name";
            case 0x0E -> "unauthorized GUID";
            case STATUS_INVALID_INTEGRITY_CHECK_VALUE -> "invalid integrity check value";
            case 0x10 -> "invalid confidentiality algorithm";
            case STATUS_NO_CIPHER_SUITE_MATCH -> "no cipher suite match with proposed security algorithms";
            case STATUS_ILLEGAL_PARAMETER -> "illegal or unrecognized parameter";
            default -> "unknown";
        };
        return String.format("0x%02x (%s)", status, text);
    }

    private static ByteReader reader(byte[] p, int min, String what) {
        if (p.length < min) {
            throw new MalformedPacketException(what + " has " + p.length + " bytes, want at least " + min);
        }
        return new ByteReader(p, 0, p.length);
    }

    /** One 8-byte algorithm record: payload type (0 auth, 1 integrity, 2 confidentiality), length 8, algorithm. */
    private static ByteWriter algorithm(ByteWriter w, int kind, int alg) {
        return w.u8(kind).u16le(0).u8(8).u8(alg).u16le(0).u8(0);
    }

    private static int algorithm(ByteReader r, int kind) {
        int type = r.u8("algorithm payload type");
        r.u16le("reserved");
        int len = r.u8("algorithm payload length");
        int alg = r.u8("algorithm") & 0x3F;
        r.u16le("reserved");
        r.u8("reserved");
        if (type != kind || len != 8) {
            throw new MalformedPacketException(String.format("algorithm record %d has type %d and length %d", kind, type, len));
        }
        return alg;
    }

    static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
