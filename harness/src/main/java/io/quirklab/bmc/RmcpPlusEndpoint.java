package io.quirklab.bmc;

import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import io.quirklab.ipmi.RakpMessages.OpenSessionRequest;
import io.quirklab.ipmi.RakpMessages.OpenSessionResponse;
import io.quirklab.ipmi.RakpMessages.Rakp1;
import io.quirklab.ipmi.RakpMessages.Rakp2;
import io.quirklab.ipmi.RakpMessages.Rakp3;
import io.quirklab.ipmi.RakpMessages.Rakp4;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.RmcpPlusPacket;
import io.quirklab.ipmi.SessionKeys;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The BMC's IPMI 2.0 side: RMCP+ session set-up (Open Session, RAKP 1-4), requests outside a session in RMCP+
 * format (Get Channel Cipher Suites), and authenticated, encrypted requests inside RMCP+ sessions, run by the same
 * {@link CommandDispatcher} as IPMI 1.5. Set-up errors are answered with their RMCP+ status code where the console
 * can be addressed; forged, replayed or unprotected packets are dropped.
 */
final class RmcpPlusEndpoint {
    private final BmcConfig config;
    private final BmcModel model;
    private final SessionTable sessions;
    private final CommandDispatcher dispatcher;
    private final RandomGenerator random;

    RmcpPlusEndpoint(BmcConfig config, BmcModel model, SessionTable sessions, CommandDispatcher dispatcher, RandomGenerator random) {
        this.config = config;
        this.model = model;
        this.sessions = sessions;
        this.dispatcher = dispatcher;
        this.random = random;
    }

    /** One RMCP body whose auth type byte says RMCP+. */
    Exchange handle(byte[] body, InetSocketAddress peer, long now) {
        RmcpPlusPacket p = RmcpPlusPacket.decode(body);
        if (p.payloadType() != PayloadType.IPMI && (p.authenticated() || p.encrypted() || p.sessionId() != 0)) {
            return Exchange.dropped(Exchange.Drop.UNPROTECTED_PAYLOAD, "session set-up messages travel in clear outside a session: " + p);
        }
        return switch (p.payloadType()) {
            case PayloadType.OPEN_SESSION_REQUEST, PayloadType.RAKP_1, PayloadType.RAKP_3 -> setUp(p, peer, now);
            case PayloadType.IPMI -> p.sessionId() == 0 ? sessionless(p, peer) : inSession(body, p, peer, now);
            default -> Exchange.dropped(Exchange.Drop.UNSUPPORTED_PAYLOAD, PayloadType.name(p.payloadType()));
        };
    }

    /** Session set-up messages, each charged to its source's activation budget. */
    private Exchange setUp(RmcpPlusPacket p, InetSocketAddress peer, long now) {
        ActivationLimiter.Work work = p.payloadType() == PayloadType.OPEN_SESSION_REQUEST ? ActivationLimiter.Work.NEW_SET_UP
                : ActivationLimiter.Work.FOLLOW_UP; // RAKP 1 and 3 continue a set-up the budget admitted
        if (!sessions.admitAttempt(peer, work, now)) {
            return Exchange.dropped(Exchange.Drop.RATE_LIMITED, PayloadType.name(p.payloadType()));
        }
        return switch (p.payloadType()) {
            case PayloadType.OPEN_SESSION_REQUEST -> openSession(p.payload(), peer, now);
            case PayloadType.RAKP_1 -> rakp1(p.payload(), now);
            default -> rakp3(p.payload(), peer, now);
        };
    }

    private Exchange openSession(byte[] payload, InetSocketAddress peer, long now) {
        if (payload.length < 8) {
            throw new MalformedPacketException("Open Session request of " + payload.length + " bytes");
        }
        int tag = payload[0] & 0xFF;
        int consoleId = le32(payload, 4);
        OpenSessionRequest rq;
        try {
            rq = OpenSessionRequest.decode(payload);
        } catch (MalformedPacketException e) {
            return openError(tag, RakpMessages.STATUS_ILLEGAL_PARAMETER, consoleId, e.getMessage());
        }
        if (consoleId == 0) {
            return openError(tag, RakpMessages.STATUS_ILLEGAL_PARAMETER, consoleId, "console session ID 0");
        }
        int requested = rq.maxPrivilege();
        if (requested > Privilege.OEM.level()) {
            return openError(tag, RakpMessages.STATUS_INVALID_ROLE, consoleId, "privilege " + requested);
        }
        // 0 asks for the highest level: name a real one, or FreeIPMI gives up ("privilege level cannot be obtained").
        Privilege highest = model.users().highestPrivilege();
        if (requested > highest.level()) {
            return openError(tag, RakpMessages.STATUS_UNAUTHORIZED_ROLE, consoleId, "privilege " + requested + " above " + highest);
        }
        Privilege granted = requested == 0 ? highest : Privilege.fromLevel(requested);
        Optional<CipherSuite> suite = CipherSuite.matching(config.cipherSuites(), rq.authAlg(), rq.integrityAlg(), rq.confidentialityAlg());
        if (suite.isEmpty()) {
            return openError(tag, RakpMessages.STATUS_NO_CIPHER_SUITE_MATCH, consoleId, String.format(
                    "algorithms %d/%d/%d are no offered suite", rq.authAlg(), rq.integrityAlg(), rq.confidentialityAlg()));
        }
        if (!sessions.hasRoomFor(authenticates(suite.get()), now)) {
            return openError(tag, RakpMessages.STATUS_INSUFFICIENT_RESOURCES, consoleId, "session table full");
        }
        RakpHandshake h = sessions.newHandshake(consoleId, suite.get(), granted, peer, now);
        OpenSessionResponse rs = new OpenSessionResponse(tag, RakpMessages.STATUS_OK, granted.level(), consoleId, h.bmcId,
                rq.authAlg(), rq.integrityAlg(), rq.confidentialityAlg());
        CipherSuite chosen = suite.get();
        return answer(PayloadType.OPEN_SESSION_RESPONSE, rs.encode(), () -> String.format("Open Session %s at most %s -> BMC session %08x",
                chosen, granted, h.bmcId));
    }

    private Exchange openError(int tag, int status, int consoleId, String why) {
        return answer(PayloadType.OPEN_SESSION_RESPONSE, OpenSessionResponse.error(tag, status, consoleId).encode(),
                "Open Session refused " + RakpMessages.describeStatus(status) + ": " + why);
    }

    private Exchange rakp1(byte[] payload, long now) {
        Rakp1 m = Rakp1.decode(payload);
        Optional<RakpHandshake> found = sessions.handshake(m.bmcId(), now);
        if (found.isEmpty()) {
            return Exchange.dropped(Exchange.Drop.UNKNOWN_SESSION, String.format("RAKP 1 for session %08x", m.bmcId()));
        }
        RakpHandshake h = found.get();
        int level = m.role() & 0x0F;
        int status = RakpMessages.STATUS_OK;
        Optional<User> user = Optional.empty();
        if (m.name().length > RakpMessages.MAX_NAME_LENGTH) {
            status = RakpMessages.STATUS_INVALID_NAME_LENGTH;
        } else if (level < Privilege.CALLBACK.level() || level > Privilege.OEM.level() || (m.role() & 0xE0) != 0) {
            status = RakpMessages.STATUS_INVALID_ROLE;
        } else {
            user = model.users().byName(m.nameText());
            if (user.isEmpty()) {
                status = RakpMessages.STATUS_UNAUTHORIZED_NAME;
            } else if (level > user.get().maxPrivilege().level() || level > h.maxPrivilege.level()) {
                status = RakpMessages.STATUS_UNAUTHORIZED_ROLE;
            }
        }
        if (status != RakpMessages.STATUS_OK) {
            sessions.abandon(h);
            return answer(PayloadType.RAKP_2, Rakp2.error(m.tag(), status, h.consoleId).encode(),
                    "RAKP 1 for '" + m.nameText() + "' refused " + RakpMessages.describeStatus(status));
        }
        byte[] rc = new byte[RakpMessages.RANDOM_LENGTH];
        random.nextBytes(rc);
        h.rakp1(user.get(), m.rm(), rc, m.role(), m.name());
        byte[] guid = guid();
        byte[] code = RakpMessages.rakp2AuthCode(h.suite, user.get().key20(), h.consoleId, h.bmcId, m.rm(), rc, guid, m.role(), m.name());
        User u = user.get();
        return answer(PayloadType.RAKP_2, new Rakp2(m.tag(), RakpMessages.STATUS_OK, h.consoleId, rc, guid, code).encode(),
                () -> String.format("RAKP 1 user '%s' role %s -> RAKP 2 (session %08x)", u.name(), h.requestedPrivilege(), h.bmcId));
    }

    private Exchange rakp3(byte[] payload, InetSocketAddress peer, long now) {
        Rakp3 m = Rakp3.decode(payload);
        Optional<RakpHandshake> found = sessions.handshake(m.bmcId(), now).filter(RakpHandshake::rakp1Seen);
        if (found.isEmpty()) {
            return Exchange.dropped(Exchange.Drop.UNKNOWN_SESSION, String.format("RAKP 3 for session %08x without RAKP 1", m.bmcId()));
        }
        RakpHandshake h = found.get();
        if (m.status() != RakpMessages.STATUS_OK) {
            sessions.abandon(h);
            return Exchange.dropped(Exchange.Drop.HANDSHAKE_ABORTED, "console reports " + RakpMessages.describeStatus(m.status()));
        }
        byte[] kuid = h.user().key20();
        byte[] expected = RakpMessages.rakp3AuthCode(h.suite, kuid, h.rc(), h.consoleId, h.roleByte(), h.name());
        int status = RakpMessages.STATUS_OK;
        if (!MessageDigest.isEqual(expected, m.authCode())) {
            status = RakpMessages.STATUS_INVALID_INTEGRITY_CHECK_VALUE;
        } else if (!sessions.makeRoomFor(authenticates(h.suite), now)) {
            status = RakpMessages.STATUS_INSUFFICIENT_RESOURCES;
        }
        if (status != RakpMessages.STATUS_OK) {
            sessions.abandon(h);
            return answer(PayloadType.RAKP_4, new Rakp4(m.tag(), status, h.consoleId, new byte[0]).encode(),
                    "RAKP 3 for '" + h.user().name() + "' refused " + RakpMessages.describeStatus(status));
        }
        SessionKeys keys = h.suite.authAlg() == CipherSuite.Alg.RAKP_NONE ? SessionKeys.none(h.suite)
                : SessionKeys.derive(h.suite, config.kg() != null ? config.kg() : kuid, h.rm(), h.rc(), h.roleByte(), h.name());
        Session s = sessions.activate(h, keys, now);
        if (s.authenticated()) {
            sessions.rewardSetUp(peer, 3, now); // Open Session, RAKP 1 and RAKP 3
        }
        byte[] icv = RakpMessages.rakp4Icv(h.suite, keys.sik(), h.rm(), h.bmcId, guid());
        return answer(PayloadType.RAKP_4, new Rakp4(m.tag(), RakpMessages.STATUS_OK, h.consoleId, icv).encode(),
                () -> String.format("RAKP 3 -> RAKP 4: session %08x user '%s' %s at most %s", s.id(), s.user().name(), h.suite, s.maxPrivilege()));
    }

    private Exchange sessionless(RmcpPlusPacket p, InetSocketAddress peer) {
        if (p.authenticated() || p.encrypted()) {
            return Exchange.dropped(Exchange.Drop.UNPROTECTED_PAYLOAD, "protected payload outside a session");
        }
        IpmiRequest rq = IpmiRequest.decode(p.payload());
        Optional<CommandDispatcher.Outcome> outcome = dispatcher.sessionless(rq, peer);
        if (outcome.isEmpty()) {
            return Exchange.dropped(Exchange.Drop.NEEDS_SESSION, rq::toString);
        }
        CommandDispatcher.Outcome o = outcome.get();
        return Exchange.answered(RmcpPlusPacket.plain(PayloadType.IPMI, 0, 0, o.response().encode()).toDatagram(),
                () -> o.summary("RMCP+, no session"));
    }

    private Exchange inSession(byte[] body, RmcpPlusPacket p, InetSocketAddress peer, long now) {
        Optional<Session> found = sessions.session(p.sessionId(), now);
        if (found.isEmpty()) {
            return Exchange.dropped(Exchange.Drop.UNKNOWN_SESSION, () -> String.format("session %08x", p.sessionId()));
        }
        Session s = found.get();
        if (!s.isRmcpPlus()) {
            return Exchange.dropped(Exchange.Drop.AUTH_TYPE_MISMATCH, String.format("session %08x is an IPMI 1.5 session", s.id()));
        }
        SessionKeys keys = s.keys();
        CipherSuite suite = keys.suite();
        if (p.authenticated() != suite.authenticated() || p.encrypted() != suite.encrypted()) {
            return Exchange.dropped(Exchange.Drop.UNPROTECTED_PAYLOAD, String.format("session %08x negotiated %s, packet is%s authenticated and%s encrypted",
                    s.id(), suite, p.authenticated() ? "" : " not", p.encrypted() ? "" : " not"));
        }
        if (p.authenticated() && !keys.integrityValid(body, p)) {
            return Exchange.dropped(Exchange.Drop.BAD_AUTH_CODE, String.format("session %08x", s.id()));
        }
        if (p.sequence() == 0 || !s.acceptInbound(p.sequence())) {
            return Exchange.dropped(Exchange.Drop.OUT_OF_WINDOW, () -> String.format("session %08x sequence %08x", s.id(), p.sequence()));
        }
        IpmiRequest rq = IpmiRequest.decode(keys.plaintext(p));
        s.touch(now);
        CommandDispatcher.Outcome outcome = dispatcher.inSession(s, rq, peer);
        byte[] reply = keys.seal(PayloadType.IPMI, s.consoleId(), s.takeOutbound(), outcome.response().encode(), iv());
        return Exchange.answered(RmcpPacket.ipmi(reply).encode(), () -> outcome.summary(String.format("RMCP+ session %08x", s.id())));
    }

    private static boolean authenticates(CipherSuite suite) {
        return suite.authAlg() != CipherSuite.Alg.RAKP_NONE;
    }

    private Exchange answer(int payloadType, byte[] payload, String summary) {
        return Exchange.answered(RmcpPlusPacket.plain(payloadType, 0, 0, payload).toDatagram(), summary);
    }

    private Exchange answer(int payloadType, byte[] payload, java.util.function.Supplier<String> summary) {
        return Exchange.answered(RmcpPlusPacket.plain(payloadType, 0, 0, payload).toDatagram(), summary);
    }

    /** The managed system GUID of RAKP 2 and 4: the System GUID, in the byte order Get System GUID sends it. */
    private byte[] guid() {
        return AppCommands.guid(model.identity().systemGuid());
    }

    private byte[] iv() {
        byte[] iv = new byte[SessionKeys.AES_BLOCK];
        random.nextBytes(iv);
        return iv;
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
