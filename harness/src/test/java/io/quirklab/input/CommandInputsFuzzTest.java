package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Verdict;
import io.quirklab.testing.CommandLineRun;
import io.quirklab.testing.Matrices;
import io.quirklab.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: each command's inputs fuzzed through the command line as a user runs it (a seeded mix of broken JSON and
 * YAML, wrong types, values that are too big or nested too deep, trailing text, binary junk, cut files, odd option
 * values): whatever it prints on standard error is lines in words, without Java's class or exception names, without a
 * raw control character, and without a line of the file beyond a short token; each run ends in bounded time.
 * {@code -Dquirklab.fuzz.runs=N} runs N inputs per command (default 60).
 */
class CommandInputsFuzzTest {
    static final int RUNS = Integer.getInteger("quirklab.fuzz.runs", 60);
    /** JSON values a mutation puts in place of another. */
    static final List<String> JSON_VALUES = List.of("[]", "{}", "\"x\"", "1e999999", "-1", "null", "true", "\"\\u001b[2J\\nFORGED\"",
            "[".repeat(1200) + "]".repeat(1200), "\"" + "y".repeat(300) + "\"", "99999999999999999999999", "\"ON\"", "{\"a\": [1, {\"b\": 2}]}",
            "\"root:$6$saltsalt$0123456789abcdefABCDEF0123456789abcdef:19700:0:99999:7:::\"");

    @TempDir
    Path dir;

    /** One command and how to run it on a mutated input. */
    record Target(String name, byte[] seed, Function<Path, String[]> args) {
    }

    List<Target> targets() throws IOException {
        Path plain = dir.resolve("plain.json");
        Matrices.document("run-plain", Matrices.environment("5.6.0-k"), List.of(
                Matrices.cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null,
                        Verdict.DELIVERED))).write(plain);
        Path realistic = dir.resolve("realistic.json");
        Matrices.realistic().write(realistic);
        byte[] matrix = Files.readAllBytes(realistic);
        Path labs = Files.createDirectories(dir.resolve("labs"));
        Files.writeString(labs.resolve("lab.yaml"), "kind: virtual\n");
        Files.copy(plain, labs.resolve("baseline.json"));
        Files.writeString(labs.resolve("node-inventory.yaml"), "nodes:\n  - {label: linux-a, os: linux, nic: a, lab: lab.yaml, baseline: baseline.json}\n");
        byte[] inventory = ("nodes:\n  - {label: linux-a, os: linux, nic: a, lab: lab.yaml, baseline: baseline.json}\n"
                + "  - label: linux-b\n    os: linux\n    nic: b\n    lab: lab.yaml\n").getBytes(StandardCharsets.UTF_8);
        byte[] result = ("{\"uuid\": \"u1\", \"historyId\": \"h1\", \"name\": \"clean x java-lan\", \"status\": \"passed\", "
                + "\"labels\": [{\"name\": \"suite\", \"value\": \"matrix\"}], \"attachments\": []}").getBytes(StandardCharsets.UTF_8);
        byte[] lab = Files.readAllBytes(Path.of("../scenarios/labs/virtual.yaml"));
        List<Target> t = new ArrayList<>();
        t.add(new Target("compare", matrix, f -> new String[] {"compare", f.toString(), plain.toString()}));
        t.add(new Target("fleet merge", matrix, f -> new String[] {"fleet", "merge", f.toString(), plain.toString()}));
        t.add(new Target("baseline save", matrix, f -> new String[] {"baseline", "save", "b", "--force", "--run", f.toString(), "--reports",
                dir.resolve("reports").toString()}));
        t.add(new Target("fleet report --inventory", inventory, f -> {
            copy(f, labs.resolve("inventory.yaml"));
            return new String[] {"fleet", "report", "--inventory", labs.resolve("inventory.yaml").toString(), "--from", dir.resolve("nodes").toString(),
                    "--out", dir.resolve("fleet-out").toString()};
        }));
        t.add(new Target("fleet report (a node's matrix)", matrix, f -> {
            copy(f, dir.resolve("nodes/linux-a/reports/runs/r1/matrix.json"));
            return new String[] {"fleet", "report", "--inventory", labs.resolve("node-inventory.yaml").toString(), "--from",
                    dir.resolve("nodes").toString(), "--out", dir.resolve("fleet-out").toString()};
        }));
        t.add(new Target("fleet allure (a result)", result, f -> {
            Path node = dir.resolve("allure-node");
            copy(f, node.resolve("x-result.json"));
            return new String[] {"fleet", "allure", "n1=" + node, "--out", dir.resolve("allure-out").toString()};
        }));
        t.add(new Target("fleet allure (environment.properties)", "os=linux\nnic=I211 \\u00e9\n".getBytes(StandardCharsets.UTF_8), f -> {
            Path node = dir.resolve("allure-env");
            copy(f, node.resolve("environment.properties"));
            return new String[] {"fleet", "allure", "n1=" + node, "--out", dir.resolve("allure-out2").toString()};
        }));
        t.add(new Target("persona from-pcap", Files.readAllBytes(TestData.path("ipmi-captures/fi_bmcinfo.pcap")),
                f -> new String[] {"persona", "from-pcap", f.toString()}));
        t.add(new Target("explain (pktmon)", Files.readAllBytes(TestData.path("etw/pktmon-with-tcpip-checksum-drop.txt")),
                f -> new String[] {"explain", f.toString()}));
        t.add(new Target("explain (snmp)", firstOf("real-world/snmp"), f -> new String[] {"explain", f.toString()}));
        t.add(new Target("explain (ethtool -S)", firstOf("real-world/ethtool-S"), f -> new String[] {"explain", f.toString()}));
        t.add(new Target("lab fault --lab", lab, f -> new String[] {"lab", "--state-dir", dir.resolve("state").toString(), "fault", "lab",
                "--lab", f.toString()}));
        return t;
    }

    @Test
    void everyCommandAnswersEveryMutatedInputInWords() throws IOException {
        Random rnd = new Random(24);
        Map<String, int[]> exits = new TreeMap<>();
        for (Target target : targets()) {
            for (int i = 0; i < RUNS; i++) {
                byte[] input = target.name().contains("pcap") ? mutatePcap(rnd, target.seed())
                        : rnd.nextInt(3) == 0 ? mutateJson(rnd, target.seed()) : InputFileFuzzTest.mutate(rnd, target.seed());
                Path f = dir.resolve("input-" + i + ".bin");
                Files.write(f, input);
                String what = target.name() + " #" + i;
                long t0 = System.nanoTime();
                String[] args = target.args().apply(f);
                int rc = run(what, input, args);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as(what + ": ms").isLessThan(10_000);
                exits.computeIfAbsent(target.name(), k -> new int[3])[Math.min(rc, 2)]++;
            }
        }
        exits.forEach((name, e) -> System.out.printf("%-40s %3d accepted, %3d exit 1, %3d refused in one line%n", name, e[0], e[1], e[2]));
    }

    /** Address options and other values the user types: refused in words, never looked up. */
    @Test
    void optionValuesAreAnsweredInWords() throws IOException {
        Path capture = dir.resolve("c.pcap");
        Files.write(capture, Files.readAllBytes(TestData.path("ipmi-captures/fi_bmcinfo.pcap")));
        // each command once, untimed, with a value that cannot be a name: its classes are loaded before the clock runs
        // (the first case took 3.3 s on a busy 2-core machine, all of it loading), and no lookup is cached for the rest
        for (String[] warm : List.<String[]>of(new String[] {"persona", "from-pcap", capture.toString(), "--bmc", ""},
                new String[] {"ipmi", "-H", "", "mc-info"}, new String[] {"smdc", "--bind", "", "--port", "0"},
                new String[] {"agent", "--iface", "lo", "--control", ":8623"}, new String[] {"explain", "--flow", "", capture.toString()})) {
            assertThat(run(String.join(" ", warm), new byte[0], warm)).as(String.join(" ", warm)).isEqualTo(2);
        }
        Map<String[], String> cases = new LinkedHashMap<>();
        for (String v : List.of("999.1.1.1", "localhost", "bmc.example.com", "1.2.3", "::zz", "198.18.0.1.5", "", " ", "0x7f.1", "1e3.0.0.1",
                "\u001b[2J", "a".repeat(300))) {
            cases.put(new String[] {"persona", "from-pcap", capture.toString(), "--bmc", v}, "--bmc");
            cases.put(new String[] {"ipmi", "-H", v, "mc-info"}, "-H");
            cases.put(new String[] {"smdc", "--bind", v, "--port", "0"}, "--bind");
            cases.put(new String[] {"agent", "--iface", "lo", "--control", v + ":8623"}, "--control");
            cases.put(new String[] {"explain", "--flow", v, capture.toString()}, "--flow");
        }
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            String what = String.join(" ", c.getKey());
            long t0 = System.nanoTime();
            int rc = run(what, new byte[0], c.getKey());
            assertThat(rc).as(what).isEqualTo(2);
            assertThat((System.nanoTime() - t0) / 1_000_000).as(what + ": ms (a name lookup would take longer)").isLessThan(3_000);
        }
    }

    /** Runs the command; checks what it printed; returns its exit code. */
    private static int run(String what, byte[] input, String... args) {
        CommandLineRun ran = CommandLineRun.of(args);
        int rc = ran.exit();
        String err = ran.err();
        String out = ran.out();
        assertThat(rc).as(what + ": exit code; " + err).isBetween(0, 2);
        String all = out + err;
        all.codePoints().forEach(c -> assertThat(c == '\n' || c == '\t' || c >= 0x20 && c != 0x7F && (c < 0x80 || c >= 0xA0))
                .as(what + ": raw U+%04X in: %s", c, all).isTrue());
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        if (rc == 2) {
            // notes on the way (fleet report's "skipping ...") are lines of their own; the refusal is one
            assertThat(lines).as(what + ": a refusal:\n" + err).isNotEmpty();
            assertThat(lines.stream().filter(l -> l.startsWith("quirklab: "))).as(what + ": a refusal is one line:\n" + err).hasSizeLessThan(2);
        }
        for (String l : lines) {
            InputFileFuzzTest.assertClean(l, input, what);
            if (Boolean.getBoolean("quirklab.fuzz.show")) {
                System.out.println(what + ": " + l);
            }
        }
        return rc;
    }

    /** A capture with its records' bytes flipped (headers, lengths, frames), cut short, or records repeated. */
    static byte[] mutatePcap(Random rnd, byte[] seed) {
        byte[] out = seed.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> {
                for (int j = 0; j < 1 + rnd.nextInt(16); j++) {
                    out[24 + rnd.nextInt(out.length - 24)] = (byte) rnd.nextInt(256);
                }
            }
            case 1 -> out = Arrays.copyOf(out, 24 + rnd.nextInt(out.length - 23));
            case 2 -> {
                byte[] twice = Arrays.copyOf(out, out.length * 2 - 24);
                System.arraycopy(out, 24, twice, out.length, out.length - 24);
                out = twice;
            }
            default -> out[20] = (byte) rnd.nextInt(3); // the link type
        }
        return out;
    }

    /** A JSON value replaced, a key doubled, or something after the document. */
    static byte[] mutateJson(Random rnd, byte[] seed) {
        String s = new String(seed, StandardCharsets.UTF_8);
        String v = JSON_VALUES.get(rnd.nextInt(JSON_VALUES.size()));
        return (switch (rnd.nextInt(4)) {
            case 0 -> s.strip() + (rnd.nextBoolean() ? " garbage" : " {\"schema\": \"again\"}");
            case 1 -> {
                int colon = s.indexOf("\": ", rnd.nextInt(Math.max(1, s.length())));
                if (colon < 0) {
                    yield s + v;
                }
                int end = colon + 3;
                int stop = end;
                while (stop < s.length() && ",}]\n".indexOf(s.charAt(stop)) < 0) {
                    stop++;
                }
                yield s.substring(0, end) + v + s.substring(stop);
            }
            case 2 -> s.replaceFirst("\\{", Matcher.quoteReplacement("{\"schema\": " + v + ", "));
            default -> v;
        }).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] firstOf(String testDataDir) throws IOException {
        try (var s = Files.list(TestData.path(testDataDir))) {
            Path f = s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
            return Files.readAllBytes(f);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
