package io.quirklab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import io.quirklab.input.ResultsTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The Allure results of several lab nodes in one directory, for one report of the whole fleet: each result's
 * parentSuite becomes the node's name (its environment label is kept as label {@code environment}), and its history
 * id is made per node, since two nodes of the same environment would otherwise look like retries of one test.
 * Results and containers keep their (UUID) names; {@code environment.properties} are merged with the node as prefix.
 * A node's results come from elsewhere (a stash): they are read through {@link ResultsTree}, so a symbolic link out of
 * them (a result linked to /etc/shadow) refuses the node before anything of it is copied.
 */
public final class FleetAllure {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String ENVIRONMENT = "environment.properties";

    private FleetAllure() {
    }

    /** What one node contributed. */
    public record Copied(int results, int files) {
    }

    /**
     * Copies {@code from} (one node's allure-results) into {@code to}.
     *
     * @throws IOException naming the directory or file when {@code from} is missing or a result is not JSON
     */
    public static Copied copy(String node, Path from, Path to) throws IOException {
        ResultsTree tree;
        try {
            tree = ResultsTree.of(from, "Allure results directory");
        } catch (InputFile.Unusable e) {
            throw new IOException(e.getMessage() + " (node " + InputFile.printable(node) + ")", e);
        }
        List<Path> entries;
        try {
            entries = tree.files(); // history/ is left out: the report adds its own
        } catch (InputFile.Unusable e) {
            throw new IOException(e.getMessage() + " (node " + InputFile.printable(node) + "; nothing of it was copied)", e);
        }
        Files.createDirectories(to);
        int results = 0;
        int files = 0;
        for (Path f : entries) {
            String name = f.getFileName().toString();
            Path target = to.resolve(name);
            if (name.endsWith("-result.json")) {
                Files.writeString(target, relabel(node, f, tree.text(f, InputFile.Kind.ALLURE_RESULT)), StandardCharsets.UTF_8);
                results++;
            } else if (name.equals(ENVIRONMENT)) {
                mergeEnvironment(node, f, tree.text(f, InputFile.Kind.PROPERTIES), target);
            } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!name.equals("categories.json") && !name.equals("executor.json") && !sameBytes(tree.open(f, InputFile.Kind.ALLURE_ATTACHMENT),
                        InputFile.open(target, InputFile.Kind.ALLURE_ATTACHMENT))) {
                    throw new IOException(f + ": another node already gave " + target + " with other contents");
                }
            } else {
                try (InputStream in = tree.open(f, InputFile.Kind.ALLURE_ATTACHMENT)) {
                    Files.copy(in, target);
                }
            }
            files++;
        }
        return new Copied(results, files);
    }

    /** Whether two streams (both through the input gate) hold the same bytes; both are closed. */
    private static boolean sameBytes(InputStream a, InputStream b) throws IOException {
        try (InputStream x = a; InputStream y = b) {
            byte[] bx = new byte[1 << 16];
            byte[] by = new byte[1 << 16];
            while (true) {
                int n = x.readNBytes(bx, 0, bx.length);
                if (n != y.readNBytes(by, 0, n) || !Arrays.equals(bx, 0, n, by, 0, n)) {
                    return false;
                }
                if (n < bx.length) {
                    return y.read() < 0;
                }
            }
        }
    }

    private static String relabel(String node, Path file, String text) throws IOException {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not an Allure result (" + ParseProblem.of(e, "JSON").describe() + ")", e);
        }
        if (!(tree instanceof ObjectNode result)) {
            throw new IOException(file + ": not an Allure result (expected a JSON object)");
        }
        ArrayNode labels = result.has("labels") && result.get("labels").isArray() ? (ArrayNode) result.get("labels") : result.putArray("labels");
        String environment = null;
        for (int i = labels.size() - 1; i >= 0; i--) {
            JsonNode l = labels.get(i);
            if ("parentSuite".equals(l.path("name").asText())) {
                environment = l.path("value").asText(null);
                labels.remove(i);
            }
        }
        labels.addObject().put("name", "parentSuite").put("value", node);
        labels.addObject().put("name", "host").put("value", node);
        if (environment != null) {
            labels.addObject().put("name", "environment").put("value", environment);
        }
        String history = result.path("historyId").asText(result.path("testCaseId").asText(result.path("fullName").asText("")));
        result.put("historyId", sha256(node + "\n" + history));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
    }

    private static void mergeEnvironment(String node, Path from, String text, Path to) throws IOException {
        Properties in = new Properties();
        try {
            in.load(new StringReader(text));
        } catch (IllegalArgumentException e) {
            throw new InputFile.Unusable(from + ": not a properties file (a malformed \\uXXXX escape) (node " + node + ")");
        }
        StringBuilder lines = new StringBuilder();
        in.stringPropertyNames().stream().sorted().forEach(k -> lines.append(escape(node + "." + k)).append('=')
                .append(escape(in.getProperty(k))).append('\n'));
        Files.writeString(to, lines, StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\', '=', ':', '#', '!' -> b.append('\\').append(c);
                case '\n' -> b.append("\\n");
                default -> b.append(c > 0xff || c < 0x20 || c >= 0x7f && c < 0xa0 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.toString();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
