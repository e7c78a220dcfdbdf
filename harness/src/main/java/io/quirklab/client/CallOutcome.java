package io.quirklab.client;

import java.util.List;

/**
 * The structured result of one client call: success or the kind of failure, with every datagram's timing.
 *
 * @param <T>       result type
 * @param value     the result on success, else null
 * @param failure   null on success
 * @param message   one line: what happened
 * @param attempts  request datagrams sent, retransmissions included
 * @param datagrams per-datagram timings in send order
 * @param elapsedMicros wall time of the whole call
 */
public record CallOutcome<T>(T value, Failure failure, String message, int attempts, List<DatagramTiming> datagrams,
                             long elapsedMicros) {
    public boolean ok() {
        return failure == null;
    }

    /** Requests that got a matching reply. */
    public long answered() {
        return datagrams.stream().filter(DatagramTiming::answered).count();
    }
}
