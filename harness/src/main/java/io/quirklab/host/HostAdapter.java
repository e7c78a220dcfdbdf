package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EvidenceSession;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the harness needs from the DUT's operating system, one implementation per OS: the environment fingerprint
 * for the matrix, the receive UDP/IPv4 checksum offload (read, switch with a restore journal, restore) and drop
 * evidence as one {@link io.quirklab.observe.OsReport} whatever the OS. Every external command goes through the
 * adapter's {@link CommandRunner}; give it a recording executor to run the Windows and macOS adapters against
 * recorded outputs.
 *
 * <p>Get the one for this machine with {@link #detect()}.
 */
public sealed interface HostAdapter permits LinuxHost, WindowsHost, MacHost {
    String LINUX = "linux";
    String WINDOWS = "windows";
    String MACOS = "macos";

    /** {@link #LINUX}, {@link #WINDOWS} or {@link #MACOS}. */
    String family();

    /** The interface of the default IPv4 route, if there is one. */
    Optional<String> defaultInterface();

    /** One sentence: how to list the interfaces to pick one from. */
    String howToListInterfaces();

    /**
     * The environment of a run on this host with {@code iface} as the DUT interface: OS, host, Java, the interface
     * (model, PCI ids, driver, firmware, link speed, every offload by {@link OffloadKeys stable key}) and the IPMI
     * client versions that are installed. What the OS does not offer is null; a missing interface is an IOException.
     */
    MatrixDocument.Environment fingerprint(String iface) throws IOException;

    /** Every offload setting of {@code iface} by stable key ({@link OffloadKeys}), "on"/"off". */
    Map<String, String> offloads(String iface) throws IOException;

    /** The receive UDP/IPv4 checksum offload in the OS's own value ("on"/"off", Windows "0".."3", macOS "0"/"1"). */
    String rxUdp4Checksum(String iface) throws IOException;

    /**
     * Switches the receive UDP/IPv4 checksum offload of {@code iface} on or off (transmit is left as it is). The
     * original value is written to {@code journal} (on disk) before anything changes; afterwards the method waits,
     * bounded, until link and addresses are back and reads the value back.
     *
     * @throws IOException when the OS refuses (the tool's words), or the journal cannot be written (nothing changed)
     * @throws OffloadJournal.BusyException when another live run holds unrestored changes
     */
    OffloadChange setRxUdp4Checksum(String iface, boolean on, OffloadJournal journal) throws IOException;

    /** Writes a recorded original value back (the journal's restore path; no journal entry is made). */
    OffloadChange restoreRxUdp4Checksum(String iface, String original) throws IOException;

    /**
     * Starts collecting drop evidence for traffic on {@code iface}; files the session writes (Windows: the PktMon
     * log) go to {@code evidenceDir}. Never throws: what cannot be started is reported by {@link EvidenceSession#end}.
     */
    EvidenceSession beginDropEvidence(String iface, Path evidenceDir);

    /** The adapter for the OS this JVM runs on, running real commands. */
    static HostAdapter detect() {
        return forOs(System.getProperty("os.name", ""), null);
    }

    /**
     * The adapter for {@code osName} ({@code os.name} spelling: "Linux", "Windows 11", "Mac OS X"), running commands
     * through {@code runner} (null: real commands, in the OS's usual output charset).
     *
     * @throws IllegalArgumentException for an OS without an adapter
     */
    static HostAdapter forOs(String osName, CommandRunner runner) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return new WindowsHost(runner != null ? runner : new CommandRunner(consoleCharset()));
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return new MacHost(runner != null ? runner : new CommandRunner());
        }
        if (os.startsWith("linux")) {
            return new LinuxHost(runner != null ? runner : new CommandRunner());
        }
        throw new IllegalArgumentException("no host adapter for " + osName + ": quirklab knows Linux, Windows and macOS");
    }

    /**
     * What Windows tools' output without a byte-order mark is decoded with: the JVM's native encoding (an ANSI code
     * page). Console tools may print in the OEM code page instead; the parsers depend on numbers and on labels that
     * are not translated, and PowerShell output is forced to UTF-8 anyway.
     */
    private static Charset consoleCharset() {
        String enc = System.getProperty("sun.stdout.encoding", System.getProperty("native.encoding", "UTF-8"));
        try {
            return Charset.forName(enc);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
