package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.agent.AgentHost;
import io.quirklab.agent.AgentTls;
import io.quirklab.agent.AgentToken;
import io.quirklab.agent.ArpGuard;
import io.quirklab.bisect.BisectDocument;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabInventory;
import io.quirklab.matrix.FleetMatrix;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.process.CommandRunner;
import io.quirklab.report.FleetAllure;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.testing.CommandLineRun;
import io.quirklab.wire.PcapFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: every reader of a file the harness is handed, in the library and on the command line (explain, persona
 * from-pcap, compare, fleet, baseline, lab and persona files, the agent's files), given a FIFO (nothing ever writes to
 * it), /dev/zero, a symbolic link to a shadow file, and a file one byte past its kind's cap (sparse). Each answer is one line, in words,
 * with nothing of the file, within a second and without the heap growing; the test prints each line, its time and the
 * heap it cost.
 */
class HostileFilesTest {
    /** A line of a shadow file: what must never appear in an answer, nor any long piece of it. */
    static final String SHADOW = "root:$y$j9T$Qm1C0pSecretSaltHere$A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0:19700:0:99999:7:::\n"
            + "daemon:*:19700:0:99999:7:::\n";

    @TempDir
    Path dir;

    /** A reader under test: what it reads, and how (it must refuse the hostile file with an IOException). */
    interface Reader {
        void read(Path file) throws Exception;
    }

    Map<String, Reader> readers() {
        Map<String, Reader> r = new LinkedHashMap<>();
        r.put("agent --token-file", f -> AgentToken.resolve(f, null, null));
        r.put("agent --personas", f -> AgentHost.start(new AgentHost.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "a-token-of-sixteen-characters", f, ArpGuard.Timing.FAST, null, Duration.ofSeconds(1), 10, 1 << 10), null, null, null, l -> { }));
        r.put("agent --tls-keystore", f -> AgentTls.serverContext(f, new char[0]));
        r.put("lab file trust: (certificate)", AgentTls::trustedCertificates);
        r.put("persona from-pcap (capture)", PcapFile::read);
        r.put("fleet report --inventory", LabInventory::read);
        r.put("fleet matrix", FleetMatrix::read);
        r.put("fleet allure (a result in a node's results)", f -> {
            Path results = Files.createDirectories(dir.resolve("node-" + System.nanoTime()));
            Files.createSymbolicLink(results.resolve("x-result.json"), f.toAbsolutePath());
            FleetAllure.copy("node1", results, dir.resolve("merged"));
        });
        r.put("fleet allure (environment.properties)", f -> {
            Path results = Files.createDirectories(dir.resolve("node-" + System.nanoTime()));
            Files.createSymbolicLink(results.resolve("environment.properties"), f.toAbsolutePath());
            FleetAllure.copy("node1", results, dir.resolve("merged"));
        });
        r.put("fleet merge (a matrix.json)", f -> FleetMatrix.matrixFiles(List.of(f)).forEach(m -> {
            try {
                MatrixDocument.read(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        r.put("lab file", LabFile::read);
        r.put("persona file", f -> {
            try {
                PersonaCatalogue.load(f, PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE));
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e); // the catalogue's own refusal: a line of words as well
            }
        });
        r.put("bisect.json", BisectDocument::read);
        // the command lines a user types: one line on standard error (explain: one line for the file on standard output)
        r.put("explain", f -> cli(f, "explain", f.toString()));
        r.put("persona from-pcap", f -> cli(f, "persona", "from-pcap", f.toString(), "--bmc", "198.18.0.10"));
        r.put("compare (OLD)", f -> cli(f, "compare", f.toString(), f.toString()));
        r.put("fleet merge (command line)", f -> cli(f, "fleet", "merge", f.toString()));
        r.put("fleet report --inventory (command line)", f -> cli(f, "fleet", "report", "--inventory", f.toString(), "--from",
                dir.toString(), "--out", dir.resolve("fleet-out").toString()));
        r.put("baseline save --run", f -> cli(f, "baseline", "save", "b", "--run", f.toString(), "--reports", dir.resolve("reports").toString()));
        r.put("lab fault --lab (command line)", f -> cli(f, "lab", "--state-dir", dir.resolve("state").toString(), "fault", "lab", "--lab",
                f.toString()));
        r.put("agent --personas (command line)", f -> cli(f, "agent", "--iface", "lo", "--control", "127.0.0.1:1", "--personas", f.toString(),
                "--state-dir", dir.resolve("agent").toString()));
        r.put("agent --token-file (command line)", f -> cli(f, "agent", "--iface", "lo", "--control", "127.0.0.1:1", "--token-file", f.toString()));
        return r;
    }

    /**
     * Runs {@code quirklab ARGS} and throws its one line about {@code file} as the refusal; more than one such line, a
     * success, or a line without the file's name fails the test.
     */
    static void cli(Path file, String... args) throws IOException {
        CommandLineRun ran = CommandLineRun.of(args);
        String err = ran.err();
        String out = ran.out();
        List<String> about = (err + out).lines().filter(l -> l.contains(file.toString())).toList();
        assertThat(ran.exit()).as(String.join(" ", args) + ": " + err + out).isNotZero();
        assertThat(about).as(String.join(" ", args) + ": one line about the file in:\n" + err + out).hasSize(1);
        assertThat(err.lines().filter(l -> !l.isBlank()).count()).as("standard error: " + err).isLessThanOrEqualTo(1);
        throw new IOException(about.get(0).replaceFirst("^quirklab: ", ""));
    }

    /** The kind's cap for the file past it; a FIFO, a device and a link are the same for all. */
    static final Map<String, InputFile.Kind> KINDS = Map.ofEntries(Map.entry("agent --token-file", InputFile.Kind.TOKEN),
            Map.entry("agent --personas", InputFile.Kind.PERSONA_FILE), Map.entry("agent --tls-keystore", InputFile.Kind.KEY_STORE),
            Map.entry("lab file trust: (certificate)", InputFile.Kind.CERTIFICATE), Map.entry("persona from-pcap (capture)", InputFile.Kind.CAPTURE),
            Map.entry("fleet report --inventory", InputFile.Kind.INVENTORY), Map.entry("fleet matrix", InputFile.Kind.MATRIX),
            Map.entry("fleet allure (a result in a node's results)", InputFile.Kind.ALLURE_RESULT),
            Map.entry("fleet allure (environment.properties)", InputFile.Kind.PROPERTIES),
            Map.entry("fleet merge (a matrix.json)", InputFile.Kind.MATRIX), Map.entry("lab file", InputFile.Kind.LAB_FILE),
            Map.entry("persona file", InputFile.Kind.PERSONA_FILE), Map.entry("bisect.json", InputFile.Kind.BISECT_DOCUMENT),
            Map.entry("explain", InputFile.Kind.EVIDENCE), Map.entry("persona from-pcap", InputFile.Kind.CAPTURE),
            Map.entry("compare (OLD)", InputFile.Kind.MATRIX), Map.entry("fleet merge (command line)", InputFile.Kind.MATRIX),
            Map.entry("fleet report --inventory (command line)", InputFile.Kind.INVENTORY),
            Map.entry("baseline save --run", InputFile.Kind.MATRIX), Map.entry("lab fault --lab (command line)", InputFile.Kind.LAB_FILE),
            Map.entry("agent --personas (command line)", InputFile.Kind.PERSONA_FILE),
            Map.entry("agent --token-file (command line)", InputFile.Kind.TOKEN));

    @Test
    void aFifoADeviceALinkToAShadowFileAndAFilePastTheCapEachGetOneLineInBoundedTimeAndMemory() throws Exception {
        Path fifo = dir.resolve("fifo");
        CommandRunner.Result made = new CommandRunner().run(Duration.ofSeconds(10), List.of("mkfifo", fifo.toString()));
        assertThat(made.ok()).as(made.stderr()).isTrue();
        Path shadow = Files.writeString(dir.resolve("shadow"), SHADOW);
        Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("link-to-shadow"), shadow);
        List<String> table = new ArrayList<>();
        for (Map.Entry<String, Reader> reader : readers().entrySet()) {
            Path big = dir.resolve("past-the-cap-" + table.size());
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(KINDS.get(reader.getKey()).limit() + 1); // sparse: no disk used
            }
            Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-------"));
            Map<String, Path> hostile = new LinkedHashMap<>();
            hostile.put("FIFO", fifo);
            hostile.put("/dev/zero", Path.of("/dev/zero"));
            hostile.put("link to a shadow file", link);
            if (Files.isReadable(Path.of("/etc/shadow"))) {
                hostile.put("/etc/shadow", Path.of("/etc/shadow"));
            }
            hostile.put("past the cap (" + InputFile.size(KINDS.get(reader.getKey()).limit()) + ")", big);
            for (Map.Entry<String, Path> h : hostile.entrySet()) {
                String what = reader.getKey() + " given " + h.getKey();
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                long t0 = System.nanoTime();
                String line = refusal(reader.getValue(), h.getValue(), what);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long grew = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heap;
                table.add(String.format("%-50s %5d ms %6d KiB  %s", what, ms, Math.max(0, grew) >> 10, line));
                assertThat(line).as(what).isNotNull();
                InputFileFuzzTest.assertClean(line, SHADOW.getBytes(StandardCharsets.UTF_8), what);
                InputFileFuzzTest.assertNoEcho(line, SHADOW.getBytes(StandardCharsets.UTF_8), what);
                byte[] real = h.getKey().equals("/etc/shadow") ? Files.readAllBytes(Path.of("/etc/shadow")) : new byte[0];
                InputFileFuzzTest.assertNoEcho(line, real, what);
                assertThat(line).as(what).doesNotContain("root:").doesNotContain("$y$").doesNotContain("$6$").doesNotContain("daemon");
                assertThat(ms).as(what).isLessThan(2000);
                assertThat(grew).as(what + ": heap").isLessThan(32L << 20);
            }
        }
        table.forEach(System.out::println);
    }

    /** The refusal's one line; fails the test when the reader hangs (a FIFO opened), accepts the file, or throws unchecked. */
    private static String refusal(Reader reader, Path file, String what) throws Exception {
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try {
                reader.read(file);
                return null;
            } catch (IOException e) {
                return e.getMessage();
            } catch (UncheckedIOException e) {
                return e.getCause().getMessage();
            } catch (Exception e) {
                return "unexpected " + e;
            }
        });
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": still reading after 5 s (a FIFO opened?)");
        }
    }
}
