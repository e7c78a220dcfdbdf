package io.quirklab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Requests on a kept-alive connection from the run's own client answer as fast as on a fresh one: TCP_NODELAY on both
 * ends, so a small request or answer written in two pieces is not held by Nagle until the peer's delayed ACK (40 ms).
 */
class AgentKeepAliveTest {
    @Test
    void renewalsAndStatusOnAKeptAliveConnectionTakeMillisecondsNotTheDelayedAckTime() throws Exception {
        try (AgentFixture agent = new AgentFixture()) {
            AgentControl run = agent.control();
            run.claim("run-k", "tester", "h1", 30);
            for (int i = 0; i < 20; i++) {
                run.renew(); // warm up: the JIT and the connection
            }
            long[] renew = new long[100];
            long[] status = new long[100];
            for (int i = 0; i < renew.length; i++) {
                long t0 = System.nanoTime();
                run.renew();
                long t1 = System.nanoTime();
                run.status();
                renew[i] = t1 - t0;
                status[i] = System.nanoTime() - t1;
            }
            double renewMs = median(renew);
            double statusMs = median(status);
            System.out.printf("keep-alive median: PUT /leases/ID %.2f ms, GET /status %.2f ms%n", renewMs, statusMs);
            assertThat(renewMs).isLessThan(20);
            assertThat(statusMs).isLessThan(20);
        }
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
