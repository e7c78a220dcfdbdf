package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every command of the tree answers --help (lab up and lab status said "Unknown option"). Picocli's own warnings go to
 * the process's standard error, out of reach here: {@link PipedCommandLine} checks that one is empty.
 */
class CommandTreeTest {
    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        List<List<String>> commands = PipedCommandLine.commands();
        assertThat(commands).contains(List.of("lab", "up"), List.of("lab", "status"), List.of("ipmi", "mc-info"), List.of("restore"));
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            Console console = new Console();
            assertThat(console.run(args.toArray(String[]::new))).as(c + ": " + console.err()).isZero();
            assertThat(console.out()).as(c.toString()).contains("Usage: quirklab " + String.join(" ", c));
            assertThat(console.err()).as(c.toString()).isEmpty();
        }
    }
}
