package io.quirklab.bmc;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * User and channel access commands (App netFn, IPMI v2.0 sections 22.22-22.30) over the {@link UserStore}: what
 * ipmitool's user and channel commands, FreeIPMI's ipmi-config User sections and pyghmi's user calls need. A changed
 * password, name, enable state or privilege limit changes who may open the next session.
 */
final class UserCommands {
    static final int GET_CHANNEL_ACCESS = 0x41;
    static final int SET_USER_ACCESS = 0x43;
    static final int GET_USER_ACCESS = 0x44;
    static final int SET_USER_NAME = 0x45;
    static final int GET_USER_NAME = 0x46;
    static final int SET_USER_PASSWORD = 0x47;
    static final int GET_USER_PAYLOAD_ACCESS = 0x4D;
    static final int NAME_LENGTH = 16;
    /** Set User Password operations (byte 2 bits 1:0). */
    static final int DISABLE = 0;
    static final int ENABLE = 1;
    static final int SET_PASSWORD = 2;
    static final int TEST_PASSWORD = 3;
    /** Set User Password test: "password test failed", the size was right but the password is not. */
    static final int PASSWORD_MISMATCH = 0x80;
    static final int PASSWORD_20 = 0x80;
    /** Get Channel Access: bits 7:6 of byte 2 ask for the non-volatile (01b) or the active (10b) settings. */
    static final int NON_VOLATILE = 0x40;
    static final int VOLATILE = 0x80;
    /**
     * Channel access byte: PEF alerting disabled (the simulation sends no alerts), per-message and user-level
     * authentication enabled (every message is checked), access mode "always available".
     */
    static final int CHANNEL_ACCESS = 0x20 | 0x02;

    private UserCommands() {
    }

    static void register(CommandTable t, boolean ipmi20) {
        t.add(NetFn.APP, GET_CHANNEL_ACCESS, "Get Channel Access", Privilege.USER, UserCommands::channelAccess);
        t.add(NetFn.APP, GET_USER_ACCESS, "Get User Access", Privilege.OPERATOR, UserCommands::getAccess);
        t.add(NetFn.APP, SET_USER_ACCESS, "Set User Access", Privilege.ADMINISTRATOR, UserCommands::setAccess);
        t.add(NetFn.APP, GET_USER_NAME, "Get User Name", Privilege.OPERATOR, UserCommands::getName);
        t.add(NetFn.APP, SET_USER_NAME, "Set User Name", Privilege.ADMINISTRATOR, UserCommands::setName);
        t.add(NetFn.APP, SET_USER_PASSWORD, "Set User Password", Privilege.ADMINISTRATOR, UserCommands::setPassword);
        if (ipmi20) {
            t.add(NetFn.APP, GET_USER_PAYLOAD_ACCESS, "Get User Payload Access", Privilege.OPERATOR, UserCommands::payloadAccess);
        }
    }

    /** Request: channel, volatile/non-volatile. Both sets are the same: the simulation changes neither. */
    static Reply channelAccess(CommandContext ctx, byte[] d) {
        if (d.length != 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        int which = d[1] & 0xC0;
        if (!LanCommands.lanChannel(d[0]) || which != NON_VOLATILE && which != VOLATILE) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        return Reply.ok(CHANNEL_ACCESS, Privilege.ADMINISTRATOR.level());
    }

    /** Request: channel, user ID. Answer: max IDs, enabled count (with this ID's state on 2.0), fixed names, access. */
    static Reply getAccess(CommandContext ctx, byte[] d) {
        if (d.length != 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        UserStore users = ctx.model().users();
        Optional<UserStore.Slot> slot = users.slot(d[1] & 0x3F);
        if (!LanCommands.lanChannel(d[0]) || slot.isEmpty()) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        UserStore.Slot s = slot.get();
        // Bits 7:6 (user ID enable status) are new in IPMI 2.0; a 1.5 BMC leaves them 0.
        int status = ctx.model().ipmi20() ? (s.enabled() ? 0x40 : 0x80) : 0;
        int access = (s.callbackOnly() ? 0x40 : 0) | (s.linkAuth() ? 0x20 : 0) | (s.ipmiMessaging() ? 0x10 : 0)
                | s.privilegeLimit();
        return Reply.ok(users.maxUsers(), status | users.enabledCount(), users.fixedNames(), access);
    }

    /** Request: change bits + channel, user ID, privilege limit, optional session limit. */
    static Reply setAccess(CommandContext ctx, byte[] d) {
        if (d.length != 3 && d.length != 4) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        UserStore users = ctx.model().users();
        Optional<UserStore.Slot> slot = users.slot(d[1] & 0x3F);
        int limit = d[2] & 0x0F;
        boolean validLimit = limit >= Privilege.CALLBACK.level() && limit <= Privilege.OEM.level() || limit == UserStore.NO_ACCESS;
        if (!LanCommands.lanChannel(d[0]) || slot.isEmpty() || !validLimit || (d[2] & 0xF0) != 0) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        UserStore.Slot s = slot.get();
        boolean change = (d[0] & 0x80) != 0;
        users.put(new UserStore.Slot(s.id(), s.name(), s.password(), s.enabled(), limit,
                change ? (d[0] & 0x40) != 0 : s.callbackOnly(), change ? (d[0] & 0x20) != 0 : s.linkAuth(),
                change ? (d[0] & 0x10) != 0 : s.ipmiMessaging(), s.configured()));
        return Reply.ok();
    }

    /** Request: channel, user ID. No user may activate SOL or OEM payloads: the simulated BMC has none. */
    static Reply payloadAccess(CommandContext ctx, byte[] d) {
        if (d.length != 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        if (!LanCommands.lanChannel(d[0]) || ctx.model().users().slot(d[1] & 0x3F).isEmpty()) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        return Reply.ok(0x00, 0x00, 0x00, 0x00);
    }

    static Reply getName(CommandContext ctx, byte[] d) {
        if (d.length != 1) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        return ctx.model().users().slot(d[0] & 0x3F)
                .map(s -> Reply.ok(Arrays.copyOf(s.name().getBytes(StandardCharsets.ISO_8859_1), NAME_LENGTH)))
                .orElseGet(() -> Reply.error(CompletionCode.INVALID_DATA_FIELD));
    }

    /** Request: user ID, 16 bytes of name (NUL-padded). User ID 1's empty name is fixed; names are unique. */
    static Reply setName(CommandContext ctx, byte[] d) {
        if (d.length != 1 + NAME_LENGTH) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        UserStore users = ctx.model().users();
        int id = d[0] & 0x3F;
        Optional<UserStore.Slot> slot = users.slot(id);
        String name = text(d, 1, NAME_LENGTH);
        if (slot.isEmpty() || id == 1 || users.nameTaken(id, name)) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        UserStore.Slot s = slot.get();
        users.put(new UserStore.Slot(id, name, s.password(), s.enabled(), s.privilegeLimit(), s.callbackOnly(),
                s.linkAuth(), s.ipmiMessaging(), s.configured()));
        return Reply.ok();
    }

    /**
     * Request: user ID (bit 7: 20-byte password, IPMI 2.0), operation, and for set/test the password field. Passwords
     * are kept to 16 bytes, as IPMI 1.5 sessions need them; a longer one in a 20-byte field is refused with 0xCC.
     */
    static Reply setPassword(CommandContext ctx, byte[] d) {
        if (d.length < 2) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        boolean wide = (d[0] & PASSWORD_20) != 0;
        int field = wide ? RakpMessages.KEY_LENGTH : NAME_LENGTH;
        int op = d[1] & 0x03;
        boolean withPassword = op == SET_PASSWORD || op == TEST_PASSWORD;
        if (withPassword ? d.length != 2 + field : d.length != 2 && d.length != 2 + field) {
            return Reply.error(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        }
        UserStore users = ctx.model().users();
        Optional<UserStore.Slot> slot = users.slot(d[0] & 0x3F);
        if (slot.isEmpty() || (d[0] & 0x40) != 0 || wide && !ctx.model().ipmi20() || (d[1] & 0xFC) != 0) {
            return Reply.error(CompletionCode.INVALID_DATA_FIELD);
        }
        UserStore.Slot s = slot.get();
        String password = withPassword ? text(d, 2, field) : s.password();
        switch (op) {
            case TEST_PASSWORD -> {
                return Reply.error(password.equals(s.password()) ? CompletionCode.OK : PASSWORD_MISMATCH);
            }
            case SET_PASSWORD -> {
                if (password.length() > NAME_LENGTH) {
                    return Reply.error(CompletionCode.INVALID_DATA_FIELD);
                }
            }
            default -> {
                // enable or disable keeps the password
            }
        }
        boolean enabled = op == ENABLE || op != DISABLE && s.enabled();
        users.put(new UserStore.Slot(s.id(), s.name(), password, enabled, s.privilegeLimit(), s.callbackOnly(),
                s.linkAuth(), s.ipmiMessaging(), s.configured()));
        return Reply.ok();
    }

    /** A NUL-terminated (or -padded) text field. */
    static String text(byte[] d, int from, int length) {
        int end = from;
        while (end < from + length && d[end] != 0) {
            end++;
        }
        return new String(d, from, end - from, StandardCharsets.ISO_8859_1);
    }
}
