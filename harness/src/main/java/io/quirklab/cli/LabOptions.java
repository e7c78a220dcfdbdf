package io.quirklab.cli;

import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options the lab commands share (run, probe, bisect, lab, baseline), declared once as picocli mixins so a name,
 * a description or a default cannot drift apart between commands. Inherited options also work after a subcommand
 * ({@code lab up --state-dir DIR} as {@code lab --state-dir DIR up}).
 */
final class LabOptions {
    /** The lab file run and bisect use when none is given, relative to the project root. */
    static final Path EMBEDDED_LAB = Path.of("scenarios", "labs", "virtual.yaml");

    private LabOptions() {
    }

    /** {@code --lab FILE}. */
    static final class LabFileOption {
        @Option(names = "--lab", paramLabel = "FILE",
                description = "Lab file (YAML): the lab's kind, personas, clients and fault model (run and bisect default to "
                        + "scenarios/labs/virtual.yaml when present, else the built-in virtual lab).")
        Path file;

        /** The lab file given, read and checked. */
        Optional<LabFile> given() throws IOException {
            return file == null ? Optional.empty() : Optional.of(LabFile.read(file));
        }

        /** The lab file given, else the embedded one when run from the project root, else the built-in virtual lab. */
        LabFile orEmbedded() throws IOException {
            if (file != null) {
                return LabFile.read(file);
            }
            return Files.isRegularFile(EMBEDDED_LAB) ? LabFile.read(EMBEDDED_LAB) : LabFile.embedded();
        }
    }

    /** {@code --expr EXPR}: the match of the custom fault model. */
    static final class CustomExpression {
        @Option(names = "--expr", paramLabel = "EXPR",
                description = "With the custom fault model: the nftables match expression, e.g. 'ip ttl 255'.")
        String expression;
    }

    /** {@code --fault MODEL} with {@code --expr EXPR}: the emulated fault that overrides the lab file's. */
    static final class FaultOption {
        @Option(names = "--fault", paramLabel = "MODEL",
                description = "The emulated offload fault for offload=on: df-clear, id-echo, csum-ffff, trailing-bytes, or custom "
                        + "with --expr (default: the lab file's fault-model, else df-clear).")
        String name;

        @Mixin
        CustomExpression custom;

        /** The fault model given, or empty; refused in words before anything is touched. */
        Optional<FaultModel> given() {
            if (name != null) {
                return Optional.of(new FaultModel(name, custom.expression));
            }
            if (custom.expression != null) {
                throw new IllegalArgumentException("--expr is the expression of --fault custom: add --fault custom");
            }
            return Optional.empty();
        }

        /** The lab with the fault model given for offload=on, or as it is ({@link LabFile#withFault}: the one override). */
        LabFile applyTo(LabFile lab) {
            Optional<FaultModel> m = given();
            return m.isPresent() ? lab.withFault(m.get()) : lab;
        }
    }

    /** {@code --state-dir DIR}. */
    static final class StateDirOption {
        @Option(names = "--state-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
                description = "Where the lab keeps its state and restore journal (default: the lab kind's: /run/quirklab for the "
                        + "virtual lab, /run/quirklab/second-nic, /run/quirklab/agent-runs, /run/quirklab/container).")
        Path dir;

        Path orElse(Path kindDefault) {
            return dir != null ? dir : kindDefault;
        }
    }

    /** {@code --reports DIR}. */
    static final class ReportsOption {
        @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports", scope = ScopeType.INHERIT,
                description = "The reports directory: runs go to DIR/runs/<run-id>/, baselines are DIR/baselines "
                        + "(default: ${DEFAULT-VALUE}).")
        Path dir;
    }
}
