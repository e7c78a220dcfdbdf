package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link PipedCommandLine} through the built jar, {@code java -jar quirklab-harness-VERSION-cli.jar}, as the launcher runs it. */
class PipedCommandLineIT extends PipedCommandLine {
    @Override
    List<String> quirklab() {
        Path jar = Path.of(System.getProperty("quirklab.jar", "target/quirklab-harness-cli.jar")).toAbsolutePath();
        assertThat(jar).as("the built jar (mvn package)").satisfies(j -> assertThat(Files.isRegularFile(j)).isTrue());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
    }
}
