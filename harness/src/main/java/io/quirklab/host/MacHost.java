package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EvidenceSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * macOS: {@code system_profiler -json SPEthernetDataType} and {@code ifconfig -v} for the fingerprint, the
 * system-wide switch {@code sysctl net.link.generic.system.hwcksum_rx} for receive offload (per interface
 * {@code ifconfig IF -rxcsum} works only where the driver allows it; neither survives a reboot), {@code netstat -s}
 * deltas for drop evidence ({@link MacEvidence}). Switching needs root.
 */
public final class MacHost implements HostAdapter {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String HWCKSUM_RX = "net.link.generic.system.hwcksum_rx";
    static final String HWCKSUM_TX = "net.link.generic.system.hwcksum_tx";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OPTIONS = Pattern.compile("^\\s*options=[0-9a-fA-F]*<([^>]*)>", Pattern.MULTILINE);
    private static final Pattern ETHER = Pattern.compile("^\\s*ether\\s+([0-9a-fA-F:]{17})", Pattern.MULTILINE);
    private static final Pattern INET = Pattern.compile("^\\s*inet\\s+(\\d{1,3}(?:\\.\\d{1,3}){3})\\b", Pattern.MULTILINE);
    private static final Pattern STATUS = Pattern.compile("^\\s*status:\\s*(\\S+)", Pattern.MULTILINE);
    private static final Pattern FLAGS = Pattern.compile("flags=[0-9a-fA-F]+<([^>]*)>");
    private static final Pattern LINK_RATE = Pattern.compile("^\\s*link rate:\\s*(.+?)\\s*$", Pattern.MULTILINE);
    private static final Pattern MEDIA = Pattern.compile("^\\s*media:.*\\(([^ <)]+)", Pattern.MULTILINE);
    /** ifconfig option -> stable keys. */
    static final Map<String, List<String>> OPTION_KEYS = Map.of(
            "RXCSUM", List.of(OffloadKeys.RX_CHECKSUM),
            "TXCSUM", List.of(OffloadKeys.TX_CHECKSUM, OffloadKeys.TX_UDP4_CHECKSUM, OffloadKeys.TX_TCP4_CHECKSUM),
            "TSO4", List.of(OffloadKeys.TSO), "TSO6", List.of(OffloadKeys.TSO6), "LRO", List.of(OffloadKeys.LRO),
            "VLAN_HWTAGGING", List.of(OffloadKeys.RX_VLAN, OffloadKeys.TX_VLAN));

    private final CommandRunner runner;
    private final RxSwitch rx;

    MacHost(CommandRunner runner) {
        this(runner, Duration.ofSeconds(30), Duration.ofMillis(500));
    }

    /** With another bound and pace for waiting on the link after a change (tests). */
    MacHost(CommandRunner runner, Duration linkTimeout, Duration poll) {
        this.runner = runner;
        this.rx = new SysctlRx(linkTimeout, poll);
    }

    @Override
    public String family() {
        return MACOS;
    }

    /** "interface: en0" of {@code route -n get default}. */
    @Override
    public Optional<String> defaultInterface() {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("route", "-n", "get", "default"));
        if (!r.ok()) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("^\\s*interface:\\s*(\\S+)", Pattern.MULTILINE).matcher(r.stdout());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public String howToListInterfaces() {
        return "list the interfaces with 'ifconfig -l' or 'networksetup -listallhardwareports'";
    }

    @Override
    public MatrixDocument.Environment fingerprint(String iface) throws IOException {
        String ifconfig = ifconfig(iface);
        Map<String, String> nic = ethernetItem(iface);
        Matcher mac = ETHER.matcher(ifconfig);
        String vendor = pciHex(nic.get("vendor_id"));
        String device = Optional.ofNullable(pciHex(nic.get("device_id"))).orElse(pciHex(nic.get("product_id")));
        String subVendor = pciHex(nic.get("subsystem_vendor_id"));
        String subDevice = pciHex(nic.get("subsystem_id"));
        MatrixDocument.DutInterface dut = new MatrixDocument.DutInterface(iface, mac.find() ? mac.group(1).toLowerCase(Locale.ROOT) : null,
                Optional.ofNullable(nic.get("product_name")).orElse(nic.get("_name")),
                vendor != null && device != null ? vendor + ":" + device : null, nic.get("driver"), nic.get("driver_version"), null, null,
                nic.get("firmware_version"), linkSpeed(ifconfig), offloads(iface),
                subVendor != null && subDevice != null ? subVendor + ":" + subDevice : null, nic.get("vendor_name"));
        return new MatrixDocument.Environment(os(), hostName(), System.getProperty("java.version"), dut, ClientVersions.detect(runner));
    }

    private String ifconfig(String iface) throws IOException {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("ifconfig", "-v", iface));
        if (!r.ok()) {
            throw new IOException("no network interface '" + iface + "' here (" + r.firstLine() + "); " + howToListInterfaces());
        }
        return r.stdout();
    }

    private MatrixDocument.Os os() {
        CommandRunner.Result sw = runner.run(TIMEOUT, List.of("sw_vers"));
        Map<String, String> v = sw.ok() ? LinuxHost.keyValues(sw.stdout()) : Map.of();
        CommandRunner.Result uname = runner.run(TIMEOUT, List.of("uname", "-r"));
        String darwin = uname.ok() && !uname.stdout().isBlank() ? uname.stdout().strip() : System.getProperty("os.version");
        String name = v.getOrDefault("ProductName", "macOS");
        String version = v.get("ProductVersion");
        String build = v.get("BuildVersion");
        return new MatrixDocument.Os(MACOS, version == null ? name : name + " " + version, version,
                build == null ? "Darwin " + darwin : build + " (Darwin " + darwin + ")");
    }

    private String hostName() {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("hostname"));
        return r.ok() && !r.stdout().isBlank() ? r.stdout().strip() : "unknown";
    }

    /**
     * The SPEthernetDataType item of {@code iface}, keys normalized: lower case, "spethernet_" dropped, '-' as '_'
     * ("spethernet_vendor-id" -> "vendor_id"), because the spellings vary between releases. Empty when
     * system_profiler is missing or does not list the interface (USB and virtual interfaces often).
     */
    private Map<String, String> ethernetItem(String iface) {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("system_profiler", "-json", "SPEthernetDataType"));
        if (!r.ok()) {
            return Map.of();
        }
        try {
            return ethernetItem(JSON.readTree(r.stdout()), iface);
        } catch (IOException e) {
            return Map.of();
        }
    }

    static Map<String, String> ethernetItem(JsonNode root, String iface) {
        JsonNode items = root.path("SPEthernetDataType");
        for (JsonNode item : items.isArray() ? items : JSON.createArrayNode()) {
            Map<String, String> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : item.properties()) {
                if (f.getValue().isValueNode()) {
                    String key = f.getKey().toLowerCase(Locale.ROOT).replaceFirst("^spethernet_", "").replace('-', '_');
                    m.put(key, f.getValue().asText().trim());
                }
            }
            if (iface.equals(m.get("bsd_device_name"))) {
                return m;
            }
        }
        return Map.of();
    }

    /** "0x8086" -> "8086". */
    static String pciHex(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = Pattern.compile("(?:0x)?([0-9a-fA-F]{4})").matcher(s.trim());
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    /** "link rate: 1.00 Gbps", else the media subtype ("1000baseT"). */
    static String linkSpeed(String ifconfig) {
        Matcher rate = LINK_RATE.matcher(ifconfig);
        if (rate.find()) {
            return rate.group(1);
        }
        Matcher media = MEDIA.matcher(ifconfig);
        return media.find() ? media.group(1) : null;
    }

    @Override
    public Map<String, String> offloads(String iface) throws IOException {
        Map<String, String> out = optionOffloads(ifconfig(iface));
        String hwRx = sysctl(HWCKSUM_RX);
        String hwTx = sysctl(HWCKSUM_TX);
        if (hwRx != null) {
            out.put(OffloadKeys.SYSTEM_HWCKSUM_RX, hwRx);
        }
        if (hwTx != null) {
            out.put(OffloadKeys.SYSTEM_HWCKSUM_TX, hwTx);
        }
        // The NIC verifies UDP checksums only when the interface offers it and the system lets it.
        boolean rxcsum = OffloadKeys.ON.equals(out.get(OffloadKeys.RX_CHECKSUM));
        out.put(OffloadKeys.RX_UDP4_CHECKSUM, OffloadKeys.onOff(rxcsum && !"0".equals(hwRx)));
        out.put(OffloadKeys.RX_TCP4_CHECKSUM, OffloadKeys.onOff(rxcsum && !"0".equals(hwRx)));
        return out;
    }

    /** Stable keys from the options=<...> line of ifconfig; an option that is not listed is off. */
    static Map<String, String> optionOffloads(String ifconfig) {
        Set<String> options = new HashSet<>();
        Matcher m = OPTIONS.matcher(ifconfig);
        if (m.find()) {
            for (String o : m.group(1).split(",")) {
                options.add(o.trim().toUpperCase(Locale.ROOT));
            }
        }
        Map<String, String> out = new TreeMap<>();
        OPTION_KEYS.forEach((option, keys) -> keys.forEach(k -> out.put(k, OffloadKeys.onOff(options.contains(option)))));
        return out;
    }

    /** {@code sysctl -n NAME}, or null when it cannot be read. */
    private String sysctl(String name) {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("sysctl", "-n", name));
        return r.ok() && !r.stdout().isBlank() ? r.stdout().strip() : null;
    }

    @Override
    public String rxUdp4Checksum(String iface) throws IOException {
        return rx.read(iface);
    }

    @Override
    public OffloadChange setRxUdp4Checksum(String iface, boolean on, OffloadJournal journal) throws IOException {
        return OffloadProcedure.set(rx, iface, on, journal);
    }

    @Override
    public OffloadChange restoreRxUdp4Checksum(String iface, String original) throws IOException {
        return OffloadProcedure.restore(rx, iface, original);
    }

    @Override
    public EvidenceSession beginDropEvidence(String iface, Path evidenceDir) {
        return MacEvidence.begin(runner);
    }

    static LinkState linkState(String ifconfig) {
        Matcher status = STATUS.matcher(ifconfig);
        Matcher flags = FLAGS.matcher(ifconfig);
        boolean up = flags.find() && List.of(flags.group(1).split(",")).contains("UP")
                && (!status.find() || status.group(1).equalsIgnoreCase("active"));
        Set<String> v4 = new HashSet<>();
        Matcher inet = INET.matcher(ifconfig);
        while (inet.find()) {
            v4.add(inet.group(1));
        }
        return new LinkState(up, v4);
    }

    /** The system-wide sysctl: it switches receive checksum offload for every interface, not just {@code iface}. */
    private final class SysctlRx implements RxSwitch {
        private final Duration linkTimeout;
        private final Duration poll;

        SysctlRx(Duration linkTimeout, Duration poll) {
            this.linkTimeout = linkTimeout;
            this.poll = poll;
        }

        @Override
        public String read(String iface) throws IOException {
            CommandRunner.Result r = runner.run(TIMEOUT, List.of("sysctl", "-n", HWCKSUM_RX));
            String v = r.stdout().strip();
            if (!r.ok() || !v.matches("\\d+")) {
                throw new IOException(r.ok() ? HWCKSUM_RX + " reads '" + v + "', not a number" : r.describeFailure());
            }
            return v;
        }

        @Override
        public String target(String current, boolean on) {
            return on ? "1" : "0";
        }

        @Override
        public String mechanism(String iface, String value) {
            return "sysctl -w " + HWCKSUM_RX + "=" + value;
        }

        @Override
        public void write(String iface, String value) throws IOException {
            CommandRunner.Result r = runner.run(TIMEOUT, List.of("sysctl", "-w", HWCKSUM_RX + "=" + value));
            if (!r.ok()) {
                throw new IOException(r.describeFailure() + (r.stderr().contains("not permitted") ? " (needs root: sudo)" : ""));
            }
        }

        @Override
        public LinkState link(String iface) {
            CommandRunner.Result r = runner.run(TIMEOUT, List.of("ifconfig", iface));
            return r.ok() ? linkState(r.stdout()) : LinkState.gone();
        }

        @Override
        public Map<String, String> offloads(String iface) throws IOException {
            return MacHost.this.offloads(iface);
        }

        @Override
        public Duration linkTimeout() {
            return linkTimeout;
        }

        @Override
        public Duration pollInterval() {
            return poll;
        }
    }
}
