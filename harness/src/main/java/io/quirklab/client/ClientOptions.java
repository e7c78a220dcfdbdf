package io.quirklab.client;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.Privilege;
import java.time.Duration;

/**
 * How to reach one BMC.
 *
 * @param host      BMC address
 * @param port      UDP port (623)
 * @param user      user name
 * @param password  password
 * @param authType  auth type to use, or null to pick the strongest the BMC offers (MD5, MD2, password, none)
 * @param privilege privilege to run at (ipmitool's default is ADMINISTRATOR)
 * @param timeout   how long to wait for each reply
 * @param retries   retransmissions after the first attempt
 * @param lanplus   IPMI 2.0 / RMCP+ session options, or null for an IPMI 1.5 session
 */
public record ClientOptions(String host, int port, String user, String password, AuthType authType, Privilege privilege,
                            Duration timeout, int retries, Lanplus lanplus) {
    public ClientOptions {
        if (retries < 0 || retries > 20) {
            throw new IllegalArgumentException("retries must be 0..20");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > 60) {
            throw new IllegalArgumentException("timeout must be between 1 ms and 60 s");
        }
    }

    /** IPMI 1.5 options. */
    public ClientOptions(String host, int port, String user, String password, AuthType authType, Privilege privilege,
                         Duration timeout, int retries) {
        this(host, port, user, password, authType, privilege, timeout, retries, null);
    }

    public static ClientOptions of(String host, int port, String user, String password) {
        return new ClientOptions(host, port, user, password, null, Privilege.ADMINISTRATOR, Duration.ofSeconds(1), 2);
    }

    public ClientOptions withAuthType(AuthType t) {
        return new ClientOptions(host, port, user, password, t, privilege, timeout, retries, lanplus);
    }

    public ClientOptions withPrivilege(Privilege p) {
        return new ClientOptions(host, port, user, password, authType, p, timeout, retries, lanplus);
    }

    public ClientOptions withTimeout(Duration d, int r) {
        return new ClientOptions(host, port, user, password, authType, privilege, d, r, lanplus);
    }

    /** An IPMI 2.0 / RMCP+ session instead of IPMI 1.5 (null: back to 1.5). */
    public ClientOptions withLanplus(Lanplus l) {
        return new ClientOptions(host, port, user, password, authType, privilege, timeout, retries, l);
    }
}
