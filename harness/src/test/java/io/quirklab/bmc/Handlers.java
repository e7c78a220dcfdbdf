package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.Privilege;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Command handlers of one registrar over a fresh {@link BmcModel} on a {@link ManualClock}: bytes in, reply out,
 * without sessions or datagrams, as StorageCommandsTest does it.
 */
final class Handlers {
    static final Instant START = Instant.parse("2026-11-22T10:15:03Z");

    final ManualClock clock = new ManualClock(START);
    final BmcModel model;
    final CommandTable table = new CommandTable();
    private final CommandContext ctx;

    Handlers(BmcConfig config, Consumer<CommandTable> register) {
        this.model = new BmcModel(config, clock);
        this.ctx = new CommandContext(model, null, Privilege.ADMINISTRATOR, null);
        register.accept(table);
    }

    /** Runs one command as the dispatcher does (time catches up first). */
    Reply call(int netFn, int cmd, int... data) {
        byte[] d = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            d[i] = (byte) data[i];
        }
        return raw(netFn, cmd, d);
    }

    Reply raw(int netFn, int cmd, byte[] data) {
        model.advance();
        return table.lookup(netFn, cmd).orElseThrow(() -> new AssertionError(String.format("0x%02x/0x%02x not registered", netFn, cmd)))
                .handler().handle(ctx, data);
    }

    Privilege privilege(int netFn, int cmd) {
        return table.lookup(netFn, cmd).orElseThrow().minPrivilege();
    }

    static Reply ok(Reply r) {
        assertThat(r.completionCode()).as(CompletionCode.describe(r.completionCode())).isZero();
        return r;
    }

    static int[] bytes(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    static int cc(Reply r) {
        return r.completionCode();
    }
}
