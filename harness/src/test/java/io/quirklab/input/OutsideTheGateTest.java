package io.quirklab.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file the harness reads goes through the input gate ({@code io.quirklab.input}), and no address is ever looked
 * up by name: main code outside {@code input/} neither opens a file for reading nor hands text to the JDK's resolver.
 * A new direct read or lookup fails here with its file and line.
 */
class OutsideTheGateTest {
    static final Path MAIN = Path.of("src/main/java");
    static final Path GATE = MAIN.resolve("io/quirklab/input");

    /** Ways to read a file's contents without the gate. */
    static final Pattern READ = Pattern.compile("Files\\s*\\.\\s*(read(AllBytes|AllLines|String)|newInputStream|newBufferedReader|lines|newByteChannel|mismatch)\\s*\\("
            + "|new\\s+(FileInputStream|FileReader|RandomAccessFile|Scanner)\\s*\\(|FileChannel\\s*\\.\\s*open\\s*\\([^;]*READ"
            + "|\\.(readValue|readTree)\\s*\\([^;]*(\\.toFile\\(\\)|new\\s+File\\(|Path\\.of\\()"
            + "|Files\\s*\\.\\s*copy\\s*\\(\\s*(?!in\\b)[\\w.()]+\\s*,");

    /** Ways to have a name looked up: the resolver, or a socket address made from text. */
    static final Pattern LOOKUP = Pattern.compile("InetAddress\\s*\\.\\s*(getByName|getAllByName)\\s*\\(|new\\s+InetSocketAddress\\s*\\(\\s*\"|"
            + "InetSocketAddress\\s*\\(\\s*(host|name|text|s)\\s*,|getCanonicalHostName|getHostName\\s*\\(");

    /** Lines that look like a read and are not one ("FILE: the line's text"), each with the reason. */
    static final Map<String, String> NOT_READS = Map.of(
            "io/quirklab/host/OffloadJournal.java: try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {",
            "opens the journal's directory to fsync it; reads nothing");

    @Test
    void noFileIsReadOutsideTheGate() throws IOException {
        assertThat(found(READ, NOT_READS)).as("direct reads outside " + GATE + ": read through InputFile (a kind and its cap) instead").isEmpty();
    }

    @Test
    void noAddressIsLookedUpByName() throws IOException {
        assertThat(found(LOOKUP, Map.of())).as("name lookups outside " + GATE + ": parse the literal with AddressText instead").isEmpty();
    }

    @Test
    void thePatternsCatchWhatTheyAreFor() {
        for (String read : List.of("Files.readString(p)", "Files.readAllBytes(file)", "java.nio.file.Files.readAllLines(Path.of(\"/proc\"))",
                "new FileInputStream(f)", "JSON.readValue(file.toFile(), X.class)", "Files.newBufferedReader(p, UTF_8)",
                "Files.copy(source.file(), tmp)", "FileChannel.open(p, StandardOpenOption.READ)", "Files.mismatch(a, b) != -1")) {
            assertThat(READ.matcher(read).find()).as(read).isTrue();
        }
        for (String fine : List.of("Files.copy(in, target)", "Files.writeString(p, s)", "FileChannel.open(lock, StandardOpenOption.WRITE)",
                "JSON.readValue(text, X.class)")) {
            assertThat(READ.matcher(fine).find()).as(fine).isFalse();
        }
        assertThat(LOOKUP.matcher("InetAddress.getByName(host)").find()).isTrue();
        assertThat(LOOKUP.matcher("new InetSocketAddress(host, port)").find()).isTrue();
        assertThat(LOOKUP.matcher("new InetSocketAddress(AddressText.ip(host), port)").find()).isFalse();
    }

    private static List<String> found(Pattern p, Map<String, String> allowed) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java") && !x.startsWith(GATE)).sorted().toList()) {
                String rel = MAIN.relativize(f).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i).strip();
                    if (!l.startsWith("*") && !l.startsWith("//") && p.matcher(l).find() && !allowed.containsKey(rel + ": " + l)) {
                        found.add(rel + ":" + (i + 1) + ": " + l);
                    }
                }
            }
        }
        return found;
    }
}
