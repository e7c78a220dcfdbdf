package io.quirklab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder, replaced below. */
@Command(name = "fuzz")
final class BenchFuzzCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
