package io.quirklab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's Allure results come from elsewhere: links inside them are followed, a link out of them refuses the node. */
class FleetAllureTest {
    static final String SHADOW = "root:$y$j9T$SaltSaltSalt$HashHashHashHashHashHashHashHash1234:19700:0:99999:7:::\n";

    @TempDir
    Path dir;

    Path results() throws Exception {
        Path r = Files.createDirectories(dir.resolve("node-results"));
        Files.writeString(r.resolve("a-result.json"), "{\"name\":\"cell\",\"labels\":[{\"name\":\"parentSuite\",\"value\":\"env\"}]}");
        Files.writeString(r.resolve("b-attachment.txt"), "evidence");
        Files.writeString(r.resolve("environment.properties"), "os=linux\n");
        return r;
    }

    @Test
    void aLinkInsideTheResultsIsFollowedAndCopied() throws Exception {
        Path r = results();
        Files.createSymbolicLink(r.resolve("c-attachment.txt"), r.resolve("b-attachment.txt"));
        Path out = dir.resolve("merged");
        FleetAllure.Copied c = FleetAllure.copy("linux-a", r, out);
        assertThat(c.results()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("c-attachment.txt"))).isEqualTo("evidence");
        assertThat(Files.isSymbolicLink(out.resolve("c-attachment.txt"))).as("copied, not linked").isFalse();
        assertThat(Files.readString(out.resolve("environment.properties"))).isEqualTo("linux-a.os=linux\n");
    }

    @Test
    void aResultOrEnvironmentLinkedOutOfTheResultsIsRefusedAndNothingOfTheNodeIsCopied() throws Exception {
        Path shadow = Files.writeString(dir.resolve("shadow"), SHADOW);
        for (String name : List.of("d-attachment.txt", "z-result.json", "environment.properties")) {
            Path r = results();
            Files.deleteIfExists(r.resolve(name));
            Files.createSymbolicLink(r.resolve(name), shadow);
            Path out = dir.resolve("merged-" + name);
            assertThatThrownBy(() -> FleetAllure.copy("linux-a", r, out)).hasMessage(r.resolve(name) + ": is a symbolic link to a file "
                    + "outside the Allure results directory " + r + "; not followed (node linux-a; nothing of it was copied)");
            try (Stream<Path> copied = Files.exists(out) ? Files.list(out) : Stream.empty()) {
                assertThat(copied).as("nothing of the node in " + out).isEmpty();
            }
            Files.delete(r.resolve(name));
            Files.walk(r).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
