package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.SessionKeys;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Pending IPMI 1.5 challenges, pending RMCP+ set-ups and active sessions of both kinds, all bounded. Not
 * thread-safe: the BMC serialises access.
 */
final class SessionTable {
    /**
     * Challenges and RMCP+ set-ups not completed within this time are forgotten: a console finishes its set-up in
     * milliseconds, so half-open entries expire fast instead of piling up.
     */
    static final long CHALLENGE_TTL_MILLIS = 5_000;
    /**
     * At most this many outstanding challenges (and as many RMCP+ set-ups); the oldest is evicted, so a flood cannot grow
     * memory. With the global budget ({@link ActivationLimiter#GLOBAL_PER_SECOND}) a legitimate client's entry lives at
     * least half a second under a flood, hundreds of round trips.
     */
    static final int MAX_PENDING = 128;

    record Challenge(int tempId, byte[] challenge, User user, AuthType authType, InetSocketAddress peer, long createdMillis) {
    }

    private final int capacity;
    private final long idleMillis;
    private final RandomGenerator random;
    private final Map<Integer, Challenge> pending = new LinkedHashMap<>();
    private final Map<Integer, Session> active = new LinkedHashMap<>();
    private final Map<Integer, RakpHandshake> handshakes = new LinkedHashMap<>();
    private final ActivationLimiter limiter = new ActivationLimiter();
    private int nextHandle = 1;

    SessionTable(int capacity, long idleMillis, RandomGenerator random) {
        this.capacity = capacity;
        this.idleMillis = idleMillis;
        this.random = random;
    }

    int capacity() {
        return capacity;
    }

    Challenge newChallenge(User user, AuthType authType, InetSocketAddress peer, long now) {
        expire(now);
        evict(pending, Challenge::peer, now);
        int tempId = freshId();
        byte[] c = new byte[16];
        random.nextBytes(c);
        Challenge ch = new Challenge(tempId, c, user, authType, peer, now);
        pending.put(tempId, ch);
        return ch;
    }

    Optional<Challenge> challenge(int tempId, long now) {
        expire(now);
        return Optional.ofNullable(pending.get(tempId));
    }

    /**
     * Charges one activation message from {@code peer} to its source's budget and the global one; false: drop it
     * (rate-limited).
     */
    boolean admitAttempt(InetSocketAddress peer, ActivationLimiter.Work work, long now) {
        return peer == null || peer.getAddress() == null
                || limiter.tryAcquire(peer.getAddress(), work, now) == ActivationLimiter.Admission.ADMITTED;
    }

    /** Attempts refused because the global budget for unauthenticated work was spent. */
    long refusedByGlobalBudget() {
        return limiter.refusedGlobal();
    }

    /** A set-up of {@code messages} activation messages ended in an authenticated session: they were free. */
    void rewardSetUp(InetSocketAddress peer, int messages, long now) {
        if (peer != null && peer.getAddress() != null) {
            limiter.reward(peer.getAddress(), messages, now);
        }
    }

    /**
     * True when a session of this kind could be activated now: a slot is free, or (for an authenticated one) an
     * unauthenticated session holds a slot it may take.
     */
    boolean hasRoomFor(boolean authenticated, long now) {
        expire(now);
        return active.size() < capacity || authenticated && active.values().stream().anyMatch(s -> !s.authenticated());
    }

    /**
     * Makes room for a new session: a free slot, or for an authenticated session the slot of the least recently
     * active unauthenticated one (NONE or cipher suite 0, under their quirks), which is closed. Sessions that
     * authenticated keep their slots until they close or idle out, as on a real BMC.
     *
     * @return false when the table is full of authenticated sessions (or of any, for an unauthenticated newcomer)
     */
    boolean makeRoomFor(boolean authenticated, long now) {
        expire(now);
        if (active.size() < capacity) {
            return true;
        }
        if (!authenticated) {
            return false;
        }
        Session victim = null;
        for (Session s : active.values()) {
            if (!s.authenticated() && (victim == null || s.lastActivityMillis() < victim.lastActivityMillis())) {
                victim = s;
            }
        }
        if (victim == null) {
            return false;
        }
        active.remove(victim.id());
        return true;
    }

    Session activate(Challenge ch, Privilege maxPrivilege, InetSocketAddress peer, int initialOutbound, long now) {
        pending.remove(ch.tempId());
        int id = freshId();
        int inbound = random.nextInt() | 1; // any non-zero start
        Session s = new Session(nextHandle(), id, ch.user(), ch.authType(), maxPrivilege, peer, inbound, initialOutbound, now);
        active.put(id, s);
        return s;
    }

    /** Starts an RMCP+ set-up after an Open Session request; its BMC session ID is fresh and non-zero. */
    RakpHandshake newHandshake(int consoleId, CipherSuite suite, Privilege maxPrivilege, InetSocketAddress peer, long now) {
        expire(now);
        evict(handshakes, h -> h.peer, now);
        RakpHandshake h = new RakpHandshake(freshId(), consoleId, suite, maxPrivilege, peer, now);
        handshakes.put(h.bmcId, h);
        return h;
    }

    Optional<RakpHandshake> handshake(int bmcId, long now) {
        expire(now);
        return Optional.ofNullable(handshakes.get(bmcId));
    }

    void abandon(RakpHandshake h) {
        handshakes.remove(h.bmcId);
    }

    /** RAKP 3 verified: the set-up becomes an active session under the same BMC session ID. */
    Session activate(RakpHandshake h, SessionKeys keys, long now) {
        handshakes.remove(h.bmcId);
        Session s = new Session(nextHandle(), h.bmcId, h.user(), h.requestedPrivilege(), h.peer, h.consoleId, keys, now);
        active.put(s.id(), s);
        return s;
    }

    int handshakeCount() {
        return handshakes.size();
    }

    Optional<Session> session(int id, long now) {
        expire(now);
        return Optional.ofNullable(active.get(id));
    }

    boolean close(int id) {
        return active.remove(id) != null;
    }

    Collection<Session> active() {
        return List.copyOf(active.values());
    }

    /**
     * The BMC restarted (Cold Reset): every active session, pending challenge and RMCP+ set-up is gone, so requests in
     * an old session are dropped as from an unknown session. The activation limiter's budgets stay: they guard the
     * BMC, not a session.
     */
    void clear() {
        pending.clear();
        active.clear();
        handshakes.clear();
    }

    int activeCount() {
        return active.size();
    }

    int pendingCount() {
        return pending.size();
    }

    /**
     * Makes room in a full table of set-ups: the oldest one of a source that keeps asking (a flooder) goes first, so a
     * client's set-up under way survives a flood; when every source asked for little, the oldest.
     */
    private <T> void evict(Map<Integer, T> map, Function<T, InetSocketAddress> peerOf, long now) {
        if (map.size() < MAX_PENDING) {
            return;
        }
        Iterator<T> it = map.values().iterator();
        while (it.hasNext()) {
            InetSocketAddress p = peerOf.apply(it.next());
            if (p != null && p.getAddress() != null && limiter.asksMuch(p.getAddress(), now)) {
                it.remove();
                return;
            }
        }
        Iterator<Integer> eldest = map.keySet().iterator();
        eldest.next();
        eldest.remove();
    }

    /** Forgets stale challenges and set-ups and closes idle sessions. */
    void expire(long now) {
        pending.values().removeIf(c -> now - c.createdMillis() > CHALLENGE_TTL_MILLIS);
        handshakes.values().removeIf(h -> now - h.createdMillis > CHALLENGE_TTL_MILLIS);
        active.values().removeIf(s -> now - s.lastActivityMillis() > idleMillis);
    }

    private int nextHandle() {
        // Handles are 1..255 and must not collide with a live session's.
        for (int i = 0; i < 255; i++) {
            int h = nextHandle;
            nextHandle = nextHandle % 255 + 1;
            boolean used = false;
            for (Session s : active.values()) {
                used |= s.handle() == h;
            }
            if (!used) {
                return h;
            }
        }
        throw new IllegalStateException("no free session handle");
    }

    private int freshId() {
        while (true) {
            int id = random.nextInt();
            if (id != 0 && !active.containsKey(id) && !pending.containsKey(id) && !handshakes.containsKey(id)) {
                return id;
            }
        }
    }

    List<Session> snapshot() {
        return new ArrayList<>(active.values());
    }
}
