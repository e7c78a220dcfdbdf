package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.SessionKeys;
import java.net.InetSocketAddress;

/** One active session, IPMI 1.5 or RMCP+ (IPMI 2.0). Mutated only under the BMC's lock. */
public final class Session {
    /** IPMI 1.5 accepts inbound sequence numbers up to 8 either side of the highest seen (v1.5 section 6.12.13). */
    static final int WINDOW = 8;
    /** RMCP+ sessions track a window of 32: up to 16 either side of the highest seen (v2.0 section 6.12.13). */
    static final int WINDOW_RMCP_PLUS = 16;

    private final int handle;
    private final int id;
    private final User user;
    private final AuthType authType;
    private final Privilege maxPrivilege;
    private final InetSocketAddress peer;
    private final int consoleId;
    private final SessionKeys keys;
    private final int window;
    private Privilege privilege;
    private boolean inboundStarted;
    private int highestInbound;
    private int seenBelow; // bit i set: highestInbound - 1 - i was received
    private int nextOutbound;
    private boolean reuseOutboundOnce;
    private long lastActivityMillis;

    /** An IPMI 1.5 session, activated with the console's initial outbound number and ours. */
    Session(int handle, int id, User user, AuthType authType, Privilege maxPrivilege, InetSocketAddress peer,
            int initialInbound, int initialOutbound, long nowMillis) {
        this(handle, id, user, authType, maxPrivilege, peer, 0, null, WINDOW, nowMillis);
        this.inboundStarted = true;
        this.highestInbound = initialInbound - 1;
        this.nextOutbound = initialOutbound;
    }

    /**
     * An RMCP+ session after RAKP 3: the console's first authenticated packet starts the inbound window, and our
     * outbound numbers count from 1.
     */
    Session(int handle, int id, User user, Privilege maxPrivilege, InetSocketAddress peer, int consoleId, SessionKeys keys,
            long nowMillis) {
        this(handle, id, user, null, maxPrivilege, peer, consoleId, keys, WINDOW_RMCP_PLUS, nowMillis);
        this.nextOutbound = 1;
    }

    private Session(int handle, int id, User user, AuthType authType, Privilege maxPrivilege, InetSocketAddress peer,
                    int consoleId, SessionKeys keys, int window, long nowMillis) {
        this.handle = handle;
        this.id = id;
        this.user = user;
        this.authType = authType;
        this.maxPrivilege = maxPrivilege;
        this.peer = peer;
        this.consoleId = consoleId;
        this.keys = keys;
        this.window = window;
        this.lastActivityMillis = nowMillis;
        // Sessions start at User level, or lower when that is all the session may have.
        this.privilege = maxPrivilege.atLeast(Privilege.USER) ? Privilege.USER : maxPrivilege;
    }

    public int handle() {
        return handle;
    }

    /** The BMC's session ID: what the console puts in its packets. */
    public int id() {
        return id;
    }

    public User user() {
        return user;
    }

    /** The IPMI 1.5 auth type, or null for an RMCP+ session. */
    public AuthType authType() {
        return authType;
    }

    /**
     * False for sessions any password opens: IPMI 1.5 auth type NONE and RMCP+ suite 0 (only under their firmware
     * quirks). Such sessions give their slot up to an authenticated newcomer when the table is full.
     */
    public boolean authenticated() {
        return keys != null ? keys.suite().authAlg() != CipherSuite.Alg.RAKP_NONE : authType != AuthType.NONE;
    }

    public boolean isRmcpPlus() {
        return keys != null;
    }

    /** RMCP+: the console's session ID, what our responses carry. 0 for IPMI 1.5. */
    public int consoleId() {
        return consoleId;
    }

    /** RMCP+: the session's cipher suite and keys; null for IPMI 1.5. */
    SessionKeys keys() {
        return keys;
    }

    public Privilege maxPrivilege() {
        return maxPrivilege;
    }

    public Privilege privilege() {
        return privilege;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    /** The first inbound sequence number the console should use, as Activate Session announces it. */
    int highestInboundPlusOne() {
        return highestInbound + 1;
    }

    void privilege(Privilege p) {
        privilege = p;
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
    }

    /**
     * Accepts an inbound sequence number if it is inside the window and not seen before.
     *
     * @return false for replays and numbers outside the window
     */
    boolean acceptInbound(int seq) {
        if (!inboundStarted) {
            inboundStarted = true;
            highestInbound = seq;
            return true;
        }
        int delta = seq - highestInbound; // wraps correctly in int arithmetic
        if (delta > 0 && delta <= window) {
            seenBelow = delta >= 32 ? 0 : (seenBelow << delta) | (1 << (delta - 1));
            highestInbound = seq;
            return true;
        }
        if (delta < 0 && delta >= -window) {
            int bit = 1 << (-delta - 1);
            if ((seenBelow & bit) != 0) {
                return false;
            }
            seenBelow |= bit;
            return true;
        }
        return false;
    }

    /** Next outbound sequence number; never 0, which means "no session" on the wire. */
    int takeOutbound() {
        int seq = nextOutbound;
        if (reuseOutboundOnce) {
            reuseOutboundOnce = false;
            return seq - 1 == 0 ? -1 : seq - 1;
        }
        nextOutbound = seq + 1 == 0 ? 1 : seq + 1;
        return seq;
    }

    /** For the reused-sequence quirk: the next response repeats the previous outbound number. */
    void reuseOutboundOnce() {
        reuseOutboundOnce = true;
    }
}
