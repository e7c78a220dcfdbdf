package io.quirklab.host;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What one OS offers to switch the receive UDP/IPv4 checksum offload, in the OS's own values. Only
 * {@link OffloadProcedure} uses it, so a value is never written without the restore journal.
 */
interface RxSwitch {
    /** The value now ("on", Windows registry value "3", macOS sysctl "1"). */
    String read(String iface) throws IOException;

    /** The value that turns receive offload on or off, keeping everything else of {@code current} (Windows: Tx). */
    String target(String current, boolean on);

    /** The command that writes {@code value}, for the record. */
    String mechanism(String iface, String value);

    /** Writes the value; an IOException carries the tool's own words. */
    void write(String iface, String value) throws IOException;

    LinkState link(String iface) throws IOException;

    /** Every offload setting by stable key ({@link OffloadKeys}). */
    Map<String, String> offloads(String iface) throws IOException;

    /** How long link and addresses may take to come back. */
    Duration linkTimeout();

    /** How often to look. */
    Duration pollInterval();
}
