package io.quirklab.client;

import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import io.quirklab.ipmi.RakpMessages.OpenSessionRequest;
import io.quirklab.ipmi.RakpMessages.OpenSessionResponse;
import io.quirklab.ipmi.RakpMessages.Rakp1;
import io.quirklab.ipmi.RakpMessages.Rakp2;
import io.quirklab.ipmi.RakpMessages.Rakp3;
import io.quirklab.ipmi.RakpMessages.Rakp4;
import io.quirklab.ipmi.SessionKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The console's side of the RMCP+ session set-up as pure steps over payload bytes, with no I/O: Open Session
 * request, RAKP 1, RAKP 3, each followed by checking the BMC's answer. The client sends them over its transport;
 * tests drive a simulated BMC with them directly and may tamper with the bytes in between.
 */
public final class RmcpPlusHandshake {
    private final CipherSuite suite;
    private final byte[] name;
    private final byte[] kuid;
    private final byte[] kg;
    private final Privilege privilege;
    private final RandomGenerator random;
    private final int consoleId;
    private final List<String> notes = new ArrayList<>();
    private int tag;
    private int bmcId;
    private byte[] rm;
    private byte[] rc;
    private byte[] guid;
    private SessionKeys keys;

    /**
     * @param kg        the BMC key Kg, or null to derive the session keys from the password
     * @param privilege the role asked for in RAKP 1; ADMINISTRATOR asks Open Session for "the highest", as ipmitool does
     */
    public RmcpPlusHandshake(CipherSuite suite, String user, String password, byte[] kg, Privilege privilege, RandomGenerator random) {
        this.suite = suite;
        this.name = user.getBytes(StandardCharsets.ISO_8859_1);
        if (name.length > RakpMessages.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("user names are at most 16 bytes");
        }
        this.kuid = RakpMessages.key20(password);
        this.kg = kg;
        this.privilege = privilege;
        this.random = random;
        this.consoleId = random.nextInt() | 1; // any non-zero ID
    }

    public CipherSuite suite() {
        return suite;
    }

    public int consoleId() {
        return consoleId;
    }

    public int bmcId() {
        return bmcId;
    }

    /** The tag the BMC must echo in its answer to the message last built. */
    public int tag() {
        return tag;
    }

    /** Sloppiness of the BMC that was tolerated. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public byte[] openSessionRequest() {
        tag = (tag + 1) & 0xFF;
        int asked = privilege == Privilege.ADMINISTRATOR ? 0 : privilege.level();
        return new OpenSessionRequest(tag, asked, consoleId, suite.authAlg(), suite.integrityAlg(), suite.confidentialityAlg()).encode();
    }

    public void openSessionResponse(byte[] payload) throws IpmiCallException {
        OpenSessionResponse rs = decode(() -> OpenSessionResponse.decode(payload), "Open Session response");
        if (rs.status() != RakpMessages.STATUS_OK) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "Open Session with " + suite + " refused: " + RakpMessages.describeStatus(rs.status()));
        }
        if (rs.authAlg() != suite.authAlg() || rs.integrityAlg() != suite.integrityAlg() || rs.confidentialityAlg() != suite.confidentialityAlg()) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, String.format("Open Session answered algorithms %d/%d/%d, not those of %s",
                    rs.authAlg(), rs.integrityAlg(), rs.confidentialityAlg(), suite));
        }
        if (rs.maxPrivilege() == 0) {
            notes.add("Open Session response names maximum privilege 0 instead of a real level (ipmi_sim), accepted");
        } else if (rs.maxPrivilege() < privilege.level()) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "Open Session grants at most " + Privilege.fromLevel(rs.maxPrivilege())
                    + ", " + privilege + " was asked for");
        }
        if (rs.bmcId() == 0) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, "Open Session response carries BMC session ID 0");
        }
        bmcId = rs.bmcId();
    }

    public byte[] rakp1() {
        tag = (tag + 1) & 0xFF;
        rm = new byte[RakpMessages.RANDOM_LENGTH];
        random.nextBytes(rm);
        return new Rakp1(tag, bmcId, rm, role(), name).encode();
    }

    /** Checks RAKP 2: status and, in constant time, the BMC's proof that it knows the same password. */
    public void rakp2(byte[] payload) throws IpmiCallException {
        Rakp2 m = decode(() -> Rakp2.decode(payload), "RAKP 2");
        if (m.status() != RakpMessages.STATUS_OK) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "RAKP 2 for user '" + new String(name, StandardCharsets.ISO_8859_1)
                    + "': " + RakpMessages.describeStatus(m.status()));
        }
        byte[] expected = RakpMessages.rakp2AuthCode(suite, kuid, consoleId, bmcId, rm, m.rc(), m.guid(), role(), name);
        if (!MessageDigest.isEqual(expected, m.authCode())) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "RAKP 2 key exchange auth code does not verify: wrong password");
        }
        rc = m.rc();
        guid = m.guid();
    }

    public byte[] rakp3() {
        tag = (tag + 1) & 0xFF;
        keys = suite.authAlg() == CipherSuite.Alg.RAKP_NONE ? SessionKeys.none(suite)
                : SessionKeys.derive(suite, kg != null ? kg : kuid, rm, rc, role(), name);
        return new Rakp3(tag, RakpMessages.STATUS_OK, bmcId, RakpMessages.rakp3AuthCode(suite, kuid, rc, consoleId, role(), name)).encode();
    }

    /** Checks RAKP 4 and returns the session's keys: its ICV proves the BMC derived the same SIK (same Kg). */
    public SessionKeys rakp4(byte[] payload) throws IpmiCallException {
        Rakp4 m = decode(() -> Rakp4.decode(payload), "RAKP 4");
        if (m.status() != RakpMessages.STATUS_OK) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "RAKP 4: " + RakpMessages.describeStatus(m.status()));
        }
        byte[] expected = RakpMessages.rakp4Icv(suite, keys.sik(), rm, bmcId, guid);
        if (!MessageDigest.isEqual(expected, m.icv())) {
            throw new IpmiCallException(Failure.AUTH_FAILED, "RAKP 4 integrity check value does not verify (wrong Kg?)");
        }
        return keys;
    }

    private int role() {
        return privilege.level() | RakpMessages.NAME_ONLY_LOOKUP;
    }

    private interface Decoder<T> {
        T get();
    }

    private static <T> T decode(Decoder<T> d, String what) throws IpmiCallException {
        try {
            return d.get();
        } catch (MalformedPacketException e) {
            throw new IpmiCallException(Failure.PROTOCOL_ERROR, what + ": " + e.getMessage());
        }
    }
}
