package io.quirklab.client;

/**
 * One request datagram the client sent.
 *
 * @param label        what it was ("Get Device ID", "ASF ping", ...)
 * @param attempt      1 for the first send, 2.. for retransmissions
 * @param sentAtMicros microseconds since the call started
 * @param rttMicros    round trip until the matching reply, or -1 if none came
 * @param bytes        size of the request datagram
 */
public record DatagramTiming(String label, int attempt, long sentAtMicros, long rttMicros, int bytes) {
    public boolean answered() {
        return rttMicros >= 0;
    }
}
