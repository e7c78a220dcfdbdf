package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.CompletionCode;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random request data to every command handler (1.5 and 2.0 registrations): always a reply, never 0xFF. */
class HandlerRobustnessTest {
    private static final int ROUNDS = 20_000;

    @ParameterizedTest(name = "IPMI 2.0: {0}")
    @ValueSource(booleans = {false, true})
    void noRequestMakesAHandlerThrowOrAnswerUnspecified(boolean ipmi20) {
        BmcConfig config = ipmi20 ? BmcConfig.smdcDefaults().withIpmi20() : BmcConfig.smdcDefaults();
        Handlers h = new Handlers(config, t -> {
            AppCommands.register(t);
            ChassisCommands.register(t);
            StorageCommands.register(t);
            LanCommands.register(t, ipmi20);
            UserCommands.register(t, ipmi20);
            McCommands.register(t);
            PefCommands.register(t);
        });
        Random random = new Random(14);
        int[][] keys = new int[256 * 4][];
        int n = 0;
        for (int netFn : new int[] {0x00, 0x04, 0x06, 0x0A, 0x0C}) {
            for (int cmd = 0; cmd < 256; cmd++) {
                if (h.table.lookup(netFn, cmd).isPresent()) {
                    keys[n++] = new int[] {netFn, cmd};
                }
            }
        }
        assertThat(n).isGreaterThan(40);
        for (int i = 0; i < ROUNDS; i++) {
            int[] k = keys[random.nextInt(n)];
            byte[] data = new byte[random.nextInt(24)];
            random.nextBytes(data);
            Reply r = h.raw(k[0], k[1], data);
            assertThat(r.completionCode()).as("0x%02x/0x%02x with %d bytes", k[0], k[1], data.length).isNotEqualTo(CompletionCode.UNSPECIFIED);
            assertThat(r.data()).isNotNull();
            h.clock.advance(Duration.ofMillis(random.nextInt(2_000)));
        }
    }
}
