package io.quirklab.bmc;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The simulated BMC as a pure datagram-in, datagram-out machine: no sockets, so the UDP server and the raw-frame
 * responder share it. Every datagram is either answered or dropped with a named reason; nothing escapes.
 */
public final class SimulatedBmc {
    /** The SMDC's buffers are small; anything larger than this is not a real IPMI 1.5 request. */
    public static final int MAX_DATAGRAM = 512;

    private final BmcConfig config;
    private final BmcModel model;
    private final Clock clock;
    private final SessionTable sessions;
    private final CommandTable commands = new CommandTable();
    private final CommandDispatcher dispatcher;
    private final RmcpPlusEndpoint rmcpPlus;
    private final Map<Exchange.Drop, AtomicLong> drops = new EnumMap<>(Exchange.Drop.class);
    private final AtomicLong answered = new AtomicLong();

    public SimulatedBmc(BmcConfig config) {
        this(config, Clock.systemUTC(), new SecureRandom());
    }

    public SimulatedBmc(BmcConfig config, Clock clock, RandomGenerator random) {
        this.config = config;
        this.clock = clock;
        this.model = new BmcModel(config, clock);
        this.sessions = new SessionTable(config.maxSessions(), config.idleTimeout().toMillis(), random);
        for (Exchange.Drop d : Exchange.Drop.values()) {
            drops.put(d, new AtomicLong());
        }
        new SessionCommands(config, sessions).register(commands);
        AppCommands.register(commands);
        ChassisCommands.register(commands);
        StorageCommands.register(commands);
        LanCommands.register(commands, config.ipmi20());
        UserCommands.register(commands, config.ipmi20());
        McCommands.register(commands);
        PefCommands.register(commands);
        this.dispatcher = new CommandDispatcher(commands, model);
        this.rmcpPlus = config.ipmi20() ? new RmcpPlusEndpoint(config, model, sessions, dispatcher, random) : null;
    }

    public BmcConfig config() {
        return config;
    }

    public BmcModel model() {
        return model;
    }

    public long answeredCount() {
        return answered.get();
    }

    public long droppedCount(Exchange.Drop reason) {
        return drops.get(reason).get();
    }

    public synchronized int activeSessions() {
        sessions.expire(clock.millis());
        return sessions.activeCount();
    }

    public synchronized int pendingChallenges() {
        return sessions.pendingCount();
    }

    /** Activation attempts refused because the global budget for unauthenticated work was spent. */
    public synchronized long refusedByGlobalBudget() {
        return sessions.refusedByGlobalBudget();
    }

    /** RMCP+ session set-ups between Open Session and RAKP 3. */
    public synchronized int pendingHandshakes() {
        return sessions.handshakeCount();
    }

    /** Handles one UDP payload from {@code peer}. Never throws for any input. */
    public synchronized Exchange handle(byte[] datagram, InetSocketAddress peer) {
        Exchange e;
        int resets = model.coldResets();
        try {
            e = dispatch(datagram, peer);
        } catch (MalformedPacketException ex) {
            e = Exchange.dropped(Exchange.Drop.MALFORMED, ex.getMessage());
        } catch (RuntimeException ex) {
            // A bug in a handler must not take the BMC down; a real BMC would go silent too.
            e = Exchange.dropped(Exchange.Drop.MALFORMED, "internal error " + ex);
        }
        if (model.coldResets() != resets) {
            // The answer to Cold Reset is built (and signed in its session); then the BMC restarts and knows no session.
            sessions.clear();
        }
        if (e.answered()) {
            answered.incrementAndGet();
        } else {
            drops.get(e.drop()).incrementAndGet();
        }
        return e;
    }

    private Exchange dispatch(byte[] datagram, InetSocketAddress peer) {
        if (datagram.length > MAX_DATAGRAM) {
            return Exchange.dropped(Exchange.Drop.OVERSIZED, datagram.length + " bytes");
        }
        RmcpPacket rmcp;
        try {
            rmcp = RmcpPacket.decode(datagram);
        } catch (MalformedPacketException ex) {
            return Exchange.dropped(Exchange.Drop.NOT_RMCP, ex.getMessage());
        }
        if (rmcp.isAck()) {
            return Exchange.dropped(Exchange.Drop.UNSUPPORTED_CLASS, "RMCP ACK");
        }
        if (rmcp.classId() == RmcpPacket.CLASS_ASF) {
            return asf(rmcp);
        }
        if (rmcp.classId() != RmcpPacket.CLASS_IPMI) {
            return Exchange.dropped(Exchange.Drop.UNSUPPORTED_CLASS, "RMCP class " + rmcp.classId());
        }
        long now = clock.millis();
        if (Session15Packet.isRmcpPlus(rmcp.body())) {
            if (rmcpPlus == null) {
                return Exchange.dropped(Exchange.Drop.RMCP_PLUS_UNSUPPORTED, "IPMI 2.0 payload to a 1.5-only BMC");
            }
            return rmcpPlus.handle(rmcp.body(), peer, now);
        }
        Session15Packet pkt = Session15Packet.decode(rmcp.body());
        IpmiRequest rq = IpmiRequest.decode(pkt.message());
        if (pkt.sessionId() == 0) {
            return sessionless(pkt, rq, peer);
        }
        if (rq.netFn() == NetFn.APP && rq.cmd() == NetFn.Cmd.ACTIVATE_SESSION) {
            Optional<SessionTable.Challenge> ch = sessions.challenge(pkt.sessionId(), now);
            if (ch.isPresent()) {
                if (!sessions.admitAttempt(peer, ActivationLimiter.Work.FOLLOW_UP, now)) {
                    return Exchange.dropped(Exchange.Drop.RATE_LIMITED, "Activate Session");
                }
                return activate(pkt, rq, ch.get(), peer, now);
            }
        }
        Optional<Session> maybe = sessions.session(pkt.sessionId(), now);
        if (maybe.isEmpty()) {
            return Exchange.dropped(Exchange.Drop.UNKNOWN_SESSION, () -> String.format("session %08x", pkt.sessionId()));
        }
        return inSession(maybe.get(), pkt, rq, peer, now);
    }

    private Exchange asf(RmcpPacket rmcp) {
        AsfMessage m = AsfMessage.decode(rmcp.body());
        if (m.iana() != AsfMessage.ASF_IANA || m.type() != AsfMessage.TYPE_PING) {
            return Exchange.dropped(Exchange.Drop.UNSUPPORTED_CLASS, String.format("ASF type 0x%02x", m.type()));
        }
        AsfMessage pong = AsfMessage.pongTo(m, 0);
        return Exchange.answered(RmcpPacket.asf(pong.encode()).encode(), "ASF presence ping tag " + m.tag() + " -> pong");
    }

    private Exchange sessionless(Session15Packet pkt, IpmiRequest rq, InetSocketAddress peer) {
        Optional<CommandDispatcher.Outcome> outcome = dispatcher.sessionless(rq, peer);
        if (outcome.isEmpty()) {
            return Exchange.dropped(Exchange.Drop.NEEDS_SESSION, rq::toString);
        }
        Session15Packet out = Session15Packet.of(AuthType.NONE, 0, 0, null, outcome.get().response().encode());
        CommandDispatcher.Outcome o = outcome.get();
        return Exchange.answered(out.toDatagram(), () -> o.summary("no session"));
    }

    private Exchange activate(Session15Packet pkt, IpmiRequest rq, SessionTable.Challenge ch, InetSocketAddress peer, long now) {
        if (pkt.authType() != ch.authType()) {
            return Exchange.dropped(Exchange.Drop.AUTH_TYPE_MISMATCH, "Activate Session with " + pkt.authType() + ", challenge was for " + ch.authType());
        }
        byte[] pw = ch.user().password16();
        if (!AuthCodes.verify(pkt, pw)) {
            return Exchange.dropped(Exchange.Drop.BAD_AUTH_CODE, "Activate Session for user '" + ch.user().name() + "'");
        }
        byte[] d = rq.data();
        Reply reply;
        Session created = null;
        if (d.length < 22) {
            reply = Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        } else if (!MessageDigest.isEqual(java.util.Arrays.copyOfRange(d, 2, 18), ch.challenge())) {
            return Exchange.dropped(Exchange.Drop.BAD_CHALLENGE, "challenge string does not match");
        } else {
            int requested = d[1] & 0x0F;
            int initialOutbound = ByteBuffer.wrap(d, 18, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if ((d[0] & 0x0F) != ch.authType().code()) {
                reply = Reply.error(CompletionCode.INVALID_DATA_FIELD);
            } else if (requested < Privilege.CALLBACK.level() || requested > Privilege.OEM.level()) {
                reply = Reply.error(CompletionCode.INVALID_DATA_FIELD);
            } else if (requested > ch.user().maxPrivilege().level()) {
                reply = Reply.error(0x86); // requested maximum privilege exceeds user/channel limit
            } else if (initialOutbound == 0) {
                reply = Reply.error(CompletionCode.INVALID_DATA_FIELD);
            } else if (!sessions.makeRoomFor(ch.authType() != AuthType.NONE, now)) {
                reply = Reply.error(0x81); // no session slot available
            } else {
                created = sessions.activate(ch, Privilege.fromLevel(requested), peer, initialOutbound, now);
                if (created.authenticated()) {
                    sessions.rewardSetUp(peer, 2, now); // Get Session Challenge and Activate Session
                }
                reply = Reply.ok(new ByteWriter().u8(ch.authType().code()).u32le(created.id())
                        .u32le(createdInbound(created)).u8(requested).toByteArray());
            }
        }
        IpmiResponse rs = rq.respond(reply.completionCode(), reply.data());
        // The response still travels under the temporary ID, signed with the user's password.
        int seq = created != null ? created.takeOutbound() : 0;
        Session15Packet out = sign(Session15Packet.of(ch.authType(), seq, ch.tempId(), placeholder(ch.authType()), rs.encode()), pw);
        if (created != null && config.has(FirmwareQuirk.REUSED_SEQUENCE)) {
            created.reuseOutboundOnce();
        }
        String who = "user '" + ch.user().name() + "' " + ch.authType();
        return Exchange.answered(out.toDatagram(), created != null
                ? String.format("Activate Session %s -> session %08x at most %s", who, created.id(), created.maxPrivilege())
                : "Activate Session " + who + " -> " + CompletionCode.describe(reply.completionCode()));
    }

    private static int createdInbound(Session s) {
        // The first inbound number we accept is the one after the window's starting point.
        return s.highestInboundPlusOne();
    }

    private Exchange inSession(Session s, Session15Packet pkt, IpmiRequest rq, InetSocketAddress peer, long now) {
        if (s.isRmcpPlus()) {
            return Exchange.dropped(Exchange.Drop.AUTH_TYPE_MISMATCH, String.format("session %08x is an RMCP+ session, message has IPMI 1.5 %s", s.id(), pkt.authType()));
        }
        if (pkt.authType() != s.authType()) {
            return Exchange.dropped(Exchange.Drop.AUTH_TYPE_MISMATCH, String.format("session %08x uses %s, message has %s", s.id(), s.authType(), pkt.authType()));
        }
        if (!AuthCodes.verify(pkt, s.user().password16())) {
            return Exchange.dropped(Exchange.Drop.BAD_AUTH_CODE, String.format("session %08x", s.id()));
        }
        if (!s.acceptInbound(pkt.sequence())) {
            return Exchange.dropped(Exchange.Drop.OUT_OF_WINDOW, () -> String.format("session %08x sequence %08x", s.id(), pkt.sequence()));
        }
        s.touch(now);
        CommandDispatcher.Outcome outcome = dispatcher.inSession(s, rq, peer);
        int sid = config.has(FirmwareQuirk.SESSION_ID_ZERO) ? 0 : s.id();
        Session15Packet out = sign(Session15Packet.of(s.authType(), s.takeOutbound(), sid, placeholder(s.authType()),
                outcome.response().encode()), s.user().password16());
        return Exchange.answered(out.toDatagram(), () -> outcome.summary(String.format("session %08x", s.id())));
    }

    private static byte[] placeholder(AuthType t) {
        return t == AuthType.NONE ? null : new byte[Session15Packet.AUTH_CODE_LENGTH];
    }

    private static Session15Packet sign(Session15Packet p, byte[] password16) {
        return p.authType() == AuthType.NONE ? p : AuthCodes.sign(p, password16);
    }
}
