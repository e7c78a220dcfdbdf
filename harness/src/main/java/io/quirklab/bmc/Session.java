package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;

/** One active IPMI 1.5 session. Mutated only under the BMC's lock. */
public final class Session {
    /** IPMI 1.5 accepts inbound sequence numbers up to 8 either side of the highest seen (v1.5 section 6.12.13). */
    static final int WINDOW = 8;

    private final int handle;
    private final int id;
    private final User user;
    private final AuthType authType;
    private final Privilege maxPrivilege;
    private final InetSocketAddress peer;
    private Privilege privilege;
    private int highestInbound;
    private int seenBelow; // bit i set: highestInbound - 1 - i was received
    private int nextOutbound;
    private boolean reuseOutboundOnce;
    private long lastActivityMillis;

    Session(int handle, int id, User user, AuthType authType, Privilege maxPrivilege, InetSocketAddress peer,
            int initialInbound, int initialOutbound, long nowMillis) {
        this.handle = handle;
        this.id = id;
        this.user = user;
        this.authType = authType;
        this.maxPrivilege = maxPrivilege;
        this.peer = peer;
        // IPMI 1.5 sessions start at User level, or lower when that is all the session may have.
        this.privilege = maxPrivilege.atLeast(Privilege.USER) ? Privilege.USER : maxPrivilege;
        this.highestInbound = initialInbound - 1;
        this.seenBelow = 0;
        this.nextOutbound = initialOutbound;
        this.lastActivityMillis = nowMillis;
    }

    public int handle() {
        return handle;
    }

    public int id() {
        return id;
    }

    public User user() {
        return user;
    }

    public AuthType authType() {
        return authType;
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
        int delta = seq - highestInbound; // wraps correctly in int arithmetic
        if (delta > 0 && delta <= WINDOW) {
            seenBelow = delta >= 32 ? 0 : (seenBelow << delta) | (1 << (delta - 1));
            highestInbound = seq;
            return true;
        }
        if (delta < 0 && delta >= -WINDOW) {
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
