package io.quirklab.lab.vm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A guest kernel in the cache ({@code DIR/RELEASE/}): {@value #VMLINUZ} (and {@value #VMLINUX}), the modules a guest may load
 * ({@code modules/NAME.ko}, uncompressed) and {@value #MANIFEST}, which is this record.
 *
 * @param dir          the entry's directory (not stored; set when read)
 * @param generation   "6.1"
 * @param imagePackage the Debian package it came from
 * @param version      that package's version
 * @param release      {@code uname -r} of the guest
 * @param fetched      when it was fetched (ISO-8601)
 * @param packageBytes the size of the downloaded package
 * @param fetchMillis  how long fetching and unpacking took
 * @param modules      every kept module with its dependencies
 * @param builtIn      modules compiled into this kernel
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CachedKernel(@JsonIgnore Path dir, String generation, String imagePackage, String version, String release, String fetched,
                           long packageBytes, long fetchMillis, Map<String, List<String>> modules, Set<String> builtIn) {
    public static final String MANIFEST = "kernel.json";
    public static final String VMLINUZ = "vmlinuz";
    /** The same kernel uncompressed (ELF, PVH entry), when the cache could unpack it. */
    public static final String VMLINUX = "vmlinux";
    /** What every guest loads besides its NIC driver: the virtio PCI transport, the command port and the 9p root. */
    public static final List<String> BASE_MODULES = List.of("virtio_pci", "virtio_console", "9pnet_virtio", "9p");
    /**
     * What a guest loads to emulate a fault model: nftables (its netdev family and ingress hook are built in), after
     * crc32c, which nf_tables' libcrc32c asks the crypto API for as it loads (a soft dependency busybox insmod does not
     * follow).
     */
    public static final List<String> FAULT_MODULES = List.of("crc32c_generic", "nf_tables");

    public CachedKernel {
        modules = modules == null ? Map.of() : new TreeMap<>(modules);
        builtIn = builtIn == null ? Set.of() : new TreeSet<>(builtIn);
    }

    CachedKernel at(Path directory) {
        return new CachedKernel(directory, generation, imagePackage, version, release, fetched, packageBytes, fetchMillis, modules, builtIn);
    }

    /** What QEMU boots: the uncompressed vmlinux where there is one (no decompression in the guest), else the bzImage. */
    @JsonIgnore
    public Path bootImage() {
        Path vmlinux = dir.resolve(VMLINUX);
        return Files.isRegularFile(vmlinux) ? vmlinux : dir.resolve(VMLINUZ);
    }

    public Path module(String name) {
        return dir.resolve("modules").resolve(name + ".ko");
    }

    /** The modules a guest with {@code nic} loads, dependencies first. */
    public List<String> loadOrder(NicModel nic) throws IOException {
        return loadOrder(nic, false);
    }

    /** The same, with nftables for an emulated fault model when {@code faults}. */
    public List<String> loadOrder(NicModel nic, boolean faults) throws IOException {
        List<String> wanted = new ArrayList<>(BASE_MODULES);
        wanted.add(nic.module());
        if (faults) {
            wanted.addAll(FAULT_MODULES);
        }
        return ModuleClosure.loadOrder(wanted, builtIn, modules);
    }

    /** Every module a guest may need, for whatever NIC and fault model: what the cache keeps of a kernel package. */
    public static List<String> wanted() {
        List<String> wanted = new ArrayList<>(BASE_MODULES);
        wanted.addAll(NicModel.allModules());
        wanted.addAll(FAULT_MODULES);
        return wanted;
    }

    /** The wanted modules this entry lacks (an entry a quirklab that wanted fewer kept), empty when it has them all. */
    public List<String> lacking() {
        return wanted().stream().map(ModuleInfo::canonical).filter(m -> !modules.containsKey(m) && !builtIn.contains(m)).toList();
    }
}
