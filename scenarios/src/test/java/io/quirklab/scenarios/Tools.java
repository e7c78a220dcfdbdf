package io.quirklab.scenarios;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;

/** Skips (fails under CI) when a real tool is missing, saying how to install it. */
final class Tools {
    private Tools() {
    }

    static void require(String binary, String debianPackage) {
        Require.capability(Require.TOOLS, CommandRunner.which(binary).isPresent(),
                "Test requires " + binary + ": apt-get install " + debianPackage);
    }

    static String describe(CommandRunner.Result r) {
        return r.commandLine() + " -> exit " + r.exitCode() + (r.timedOut() ? " (timed out)" : "") + "\nstdout:\n" + r.stdout()
                + "\nstderr:\n" + r.stderr();
    }
}
