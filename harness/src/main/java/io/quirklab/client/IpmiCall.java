package io.quirklab.client;

import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.process.Cancellation;
import java.util.List;

/** Runs one client command against one BMC and always returns a {@link CallOutcome}, never throws. */
public final class IpmiCall {
    private IpmiCall() {
    }

    /**
     * @param session true to open a session first (and close it afterwards)
     */
    public static <T> CallOutcome<T> run(ClientOptions options, boolean session, ClientCommand<T> command) {
        return run(options, session, command, Cancellation.never());
    }

    /** As above; {@code cancel} ends the call early, as a timeout with the cancellation's reason. */
    public static <T> CallOutcome<T> run(ClientOptions options, boolean session, ClientCommand<T> command, Cancellation cancel) {
        long start = System.nanoTime();
        IpmiLanClient client;
        try {
            client = IpmiLanClient.open(options);
        } catch (IpmiCallException e) {
            return new CallOutcome<>(null, e.failure(), e.getMessage(), 0, List.of(), (System.nanoTime() - start) / 1000);
        }
        cancel.onCancel(() -> client.end(cancel.reason().orElse("cancelled")));
        T value = null;
        Failure failure = null;
        String message;
        try {
            if (session) {
                client.openSession();
            }
            value = command.run(client);
            message = "ok";
        } catch (IpmiCallException e) {
            failure = e.failure();
            message = e.getMessage();
        } catch (MalformedPacketException e) {
            failure = Failure.PROTOCOL_ERROR;
            message = e.getMessage();
        } finally {
            client.close();
        }
        List<DatagramTiming> timings = client.timings();
        if (failure == null && !client.notes().isEmpty()) {
            message = "ok; tolerated: " + String.join("; ", client.notes());
        }
        return new CallOutcome<>(value, failure, message, timings.size(), timings, (System.nanoTime() - start) / 1000);
    }
}
