package io.quirklab.lab.vm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.input.InputFile;
import io.quirklab.process.Await;
import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Guest kernels from Debian's packages, fetched once and kept ({@code /var/cache/quirklab/kernels/RELEASE/}): the
 * metapackage of the generation names the image package, {@code apt-get download} fetches it from the machine's
 * configured mirror, {@code dpkg-deb -x} unpacks it into a staging directory, and only the kernel and the modules any
 * guest may load are kept (uncompressed: busybox insmod cannot load 6.12's {@code .ko.xz}). An entry appears by an
 * atomic rename, complete or not at all. A lock file keeps two runs from fetching at once; it is journaled while held.
 * Without apt (offline), the newest cached release of the generation is used.
 */
public final class KernelCache {
    static final String LOCK = ".lock";
    static final String STAGING = ".staging-";
    static final Duration LOCK_WAIT = Duration.ofMinutes(15);
    static final Duration APT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);
    static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(10);
    /** Written into the lock file by a holder before it deletes and releases it: a waiter that then gets that file knows it is gone. */
    static final String RELEASED = "released";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final CommandRunner runner;
    private final VmJournal journal;
    private final Consumer<String> progress;

    public KernelCache(Path dir, CommandRunner runner, VmJournal journal, Consumer<String> progress) {
        this.dir = dir;
        this.runner = runner;
        this.journal = journal;
        this.progress = progress;
    }

    public Path dir() {
        return dir;
    }

    /** The kernel of this generation: from the cache, or fetched now. */
    public CachedKernel ensure(GuestKernel kernel) throws IOException {
        Files.createDirectories(dir);
        try (Held held = lock()) {
            Optional<KernelPackage> pkg = resolve(kernel);
            if (pkg.isEmpty()) {
                return newestCached(kernel).orElseThrow(() -> new IOException("apt cannot resolve " + kernel.metaPackage()
                        + " and no " + kernel.generation() + " kernel is cached in " + dir + ": run apt-get update (needs the mirror)"));
            }
            Optional<CachedKernel> cached = read(dir.resolve(pkg.get().release()));
            if (cached.isPresent() && cached.get().lacking().isEmpty()) {
                return cached.get();
            }
            if (cached.isPresent()) {
                // kept by a quirklab that wanted fewer modules: the package holds them, so it is fetched again
                progress.accept("the cached " + pkg.get().release() + " lacks " + String.join(", ", cached.get().lacking())
                        + "; fetching it again");
                deleteTree(dir.resolve(pkg.get().release()));
            }
            return fetch(pkg.get());
        }
    }

    /** Every kernel in the cache, newest fetch first. */
    public List<CachedKernel> cached() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<CachedKernel> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                read(p).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(CachedKernel::fetched).reversed());
        return out;
    }

    private Optional<CachedKernel> newestCached(GuestKernel kernel) throws IOException {
        Optional<CachedKernel> k = cached().stream().filter(c -> kernel.owns(c.release())).findFirst();
        k.ifPresent(c -> progress.accept("apt cannot resolve " + kernel.metaPackage() + "; using the cached " + c.release()));
        return k;
    }

    private Optional<KernelPackage> resolve(GuestKernel kernel) throws IOException {
        if (CommandRunner.which("apt-cache").isEmpty()) {
            return Optional.empty();
        }
        CommandRunner.Result r = runner.run(APT_TIMEOUT, List.of("apt-cache", "show", "--no-all-versions", kernel.metaPackage()));
        if (!r.ok() || r.stdout().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(KernelPackage.fromAptCache(kernel, r.stdout()));
    }

    private static Optional<CachedKernel> read(Path entry) throws IOException {
        Path manifest = entry.resolve(CachedKernel.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(InputFile.text(manifest, InputFile.Kind.STATE), CachedKernel.class).at(entry));
        } catch (IOException e) {
            throw new IOException(manifest + " is unreadable; delete " + entry + " to fetch it again", e);
        }
    }

    private CachedKernel fetch(KernelPackage pkg) throws IOException {
        removeStaleStaging();
        long start = System.nanoTime();
        Path staging = dir.resolve(STAGING + ProcessHandle.current().pid());
        Path entry = dir.resolve(".new-" + pkg.release() + "-" + ProcessHandle.current().pid());
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            progress.accept("fetching " + pkg.downloadSpec() + " into " + dir);
            require(runner.run(DOWNLOAD_TIMEOUT, List.of("env", "-C", staging.toString(), "apt-get", "download", "-q",
                    "-o", "APT::Sandbox::User=root", pkg.downloadSpec())), "download");
            Path deb;
            try (Stream<Path> s = Files.list(staging)) {
                deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download left no .deb in " + staging));
            }
            long debBytes = Files.size(deb);
            Path root = staging.resolve("root");
            require(runner.run(UNPACK_TIMEOUT, List.of("dpkg-deb", "-x", deb.toString(), root.toString())), "unpack");
            Files.delete(deb);
            CachedKernel kept = keep(pkg, root, entry, debBytes, start);
            Path target = dir.resolve(pkg.release());
            try {
                Files.move(entry, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                progress.accept("another run cached " + pkg.release() + " meanwhile; using that");
            }
            progress.accept(String.format("cached %s: %.1f MB package, fetched and unpacked in %.1f s", pkg.release(), debBytes / 1e6,
                    kept.fetchMillis() / 1000.0));
            return read(target).orElseThrow(() -> new IOException("the cached kernel " + target + " vanished"));
        } finally {
            deleteTree(staging);
            deleteTree(entry);
        }
    }

    /** Copies the kernel and the modules any guest may need out of the unpacked package into {@code entry}. */
    private CachedKernel keep(KernelPackage pkg, Path root, Path entry, long debBytes, long startNanos) throws IOException {
        Path modulesDir = root.resolve("lib/modules").resolve(pkg.release());
        Path vmlinuz = root.resolve("boot/vmlinuz-" + pkg.release());
        if (!Files.isRegularFile(vmlinuz) || !Files.isDirectory(modulesDir)) {
            throw new IOException(pkg.imagePackage() + " has no boot/vmlinuz-" + pkg.release() + " or lib/modules/" + pkg.release());
        }
        Map<String, Path> files = moduleFiles(modulesDir.resolve("kernel"));
        Set<String> builtIn = builtIn(modulesDir.resolve("modules.builtin"));
        Map<String, List<String>> depends = new HashMap<>();
        List<String> wanted = CachedKernel.wanted();
        List<String> order;
        try {
            order = ModuleClosure.loadOrder(wanted, builtIn, name -> Optional.ofNullable(files.get(name)).map(f -> {
                try {
                    List<String> d = ModuleInfo.parse(InputFile.bytes(uncompressed(f), InputFile.Kind.GUEST_IMAGE)).depends();
                    depends.put(name, d);
                    return d;
                } catch (IOException e) {
                    throw new UncheckedIOException(name + ": " + e.getMessage(), e);
                }
            }));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.createDirectories(entry.resolve("modules"));
        copy(vmlinuz, entry.resolve(CachedKernel.VMLINUZ));
        Path config = root.resolve("boot/config-" + pkg.release());
        if (Files.isRegularFile(config) && InputFile.lenient(config, InputFile.Kind.GUEST_IMAGE).lines().anyMatch("CONFIG_PVH=y"::equals)) {
            unpackVmlinux(entry);
        }
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (String m : order) {
            copy(uncompressed(files.get(m)), entry.resolve("modules").resolve(m + ".ko"));
            kept.put(m, depends.get(m));
        }
        CachedKernel k = new CachedKernel(entry, pkg.kernel().generation(), pkg.imagePackage(), pkg.version(), pkg.release(),
                Instant.now().toString(), debBytes, (System.nanoTime() - startNanos) / 1_000_000, kept, builtIn);
        JSON.writerWithDefaultPrettyPrinter().writeValue(entry.resolve(CachedKernel.MANIFEST).toFile(), k);
        return k;
    }

    /**
     * The uncompressed ELF kernel next to the bzImage: a PVH kernel boots from it without decompressing itself (seconds
     * under TCG). Without it (an unknown compression, a missing tool) guests boot the bzImage, only slower.
     */
    private void unpackVmlinux(Path entry) throws IOException {
        BzImage payload;
        try {
            payload = BzImage.payload(InputFile.bytes(entry.resolve(CachedKernel.VMLINUZ), InputFile.Kind.GUEST_IMAGE));
        } catch (IOException e) {
            progress.accept("keeping only the bzImage: " + e.getMessage());
            return;
        }
        Path vmlinux = entry.resolve(CachedKernel.VMLINUX);
        Path packed = entry.resolve(CachedKernel.VMLINUX + "." + payload.format().suffix());
        Files.write(packed, payload.data());
        CommandRunner.Result r = switch (payload.format()) {
            case XZ -> runner.run(UNPACK_TIMEOUT, List.of("xz", "-d", "-q", "-f", "--single-stream", packed.toString()));
            case ZSTD -> runner.run(UNPACK_TIMEOUT, List.of("zstd", "-d", "-q", "-f", "--rm", packed.toString(), "-o", vmlinux.toString()));
            case GZIP -> runner.run(UNPACK_TIMEOUT, List.of("gzip", "-d", "-q", "-f", packed.toString()));
        };
        Files.deleteIfExists(packed);
        byte[] head = Files.exists(vmlinux) ? head(vmlinux) : new byte[0];
        if (!r.ok() && payload.format() != BzImage.Format.GZIP || !java.util.Arrays.equals(head, new byte[] {0x7f, 'E', 'L', 'F'})) {
            Files.deleteIfExists(vmlinux);
            progress.accept("keeping only the bzImage: unpacking it failed (" + r.firstLine() + ")");
        }
    }

    /** Module name to file, for every .ko, .ko.xz and .ko.zst under {@code kernel/}. */
    static Map<String, Path> moduleFiles(Path kernelDir) throws IOException {
        Map<String, Path> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(kernelDir)) {
            s.filter(Files::isRegularFile).forEach(p -> moduleName(p.getFileName().toString()).ifPresent(n -> out.putIfAbsent(n, p)));
        }
        return out;
    }

    /** "virtio_pci" for "virtio_pci.ko", "virtio-pci.ko.xz"; empty for anything else. */
    static Optional<String> moduleName(String fileName) {
        for (String ext : List.of(".ko", ".ko.xz", ".ko.zst")) {
            if (fileName.endsWith(ext) && fileName.length() > ext.length()) {
                return Optional.of(ModuleInfo.canonical(fileName.substring(0, fileName.length() - ext.length())));
            }
        }
        return Optional.empty();
    }

    /** The names in modules.builtin ("kernel/drivers/virtio/virtio_pci.ko" lines). */
    static Set<String> builtIn(Path modulesBuiltin) throws IOException {
        Set<String> out = new HashSet<>();
        if (Files.isRegularFile(modulesBuiltin)) {
            for (String line : InputFile.lines(modulesBuiltin, InputFile.Kind.GUEST_IMAGE)) {
                String f = line.trim();
                moduleName(f.substring(f.lastIndexOf('/') + 1)).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The module file uncompressed in place (xz or zstd from the host), or itself. */
    private Path uncompressed(Path f) throws IOException {
        String n = f.getFileName().toString();
        if (!n.endsWith(".xz") && !n.endsWith(".zst")) {
            return f;
        }
        Path plain = f.resolveSibling(n.substring(0, n.lastIndexOf('.')));
        if (!Files.exists(plain)) {
            String tool = n.endsWith(".xz") ? "xz" : "zstd";
            require(runner.run(Duration.ofSeconds(60), List.of(tool, "-d", "-q", "-k", f.toString())), "decompress " + n);
        }
        return plain;
    }

    private static void require(CommandRunner.Result r, String step) throws IOException {
        if (!r.ok()) {
            throw new IOException("kernel " + step + " failed: " + r.describeFailure());
        }
    }

    /** Staging directories of runs that died mid-fetch (only this run stages while it holds the lock). */
    private void removeStaleStaging() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(STAGING) || p.getFileName().toString().startsWith(".new-"))
                    .toList()) {
                progress.accept("removing " + p + ", left by a fetch that did not finish");
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** The cache's lock, journaled while held (and only then: a waiter killed must not have another run's lock removed). */
    Held lock() throws IOException {
        Path file = dir.resolve(LOCK);
        boolean[] told = {false};
        return Await.until("the kernel cache " + dir + " being free", LOCK_WAIT, Duration.ofMillis(500), () -> {
            VmJournal.Recorded recorded = journal.file(file);
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    l = null; // another guest of this JVM is fetching: wait for it like for another run
                }
                String holder = InputFile.lenient(file, InputFile.Kind.STATE).trim();
                if (l != null && !holder.equals(RELEASED)) {
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                    return Optional.of(new Held(file, ch, l, recorded));
                }
                // a lock on a file its holder deleted as it let go is worth nothing: closing releases it, the next try
                // opens the current one
                ch.close();
                recorded.forget();
                if (!told[0] && !holder.equals(RELEASED)) {
                    progress.accept("waiting for another run that is fetching a kernel into " + dir + " (" + holder + ")");
                    told[0] = true;
                }
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                if (ch != null) {
                    ch.close();
                }
                recorded.forget();
                throw e;
            }
        });
    }

    /** Copies a file of the unpacked package through the input gate. */
    private static void copy(Path from, Path to) throws IOException {
        try (InputStream in = InputFile.open(from, InputFile.Kind.GUEST_IMAGE)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A file's first four bytes (an ELF file's magic), or fewer. */
    private static byte[] head(Path file) throws IOException {
        try (InputStream in = InputFile.open(file, InputFile.Kind.GUEST_IMAGE)) {
            return in.readNBytes(4);
        }
    }

    /** A held lock: marked released, deleted and unlocked on close, and forgotten by the journal. */
    record Held(Path file, FileChannel channel, FileLock lock, VmJournal.Recorded recorded) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(RELEASED.getBytes(StandardCharsets.US_ASCII)), 0);
                Files.deleteIfExists(file);
            } finally {
                lock.release();
                channel.close();
                recorded.forget();
            }
        }
    }
}
