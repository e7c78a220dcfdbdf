package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quirklab.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {
    /** What the guest journals, in order: "+file X" when recorded, "-file X" when forgotten. */
    static final class Notes implements VmJournal {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public Recorded process(String name, ProcessHandle process) {
            return note("process " + name);
        }

        @Override
        public Recorded netns(String name) {
            return note("netns " + name);
        }

        @Override
        public Recorded link(String name) {
            return note("link " + name);
        }

        @Override
        public Recorded file(Path path) {
            return note("file " + path.getFileName());
        }

        private Recorded note(String what) {
            lines.add("+" + what);
            return () -> lines.add("-" + what);
        }
    }

    @Test
    void theLockIsJournaledWhileHeldAndGoneAfter(@TempDir Path dir) throws IOException {
        Notes notes = new Notes();
        KernelCache cache = new KernelCache(dir, new CommandRunner(), notes, s -> { });
        try (KernelCache.Held held = cache.lock()) {
            assertThat(Files.readString(dir.resolve(KernelCache.LOCK))).startsWith("pid " + ProcessHandle.current().pid());
            assertThat(notes.lines).containsExactly("+file .lock");
        }
        assertThat(dir.resolve(KernelCache.LOCK)).doesNotExist();
        assertThat(notes.lines).containsExactly("+file .lock", "-file .lock");
    }

    @Test
    void aSecondFetcherWaitsForTheFirstAndALockLeftByADeadRunIsTakenOver(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(KernelCache.LOCK), "pid 999999\n"); // a run killed while holding it: the kernel released the lock
        List<String> said = new CopyOnWriteArrayList<>();
        KernelCache a = new KernelCache(dir, new CommandRunner(), new Notes(), said::add);
        KernelCache b = new KernelCache(dir, new CommandRunner(), new Notes(), said::add);
        KernelCache.Held first = a.lock();
        CompletableFuture<KernelCache.Held> second = CompletableFuture.supplyAsync(() -> {
            try {
                return b.lock();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> said.stream().anyMatch(s -> s.startsWith("waiting for another run")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !second.isDone());
        first.close();
        second.get(10, TimeUnit.SECONDS).close();
        assertThat(dir.resolve(KernelCache.LOCK)).doesNotExist();
    }

    @Test
    void withoutAptTheNewestCachedKernelOfTheGenerationIsUsed(@TempDir Path dir) throws IOException {
        cached(dir, "6.1.0-50-amd64", "2026-01-01T00:00:00Z");
        cached(dir, "6.1.0-57-amd64", "2026-06-01T00:00:00Z");
        cached(dir, "6.12.118+deb12-amd64", "2026-12-01T00:00:00Z");
        CommandRunner offline = new CommandRunner(StandardCharsets.UTF_8,
                inv -> new CommandRunner.Raw(100, new byte[0], "E: No packages found".getBytes(), false));
        List<String> said = new ArrayList<>();
        CachedKernel k = new KernelCache(dir, offline, new Notes(), said::add).ensure(GuestKernel.V6_1);
        assertThat(k.release()).isEqualTo("6.1.0-57-amd64");
        assertThat(k.dir()).isEqualTo(dir.resolve("6.1.0-57-amd64"));
        assertThat(said).contains("apt cannot resolve linux-image-amd64; using the cached 6.1.0-57-amd64");
    }

    @Test
    void theBuiltInListAndTheModuleFilesNameModulesTheKernelsWay(@TempDir Path dir) throws IOException {
        Path builtin = dir.resolve("modules.builtin");
        Files.writeString(builtin, "kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/char/virtio_console.ko\n");
        assertThat(KernelCache.builtIn(builtin)).containsExactlyInAnyOrder("virtio_pci", "virtio_console");
        Path kernel = dir.resolve("kernel/drivers/net");
        Files.createDirectories(kernel);
        Files.write(kernel.resolve("net_failover.ko.xz"), new byte[0]);
        Files.write(kernel.resolve("e1000e.ko"), new byte[0]);
        assertThat(KernelCache.moduleFiles(dir.resolve("kernel")).keySet()).containsExactlyInAnyOrder("net_failover", "e1000e");
    }

    @Test
    void anEntryKeptWithoutNftablesLacksItAndOneWithEveryWantedModuleLacksNothing() {
        Map<String, List<String>> old = new java.util.HashMap<>();
        CachedKernel.BASE_MODULES.forEach(m -> old.put(m, List.of()));
        NicModel.allModules().forEach(m -> old.put(m, List.of()));
        CachedKernel before = new CachedKernel(null, "6.1", "linux-image-6.1.0-57-amd64", "1", "6.1.0-57-amd64", "2026-12-01T00:00:00Z", 1, 1,
                old, Set.of());
        assertThat(before.lacking()).containsExactly("crc32c_generic", "nf_tables");
        Map<String, List<String>> now = new java.util.HashMap<>(old);
        now.put("nf_tables", List.of("nfnetlink"));
        now.put("nfnetlink", List.of());
        now.put("crc32c_generic", List.of());
        CachedKernel complete = new CachedKernel(null, "6.1", "linux-image-6.1.0-57-amd64", "1", "6.1.0-57-amd64", "2026-12-01T00:00:00Z", 1,
                1, now, Set.of());
        assertThat(complete.lacking()).isEmpty();
        assertThat(new CachedKernel(null, "6.1", "x", "1", "r", "t", 1, 1, old, Set.of("nf_tables", "crc32c_generic")).lacking())
                .as("built in").isEmpty();
    }

    private static void cached(Path dir, String release, String fetched) throws IOException {
        Path entry = dir.resolve(release);
        Files.createDirectories(entry);
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(entry.resolve(CachedKernel.MANIFEST).toFile(),
                new CachedKernel(null, release.startsWith("6.12") ? "6.12" : "6.1", "linux-image-" + release, "1", release, fetched, 1, 1,
                        Map.of("e1000e", List.of()), Set.of()));
    }
}
