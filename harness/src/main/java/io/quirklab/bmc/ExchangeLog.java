package io.quirklab.bmc;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Where a socket-mode BMC reports its exchanges. The line for an exchange is built only when the log wants it: at
 * tens of thousands of datagrams a second, formatting lines nobody reads was a good part of the work.
 */
public interface ExchangeLog {
    /** One exchange with {@code peer}. */
    void exchange(InetSocketAddress peer, Exchange e);

    /** A problem of the server itself (a failed send). */
    void problem(String message);

    /** Logs nothing. */
    ExchangeLog NONE = new ExchangeLog() {
        @Override
        public void exchange(InetSocketAddress peer, Exchange e) {
        }

        @Override
        public void problem(String message) {
        }
    };

    /** Every exchange as one line: {@code address:port summary}. */
    static ExchangeLog lines(Consumer<String> out) {
        return new ExchangeLog() {
            @Override
            public void exchange(InetSocketAddress peer, Exchange e) {
                out.accept(line(peer, e));
            }

            @Override
            public void problem(String message) {
                out.accept("error: " + message);
            }
        };
    }

    /** As {@link #lines}, but at most the log's rate; lines over it are counted, never built. */
    static ExchangeLog limited(RateLimitedLog out) {
        return new ExchangeLog() {
            @Override
            public void exchange(InetSocketAddress peer, Exchange e) {
                out.accept(() -> line(peer, e));
            }

            @Override
            public void problem(String message) {
                out.accept("error: " + message);
            }
        };
    }

    static String line(InetSocketAddress peer, Exchange e) {
        return peer.getAddress().getHostAddress() + ":" + peer.getPort() + " " + e.summary();
    }
}
