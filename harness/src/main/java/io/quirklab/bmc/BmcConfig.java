package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything that makes one simulated BMC differ from another.
 *
 * @param identity    Get Device ID / GUID / FRU identity
 * @param users       users in ID order
 * @param authTypes   auth types the LAN channel enables; NONE only with {@link FirmwareQuirk#AUTH_NONE_ACCEPTED} (it is
 *                    added with the quirk and removed without it)
 * @param quirks      firmware quirks in force
 * @param maxSessions size of the session table (active sessions)
 * @param idleTimeout a session idle for longer is closed
 * @param cipherSuites RMCP+ cipher suites offered; empty for an IPMI 1.5-only BMC, which drops RMCP+ datagrams.
 *                    Suite 0 only with {@link FirmwareQuirk#CIPHER_ZERO} (added with it on a 2.0 BMC, removed without)
 * @param kg          the BMC key Kg (20 bytes) that RMCP+ session keys derive from, or null to derive them from the
 *                    user's password
 */
public record BmcConfig(BmcIdentity identity, List<User> users, Set<AuthType> authTypes, Set<FirmwareQuirk> quirks,
                        int maxSessions, Duration idleTimeout, Set<CipherSuite> cipherSuites, byte[] kg) {
    public static final String DEFAULT_USER = "admin";
    public static final String DEFAULT_PASSWORD = "secret";

    public BmcConfig {
        users = List.copyOf(users);
        quirks = quirks.isEmpty() ? EnumSet.noneOf(FirmwareQuirk.class) : EnumSet.copyOf(quirks);
        // Unauthenticated logins exist only as named firmware quirks, never by default (issue 16).
        authTypes = authTypes.isEmpty() ? EnumSet.noneOf(AuthType.class) : EnumSet.copyOf(authTypes);
        if (quirks.contains(FirmwareQuirk.AUTH_NONE_ACCEPTED)) {
            authTypes.add(AuthType.NONE);
        } else {
            authTypes.remove(AuthType.NONE);
        }
        if (maxSessions < 1 || maxSessions > 63) {
            throw new IllegalArgumentException("maxSessions must be 1..63");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
        cipherSuites = cipherSuites.isEmpty() ? EnumSet.noneOf(CipherSuite.class) : EnumSet.copyOf(cipherSuites);
        if (!quirks.contains(FirmwareQuirk.CIPHER_ZERO)) {
            cipherSuites.remove(CipherSuite.SUITE_0);
        } else if (!cipherSuites.isEmpty()) {
            cipherSuites.add(CipherSuite.SUITE_0);
        }
        if (kg != null && kg.length != RakpMessages.KEY_LENGTH) {
            throw new IllegalArgumentException("Kg must be 20 bytes");
        }
        kg = kg == null ? null : kg.clone();
    }

    /** An IPMI 1.5-only configuration, as before RMCP+ existed. */
    public BmcConfig(BmcIdentity identity, List<User> users, Set<AuthType> authTypes, Set<FirmwareQuirk> quirks,
                     int maxSessions, Duration idleTimeout) {
        this(identity, users, authTypes, quirks, maxSessions, idleTimeout, EnumSet.noneOf(CipherSuite.class), null);
    }

    /**
     * The Tyan SMDC defaults: user admin/secret (ADMINISTRATOR), auth MD2/MD5/password (NONE only with its quirk), 4
     * sessions, 60 s idle.
     */
    public static BmcConfig smdcDefaults() {
        return new BmcConfig(BmcIdentity.tyanSmdc(),
                List.of(new User(2, DEFAULT_USER, DEFAULT_PASSWORD, Privilege.ADMINISTRATOR)),
                EnumSet.of(AuthType.MD2, AuthType.MD5, AuthType.PASSWORD),
                EnumSet.noneOf(FirmwareQuirk.class), 4, Duration.ofSeconds(60));
    }

    public BmcConfig withUsers(List<User> newUsers) {
        return new BmcConfig(identity, newUsers, authTypes, quirks, maxSessions, idleTimeout, cipherSuites, kg);
    }

    public BmcConfig withQuirks(Set<FirmwareQuirk> newQuirks) {
        return new BmcConfig(identity, users, authTypes, newQuirks, maxSessions, idleTimeout, cipherSuites, kg);
    }

    public BmcConfig withAuthTypes(Set<AuthType> newTypes) {
        return new BmcConfig(identity, users, newTypes, quirks, maxSessions, idleTimeout, cipherSuites, kg);
    }

    public BmcConfig withMaxSessions(int n) {
        return new BmcConfig(identity, users, authTypes, quirks, n, idleTimeout, cipherSuites, kg);
    }

    public BmcConfig withIdleTimeout(Duration d) {
        return new BmcConfig(identity, users, authTypes, quirks, maxSessions, d, cipherSuites, kg);
    }

    public BmcConfig withIdentity(BmcIdentity id) {
        return new BmcConfig(id, users, authTypes, quirks, maxSessions, idleTimeout, cipherSuites, kg);
    }

    /** Offers exactly these RMCP+ cipher suites; none makes the BMC IPMI 1.5-only again. */
    public BmcConfig withCipherSuites(Set<CipherSuite> suites) {
        return new BmcConfig(identity, users, authTypes, quirks, maxSessions, idleTimeout, suites, kg);
    }

    /** IPMI 1.5 and 2.0: every cipher suite the project implements (1, 2, 3, 17; and 0 with the cipher-zero quirk). */
    public BmcConfig withIpmi20() {
        return withCipherSuites(EnumSet.allOf(CipherSuite.class));
    }

    /** Sets the BMC key Kg (null: session keys derive from the user's password, as without Kg). */
    public BmcConfig withKg(byte[] key) {
        return new BmcConfig(identity, users, authTypes, quirks, maxSessions, idleTimeout, cipherSuites, key == null ? null : key.clone());
    }

    /** True when the BMC speaks RMCP+ (IPMI 2.0) besides IPMI 1.5. */
    public boolean ipmi20() {
        return !cipherSuites.isEmpty();
    }

    /** The highest privilege any user may take: what an Open Session asking for "the highest" is granted. */
    public Privilege highestPrivilege() {
        return users.stream().map(User::maxPrivilege).max(Privilege::compareTo).orElse(Privilege.CALLBACK);
    }

    /** Users from command-line specs, numbered from 2 as IPMI reserves ID 1 for the null user. */
    public static List<User> parseUsers(List<String> specs) {
        List<User> out = new ArrayList<>();
        for (String s : specs) {
            out.add(User.parse(out.size() + 2, s));
        }
        return out;
    }

    public boolean has(FirmwareQuirk q) {
        return quirks.contains(q);
    }
}
