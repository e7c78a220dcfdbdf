package io.quirklab.ipmi;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one RMCP+ session (IPMI v2.0 section 13.31-13.32) and what they protect: the integrity auth code
 * (K1) and the AES-CBC-128 payload encryption (first 16 bytes of K2). Pure functions over bytes.
 *
 * @param suite the negotiated cipher suite
 * @param sik   session integrity key (empty for RAKP-none)
 * @param k1    additional key 1, the integrity key (empty for RAKP-none)
 * @param k2    additional key 2, the encryption key source (empty for RAKP-none)
 */
public record SessionKeys(CipherSuite suite, byte[] sik, byte[] k1, byte[] k2) {
    /** K1 and K2 are HMACs of these 20-byte constants, with SHA-256 too (ipmitool and FreeIPMI agree). */
    private static final byte[] CONST_1 = filled(0x01);
    private static final byte[] CONST_2 = filled(0x02);
    public static final int AES_BLOCK = 16;

    /**
     * Derives SIK = HMAC_KG(Rm | Rc | role | name length | name), K1 and K2.
     *
     * @param kg   the BMC key Kg when one is set, else Kuid (the user's password padded to 20 bytes)
     * @param rm   the console's random number (RAKP 1)
     * @param rc   the BMC's random number (RAKP 2)
     * @param role the requested role byte of RAKP 1, lookup bit included
     * @param name the user name as RAKP 1 carried it
     */
    public static SessionKeys derive(CipherSuite suite, byte[] kg, byte[] rm, byte[] rc, int role, byte[] name) {
        String alg = suite.rakpHmac();
        if (alg == null) {
            return none(suite);
        }
        byte[] sik = Hmac.of(alg, kg, rm, rc, new byte[] {(byte) role, (byte) name.length}, name);
        return new SessionKeys(suite, sik, Hmac.of(alg, sik, CONST_1), Hmac.of(alg, sik, CONST_2));
    }

    /** Cipher suite 0: no keys, nothing authenticated or encrypted. */
    public static SessionKeys none(CipherSuite suite) {
        if (suite.rakpHmac() != null) {
            throw new IllegalArgumentException(suite + " derives keys");
        }
        return new SessionKeys(suite, new byte[0], new byte[0], new byte[0]);
    }

    /**
     * Builds the RMCP+ session wrapper of a payload as the suite demands: encrypted with a fresh IV when the suite
     * has confidentiality, with integrity pad, pad length, next header and auth code when it has integrity.
     *
     * @param iv 16 random bytes (ignored without confidentiality)
     * @return the RMCP body (everything after the RMCP header)
     */
    public byte[] seal(int payloadType, int sessionId, int sequence, byte[] plaintext, byte[] iv) {
        byte[] payload = suite.encrypted() ? encrypt(plaintext, iv) : plaintext;
        RmcpPlusPacket p = new RmcpPlusPacket(payloadType, suite.encrypted(), suite.authenticated(), 0, 0, sessionId, sequence,
                payload, new byte[0]);
        byte[] head = p.encodeWithoutTrailer();
        if (!suite.authenticated()) {
            return head;
        }
        // Pad so that everything from the auth type through the next header is a multiple of 4 bytes.
        int pad = (4 - (head.length + 2) % 4) % 4;
        ByteWriter w = new ByteWriter().bytes(head);
        for (int i = 0; i < pad; i++) {
            w.u8(0xFF);
        }
        byte[] covered = w.u8(pad).u8(RmcpPlusPacket.NEXT_HEADER).toByteArray();
        return new ByteWriter().bytes(covered).bytes(authCode(covered)).toByteArray();
    }

    /** The integrity auth code of the covered bytes (auth type through next header). */
    public byte[] authCode(byte[] covered) {
        return Arrays.copyOf(Hmac.of(suite.integrityHmac(), k1, covered), suite.integrityCodeLength());
    }

    /**
     * Checks the trailer of an authenticated packet: pad length, next header and, in constant time, the auth code.
     *
     * @param rmcpBody the bytes {@code packet} was decoded from
     * @return false for an unauthenticated packet, a malformed trailer or a wrong auth code
     */
    public boolean integrityValid(byte[] rmcpBody, RmcpPlusPacket packet) {
        int n = suite.integrityCodeLength();
        if (!packet.authenticated() || n == 0) {
            return false;
        }
        int payloadEnd = packet.headerLength() + packet.payload().length;
        int codeAt = rmcpBody.length - n;
        int pad = codeAt - 2 - payloadEnd;
        if (pad < 0 || pad > 3 || (rmcpBody[codeAt - 1] & 0xFF) != RmcpPlusPacket.NEXT_HEADER || (rmcpBody[codeAt - 2] & 0xFF) != pad) {
            return false;
        }
        byte[] expected = authCode(Arrays.copyOf(rmcpBody, codeAt));
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(rmcpBody, codeAt, rmcpBody.length));
    }

    /** The payload in clear: decrypted when the packet says it is encrypted. */
    public byte[] plaintext(RmcpPlusPacket packet) {
        if (!packet.encrypted()) {
            return packet.payload();
        }
        if (!suite.encrypted()) {
            throw new MalformedPacketException("encrypted payload in a session without confidentiality");
        }
        return decrypt(packet.payload());
    }

    /** AES-CBC-128 with K2: IV, then the ciphertext of data | pad 1, 2, ... | pad length. */
    public byte[] encrypt(byte[] data, byte[] iv) {
        if (iv.length != AES_BLOCK) {
            throw new IllegalArgumentException("IV must be 16 bytes");
        }
        int pad = (AES_BLOCK - (data.length + 1) % AES_BLOCK) % AES_BLOCK;
        byte[] plain = Arrays.copyOf(data, data.length + pad + 1);
        for (int i = 1; i <= pad; i++) {
            plain[data.length + i - 1] = (byte) i;
        }
        plain[plain.length - 1] = (byte) pad;
        byte[] ct = aes(Cipher.ENCRYPT_MODE, iv, plain, 0, plain.length);
        return new ByteWriter().bytes(iv).bytes(ct).toByteArray();
    }

    /** Reverses {@link #encrypt}; a wrong length or pad is a {@link MalformedPacketException}. */
    public byte[] decrypt(byte[] payload) {
        if (payload.length < 2 * AES_BLOCK || payload.length % AES_BLOCK != 0) {
            throw new MalformedPacketException("encrypted payload of " + payload.length + " bytes is not IV plus whole AES blocks");
        }
        byte[] plain = aes(Cipher.DECRYPT_MODE, Arrays.copyOf(payload, AES_BLOCK), payload, AES_BLOCK, payload.length - AES_BLOCK);
        int pad = plain[plain.length - 1] & 0xFF;
        if (pad >= AES_BLOCK) {
            throw new MalformedPacketException("confidentiality pad length " + pad);
        }
        int dataLength = plain.length - 1 - pad;
        for (int i = 1; i <= pad; i++) {
            if ((plain[dataLength + i - 1] & 0xFF) != i) {
                throw new MalformedPacketException("confidentiality pad is not 1, 2, 3, ...");
            }
        }
        return Arrays.copyOf(plain, dataLength);
    }

    private byte[] aes(int mode, byte[] iv, byte[] in, int off, int len) {
        try {
            Cipher c = CryptoInstances.cipher("AES/CBC/NoPadding");
            c.init(mode, new SecretKeySpec(k2, 0, AES_BLOCK, "AES"), new IvParameterSpec(iv));
            return c.doFinal(in, off, len);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC unavailable in this JDK", e);
        }
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Override
    public String toString() {
        return "SessionKeys[" + suite + "]"; // never the keys themselves
    }
}
