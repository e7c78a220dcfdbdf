package io.quirklab.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The recorded-format Windows/macOS fixtures (src/test/resources/io/quirklab/host, see the README there). */
final class HostFixtures {
    private HostFixtures() {
    }

    static byte[] bytes(String path) {
        try (InputStream in = HostFixtures.class.getResourceAsStream("/io/quirklab/host/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
