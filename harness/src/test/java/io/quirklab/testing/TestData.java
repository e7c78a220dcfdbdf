package io.quirklab.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The test data the repository carries (src/test/resources/io/quirklab/testdata): the IPMI captures and the real tool
 * outputs people published ({@code real-world/}, one folder per tool, each file's first line naming its source).
 */
public final class TestData {
    public static final String ROOT = "/io/quirklab/testdata/";

    private TestData() {
    }

    /** A resource directory as a path (test resources are plain files under target/test-classes). */
    public static Optional<Path> directory(String resource) {
        URL url = TestData.class.getResource(resource);
        if (url == null || !"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(url.toURI())).filter(Files::isDirectory);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The bytes of {@code testdata/PATH}; a missing file is an error naming it. */
    public static byte[] bytes(String path) {
        try (InputStream in = TestData.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test data " + ROOT + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real-world sample ({@code real-world/TOOL/N.txt}) without its first line, the "# source: ..." note. */
    public static String realWorld(String path) {
        String text = new String(bytes("real-world/" + path), StandardCharsets.UTF_8);
        return text.startsWith("# source:") ? text.substring(text.indexOf('\n') + 1) : text;
    }

    /** The path of {@code testdata/PATH} on disk (for commands that read files). */
    public static Path path(String path) {
        return directory(ROOT + path.substring(0, Math.max(0, path.lastIndexOf('/'))))
                .map(d -> d.resolve(path.substring(path.lastIndexOf('/') + 1)))
                .filter(Files::exists)
                .orElseThrow(() -> new IllegalArgumentException("no test data " + ROOT + path));
    }
}
