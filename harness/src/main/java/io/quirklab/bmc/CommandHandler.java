package io.quirklab.bmc;

/** One IPMI command of the simulated BMC. Handlers are small and pure over the {@link CommandContext}. */
@FunctionalInterface
public interface CommandHandler {
    /**
     * @param ctx  who asks and the BMC state
     * @param data request data (after cmd, before checksum)
     * @return the reply; throwing is a bug and is answered 0xFF by the dispatcher
     */
    Reply handle(CommandContext ctx, byte[] data);
}
