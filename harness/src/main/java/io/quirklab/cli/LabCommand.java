package io.quirklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadJournal;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.HostRestore;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabKind;
import io.quirklab.lab.LabLock;
import io.quirklab.lab.LabNetwork;
import io.quirklab.lab.LabState;
import io.quirklab.lab.SecondNicLab;
import io.quirklab.lab.VirtualLab;
import io.quirklab.responder.Persona;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code quirklab lab}: the embedded virtual lab. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Manage the virtual lab (Linux, root).",
                "A veth pair: qlab-dut (198.18.0.1/24) in this host's stack, qlab-resp in network namespace qlab,",
                "where the responder answers for every persona at 198.18.0.10 upward on UDP 623."},
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.Restore.class,
                LabCommand.Fault.class})
public final class LabCommand implements Runnable {
    @Mixin
    LabOptions.StateDirOption stateDir;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND: up, down, status, restore, fault");
    }

    VirtualLab lab() {
        return new VirtualLab(stateDir.orElse(VirtualLab.defaultStateDir()), this::progress);
    }

    /** A step of the lab, on standard error: standard output is the command's answer. */
    void progress(String line) {
        spec.commandLine().getErr().println("lab: " + Terminal.text(line));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Holds the lab for this command (refused with the holder's PID, command and start while a live run holds it).
     *
     * @param restoreDeadHolder restore the lab a dead holder left before going on (lab restore does that itself)
     */
    LabLock hold(VirtualLab lab, boolean restoreDeadHolder) throws java.io.IOException {
        return LabLock.take(lab.stateDir(), this::progress, restoreDeadHolder ? lab::restoreLeftoversOf : dead -> List.of());
    }

    /**
     * The responder's JIT: its first tier only. It answers a few thousand datagrams per run, and on two cores the second
     * tier's compiling took CPU from the run's cells.
     */
    public static final String RESPONDER_JIT = "-XX:TieredStopAtLevel=1";

    /** The responder started by this very program (its JVM and class path), serving {@code personas}. */
    static VirtualLab.ResponderLaunch launch(List<Persona> personas) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new VirtualLab.ResponderLaunch(List.of(java, RESPONDER_JIT, "-cp", System.getProperty("java.class.path"),
                QuirklabCommand.class.getName()), personas);
    }

    static void print(PrintWriter out, LabState s, boolean json) throws Exception {
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
            return;
        }
        // the lab's state file is read back: its names are shown as values from a file
        out.printf("virtual lab: %s (%s) <-> %s in netns %s; responder pid %d%n", Terminal.text(s.dutInterface()), Terminal.text(s.dutAddress()),
                Terminal.text(s.responderInterface()), Terminal.text(s.netns()), s.responderPid());
        out.println("fault model: " + (s.faultModel() == null ? "off" : Terminal.text(s.faultModel().description())));
        out.printf("%-24s %-14s %-17s %-16s %s%n", "PERSONA", "ADDRESS", "MAC", "EXPECTED", "QUIRKS");
        for (LabState.PersonaInfo p : s.personas()) {
            out.printf("%-24s %-14s %-17s %-16s %s%n", Terminal.text(p.name()), Terminal.text(p.address()), Terminal.text(p.mac()),
                    Terminal.text(p.expected()), p.quirks().isEmpty() ? "-" : Terminal.text(String.join(", ", p.quirks())));
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        LabCommand parent;
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Create the lab (idempotent; removes leftovers of a killed run first) and start the responder.")
    static final class Up extends Sub {
        @Option(names = "--personas", paramLabel = "FILE", description = "Persona catalogue (YAML); default: the built-in one.")
        Path personas;

        @Mixin
        LabOptions.LabFileOption labFile;

        @Option(names = "--json", description = "Print the lab state as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Optional<LabFile> file = labFile.given();
            // read once, with the virtual lab's address rules, before the lab is touched
            LabKind.Virtual virtual = new LabKind.Virtual();
            List<Persona> served = personas != null ? LabNetwork.personas(Optional.of(personas), virtual.personaBase(), virtual.segment())
                    : file.map(LabFile::personas).orElseGet(() -> LabFile.embedded().personas());
            VirtualLab lab = parent.lab();
            try (var hold = parent.hold(lab, true)) {
                LabState s = lab.up(launch(served));
                if (file.flatMap(LabFile::faultModel).isPresent()) {
                    s = lab.fault(file.get().faultModel().get());
                }
                print(parent.out(), s, json);
                return 0;
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Remove everything the lab made (links, namespace, nftables table, responder).")
    static final class Down extends Sub {
        @Override
        public Integer call() throws Exception {
            VirtualLab lab = parent.lab();
            List<String> report;
            try (var hold = parent.hold(lab, false)) {
                report = lab.down();
            }
            report.forEach(l -> parent.out().println("lab: " + Terminal.text(l)));
            boolean failed = report.stream().anyMatch(l -> l.startsWith("could not"));
            parent.out().println(failed ? "lab: some things could not be removed (see above); run 'quirklab lab restore' again" : "lab: down");
            return failed ? 1 : 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Remove leftovers of a run that was killed: this lab's restore journal, and like "
            + "'quirklab restore' a second-nic lab's and NIC offload settings.")
    static final class Restore extends Sub {
        @Override
        public Integer call() throws Exception {
            VirtualLab lab = parent.lab();
            HostAdapter host = HostAdapter.detect();
            HostRestore.Report r;
            // a live run's lab is its own to take down: refused, naming it; a dead holder's lab is restored below
            try (var hold = parent.hold(lab, false)) {
                r = HostRestore.run(lab.stateDir(), SecondNicLab.defaultStateDir(),
                        OffloadJournal.defaultDir(host.family()), host, true);
            }
            if (r.nothing()) {
                parent.out().println("lab: nothing to restore");
            }
            r.lines().forEach(l -> parent.out().println("lab: " + Terminal.text(l)));
            return r.failed() ? 1 : 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Interfaces, fault model and personas of the running lab.")
    static final class Status extends Sub {
        @Option(names = "--json", description = "Machine-readable.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            VirtualLab lab = parent.lab();
            Optional<LabState> s = lab.readState();
            if (s.isEmpty()) {
                parent.spec.commandLine().getErr().println("lab: not up" + (lab.journal().isEmpty() ? "" : " (leftovers of an earlier run exist: quirklab lab restore)"));
                return 1;
            }
            print(parent.out(), s.get(), json);
            LabLock.holder(lab.stateDir()).ifPresent(h -> parent.out().println("in use by " + h.describe()));
            if (!lab.healthy(s.get())) {
                parent.spec.commandLine().getErr().println("lab: the responder does not answer; 'quirklab lab up' rebuilds the lab");
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "fault", mixinStandardHelpOptions = true, description = {"Switch the emulated faulty NIC offload: df-clear, id-echo, csum-ffff, trailing-bytes,",
            "custom (with --expr 'NFT MATCH EXPRESSION'), or off."})
    static final class Fault extends Sub {
        @Parameters(paramLabel = "MODEL", description = "df-clear, id-echo, csum-ffff, trailing-bytes, custom, off, or lab (with --lab)")
        String model;

        @Mixin
        LabOptions.CustomExpression custom;

        @Mixin
        LabOptions.LabFileOption labFile;

        @Override
        public Integer call() throws Exception {
            if (labFile.file != null) {
                FaultModel m = labFile.given().orElseThrow().faultModel()
                        .orElseThrow(() -> new IllegalArgumentException(labFile.file + " has no fault-model"));
                VirtualLab lab = parent.lab();
                try (var hold = parent.hold(lab, true)) {
                    LabState s = lab.fault(m);
                    parent.out().println("lab: fault model " + s.faultModel().description() + " (from " + labFile.file + ")");
                }
                return 0;
            }
            FaultModel m = model.equals("off") ? null : model.equals("custom") ? FaultModel.custom(custom.expression) : FaultModel.of(model);
            VirtualLab lab = parent.lab();
            try (var hold = parent.hold(lab, true)) {
                LabState s = lab.fault(m);
                parent.out().println("lab: fault model " + (s.faultModel() == null ? "off" : s.faultModel().description()));
            }
            return 0;
        }
    }
}
