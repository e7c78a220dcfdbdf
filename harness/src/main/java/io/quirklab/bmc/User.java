package io.quirklab.bmc;

import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;

/**
 * A BMC user.
 *
 * @param id           user ID as Get Session Info reports it (1 is the null user)
 * @param name         user name (empty for the null user), at most 16 bytes
 * @param password     password, at most 16 bytes for IPMI 1.5
 * @param maxPrivilege highest privilege the user may take on the LAN channel
 */
public record User(int id, String name, String password, Privilege maxPrivilege) {
    public User {
        AuthCodes.pad16(name);
        AuthCodes.pad16(password);
    }

    /** Parses the command-line form {@code name:password[:PRIVILEGE]} (privilege defaults to ADMINISTRATOR). */
    public static User parse(int id, String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("user '" + spec + "': expected name:password[:PRIVILEGE]");
        }
        Privilege p = parts.length == 3 ? Privilege.parse(parts[2]) : Privilege.ADMINISTRATOR;
        return new User(id, parts[0], parts[1], p);
    }

    public byte[] password16() {
        return AuthCodes.pad16(password);
    }

    /** Kuid: the password as the 20-byte key of the RMCP+ key exchange. */
    public byte[] key20() {
        return RakpMessages.key20(password);
    }
}
