package io.quirklab.bmc;

import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;

/**
 * What a handler may see of the exchange it serves.
 *
 * @param model     the BMC's hardware state (chassis, sensors, SEL, FRU, identity)
 * @param session   the active session the request came in, or null outside a session
 * @param privilege the privilege the request runs at (CALLBACK-equivalent outside a session)
 * @param peer      where the request came from
 */
public record CommandContext(BmcModel model, Session session, Privilege privilege, InetSocketAddress peer) {
    public boolean inSession() {
        return session != null;
    }
}
