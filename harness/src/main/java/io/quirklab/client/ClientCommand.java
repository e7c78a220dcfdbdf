package io.quirklab.client;

/** Something to do with an open client; {@link IpmiCall#run} wraps it in a {@link CallOutcome}. */
@FunctionalInterface
public interface ClientCommand<T> {
    T run(IpmiLanClient client) throws IpmiCallException;
}
