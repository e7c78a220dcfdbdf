package io.quirklab.cli;

import java.nio.file.Path;
import java.util.List;

/** {@link PipedCommandLine} with the entry point the jar's manifest names, on this build's classpath (no jar in mvn test). */
class PipedCommandLineTest extends PipedCommandLine {
    @Override
    List<String> quirklab() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), QuirklabCommand.class.getName());
    }
}
