package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.observe.EvidenceSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Windows 10 1809+ / 11, as Administrator: PowerShell's NetAdapter cmdlets and the registry for the fingerprint;
 * {@code Set-NetAdapterChecksumOffload -UdpIPv4Enabled} to switch receive offload while keeping transmit (never
 * {@code Disable-NetAdapterChecksumOffload}, which cannot pick a direction); PktMon and {@code netstat -s} for drop
 * evidence ({@link WindowsEvidence}). Offload settings are compared by registry keyword and value, never by display
 * name (translated). A change persists in the registry across reboots and restarts the adapter: the journal is
 * written first and the link is awaited.
 */
public final class WindowsHost implements HostAdapter {
    /** Registry keyword -> stable key prefix of a 0..3 (off, Tx, Rx, Rx+Tx) checksum setting. */
    static final Map<String, String> CHECKSUM_KEYWORDS = Map.of("*IPChecksumOffloadIPv4", "ip4", "*TCPChecksumOffloadIPv4", "tcp4",
            "*UDPChecksumOffloadIPv4", "udp4", "*TCPChecksumOffloadIPv6", "tcp6", "*UDPChecksumOffloadIPv6", "udp6");
    /** Registry keyword -> stable key of an on/off setting. */
    static final Map<String, String> SWITCH_KEYWORDS = Map.of("*LsoV2IPv4", OffloadKeys.LSO, "*LsoV2IPv6", OffloadKeys.LSO6,
            "*RSS", OffloadKeys.RSS, "*RscIPv4", OffloadKeys.RSC, "*RscIPv6", OffloadKeys.RSC6, "*UsoIPv4", OffloadKeys.USO);
    /** Get-NetAdapterChecksumOffload property -> stable key prefix. */
    static final Map<String, String> CHECKSUM_PROPERTIES = Map.of("IpIPv4Enabled", "ip4", "TcpIPv4Enabled", "tcp4",
            "UdpIPv4Enabled", "udp4", "TcpIPv6Enabled", "tcp6", "UdpIPv6Enabled", "udp6");
    /** The values of NetAdapterChecksumOffload's enums, in registry order 0..3. */
    static final List<String> DIRECTIONS = List.of("Disabled", "TxEnabled", "RxEnabled", "RxTxEnabled");
    static final String UDP4_KEYWORD = "*UDPChecksumOffloadIPv4";
    private static final Pattern VEN_DEV = Pattern.compile("VEN_([0-9A-F]{4})&DEV_([0-9A-F]{4})(?:&SUBSYS_([0-9A-F]{4})([0-9A-F]{4}))?",
            Pattern.CASE_INSENSITIVE);
    /** "Driver Date 2018-10-29 Version 16.12.18.616 NDIS 6.20" (Get-NetAdapter's DriverInformation). */
    private static final Pattern DRIVER_INFORMATION_DATE = Pattern.compile("(?i)Driver Date\\s+(\\S+)");
    private static final Pattern JSON_DATE = Pattern.compile("/Date\\((-?\\d+)\\)/");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final PowerShell ps;
    private final RxSwitch rx;

    WindowsHost(CommandRunner runner) {
        this(runner, Duration.ofSeconds(90), Duration.ofSeconds(1));
    }

    /** With another bound and pace for waiting on the adapter after a change (tests). */
    WindowsHost(CommandRunner runner, Duration linkTimeout, Duration poll) {
        this.runner = runner;
        this.ps = new PowerShell(runner);
        this.rx = new ChecksumOffloadRx(linkTimeout, poll);
    }

    @Override
    public String family() {
        return WINDOWS;
    }

    @Override
    public Optional<String> defaultInterface() {
        try {
            JsonNode n = ps.json("Get-NetRoute -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | "
                    + "Sort-Object RouteMetric,InterfaceMetric | Select-Object -First 1 InterfaceAlias | ConvertTo-Json -Compress");
            return PowerShell.items(n).stream().map(i -> PowerShell.text(i, "InterfaceAlias")).filter(s -> s != null).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public String howToListInterfaces() {
        return "list the adapters with 'Get-NetAdapter -Physical' in PowerShell (the Name column)";
    }

    @Override
    public MatrixDocument.Environment fingerprint(String iface) throws IOException {
        MatrixDocument.DutInterface dut = dutInterface(adapter(iface), iface, offloads(iface));
        return new MatrixDocument.Environment(os(), hostName(), System.getProperty("java.version"), dut, ClientVersions.detect(runner));
    }

    /**
     * The DUT interface from one Get-NetAdapter object: the JSON our fingerprint selects, or a {@code Format-List *}
     * view read by {@link PowerShellViews} (there the driver's version is "DriverVersion" and its date is inside
     * "DriverInformation"). Missing properties stay null.
     */
    static MatrixDocument.DutInterface dutInterface(JsonNode a, String iface, Map<String, String> offloads) {
        String file = PowerShell.text(a, "DriverFileName");
        if (file == null && PowerShell.text(a, "DriverName") != null) {
            String path = PowerShell.text(a, "DriverName").replace('\\', '/');
            file = path.substring(path.lastIndexOf('/') + 1);
        }
        String component = first(a, "ComponentID", "PnPDeviceID");
        Matcher ids = component == null ? null : VEN_DEV.matcher(component);
        boolean pci = ids != null && ids.find();
        String date = PowerShell.text(a, "DriverDate");
        String info = PowerShell.text(a, "DriverInformation");
        if (date == null && info != null) {
            Matcher d = DRIVER_INFORMATION_DATE.matcher(info);
            date = d.find() ? d.group(1) : null;
        }
        return new MatrixDocument.DutInterface(Optional.ofNullable(first(a, "Name", "InterfaceAlias", "ifAlias")).orElse(iface),
                mac(PowerShell.text(a, "MacAddress")), first(a, "DriverDescription", "InterfaceDescription", "ifDesc"),
                pci ? hex(ids.group(1)) + ":" + hex(ids.group(2)) : null,
                file == null ? null : file.replaceFirst("(?i)\\.sys$", ""), first(a, "DriverVersionString", "DriverVersion"),
                driverDate(date), file, null, PowerShell.text(a, "LinkSpeed"), offloads,
                pci && ids.group(3) != null ? hex(ids.group(4)) + ":" + hex(ids.group(3)) : null, PowerShell.text(a, "DriverProvider"));
    }

    /** The first of these properties that is set (not blank). */
    private static String first(JsonNode a, String... names) {
        for (String n : names) {
            String v = PowerShell.text(a, n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** Get-NetAdapter with every property the fingerprint needs selected by name (script properties vanish otherwise). */
    private JsonNode adapter(String iface) throws IOException {
        CommandRunner.Result r = ps.run("Get-NetAdapter -Name " + PowerShell.quote(iface) + " | Select-Object Name,InterfaceDescription,"
                + "MacAddress,LinkSpeed,Status,DriverProvider,DriverVersionString,DriverDate,DriverDescription,DriverFileName,DriverName,"
                + "NdisVersion,ComponentID,PnPDeviceID | ConvertTo-Json -Depth 3 -Compress");
        if (!r.ok()) {
            throw new IOException("no network adapter '" + iface + "' here (" + r.firstLine() + "); " + howToListInterfaces());
        }
        List<JsonNode> items;
        try {
            items = PowerShell.items(JSON.readTree(r.stdout()));
        } catch (IOException e) {
            throw new IOException(r.commandLine() + " printed no JSON: " + r.firstLine(), e);
        }
        if (items.isEmpty()) {
            throw new IOException("no network adapter '" + iface + "' here; " + howToListInterfaces());
        }
        return items.get(0);
    }

    private MatrixDocument.Os os() throws IOException {
        JsonNode v = ps.json("Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' | Select-Object ProductName,"
                + "DisplayVersion,ReleaseId,EditionID,CurrentMajorVersionNumber,CurrentMinorVersionNumber,CurrentBuild,UBR | ConvertTo-Json -Compress");
        return os(v);
    }

    /** OS name, version and build.UBR from the registry; Windows 11 still calls itself "Windows 10" in ProductName. */
    static MatrixDocument.Os os(JsonNode v) {
        String build = PowerShell.text(v, "CurrentBuild");
        String ubr = PowerShell.text(v, "UBR");
        String product = Optional.ofNullable(PowerShell.text(v, "ProductName")).orElse("Windows");
        int buildNumber = build == null ? 0 : parseInt(build);
        if (buildNumber >= 22000) {
            product = product.replace("Windows 10", "Windows 11");
        }
        String display = Optional.ofNullable(PowerShell.text(v, "DisplayVersion")).orElse(PowerShell.text(v, "ReleaseId"));
        String major = Optional.ofNullable(PowerShell.text(v, "CurrentMajorVersionNumber")).orElse("10");
        String minor = Optional.ofNullable(PowerShell.text(v, "CurrentMinorVersionNumber")).orElse("0");
        return new MatrixDocument.Os(WINDOWS, display == null ? product : product + " " + display,
                build == null ? null : major + "." + minor + "." + build, build == null ? null : ubr == null ? build : build + "." + ubr);
    }

    private String hostName() {
        CommandRunner.Result r = runner.run(PowerShell.TIMEOUT, List.of("hostname"));
        return r.ok() && !r.stdout().isBlank() ? r.stdout().strip() : System.getenv().getOrDefault("COMPUTERNAME", "unknown");
    }

    /** "00-1B-21-AA-BB-CC" -> "00:1b:21:aa:bb:cc". */
    static String mac(String s) {
        return s == null ? null : s.trim().replace('-', ':').toLowerCase(Locale.ROOT);
    }

    private static String hex(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** YYYY-MM-DD from "2023-05-11", "2023-05-11T00:00:00" or a JSON "/Date(ms)/"; other forms are kept as they are. */
    static String driverDate(String s) {
        if (s == null) {
            return null;
        }
        if (s.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
            return s.substring(0, 10);
        }
        Matcher m = JSON_DATE.matcher(s);
        return m.find() ? Instant.ofEpochMilli(Long.parseLong(m.group(1))).atZone(ZoneOffset.UTC).toLocalDate().toString() : s;
    }

    @Override
    public Map<String, String> offloads(String iface) throws IOException {
        JsonNode advanced = ps.json("Get-NetAdapterAdvancedProperty -Name " + PowerShell.quote(iface)
                + " -AllProperties | Select-Object RegistryKeyword,RegistryValue | ConvertTo-Json -Depth 3 -Compress");
        JsonNode checksum;
        try {
            checksum = ps.json("Get-NetAdapterChecksumOffload -Name " + PowerShell.quote(iface)
                    + " | Select-Object IpIPv4Enabled,TcpIPv4Enabled,TcpIPv6Enabled,UdpIPv4Enabled,UdpIPv6Enabled | ConvertTo-Json -Compress");
        } catch (IOException e) {
            checksum = MissingNode.getInstance(); // the adapter has no checksum offload at all
        }
        Map<String, String> out = offloads(advanced, checksum);
        out.put(OffloadKeys.TCPIP_DISABLE_TASK_OFFLOAD, disableTaskOffload());
        return out;
    }

    /**
     * Stable keys from the advanced properties (registry keywords and values) and, for checksum settings the driver
     * does not list there, from Get-NetAdapterChecksumOffload.
     */
    static Map<String, String> offloads(JsonNode advanced, JsonNode checksum) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode p : PowerShell.items(advanced)) {
            String keyword = PowerShell.text(p, "RegistryKeyword");
            String value = PowerShell.text(p, "RegistryValue");
            if (keyword == null || value == null) {
                continue;
            }
            if (CHECKSUM_KEYWORDS.containsKey(keyword)) {
                directions(out, CHECKSUM_KEYWORDS.get(keyword), parseInt(value));
            } else if (keyword.equals("*TCPUDPChecksumOffloadIPv4") || keyword.equals("*TCPUDPChecksumOffloadIPv6")) {
                String v = keyword.endsWith("IPv4") ? "4" : "6"; // older drivers switch TCP and UDP together
                directions(out, "tcp" + v, parseInt(value));
                directions(out, "udp" + v, parseInt(value));
            } else if (SWITCH_KEYWORDS.containsKey(keyword)) {
                out.put(SWITCH_KEYWORDS.get(keyword), OffloadKeys.onOff(parseInt(value) != 0));
            }
        }
        for (JsonNode c : PowerShell.items(checksum)) {
            CHECKSUM_PROPERTIES.forEach((property, prefix) -> {
                String v = PowerShell.text(c, property);
                if (v != null && !out.containsKey("rx_" + prefix + "_checksum")) {
                    directions(out, prefix, direction(v));
                }
            });
        }
        return out;
    }

    private static void directions(Map<String, String> out, String prefix, int value) {
        if (value < 0 || value > 3) {
            return;
        }
        out.put("rx_" + prefix + "_checksum", OffloadKeys.onOff((value & 2) != 0));
        out.put("tx_" + prefix + "_checksum", OffloadKeys.onOff((value & 1) != 0));
    }

    /** 0..3 from a number ("3") or an enum name ("RxTxEnabled"); -1 when neither. */
    static int direction(String v) {
        int i = DIRECTIONS.indexOf(v);
        return i >= 0 ? i : parseInt(v);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException | NullPointerException e) {
            return -1;
        }
    }

    /** The TCP/IP DisableTaskOffload value: "0", "1", or "unset". */
    private String disableTaskOffload() throws IOException {
        JsonNode n = ps.json("Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters' | "
                + "Select-Object DisableTaskOffload | ConvertTo-Json -Compress");
        String v = PowerShell.text(n, "DisableTaskOffload");
        return v == null ? "unset" : v;
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
        return WindowsEvidence.begin(runner, evidenceDir);
    }

    /** *UDPChecksumOffloadIPv4 through Set-NetAdapterChecksumOffload, verified through the registry value. */
    private final class ChecksumOffloadRx implements RxSwitch {
        private final Duration linkTimeout;
        private final Duration poll;

        ChecksumOffloadRx(Duration linkTimeout, Duration poll) {
            this.linkTimeout = linkTimeout;
            this.poll = poll;
        }

        /** The registry value "0".."3"; from Get-NetAdapterChecksumOffload when the driver has no such keyword. */
        @Override
        public String read(String iface) throws IOException {
            JsonNode n = ps.json("Get-NetAdapterAdvancedProperty -Name " + PowerShell.quote(iface) + " -RegistryKeyword '" + UDP4_KEYWORD
                    + "' -ErrorAction SilentlyContinue | Select-Object RegistryKeyword,RegistryValue | ConvertTo-Json -Compress");
            for (JsonNode p : PowerShell.items(n)) {
                int v = parseInt(PowerShell.text(p, "RegistryValue"));
                if (UDP4_KEYWORD.equals(PowerShell.text(p, "RegistryKeyword")) && v >= 0 && v <= 3) {
                    return Integer.toString(v);
                }
            }
            JsonNode c = ps.json("Get-NetAdapterChecksumOffload -Name " + PowerShell.quote(iface)
                    + " | Select-Object UdpIPv4Enabled | ConvertTo-Json -Compress");
            for (JsonNode p : PowerShell.items(c)) {
                int v = direction(Optional.ofNullable(PowerShell.text(p, "UdpIPv4Enabled")).orElse(""));
                if (v >= 0 && v <= 3) {
                    return Integer.toString(v);
                }
            }
            throw new IOException(iface + ": neither " + UDP4_KEYWORD + " nor UdpIPv4Enabled can be read: the adapter offers no UDP "
                    + "checksum offload to switch");
        }

        /** Receive on or off, transmit as it was. */
        @Override
        public String target(String current, boolean on) {
            int v = Integer.parseInt(current);
            return Integer.toString(on ? v | 2 : v & 1);
        }

        @Override
        public String mechanism(String iface, String value) {
            return "Set-NetAdapterChecksumOffload -Name " + PowerShell.quote(iface) + " -UdpIPv4Enabled " + DIRECTIONS.get(Integer.parseInt(value));
        }

        @Override
        public void write(String iface, String value) throws IOException {
            CommandRunner.Result r = ps.run(mechanism(iface, value));
            if (!r.ok()) {
                throw new IOException(r.describeFailure() + (r.stderr().toLowerCase(Locale.ROOT).contains("access")
                        ? " (needs an elevated PowerShell: run as Administrator)" : ""));
            }
        }

        /** Status Up (or ifOperStatus 1) and the preferred IPv4 addresses. */
        @Override
        public LinkState link(String iface) throws IOException {
            String q = PowerShell.quote(iface);
            JsonNode n = ps.json("$a = Get-NetAdapter -Name " + q + "; $ip = @(Get-NetIPAddress -InterfaceAlias " + q
                    + " -AddressFamily IPv4 -ErrorAction SilentlyContinue | Where-Object { $_.AddressState -eq 'Preferred' } | "
                    + "Select-Object -ExpandProperty IPAddress); [pscustomobject]@{ Status = [string]$a.Status; "
                    + "ifOperStatus = [int]$a.ifOperStatus; Addresses = $ip } | ConvertTo-Json -Compress");
            return linkState(n);
        }

        @Override
        public Map<String, String> offloads(String iface) throws IOException {
            return WindowsHost.this.offloads(iface);
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

    static LinkState linkState(JsonNode n) {
        boolean up = "Up".equalsIgnoreCase(PowerShell.text(n, "Status")) || "1".equals(PowerShell.text(n, "ifOperStatus"));
        Set<String> addresses = new HashSet<>();
        JsonNode a = n.path("Addresses");
        if (a.isArray()) {
            a.forEach(x -> addresses.add(x.asText()));
        } else if (a.isTextual()) {
            addresses.add(a.asText());
        }
        return new LinkState(up, addresses);
    }
}
