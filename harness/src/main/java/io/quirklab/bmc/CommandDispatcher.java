package io.quirklab.bmc;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Runs IPMI requests through the {@link CommandTable}, whatever session format carried them: IPMI 1.5 and RMCP+
 * share every handler, the privilege checks and the answers to unknown commands.
 */
final class CommandDispatcher {
    /** Handler data beyond this would not fit the SMDC's reply buffer. */
    static final int MAX_REPLY_DATA = SimulatedBmc.MAX_DATAGRAM - 64;

    /** The response and the command's name for the exchange summary. */
    record Outcome(IpmiResponse response, String name) {
        String summary(String where) {
            return name + " (" + where + ") -> " + CompletionCode.describe(response.completionCode());
        }
    }

    private final CommandTable commands;
    private final BmcModel model;

    CommandDispatcher(CommandTable commands, BmcModel model) {
        this.commands = commands;
        this.model = model;
    }

    /** A request outside a session; empty when the command is not one answered there (the BMC stays silent). */
    Optional<Outcome> sessionless(IpmiRequest rq, InetSocketAddress peer) {
        Optional<CommandTable.Entry> entry = commands.lookup(rq.netFn(), rq.cmd());
        if (entry.isEmpty() || !entry.get().sessionless()) {
            return Optional.empty();
        }
        Reply reply = run(entry.get(), new CommandContext(model, null, Privilege.CALLBACK, peer), rq);
        return Optional.of(new Outcome(rq.respond(reply.completionCode(), reply.data()), entry.get().name()));
    }

    /** A request inside an authenticated session: unknown commands get 0xC1, too little privilege 0xD4. */
    Outcome inSession(Session s, IpmiRequest rq, InetSocketAddress peer) {
        Optional<CommandTable.Entry> entry = commands.lookup(rq.netFn(), rq.cmd());
        Reply reply;
        String name;
        if (entry.isEmpty()) {
            reply = Reply.error(CompletionCode.INVALID_COMMAND);
            name = String.format("netFn 0x%02x cmd 0x%02x", rq.netFn(), rq.cmd());
        } else if (!s.privilege().atLeast(entry.get().minPrivilege())) {
            reply = Reply.error(CompletionCode.INSUFFICIENT_PRIVILEGE);
            name = entry.get().name();
        } else {
            reply = run(entry.get(), new CommandContext(model, s, s.privilege(), peer), rq);
            name = entry.get().name();
        }
        return new Outcome(rq.respond(reply.completionCode(), reply.data()), name);
    }

    private static Reply run(CommandTable.Entry entry, CommandContext ctx, IpmiRequest rq) {
        try {
            ctx.model().advance();
            Reply r = entry.handler().handle(ctx, rq.data());
            if (r.data().length > MAX_REPLY_DATA) {
                return Reply.error(CompletionCode.CANNOT_RETURN_REQUESTED_BYTES);
            }
            return r;
        } catch (RuntimeException ex) {
            return Reply.error(CompletionCode.UNSPECIFIED);
        }
    }
}
