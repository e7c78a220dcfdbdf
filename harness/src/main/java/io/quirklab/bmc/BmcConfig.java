package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.Privilege;
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
 * @param authTypes   auth types the LAN channel enables
 * @param quirks      firmware quirks in force
 * @param maxSessions size of the session table (active sessions)
 * @param idleTimeout a session idle for longer is closed
 */
public record BmcConfig(BmcIdentity identity, List<User> users, Set<AuthType> authTypes, Set<FirmwareQuirk> quirks,
                        int maxSessions, Duration idleTimeout) {
    public static final String DEFAULT_USER = "admin";
    public static final String DEFAULT_PASSWORD = "secret";

    public BmcConfig {
        users = List.copyOf(users);
        authTypes = authTypes.isEmpty() ? EnumSet.noneOf(AuthType.class) : EnumSet.copyOf(authTypes);
        quirks = quirks.isEmpty() ? EnumSet.noneOf(FirmwareQuirk.class) : EnumSet.copyOf(quirks);
        if (maxSessions < 1 || maxSessions > 63) {
            throw new IllegalArgumentException("maxSessions must be 1..63");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
    }

    /** The Tyan SMDC defaults: user admin/secret (ADMINISTRATOR), auth none/MD2/MD5/password, 4 sessions, 60 s idle. */
    public static BmcConfig smdcDefaults() {
        return new BmcConfig(BmcIdentity.tyanSmdc(),
                List.of(new User(2, DEFAULT_USER, DEFAULT_PASSWORD, Privilege.ADMINISTRATOR)),
                EnumSet.of(AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.PASSWORD),
                EnumSet.noneOf(FirmwareQuirk.class), 4, Duration.ofSeconds(60));
    }

    public BmcConfig withUsers(List<User> newUsers) {
        return new BmcConfig(identity, newUsers, authTypes, quirks, maxSessions, idleTimeout);
    }

    public BmcConfig withQuirks(Set<FirmwareQuirk> newQuirks) {
        return new BmcConfig(identity, users, authTypes, newQuirks, maxSessions, idleTimeout);
    }

    public BmcConfig withAuthTypes(Set<AuthType> newTypes) {
        return new BmcConfig(identity, users, newTypes, quirks, maxSessions, idleTimeout);
    }

    public BmcConfig withMaxSessions(int n) {
        return new BmcConfig(identity, users, authTypes, quirks, n, idleTimeout);
    }

    public BmcConfig withIdleTimeout(Duration d) {
        return new BmcConfig(identity, users, authTypes, quirks, maxSessions, d);
    }

    public BmcConfig withIdentity(BmcIdentity id) {
        return new BmcConfig(id, users, authTypes, quirks, maxSessions, idleTimeout);
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
