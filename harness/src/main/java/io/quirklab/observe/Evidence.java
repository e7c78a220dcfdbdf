package io.quirklab.observe;

import io.quirklab.client.CallOutcome;
import io.quirklab.client.Failure;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one probe observed, from the four observation points of ARCHITECTURE.md. It holds observations only:
 * the fault model of a virtual lab is deliberately not part of it, so a verdict can never be read from the cause.
 *
 * @param client        (4) what the client reported
 * @param requestsSeen  (1) requests the responder journal recorded for this probe
 * @param repliesSent   (2) replies the responder journal recorded as sent
 * @param dutWire       (2b) the DUT-side capture's summary, or null when there was no capture
 * @param os            (3) OS and NIC counters and drop reasons
 * @param dutVlanDevice the DUT has a VLAN device for the tag the replies carry (tagged replies are then not a reason)
 * @param pcap          the DUT capture file, or null
 */
public record Evidence(Client client, int requestsSeen, int repliesSent, DutWire dutWire, OsReport os, boolean dutVlanDevice,
                       Path pcap) {
    /**
     * The client's side of one probe.
     *
     * @param failure  null on success, else the kind of failure
     * @param message  one line: what happened (the tool's error text)
     * @param exitCode the tool's exit code, or null for the Java client
     * @param attempts request datagrams sent
     * @param answered requests that got a matching reply
     */
    public record Client(Failure failure, String message, Integer exitCode, int attempts, long answered) {
        public static Client of(CallOutcome<?> outcome) {
            return of(outcome, null);
        }

        public static Client of(CallOutcome<?> outcome, Integer exitCode) {
            return new Client(outcome.failure(), outcome.message(), exitCode, outcome.attempts(), outcome.answered());
        }

        public static Client succeeded(int attempts) {
            return new Client(null, "ok", 0, attempts, attempts);
        }

        public static Client failed(Failure failure, String message, int attempts) {
            return new Client(Objects.requireNonNull(failure), message, null, attempts, 0);
        }

        public boolean ok() {
            return failure == null;
        }
    }

    public Evidence {
        Objects.requireNonNull(client, "client");
        os = os == null ? OsReport.none() : os;
    }

    /** Evidence with only the client's side; add the rest with the {@code with...} methods. */
    public static Evidence of(Client client) {
        return new Evidence(client, 0, 0, null, OsReport.none(), false, null);
    }

    public Evidence withJournal(int requestsSeen, int repliesSent) {
        return new Evidence(client, requestsSeen, repliesSent, dutWire, os, dutVlanDevice, pcap);
    }

    public Evidence withDutWire(DutWire dutWire) {
        return new Evidence(client, requestsSeen, repliesSent, dutWire, os, dutVlanDevice, pcap);
    }

    public Evidence withOs(OsReport os) {
        return new Evidence(client, requestsSeen, repliesSent, dutWire, os, dutVlanDevice, pcap);
    }

    public Evidence withDutVlanDevice(boolean dutVlanDevice) {
        return new Evidence(client, requestsSeen, repliesSent, dutWire, os, dutVlanDevice, pcap);
    }

    public Evidence withPcap(Path pcap) {
        return new Evidence(client, requestsSeen, repliesSent, dutWire, os, dutVlanDevice, pcap);
    }
}
