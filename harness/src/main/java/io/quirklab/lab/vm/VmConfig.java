package io.quirklab.lab.vm;

import io.quirklab.input.AddressText;
import io.quirklab.wire.MacAddress;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One guest: its NIC model and kernel, the network namespace and tap its NIC's other end lives in, the addresses on
 * either end (198.18.0.0/15 only), and where things are kept. Immutable; {@link #toBuilder} makes a changed copy.
 *
 * @param nic          the emulated NIC
 * @param kernel       the guest kernel generation
 * @param netns        the host-side network namespace (made and removed by the guest); never the virtual lab's
 * @param tap          the tap QEMU creates in it
 * @param guestAddress the guest NIC's address
 * @param hostAddress  the tap's address in the namespace (the guest's neighbour; personas take others)
 * @param prefix       the segment's prefix length
 * @param guestMac     the guest NIC's MAC
 * @param memoryMb     guest memory
 * @param accelerator  auto (test boot), kvm or tcg
 * @param cacheDir     where kernels (and the accelerator decision) are kept across runs
 * @param workDir      where this guest's files live while it runs (initramfs, sockets, logs); removed on close
 * @param bootTimeout  how long a boot may take until the guest answers
 * @param qemu         the QEMU binary, or null for qemu-system-x86_64 from PATH
 * @param faults       load nftables in the guest, for an emulated fault model on its NIC's ingress
 */
public record VmConfig(NicModel nic, GuestKernel kernel, String netns, String tap, Inet4Address guestAddress, Inet4Address hostAddress,
                       int prefix, MacAddress guestMac, int memoryMb, Accelerator.Request accelerator, Path cacheDir, Path workDir,
                       Duration bootTimeout, Path qemu, boolean faults) {
    public static final String DEFAULT_NETNS = "qvm";
    public static final Path DEFAULT_CACHE = Path.of("/var/cache/quirklab/kernels");
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** The virtual lab's names: a guest never makes or removes them. */
    private static final String VIRTUAL_LAB_PREFIX = "qlab";

    public VmConfig {
        requireName(netns, "netns");
        requireName(tap, "tap");
        requireTestNet(guestAddress, "guest address");
        requireTestNet(hostAddress, "host address");
        if (prefix < 16 || prefix > 30) {
            throw new IllegalArgumentException("prefix /" + prefix + " (16..30)");
        }
        if (guestAddress.equals(hostAddress) || !sameSubnet(guestAddress, hostAddress, prefix)) {
            throw new IllegalArgumentException("guest " + guestAddress.getHostAddress() + " and host " + hostAddress.getHostAddress()
                    + " must be two addresses of one /" + prefix);
        }
        if (memoryMb < 256 || memoryMb > 8192) {
            throw new IllegalArgumentException("guest memory " + memoryMb + " MB (256..8192)");
        }
        if (nic == null || kernel == null || guestMac == null || accelerator == null || cacheDir == null || workDir == null
                || bootTimeout == null || bootTimeout.isNegative() || bootTimeout.isZero()) {
            throw new IllegalArgumentException("a guest needs a NIC model, a kernel, a MAC, an accelerator, directories and a boot timeout");
        }
        for (Path p : new Path[] {cacheDir, workDir}) {
            if (p.toString().contains(",")) {
                throw new IllegalArgumentException("directory '" + p + "' contains a comma, which QEMU's options cannot carry");
            }
        }
    }

    /** The defaults: netns qvm, tap qvm-t0, guest 198.19.97.2/24, host .1, 512 MB, accelerator decided by test boot. */
    public static VmConfig of(NicModel nic, GuestKernel kernel) {
        return new VmConfig(nic, kernel, DEFAULT_NETNS, DEFAULT_NETNS + "-t0", AddressText.ipv4("198.19.97.2"), AddressText.ipv4("198.19.97.1"), 24,
                MacAddress.parse("52:54:00:71:00:02"), 512, Accelerator.Request.AUTO, defaultCache(),
                Path.of("/run/quirklab-vm", DEFAULT_NETNS), Duration.ofSeconds(180), null, false);
    }

    /** -Dquirklab.kernel-cache, $QUIRKLAB_KERNEL_CACHE, else /var/cache/quirklab/kernels. */
    public static Path defaultCache() {
        String p = System.getProperty("quirklab.kernel-cache", System.getenv().getOrDefault("QUIRKLAB_KERNEL_CACHE", ""));
        return p.isBlank() ? DEFAULT_CACHE : Path.of(p);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some fields of a configuration; {@link #build} validates the result. */
    public static final class Builder {
        private NicModel nic;
        private GuestKernel kernel;
        private String netns;
        private String tap;
        private Inet4Address guestAddress;
        private Inet4Address hostAddress;
        private int prefix;
        private MacAddress guestMac;
        private int memoryMb;
        private Accelerator.Request accelerator;
        private Path cacheDir;
        private Path workDir;
        private Duration bootTimeout;
        private Path qemu;
        private boolean faults;
        private boolean workDirSet;

        private Builder(VmConfig c) {
            nic = c.nic;
            kernel = c.kernel;
            netns = c.netns;
            tap = c.tap;
            guestAddress = c.guestAddress;
            hostAddress = c.hostAddress;
            prefix = c.prefix;
            guestMac = c.guestMac;
            memoryMb = c.memoryMb;
            accelerator = c.accelerator;
            cacheDir = c.cacheDir;
            workDir = c.workDir;
            bootTimeout = c.bootTimeout;
            qemu = c.qemu;
            faults = c.faults;
        }

        public Builder nic(NicModel n) {
            nic = n;
            return this;
        }

        public Builder kernel(GuestKernel k) {
            kernel = k;
            return this;
        }

        /** Another namespace and tap; the default work directory follows the namespace. */
        public Builder netns(String namespace, String tapName) {
            if (!workDirSet && workDir.getFileName().toString().equals(netns)) {
                workDir = workDir.resolveSibling(namespace);
            }
            netns = namespace;
            tap = tapName;
            return this;
        }

        public Builder addresses(Inet4Address guest, Inet4Address host, int prefixLength) {
            guestAddress = guest;
            hostAddress = host;
            prefix = prefixLength;
            return this;
        }

        public Builder guestMac(MacAddress mac) {
            guestMac = mac;
            return this;
        }

        public Builder memoryMb(int mb) {
            memoryMb = mb;
            return this;
        }

        public Builder accelerator(Accelerator.Request a) {
            accelerator = a;
            return this;
        }

        public Builder cacheDir(Path dir) {
            cacheDir = dir;
            return this;
        }

        public Builder workDir(Path dir) {
            workDir = dir;
            workDirSet = true;
            return this;
        }

        public Builder bootTimeout(Duration d) {
            bootTimeout = d;
            return this;
        }

        /** Bring your own QEMU (a newer one with the {@code igb} model, say). */
        public Builder qemu(Path binary) {
            qemu = binary;
            return this;
        }

        /** Load nftables in the guest (an emulated fault model on its NIC's ingress). */
        public Builder faults(boolean load) {
            faults = load;
            return this;
        }

        public VmConfig build() {
            return new VmConfig(nic, kernel, netns, tap, guestAddress, hostAddress, prefix, guestMac, memoryMb, accelerator, cacheDir,
                    workDir, bootTimeout, qemu, faults);
        }
    }

    /** "198.19.97.2/24". */
    public String guestCidr() {
        return guestAddress.getHostAddress() + "/" + prefix;
    }

    /** "198.19.97.1/24". */
    public String hostCidr() {
        return hostAddress.getHostAddress() + "/" + prefix;
    }

    private static void requireName(String name, String what) {
        if (name == null || !IFNAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' (1..15 letters, digits, _ . -)");
        }
        if (name.startsWith(VIRTUAL_LAB_PREFIX)) {
            throw new IllegalArgumentException(what + " '" + name + "': names starting with " + VIRTUAL_LAB_PREFIX
                    + " belong to the virtual lab");
        }
    }

    /** 198.18.0.0/15 (RFC 2544), the only addresses the harness puts on links. */
    static boolean testNet(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) == 198 && (b[1] & 0xFE) == 18;
    }

    private static void requireTestNet(Inet4Address a, String what) {
        if (a == null || !testNet(a)) {
            throw new IllegalArgumentException(what + " " + (a == null ? "missing" : a.getHostAddress()) + " is outside 198.18.0.0/15");
        }
    }

    private static boolean sameSubnet(Inet4Address a, Inet4Address b, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(a) & mask) == (toInt(b) & mask);
    }

    private static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | b[3] & 0xFF;
    }
}
