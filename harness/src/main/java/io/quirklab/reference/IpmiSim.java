package io.quirklab.reference;

import io.quirklab.input.InputFile;
import io.quirklab.process.Await;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.LongRunning;
import io.quirklab.process.ProcessOwner;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * OpenIPMI's {@code ipmi_sim}, started on its own loopback address as a reference BMC for cross-checking the Java
 * client. Config follows IPMI-NOTES.md; the process is ours and is ended by PID on close.
 */
public final class IpmiSim implements AutoCloseable {
    public static final String USER = "admin";
    public static final String PASSWORD = "secret";
    /** What the emu file makes the BMC report. */
    public static final int MANUFACTURER_ID = 0x1291;
    public static final int PRODUCT_ID = 0x0F02;

    private final Process process;
    private final Path dir;
    private final String address;
    private final int port;

    private IpmiSim(Process process, Path dir, String address, int port) {
        this.process = process;
        this.dir = dir;
        this.address = address;
        this.port = port;
    }

    public static Optional<Path> binary() {
        return CommandRunner.which("ipmi_sim");
    }

    /** Starts ipmi_sim on {@code address:port} and waits (bounded) until it answers an ASF ping. */
    public static IpmiSim start(String address, int port, Duration readyTimeout) throws IOException {
        Path bin = binary().orElseThrow(() -> new IOException("ipmi_sim not found: apt-get install openipmi"));
        Path dir = Files.createTempDirectory("quirklab-ipmisim-");
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("lan.conf"), String.join("\n",
                "name \"quirklab-ref\"",
                "set_working_mc 0x20",
                "  startlan 1",
                "    addr " + address + " " + port,
                "    priv_limit admin",
                "    allowed_auths_callback none md2 md5 straight",
                "    allowed_auths_user none md2 md5 straight",
                "    allowed_auths_operator none md2 md5 straight",
                "    allowed_auths_admin none md2 md5 straight",
                "    guid a123456789abcdefa123456789abcdef",
                "  endlan",
                "  user 1 true  \"\"        \"test\"   user     10       none md2 md5 straight",
                "  user 2 true  \"" + USER + "\" \"" + PASSWORD + "\" admin 10 none md2 md5 straight",
                ""));
        Files.writeString(dir.resolve("bmc.emu"), String.join("\n",
                "mc_setbmc 0x20",
                "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr",
                "mc_enable 0x20",
                ""));
        // its console reads standard input: a pipe kept open for as long as it runs
        Process p = LongRunning.start(List.of(bin.toString(), "-c", dir.resolve("lan.conf").toString(),
                "-f", dir.resolve("bmc.emu").toString(), "-s", state.toString(), "-n"), LongRunning.Output.LOG,
                dir.resolve("ipmi_sim.log"), true, h -> { }).process();
        IpmiSim sim = new IpmiSim(p, dir, address, port);
        if (!sim.awaitReady(readyTimeout)) {
            String log = Files.exists(dir.resolve("ipmi_sim.log")) ? InputFile.printable(InputFile.tail(dir.resolve("ipmi_sim.log"),
                    InputFile.Kind.LOG, 4 << 10)) : "";
            sim.close();
            throw new IOException("ipmi_sim did not answer on " + address + ":" + port + " within " + readyTimeout.toMillis() + " ms; log: " + log.strip());
        }
        return sim;
    }

    /** Ready once it answers an ASF ping (each try waits 100 ms for the pong); false when it died or the time ran out. */
    private boolean awaitReady(Duration timeout) {
        byte[] ping = {0x06, 0x00, (byte) 0xFF, 0x06, 0x00, 0x00, 0x11, (byte) 0xBE, (byte) 0x80, 0x01, 0x00, 0x00};
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(address, port));
            s.setSoTimeout(100);
            return Await.poll("ipmi_sim answering on " + address + ":" + port, timeout, Duration.ofMillis(50), () -> {
                if (!process.isAlive()) {
                    throw new IOException("ipmi_sim exited");
                }
                try {
                    s.send(new DatagramPacket(ping, ping.length));
                    s.receive(new DatagramPacket(new byte[64], 64));
                    return true;
                } catch (SocketTimeoutException | java.net.PortUnreachableException notYet) {
                    return false;
                }
            }, answered -> answered).reached();
        } catch (IOException e) {
            return false;
        }
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ProcessOwner.of(process.toHandle()).end(java.time.Duration.ofSeconds(3));
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    /** Command line arguments a test can print when reproducing by hand. */
    public List<String> describe() {
        return List.of("ipmi_sim", "on", address + ":" + port, "pid", Long.toString(pid()));
    }
}
