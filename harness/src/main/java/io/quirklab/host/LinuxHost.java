package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.OsEvidence;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux: {@code ethtool -i/-k/-K}, sysfs, /etc/os-release; drop evidence from /proc/net/snmp, {@code ethtool -S}
 * and kfree_skb ({@link OsEvidence}). The receive checksum switch is {@code ethtool -K IF rx on|off}: Linux has one
 * switch for every protocol, and it does not survive a reboot or a driver reload. Needs CAP_NET_ADMIN to switch.
 */
public final class LinuxHost implements HostAdapter {
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final Path SYS_NET = Path.of("/sys/class/net");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FEATURE_LINE = Pattern.compile("^\\s*([a-z0-9_-]+):\\s+(on|off)\\b(.*)$");
    /** "03:00.0 Ethernet controller [0200]: Intel Corporation I211 Gigabit Network Connection [8086:1539] (rev 03)". */
    private static final Pattern LSPCI = Pattern.compile("^\\S+\\s+[^:]+:\\s+(.+?)(?:\\s+\\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}])?(?:\\s+\\(rev [^)]*\\))?\\s*$");

    /** ethtool feature -> stable keys; Linux's single rx-checksumming switch stands for every receive checksum. */
    static final Map<String, List<String>> FEATURES = Map.ofEntries(
            Map.entry("rx-checksumming", List.of(OffloadKeys.RX_CHECKSUM, OffloadKeys.RX_UDP4_CHECKSUM, OffloadKeys.RX_TCP4_CHECKSUM,
                    OffloadKeys.RX_UDP6_CHECKSUM, OffloadKeys.RX_TCP6_CHECKSUM)),
            Map.entry("tx-checksumming", List.of(OffloadKeys.TX_CHECKSUM)),
            Map.entry("scatter-gather", List.of(OffloadKeys.SG)),
            Map.entry("tcp-segmentation-offload", List.of(OffloadKeys.TSO)),
            Map.entry("tx-tcp6-segmentation", List.of(OffloadKeys.TSO6)),
            Map.entry("tx-udp-segmentation", List.of(OffloadKeys.USO)),
            Map.entry("generic-segmentation-offload", List.of(OffloadKeys.GSO)),
            Map.entry("generic-receive-offload", List.of(OffloadKeys.GRO)),
            Map.entry("rx-gro-hw", List.of(OffloadKeys.GRO_HW)),
            Map.entry("large-receive-offload", List.of(OffloadKeys.LRO)),
            Map.entry("receive-hashing", List.of(OffloadKeys.RX_HASH)),
            Map.entry("rx-vlan-offload", List.of(OffloadKeys.RX_VLAN)),
            Map.entry("tx-vlan-offload", List.of(OffloadKeys.TX_VLAN)),
            Map.entry("rx-fcs", List.of(OffloadKeys.RX_FCS)),
            Map.entry("rx-all", List.of(OffloadKeys.RX_ALL)));

    private final CommandRunner runner;
    private final RxSwitch rx = new EthtoolRx();

    LinuxHost(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String family() {
        return LINUX;
    }

    /** The interface of the default route in /proc/net/route (lowest metric first). */
    @Override
    public Optional<String> defaultInterface() {
        try {
            return defaultRoute(InputFile.lenient(Path.of("/proc/net/route"), InputFile.Kind.KERNEL));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> defaultRoute(String procNetRoute) {
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : procNetRoute.split("\\R")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && "00000000".equals(f[1]) && "00000000".equals(f[7])) {
                try {
                    long metric = Long.parseLong(f[6]);
                    if (metric < bestMetric) {
                        best = f[0];
                        bestMetric = metric;
                    }
                } catch (NumberFormatException e) {
                    // header line
                }
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public String howToListInterfaces() {
        return "list the interfaces with 'ip -br link'";
    }

    @Override
    public MatrixDocument.Environment fingerprint(String iface) throws IOException {
        requireInterface(iface);
        Map<String, String> info = ethtoolInfo(iface);
        String driver = blankToNull(info.get("driver"));
        String bus = blankToNull(info.get("bus-info"));
        Path device = SYS_NET.resolve(iface).resolve("device");
        Path pci = pciDevice(device, bus);
        String moduleVersion = driver == null ? null : readTrimmed(Path.of("/sys/module", driver, "version"));
        String model;
        if (!Files.exists(device)) {
            model = driver == null ? "virtual" : driver + " (virtual)";
        } else {
            model = pci == null || bus == null ? null : lspciModel(bus);
        }
        MatrixDocument.DutInterface dut = new MatrixDocument.DutInterface(iface, readTrimmed(SYS_NET.resolve(iface).resolve("address")),
                model, pciId(pci, "vendor", "device"), driver, moduleVersion != null ? moduleVersion : blankToNull(info.get("version")),
                null, driver == null ? null : moduleFile(driver), blankToNull(info.get("firmware-version")), linkSpeed(iface),
                offloads(iface), pciId(pci, "subsystem_vendor", "subsystem_device"), null);
        return new MatrixDocument.Environment(os(), hostName(), System.getProperty("java.version"), dut, ClientVersions.detect(runner));
    }

    private static MatrixDocument.Os os() {
        Map<String, String> rel = osRelease(readOr(Path.of("/etc/os-release"), ""));
        String kernel = readTrimmed(Path.of("/proc/sys/kernel/osrelease"));
        return new MatrixDocument.Os(LINUX, rel.getOrDefault("PRETTY_NAME", rel.getOrDefault("NAME", "Linux")), rel.get("VERSION_ID"),
                kernel != null ? kernel : System.getProperty("os.version"));
    }

    /** KEY=value lines of /etc/os-release, quotes removed. */
    static Map<String, String> osRelease(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^[\"']|[\"']$", ""));
            }
        }
        return out;
    }

    private static String hostName() {
        String h = readTrimmed(Path.of("/proc/sys/kernel/hostname"));
        return h != null ? h : System.getenv().getOrDefault("HOSTNAME", "unknown");
    }

    private static void requireInterface(String iface) throws IOException {
        if (iface == null || iface.isBlank() || iface.contains("/") || !Files.exists(SYS_NET.resolve(iface))) {
            throw new IOException("no network interface '" + iface + "' here (list them with 'ip -br link')");
        }
    }

    /** {@code ethtool -i}: "key: value" lines; empty when the interface has no driver information (lo). */
    private Map<String, String> ethtoolInfo(String iface) {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("ethtool", "-i", iface));
        return r.ok() ? keyValues(r.stdout()) : Map.of();
    }

    public static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** The PCI device directory: the interface's device when it is on the PCI bus, else the one ethtool's bus-info names. */
    private static Path pciDevice(Path device, String bus) {
        Path subsystem = device.resolve("subsystem");
        try {
            if (Files.exists(device) && Files.isSymbolicLink(subsystem) && Files.readSymbolicLink(subsystem).getFileName().toString().equals("pci")) {
                return device;
            }
        } catch (IOException e) {
            // fall through to bus-info
        }
        if (bus != null && bus.matches("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]")) {
            Path p = Path.of("/sys/bus/pci/devices", bus);
            return Files.isDirectory(p) ? p : null;
        }
        return null;
    }

    /** "8086:1539" from sysfs "0x8086" and "0x1539". */
    private static String pciId(Path pci, String vendorFile, String deviceFile) {
        if (pci == null) {
            return null;
        }
        String v = readTrimmed(pci.resolve(vendorFile));
        String d = readTrimmed(pci.resolve(deviceFile));
        return v == null || d == null ? null : v.replaceFirst("^0x", "") + ":" + d.replaceFirst("^0x", "");
    }

    private String lspciModel(String bus) {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("lspci", "-nn", "-s", bus));
        return r.ok() ? lspciName(r.stdout()) : null;
    }

    static String lspciName(String line) {
        Matcher m = LSPCI.matcher(line.strip());
        return m.matches() ? m.group(1) : null;
    }

    /** The module's file ({@code modinfo -n}), null for built-in drivers or without modinfo. */
    private String moduleFile(String driver) {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("modinfo", "-n", driver));
        String f = r.ok() ? r.stdout().strip() : "";
        return f.isEmpty() || f.startsWith("(") ? null : Path.of(f).getFileName().toString();
    }

    /** "1000 Mb/s" from sysfs; null when unknown (down, or virtual without a speed). */
    private static String linkSpeed(String iface) {
        String s = readTrimmed(SYS_NET.resolve(iface).resolve("speed"));
        try {
            return s == null || Long.parseLong(s) <= 0 ? null : s + " Mb/s";
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Map<String, String> offloads(String iface) throws IOException {
        return offloads(features(iface));
    }

    /** Stable keys ({@link OffloadKeys}) from ethtool's features. */
    public static Map<String, String> offloads(Map<String, Feature> features) {
        Map<String, String> out = new TreeMap<>();
        features.forEach((name, f) -> {
            for (String key : FEATURES.getOrDefault(name, List.of())) {
                out.put(key, OffloadKeys.onOff(f.on()));
            }
        });
        // Transmit checksums per protocol: IPv4-only or protocol-independent hardware checksumming.
        boolean tx4 = on(features, "tx-checksum-ipv4") || on(features, "tx-checksum-ip-generic");
        if (features.containsKey("tx-checksum-ipv4") || features.containsKey("tx-checksum-ip-generic")) {
            out.put(OffloadKeys.TX_UDP4_CHECKSUM, OffloadKeys.onOff(tx4));
            out.put(OffloadKeys.TX_TCP4_CHECKSUM, OffloadKeys.onOff(tx4));
        }
        return out;
    }

    private static boolean on(Map<String, Feature> features, String name) {
        return features.containsKey(name) && features.get(name).on();
    }

    /** One ethtool feature. */
    public record Feature(boolean on, boolean fixed) {
    }

    /** {@code ethtool --json -k} (ethtool 5.17+), else the text form. */
    Map<String, Feature> features(String iface) throws IOException {
        CommandRunner.Result json = runner.run(TIMEOUT, List.of("ethtool", "--json", "-k", iface));
        if (json.ok()) {
            try {
                return featuresFromJson(json.stdout());
            } catch (IOException e) {
                // an ethtool that accepts --json but prints something else: the text form below
            }
        }
        CommandRunner.Result text = runner.run(TIMEOUT, List.of("ethtool", "-k", iface));
        if (!text.ok()) {
            throw new IOException(text.describeFailure());
        }
        return featuresFromText(text.stdout());
    }

    static Map<String, Feature> featuresFromJson(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        JsonNode dev = root.isArray() ? root.path(0) : root;
        if (!dev.isObject()) {
            throw new IOException("ethtool --json -k printed no object");
        }
        Map<String, Feature> out = new TreeMap<>();
        dev.properties().forEach(f -> {
            if (f.getValue().isObject() && f.getValue().has("active")) {
                out.put(f.getKey(), new Feature(f.getValue().path("active").asBoolean(), f.getValue().path("fixed").asBoolean(false)));
            }
        });
        return out;
    }

    /** "rx-checksumming: on [fixed]" lines; the "Features for IF:" title and unknown lines are skipped. */
    public static Map<String, Feature> featuresFromText(String text) {
        Map<String, Feature> out = new TreeMap<>();
        for (String line : text.split("\\R")) {
            Matcher m = FEATURE_LINE.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), new Feature(m.group(2).equals("on"), m.group(3).contains("[fixed]")));
            }
        }
        return out;
    }

    @Override
    public String rxUdp4Checksum(String iface) throws IOException {
        return rx.read(iface);
    }

    @Override
    public OffloadChange setRxUdp4Checksum(String iface, boolean on, OffloadJournal journal) throws IOException {
        requireInterface(iface);
        return OffloadProcedure.set(rx, iface, on, journal);
    }

    @Override
    public OffloadChange restoreRxUdp4Checksum(String iface, String original) throws IOException {
        requireInterface(iface);
        return OffloadProcedure.restore(rx, iface, original);
    }

    @Override
    public EvidenceSession beginDropEvidence(String iface, Path evidenceDir) {
        return OsEvidence.begin(runner, iface);
    }

    /** ethtool's rx switch. */
    private final class EthtoolRx implements RxSwitch {
        @Override
        public String read(String iface) throws IOException {
            Feature f = features(iface).get("rx-checksumming");
            if (f == null) {
                throw new IOException(iface + ": ethtool -k shows no rx-checksumming feature");
            }
            return OffloadKeys.onOff(f.on());
        }

        @Override
        public String target(String current, boolean on) {
            return OffloadKeys.onOff(on);
        }

        @Override
        public String mechanism(String iface, String value) {
            return "ethtool -K " + iface + " rx " + value;
        }

        @Override
        public void write(String iface, String value) throws IOException {
            Feature f = features(iface).get("rx-checksumming");
            if (f != null && f.fixed()) {
                throw new IOException(iface + ": rx-checksumming is fixed " + OffloadKeys.onOff(f.on())
                        + " by the driver (ethtool -k says [fixed]); it cannot be switched on this NIC");
            }
            CommandRunner.Result r = runner.run(TIMEOUT, List.of("ethtool", "-K", iface, "rx", value));
            if (!r.ok()) {
                throw new IOException(r.describeFailure() + (r.stderr().contains("Operation not permitted")
                        ? " (switching offloads needs root or CAP_NET_ADMIN)" : ""));
            }
        }

        @Override
        public LinkState link(String iface) throws IOException {
            try {
                NetworkInterface ni = NetworkInterface.getByName(iface);
                if (ni == null) {
                    return LinkState.gone();
                }
                Set<String> v4 = new HashSet<>();
                for (var a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        v4.add(a.getHostAddress());
                    }
                }
                return new LinkState(ni.isUp(), v4);
            } catch (SocketException e) {
                throw new IOException(iface + ": cannot read link state: " + e.getMessage(), e);
            }
        }

        @Override
        public Map<String, String> offloads(String iface) throws IOException {
            return LinuxHost.this.offloads(iface);
        }

        @Override
        public Duration linkTimeout() {
            return Duration.ofSeconds(15);
        }

        @Override
        public Duration pollInterval() {
            return Duration.ofMillis(100);
        }
    }

    private static String readTrimmed(Path p) {
        try {
            String s = InputFile.lenient(p, InputFile.Kind.KERNEL).trim();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String readOr(Path p, String fallback) {
        String s = readTrimmed(p);
        return s == null ? fallback : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
