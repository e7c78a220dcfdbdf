package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.lab.LabFile;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.testing.Matrices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz of the files a user hands in: lab files, persona files and matrix documents, mutated in syntax, types,
 * keys, bytes and size, plus directories, devices and system files. Each is accepted or refused with one line: no
 * stack trace, no Java words, nothing of the file beyond the offending token. Seed and case count are fixed, so a
 * failure names its case and repeats.
 */
class InputFileFuzzTest {
    static final long SEED = 0x5eed16L;
    static final int CASES = 2000;
    static final int MATRIX_CASES = 400;

    /** Words that only Java (or Jackson) would say. */
    static final List<String> JAVA_WORDS = List.of("Exception", "java.", "com.fasterxml", "For input string", "class ",
            "Cannot deserialize", "Cannot construct", "CharConversion", "\tat ", "Source:", "REDACTED", "org.yaml", "MismatchedInput",
            "Event(");

    @TempDir
    Path dir;

    static final String LAB = """
            kind: virtual
            personas: p.yaml
            persona-names: [clean, smdc-tyan]
            clients: [java-lan, ipmitool-lan]
            offload: ["off", "on"]
            fault-model:
              name: custom
              expression: "ip ttl 1"
            known-issues:
              - persona: smdc-tyan
                offload: "on"
                verdict: DROPPED_IN_STACK
                reason: UDP_CSUM
                why: "the seed"
            """;

    static final String PERSONAS = """
            personas:
              - name: clean
                description: "a clean stack"
                expected: DELIVERED
                quirks: { dont-fragment: true, ttl: 64 }
              - name: smdc-tyan
                expected: DELIVERED
                quirks: { template: request, ip-id: echo, dont-fragment: false }
                firmware-quirks: [session-id-zero]
                ipmi: "1.5"
                address: 198.18.0.50
                mac: 02:51:4c:00:00:0a
            """;

    static final List<String> KEYS = List.of("kind", "personas", "persona-names", "clients", "offload", "fault-model", "name",
            "expression", "known-issues", "verdict", "client-paths", "dut-interface", "responder", "persona-base", "quirks", "ttl",
            "ip-id", "address", "mac", "ipmi", "expected", "firmware-quirks", "schema", "cells", "run", "zz", "\u00e9t\u00e9", "0x");
    static final List<String> VALUES = List.of("zz", "-1", "0x", "99999999999999999999", "1e400", "null", "~", "[]", "{}", "[1, [2]]",
            "{a: {b: c}}", "\"\\u0000\"", "!!binary AAAA", "&a x", "*a", "198.18.0.0", "198.18.0.255", "198.18.0.1", "198.18.7.9",
            "10.0.0.1", "/etc/shadow", "/etc/passwd", "/proc/self/status", "/dev/zero", "/", "..", "'unterminated", "\"\\x\"",
            "on", "off", "yes", "true", "DROPPED_IN_STACK", "custom", "df-clear", ": :", "- -", "? x", "|\n  block", ">-", "@", "`x`");
    static final List<String> SYSTEM_FILES = List.of("/etc/shadow", "/etc/passwd", "/etc/hostname", "/etc/os-release",
            "/proc/self/status", "/proc/self/environ", "/proc/cpuinfo", "/dev/zero", "/dev/null", "/dev/urandom", "/", "/etc",
            "/bin/ls", "/etc/ld.so.cache");

    @Test
    void labAndPersonaFilesGetOneLineEach() throws IOException {
        Random rnd = new Random(SEED);
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            boolean labSide = rnd.nextBoolean();
            byte[] content = mutate(rnd, (labSide ? LAB : PERSONAS).getBytes(StandardCharsets.UTF_8));
            Path personas = dir.resolve("p.yaml");
            Files.writeString(personas, PERSONAS);
            Path file = dir.resolve(labSide ? "lab-" + i + ".yaml" : "p.yaml");
            Files.write(file, content);
            Path lab = labSide ? file : dir.resolve("lab-for-p.yaml");
            if (!labSide) {
                Files.writeString(lab, "kind: virtual\npersonas: p.yaml\n");
            }
            String message = refusal(lab, "case " + i);
            if (message != null) {
                refused++;
                assertClean(message, content, "case " + i + " (" + (labSide ? "lab file" : "persona file") + ")");
            }
            Files.deleteIfExists(file);
        }
        // the mutations must mostly break the files, or the fuzz tests nothing
        assertThat(refused).isGreaterThan(CASES / 2);
    }

    @Test
    void systemFilesDirectoriesAndDevicesAreRefusedInWords() throws IOException {
        for (String sys : SYSTEM_FILES) {
            Path p = Path.of(sys);
            byte[] content = readQuietly(p);
            // as the lab file itself
            String m = refusal(p, sys + " as a lab file");
            assertThat(m).as(sys + " as a lab file").isNotNull();
            assertClean(m, content, sys + " as a lab file");
            assertNoEcho(m, content, sys + " as a lab file");
            // as the persona file a lab file names by its absolute path
            Path lab = dir.resolve("lab.yaml");
            Files.writeString(lab, "kind: virtual\npersonas: " + sys + "\n");
            m = refusal(lab, sys + " as a persona file");
            assertThat(m).as(sys + " as a persona file").isNotNull();
            assertClean(m, content, sys + " as a persona file");
            assertNoEcho(m, content, sys + " as a persona file");
            // as a matrix document
            m = matrixRefusal(p);
            assertThat(m).as(sys + " as a matrix document").isNotNull();
            assertClean(m, content, sys + " as a matrix document");
            assertNoEcho(m, content, sys + " as a matrix document");
        }
        Path lab = dir.resolve("lab.yaml");
        Files.writeString(lab, "personas: /etc/shadow\n");
        if (Files.isReadable(Path.of("/etc/shadow"))) {
            assertThat(refusal(lab, "shadow")).startsWith("/etc/shadow: ").contains("(line 1)")
                    .contains("the persona file of " + lab);
        }
        Files.writeString(lab, "personas: /etc\n");
        assertThat(refusal(lab, "dir")).contains("/etc: is a directory, not a persona file");
        assertThat(refusal(Path.of("/dev/zero"), "dev")).isEqualTo("/dev/zero: is a character device, not a lab file");
    }

    @Test
    void hugeBinaryAndNonUtf8FilesSaySoInWords() throws IOException {
        Path huge = dir.resolve("huge.yaml");
        Files.write(huge, new byte[InputFile.LAB_FILE_LIMIT + 1]);
        assertThat(refusal(huge, "huge")).contains("more than a lab file may be (1 MiB)");
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {'k', 'i', 'n', 'd', ':', ' ', 0, 1, 2, 3});
        assertThat(refusal(binary, "binary")).contains("contains binary data").contains("line 1");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "kind: virtual\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(refusal(latin1, "latin1")).contains("is not UTF-8 text (line 2)");
        Path personas = dir.resolve("big-personas.yaml");
        Files.write(personas, ("personas:\n" + "  - name: x\n".repeat(InputFile.PERSONA_FILE_LIMIT / 12 + 1)).getBytes(StandardCharsets.UTF_8));
        Path lab = dir.resolve("lab.yaml");
        Files.writeString(lab, "personas: big-personas.yaml\n");
        assertThat(refusal(lab, "big personas")).contains("more than a persona file may be");
    }

    @Test
    void matrixDocumentsGetOneLineEach() throws IOException {
        Random rnd = new Random(SEED + 1);
        byte[] good = Matrices.realistic().toJson().getBytes(StandardCharsets.UTF_8);
        int refused = 0;
        for (int i = 0; i < MATRIX_CASES; i++) {
            byte[] content = mutate(rnd, good);
            Path f = dir.resolve("m-" + i + ".json");
            Files.write(f, content);
            String m = matrixRefusal(f);
            if (m != null) {
                refused++;
                assertClean(m, content, "matrix case " + i);
            }
            Files.delete(f);
        }
        assertThat(refusal(dir, "a directory")).contains("is a directory, not a lab file");
        assertThat(refused).isGreaterThan(MATRIX_CASES / 2);
    }

    /** The lab file's one-line refusal, or null when it was accepted; anything but an IOException fails the test. */
    static String refusal(Path lab, String what) {
        try {
            LabFile.read(lab);
            return null;
        } catch (IOException | PersonaCatalogue.CatalogueException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + e + " escaped LabFile.read", e);
        }
    }

    static String matrixRefusal(Path file) {
        try {
            MatrixDocument.read(file);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            throw new AssertionError(file + ": " + e + " escaped MatrixDocument.read", e);
        }
    }

    /** One line, short, no Java words, and no line of the file's own text beyond a clipped token. */
    static void assertClean(String message, byte[] content, String what) {
        assertThat(message).as(what).isNotBlank().doesNotContain("\n").doesNotContain("\r");
        assertThat(message.length()).as(what + ": " + message).isLessThan(700);
        String words = message.replaceAll("'[^']*'", "''"); // quoted tokens are the file's, not Java's
        for (String w : JAVA_WORDS) {
            assertThat(words).as(what + ": Java's words in: " + message).doesNotContain(w);
        }
        assertThat(words).as(what + ": a Java type in: " + message).doesNotContainPattern("`\\w+`");
        String text = new String(content, StandardCharsets.UTF_8);
        for (String line : text.split("\\R")) {
            String l = line.strip();
            // a token is clipped to 40 characters, so only a longer line quoted whole is an echo of the file
            if (l.length() > 44 && !l.startsWith("#")) {
                assertThat(message).as(what + ": echoes the file: " + message).doesNotContain(l);
            }
        }
    }

    /** A system file's text must not show up at all: no 12 characters of it in a row. */
    static void assertNoEcho(String message, byte[] content, String what) {
        String text = new String(content, StandardCharsets.UTF_8);
        for (int i = 0; i + 12 <= text.length() && i < 20_000; i++) {
            String window = text.substring(i, i + 12);
            if (!window.isBlank() && !window.contains("\n")) {
                assertThat(message).as(what + ": echoes the file: " + message).doesNotContain(window);
            }
        }
    }

    private static byte[] readQuietly(Path p) {
        try {
            return Files.isRegularFile(p) && Files.size(p) < (1 << 20) ? Files.readAllBytes(p) : new byte[0];
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** One to three mutations: bytes, lines, keys, values, nesting, binary junk, truncation. */
    static byte[] mutate(Random rnd, byte[] input) {
        byte[] out = input.clone();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            String s = new String(out, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            int at = rnd.nextInt(Math.max(1, lines.size()));
            switch (rnd.nextInt(10)) {
                case 0 -> { // flip bytes
                    for (int j = 0; j < 1 + rnd.nextInt(4) && out.length > 0; j++) {
                        out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
                    }
                    continue;
                }
                case 1 -> lines.add(at, "  ".repeat(rnd.nextInt(3)) + pick(rnd, KEYS) + ": " + pick(rnd, VALUES));
                case 2 -> lines.set(at, lines.get(at).replaceFirst(":\\s*.*$", ": " + pick(rnd, VALUES)));
                case 3 -> lines.remove(at);
                case 4 -> lines.set(at, "\t" + lines.get(at));
                case 5 -> lines.add(at, "x".repeat(rnd.nextInt(400)) + ": " + "[".repeat(rnd.nextInt(60)));
                case 6 -> {
                    byte[] junk = new byte[1 + rnd.nextInt(64)];
                    rnd.nextBytes(junk);
                    lines.add(at, new String(junk, StandardCharsets.ISO_8859_1));
                }
                case 7 -> {
                    return java.util.Arrays.copyOf(out, rnd.nextInt(out.length + 1));
                }
                case 8 -> lines.set(at, lines.get(at).replace(":", rnd.nextBoolean() ? "" : "::"));
                default -> lines.add(at, pick(rnd, KEYS) + ": " + pick(rnd, KEYS) + ": " + pick(rnd, VALUES));
            }
            out = String.join("\n", lines).getBytes(rnd.nextInt(8) == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        return out;
    }

    private static String pick(Random rnd, List<String> l) {
        return l.get(rnd.nextInt(l.size()));
    }
}
