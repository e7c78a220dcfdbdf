package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quirklab.process.CommandRunner;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.testing.Require;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line as a user runs it: its own JVM, standard output a pipe or a file ({@code > out.yaml}), the exit
 * code of the process. Every command's output must get there, none of it lost in a writer nobody flushed before
 * {@code System.exit}. Subclasses say how quirklab starts: {@link PipedCommandLineIT}, the built jar, as the launcher
 * runs it (a second run of the same 48 commands on this build's class path in {@code mvn test} took 40-68 s of every
 * {@code ./quirklab test} and found nothing the jar's run does not).
 */
@Timeout(600)
abstract class PipedCommandLine {
    /** JVMs started at once for the help of every command: one a core. */
    static final int HELP_AT_ONCE = Math.max(2, Runtime.getRuntime().availableProcessors());
    static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    static final Path BASELINE = PROJECT.resolve("reports/baselines/virtual-debian12.json");

    @TempDir
    Path dir;

    /** The command that starts quirklab, without arguments. */
    abstract List<String> quirklab();

    record Ran(int exit, String out, String err) {
    }

    /** Runs quirklab with standard output into a pipe read here (or into {@code stdoutFile}, like {@code > FILE}). */
    Ran run(Path stdoutFile, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(quirklab());
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (stdoutFile != null) {
            pb.redirectOutput(stdoutFile.toFile());
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("quirklab " + String.join(" ", args) + " did not end in 120 s");
        }
        String text = new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        return new Ran(p.exitValue(), text, Files.readString(err, StandardCharsets.UTF_8));
    }

    Ran run(String... args) throws Exception {
        return run(null, args);
    }

    /** Every command and subcommand, as the user types it: "lab up", "ipmi mc-info". */
    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(QuirklabCommand.commandLine(), new ArrayList<>(), all);
        return all;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> all) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) {
                return; // an alias
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            all.add(p);
            collect(sub, p, all);
        });
    }

    /**
     * Each command's help in a JVM of its own, started {@link #HELP_AT_ONCE} at a time ahead of the test that reads it
     * (the runs are independent; one after another they were half of this class's time).
     */
    @TestFactory
    Stream<DynamicTest> everyCommandsHelpReachesThePipe() {
        List<List<String>> commands = new ArrayList<>(List.of(List.of()));
        commands.addAll(commands());
        assertThat(commands).as("the command tree").hasSizeGreaterThan(23);
        ExecutorService pool = Executors.newFixedThreadPool(HELP_AT_ONCE);
        List<Future<Ran>> runs = new ArrayList<>();
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            runs.add(pool.submit(() -> run(args.toArray(String[]::new))));
        }
        pool.shutdown();
        return IntStream.range(0, commands.size()).mapToObj(i -> {
            List<String> c = commands.get(i);
            return DynamicTest.dynamicTest(String.join(" ", c) + " --help", () -> {
                Ran r = runs.get(i).get(150, TimeUnit.SECONDS);
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).as("standard output").contains(("Usage: quirklab " + String.join(" ", c)).strip());
                assertThat(r.err()).as("standard error").isEmpty();
            });
        }).onClose(pool::shutdownNow);
    }

    @Test
    void versionReachesThePipe() throws Exception {
        Ran r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("quirklab ").contains("Java ");
    }

    @Test
    void personaFromPcapIntoAFileIsThePersona() throws Exception {
        Path yaml = dir.resolve("out.yaml");
        Ran r = run(yaml, "persona", "from-pcap", capture().toString(), "--name", "research-bmc");
        assertThat(r.exit()).as(r.err()).isZero();
        String text = Files.readString(yaml);
        assertThat(text).as("out.yaml").contains("research-bmc").contains("# not told by the capture");
        PersonaCatalogue cat = PersonaCatalogue.load(yaml, PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE));
        assertThat(cat.get("research-bmc").bmc().quirks()).contains(io.quirklab.bmc.FirmwareQuirk.SESSION_ID_ZERO);

        Ran piped = run("persona", "from-pcap", capture().toString(), "--name", "research-bmc");
        assertThat(piped.out()).as("the same through a pipe").isEqualTo(text);
    }

    @Test
    void compareOfTwoCommittedMatricesReachesThePipe() throws Exception {
        Ran r = run("compare", BASELINE.toString(), fleetMatrix("df-clear").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("OLD", "NEW", "summary: ");
    }

    @Test
    void baselineListReachesThePipe() throws Exception {
        Ran r = run("baseline", "list", "--reports", PROJECT.resolve("reports").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("NAME", "virtual-debian12");
    }

    @Test
    void fleetMergeReachesThePipe() throws Exception {
        Ran r = run("fleet", "merge", fleetMatrix("df-clear").toString(), fleetMatrix("id-echo").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isNotBlank();
    }

    @Test
    void envAsJsonReachesThePipe() throws Exception {
        Require.capability(Require.TOOLS, System.getProperty("os.name").startsWith("Linux") && CommandRunner.which("ethtool").isPresent(),
                "Test requires Linux with ethtool");
        Ran r = run("env", "--iface", "lo", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode env = new ObjectMapper().readTree(r.out());
        assertThat(env.at("/dut_interface/name").asText()).isEqualTo("lo");
    }

    @Test
    void socketModeTableReachesThePipe() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            port = s.getLocalPort();
        }
        Ran r = run("run", "--socket", "--bind", "127.0.0.2", "--port", Integer.toString(port), "--clients", "java-lan",
                "--reports", dir.resolve("reports").toString());
        assertThat(r.out()).contains("offload=off", "PERSONA", "EXPECTED").containsPattern("clean +ok")
                .containsPattern("\\d+ cells in [0-9.]+ s .*: \\d+ as expected");
        assertThat(r.exit()).as(r.out()).isZero();
    }

    @Test
    void aRefusalReachesStandardError() throws Exception {
        Ran r = run("compare", dir.resolve("missing.json").toString(), BASELINE.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("quirklab: " + dir.resolve("missing.json") + ": no such matrix file\n");
    }

    static Path capture() throws URISyntaxException {
        return Path.of(PipedCommandLine.class.getResource("/io/quirklab/responder/captures/z_fi_w.pcap").toURI());
    }

    static Path fleetMatrix(String name) throws URISyntaxException {
        return Path.of(PipedCommandLine.class.getResource("/io/quirklab/matrix/fleet/" + name + "/matrix.json").toURI());
    }
}
