package io.quirklab.lab.vm;

import io.quirklab.host.LinuxHost;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The machine under test as the guest itself reports it: kernel, the NIC's driver and its version, firmware, PCI ids,
 * and every offload setting ({@code ethtool -i}, {@code ethtool -k}, sysfs). Fields the guest does not report are null.
 *
 * @param kernelRelease {@code uname -r}
 * @param iface         the NIC's interface name in the guest
 * @param driver        {@code ethtool -i} driver
 * @param driverVersion {@code ethtool -i} version (for in-tree drivers: the kernel release)
 * @param moduleVersion {@code /sys/module/DRIVER/version} where the driver has one (vmxnet3: "1.7.0.0-k")
 * @param firmware      {@code ethtool -i} firmware-version
 * @param busInfo       {@code ethtool -i} bus-info
 * @param pciId         "8086:10d3"
 * @param subsystemId   "8086:0000"
 * @param mac           the NIC's MAC
 * @param linkSpeed     "1000 Mb/s", or null
 * @param features      every {@code ethtool -k} feature
 * @param offloads      the stable offload keys of the harness ({@code rx_udp4_checksum: on})
 */
public record GuestFingerprint(String kernelRelease, String iface, String driver, String driverVersion, String moduleVersion,
                               String firmware, String busInfo, String pciId, String subsystemId, String mac, String linkSpeed,
                               Map<String, LinuxHost.Feature> features, Map<String, String> offloads) {
    public GuestFingerprint {
        features = Collections.unmodifiableMap(new TreeMap<>(features));
        offloads = Collections.unmodifiableMap(new TreeMap<>(offloads));
    }

    /** The guest script whose output {@link #parse} reads. */
    static String script() {
        return String.join("\n",
                "IF=$(cat " + GuestInit.IFACE_FILE + "); D=/sys/class/net/$IF",
                Sections.start("uname"), "uname -r",
                Sections.start("iface"), "echo $IF",
                Sections.start("ethtool-i"), "ethtool -i $IF",
                Sections.start("ethtool-k"), "ethtool -k $IF",
                Sections.start("sysfs"),
                "for f in vendor device subsystem_vendor subsystem_device; do echo \"$f: $(cat $D/device/$f 2>/dev/null)\"; done",
                "echo \"address: $(cat $D/address)\"; echo \"speed: $(cat $D/speed 2>/dev/null)\"",
                "M=$(basename \"$(readlink $D/device/driver/module)\" 2>/dev/null)",
                "echo \"module: $M\"; echo \"module-version: $(cat /sys/module/$M/version 2>/dev/null)\"");
    }

    /** Reads the output of {@link #script}. */
    static GuestFingerprint parse(String output) {
        Map<String, String> s = Sections.parse(output);
        Map<String, String> info = LinuxHost.keyValues(s.getOrDefault("ethtool-i", ""));
        Map<String, String> sys = LinuxHost.keyValues(s.getOrDefault("sysfs", ""));
        Map<String, LinuxHost.Feature> features = LinuxHost.featuresFromText(s.getOrDefault("ethtool-k", ""));
        String speed = blank(sys.get("speed"));
        return new GuestFingerprint(blank(s.get("uname")), blank(s.get("iface")), blank(info.get("driver")), blank(info.get("version")),
                blank(sys.get("module-version")), blank(info.get("firmware-version")), blank(info.get("bus-info")),
                pair(sys.get("vendor"), sys.get("device")), pair(sys.get("subsystem_vendor"), sys.get("subsystem_device")),
                blank(sys.get("address")), speed == null || speed.startsWith("-") ? null : speed + " Mb/s", features,
                LinuxHost.offloads(features));
    }

    /** rx-checksumming as ethtool reports it: on, off, or null when the driver does not say. */
    public Boolean rxChecksumming() {
        LinuxHost.Feature f = features.get("rx-checksumming");
        return f == null ? null : f.on();
    }

    /** True when the driver does not let rx-checksumming be switched. */
    public boolean rxChecksumFixed() {
        LinuxHost.Feature f = features.get("rx-checksumming");
        return f != null && f.fixed();
    }

    /** "e1000e 6.1.0-57-amd64 (8086:10d3, firmware 2.1-0)", "vmxnet3 1.7.0.0-k-NAPI, kernel 6.1.0-57-amd64 (15ad:07b0)". */
    public String describe() {
        return driver + " " + driverVersion + (kernelRelease != null && !kernelRelease.equals(driverVersion) ? ", kernel " + kernelRelease : "")
                + " (" + pciId + (firmware != null ? ", firmware " + firmware : "") + ")";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String pair(String vendor, String device) {
        String v = blank(vendor);
        String d = blank(device);
        return v == null || d == null ? null : v.replaceFirst("^0x", "") + ":" + d.replaceFirst("^0x", "");
    }
}
