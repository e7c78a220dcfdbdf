package io.quirklab.lab;

import io.quirklab.client.ToolClient;
import io.quirklab.host.CommandRunner;
import io.quirklab.matrix.MatrixDocument;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The environment of a run as the matrix records it: OS, host, Java, the DUT interface and the client versions. */
public final class EnvironmentFingerprint {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private EnvironmentFingerprint() {
    }

    public static MatrixDocument.Environment of(CommandRunner runner, String iface) {
        return new MatrixDocument.Environment(os(runner), hostName(), System.getProperty("java.version"), dut(runner, iface),
                clientVersions(runner));
    }

    static MatrixDocument.Os os(CommandRunner runner) {
        String osName = System.getProperty("os.name");
        String family = osName.toLowerCase(Locale.ROOT).startsWith("windows") ? "windows"
                : osName.toLowerCase(Locale.ROOT).startsWith("mac") ? "macos" : "linux";
        if (!family.equals("linux")) {
            return new MatrixDocument.Os(family, osName, System.getProperty("os.version"), null);
        }
        Map<String, String> release = osRelease();
        return new MatrixDocument.Os(family, release.getOrDefault("PRETTY_NAME", osName), release.get("VERSION_ID"),
                System.getProperty("os.version"));
    }

    private static Map<String, String> osRelease() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    m.put(l.substring(0, eq), l.substring(eq + 1).replaceAll("^\"|\"$", ""));
                }
            }
        } catch (IOException ignored) {
            // not every Linux has it
        }
        return m;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }

    static MatrixDocument.DutInterface dut(CommandRunner runner, String iface) {
        Path sys = Path.of("/sys/class/net", iface);
        String mac = read(sys.resolve("address"));
        Map<String, String> info = keyValues(runner.run(TIMEOUT, List.of("ethtool", "-i", iface)).stdout());
        Map<String, String> features = keyValues(runner.run(TIMEOUT, List.of("ethtool", "-k", iface)).stdout());
        Map<String, String> offloads = new LinkedHashMap<>();
        String[][] keys = {{"rx-checksumming", "rx_udp4_checksum"}, {"tx-checksumming", "tx_udp4_checksum"},
            {"tcp-segmentation-offload", "tso"}, {"generic-segmentation-offload", "gso"}, {"generic-receive-offload", "gro"},
            {"large-receive-offload", "lro"}, {"receive-hashing", "rss"}};
        for (String[] k : keys) {
            if (features.containsKey(k[0])) {
                offloads.put(k[1], features.get(k[0]).replace(" [fixed]", ""));
            }
        }
        String vendor = read(sys.resolve("device/vendor"));
        String device = read(sys.resolve("device/device"));
        String pci = vendor == null || device == null ? null : vendor.replace("0x", "") + ":" + device.replace("0x", "");
        String driver = info.get("driver");
        String driverVersion = driver == null ? null : read(Path.of("/sys/module", driver, "version"));
        String speed = read(sys.resolve("speed"));
        return new MatrixDocument.DutInterface(iface, mac, driver != null && driver.equals("veth") ? "veth (virtual)" : null, pci,
                driver, driverVersion != null ? driverVersion : info.get("version"), null, null, blankToNull(info.get("firmware-version")),
                speed == null || speed.startsWith("-") ? null : speed + " Mb/s", offloads);
    }

    static Map<String, String> clientVersions(CommandRunner runner) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("java", io.quirklab.cli.QuirklabCommand.version());
        if (ToolClient.IPMITOOL_LAN.available()) {
            m.put("ipmitool", firstVersion(runner, List.of("ipmitool", "-V")));
        }
        if (ToolClient.IPMIUTIL.available()) {
            m.put("ipmiutil", firstVersion(runner, List.of("ipmiutil", "-V")));
        }
        if (ToolClient.FREEIPMI.available()) {
            m.put("freeipmi", firstVersion(runner, List.of("bmc-info", "--version")));
        }
        return m;
    }

    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)*)");

    private static String firstVersion(CommandRunner runner, List<String> command) {
        CommandRunner.Result r = runner.run(TIMEOUT, command);
        Matcher m = VERSION.matcher(r.stdout() + "\n" + r.stderr());
        return m.find() ? m.group(1) : null;
    }

    private static Map<String, String> keyValues(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : text.split("\n")) {
            int c = l.indexOf(':');
            if (c > 0) {
                m.put(l.substring(0, c).trim(), l.substring(c + 1).trim());
            }
        }
        return m;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
