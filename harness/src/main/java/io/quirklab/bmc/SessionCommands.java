package io.quirklab.bmc;

import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Session set-up and housekeeping commands (App netFn); Activate Session itself lives in the dispatcher. */
final class SessionCommands {
    private static final int LAN_CHANNEL = 1;
    private static final int CURRENT_CHANNEL = 0x0E;
    /** Get Channel Cipher Suites returns the record data in pieces of this size (IPMI v2.0 section 22.15). */
    private static final int CIPHER_SUITE_CHUNK = 16;

    private final BmcConfig config;
    private final SessionTable sessions;
    private final int advertisedMask;
    private List<User> loginUsers;
    private int loginBits;

    SessionCommands(BmcConfig config, SessionTable sessions) {
        this.config = config;
        this.sessions = sessions;
        // Fixed for the BMC's life, and every console asks for them first: computed once.
        this.advertisedMask = AuthType.mask(advertised());
    }

    void register(CommandTable t) {
        t.addSessionless(NetFn.APP, NetFn.Cmd.GET_CHANNEL_AUTH_CAPABILITIES, "Get Channel Auth Capabilities", this::authCapabilities);
        t.addSessionless(NetFn.APP, NetFn.Cmd.GET_SESSION_CHALLENGE, "Get Session Challenge", this::challenge);
        t.add(NetFn.APP, NetFn.Cmd.SET_SESSION_PRIVILEGE, "Set Session Privilege", Privilege.CALLBACK, this::setPrivilege);
        t.add(NetFn.APP, NetFn.Cmd.CLOSE_SESSION, "Close Session", Privilege.CALLBACK, this::close);
        t.add(NetFn.APP, NetFn.Cmd.GET_SESSION_INFO, "Get Session Info", Privilege.USER, this::info);
        t.add(NetFn.APP, NetFn.Cmd.GET_CHANNEL_INFO, "Get Channel Info", Privilege.USER, this::channelInfo);
        if (config.ipmi20()) {
            t.addSessionless(NetFn.APP, NetFn.Cmd.GET_CHANNEL_CIPHER_SUITES, "Get Channel Cipher Suites", this::cipherSuites);
        }
    }

    /** Auth types advertised: the enabled ones, plus OEM when the firmware insists on it. */
    private Set<AuthType> advertised() {
        Set<AuthType> s = EnumSet.noneOf(AuthType.class);
        s.addAll(config.authTypes());
        if (config.has(FirmwareQuirk.OEM_AUTH_REQUIRED)) {
            s.add(AuthType.OEM);
        }
        return s;
    }

    private Reply authCapabilities(CommandContext ctx, byte[] d) {
        if (d.length < 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int channel = d[0] & 0x0F;
        if (channel != CURRENT_CHANNEL && channel != LAN_CHANNEL) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        // Bit 7 of the request asks for IPMI 2.0 data; an IPMI 1.5 BMC ignores it and keeps bit 7 of its answer clear.
        boolean extended = config.ipmi20() && (d[0] & 0x80) != 0;
        int login = loginStatus(ctx.model().users().active());
        login |= extended && config.kg() != null ? 0x20 : 0; // Kg set to a non-zero value
        int types = advertisedMask | (extended ? 0x80 : 0);
        int connections = extended ? 0x03 : 0; // IPMI 2.0 and IPMI 1.5 connections
        return Reply.ok(new byte[] {LAN_CHANNEL, (byte) types, (byte) login, (byte) connections, 0, 0, 0, 0});
    }

    /**
     * Login status bits of Get Channel Auth Capabilities: named users (bit 2), a null user name (bit 1), an anonymous
     * login (bit 0). The user store replaces its list on every change, so the bits are recomputed only then: every
     * console asks this first, and sessionless floods ask nothing else.
     */
    private int loginStatus(List<User> users) {
        if (users != loginUsers) {
            int login = 0;
            for (User u : users) {
                login |= u.name().isEmpty() ? 0x02 | (u.password().isEmpty() ? 0x01 : 0) : 0x04;
            }
            loginBits = login;
            loginUsers = users;
        }
        return loginBits;
    }

    /** Get Channel Cipher Suites (0x54): the offered suites as records, or the algorithms they use, 16 bytes a call. */
    private Reply cipherSuites(CommandContext ctx, byte[] d) {
        if (d.length < 3) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int channel = d[0] & 0x0F;
        int payloadType = d[1] & 0x3F;
        if (channel != CURRENT_CHANNEL && channel != LAN_CHANNEL || payloadType > 1) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        boolean bySuite = (d[2] & 0x80) != 0;
        int index = d[2] & 0x3F;
        byte[] all = bySuite ? CipherSuite.records(config.cipherSuites()) : CipherSuite.algorithmTags(config.cipherSuites());
        int from = Math.min(all.length, index * CIPHER_SUITE_CHUNK);
        byte[] piece = Arrays.copyOfRange(all, from, Math.min(all.length, from + CIPHER_SUITE_CHUNK));
        return Reply.ok(new ByteWriter().u8(LAN_CHANNEL).bytes(piece).toByteArray());
    }

    private Reply challenge(CommandContext ctx, byte[] d) {
        if (d.length < 17) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        AuthType type;
        try {
            type = AuthType.fromCode(d[0] & 0x0F);
        } catch (RuntimeException e) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (!config.authTypes().contains(type)) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (config.has(FirmwareQuirk.OEM_AUTH_REQUIRED) && !config.authTypes().contains(AuthType.OEM)) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (!sessions.admitAttempt(ctx.peer(), ActivationLimiter.Work.NEW_SET_UP, ctx.model().clock().millis())) {
            return Reply.error(CompletionCode.NODE_BUSY); // too many set-ups from this address that never authenticated
        }
        String name = userName(d);
        Optional<User> user = ctx.model().users().byName(name);
        if (user.isEmpty()) {
            return Reply.error(name.isEmpty() ? 0x82 : 0x81); // null user names not enabled / invalid user name
        }
        SessionTable.Challenge ch = sessions.newChallenge(user.get(), type, ctx.peer(), ctx.model().clock().millis());
        return Reply.ok(new ByteWriter().u32le(ch.tempId()).bytes(ch.challenge()).toByteArray());
    }

    private static String userName(byte[] d) {
        int end = 1;
        while (end < 17 && d[end] != 0) {
            end++;
        }
        return new String(d, 1, end - 1, StandardCharsets.ISO_8859_1);
    }

    private Reply setPrivilege(CommandContext ctx, byte[] d) {
        if (d.length < 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        Session s = ctx.session();
        int requested = d[0] & 0x0F;
        if (requested == 0) {
            return Reply.ok(s.privilege().level());
        }
        if (requested > Privilege.OEM.level()) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        if (requested > s.maxPrivilege().level()) {
            return Reply.error(0x81); // requested level exceeds the session's limit
        }
        if (requested > s.user().maxPrivilege().level()) {
            return Reply.error(0x80); // requested level not available for this user
        }
        s.privilege(Privilege.fromLevel(requested));
        return Reply.ok(requested);
    }

    private Reply close(CommandContext ctx, byte[] d) {
        if (d.length < 4) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int id = (d[0] & 0xFF) | (d[1] & 0xFF) << 8 | (d[2] & 0xFF) << 16 | (d[3] & 0xFF) << 24;
        if (id != ctx.session().id() && !ctx.privilege().atLeast(Privilege.ADMINISTRATOR)) {
            return Reply.error(CompletionCode.INSUFFICIENT_PRIVILEGE);
        }
        return sessions.close(id) ? Reply.ok() : Reply.error(0x87); // invalid session ID in request
    }

    /**
     * Get Channel Info (0x42). The LAN channel's session support byte is multi-session with the number of sessions
     * active in this BMC's session table (bits 5:0), the same count Get Session Info gives.
     */
    private Reply channelInfo(CommandContext ctx, byte[] d) {
        if (d.length < 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int ch = d[0] & 0x0F;
        ByteWriter w = new ByteWriter();
        switch (ch) {
            case CURRENT_CHANNEL, LAN_CHANNEL -> {
                // 802.3 LAN, IPMB-1.0 protocol, multi-session; vendor is the IPMI forum's IANA 7154.
                int active = Math.min(0x3F, sessions.activeCount());
                w.u8(LAN_CHANNEL).u8(0x04).u8(0x01).u8(0x80 | active).u24le(7154).u16le(0);
            }
            case 0x00 -> w.u8(0x00).u8(0x01).u8(0x01).u8(0x00).u24le(7154).u16le(0); // primary IPMB
            case 0x0F -> w.u8(0x0F).u8(0x0C).u8(0x05).u8(0x00).u24le(7154).u16le(0); // system interface, KCS
            default -> {
                return Reply.error(CompletionCode.INVALID_DATA_FIELD);
            }
        }
        return Reply.ok(w.toByteArray());
    }

    private Reply info(CommandContext ctx, byte[] d) {
        if (d.length < 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int index = d[0] & 0xFF;
        Session target;
        var all = sessions.snapshot();
        if (index == 0) {
            target = ctx.session();
        } else if (index == 0xFE) {
            if (d.length < 2) {
                return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
            }
            target = all.stream().filter(s -> s.handle() == (d[1] & 0xFF)).findFirst().orElse(null);
        } else if (index == 0xFF) {
            if (d.length < 5) {
                return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
            }
            int id = (d[1] & 0xFF) | (d[2] & 0xFF) << 8 | (d[3] & 0xFF) << 16 | (d[4] & 0xFF) << 24;
            target = all.stream().filter(s -> s.id() == id).findFirst().orElse(null);
        } else {
            target = index <= all.size() ? all.get(index - 1) : null;
        }
        ByteWriter w = new ByteWriter().u8(target == null ? 0 : target.handle()).u8(sessions.capacity()).u8(all.size());
        if (target == null) {
            return Reply.ok(w.toByteArray());
        }
        // Channel byte: bits 7:4 the session's protocol on an 802.3 LAN channel (0 IPMI 1.5, 1 IPMI 2.0 / RMCP+).
        w.u8(target.user().id()).u8(target.privilege().level()).u8((target.isRmcpPlus() ? 0x10 : 0) | LAN_CHANNEL);
        InetSocketAddress peer = target.peer();
        byte[] ip = peer != null && peer.getAddress() != null && peer.getAddress().getAddress().length == 4
                ? peer.getAddress().getAddress() : new byte[4];
        w.bytes(ip).bytes(new byte[6]).u16le(peer == null ? 0 : peer.getPort());
        return Reply.ok(w.toByteArray());
    }
}
