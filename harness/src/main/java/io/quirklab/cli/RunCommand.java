package io.quirklab.cli;

import io.quirklab.engine.MatrixEngine;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabKind;
import io.quirklab.lab.Prerequisites;
import io.quirklab.matrix.OffloadState;
import io.quirklab.process.CommandRunner;
import io.quirklab.wire.PcapLink;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quirklab run}: the main job, the delivery matrix of a lab file rendered by {@link MatrixRun}. Where the virtual
 * lab cannot run (or with {@code --socket}) the same matrix runs on a socket lab: the personas' simulated BMCs on
 * loopback sockets.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Main job: the delivery matrix of a lab (or the SMDC on a socket).",
                "As root on Linux: brings the virtual lab up (unless it is), probes every persona x installed client x",
                "offload state of the lab file, records reports/runs/<run-id>/ (matrix.json, matrix.html, Allure results,",
                "evidence per cell), prints the matrix and takes down what it brought up. Exit 1 only for harness errors",
                "or regressions against --baseline. Elsewhere (or --socket): the same matrix on loopback sockets, the",
                "simulated BMC of every persona without packet quirks on its own address from --bind, offload off only."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.2", description = "Socket mode: the first persona's loopback address, the next ones after it (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", defaultValue = "623", description = "Socket mode: the UDP port (default: ${DEFAULT-VALUE}, which needs root: else a free port, and ipmiutil, which only speaks 623, is left out; 0: a free port).")
    int port;

    @Option(names = "--socket", description = "Socket mode: the personas' simulated BMCs on loopback UDP sockets instead of the lab.")
    boolean socket;

    @Mixin
    LabOptions.LabFileOption lab;

    @Option(names = "--personas", split = ",", paramLabel = "NAME",
            description = "Personas to probe (default: the lab file's, else all; e.g. clean,smdc-tyan for a one-minute check).")
    List<String> personas = new ArrayList<>();

    @Option(names = "--clients", split = ",", paramLabel = "CLIENT",
            description = "Clients: java-lan, java-lanplus, ipmitool-lan, ipmitool-lanplus, ipmiutil, freeipmi "
                    + "(default: the lab file's, else all installed).")
    List<String> clients = new ArrayList<>();

    @Option(names = "--offload", split = ",", paramLabel = "STATE",
            description = "Offload states in run order: off, on (default: the lab file's, else off,on).")
    List<OffloadState> offload = new ArrayList<>();

    @Mixin
    LabOptions.FaultOption fault;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Probe every cell N times (default: the lab file's repeat, else 1); attempts that disagree make a cell INTERMITTENT.")
    Integer repeat;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "A baseline matrix.json (e.g. reports/baselines/NAME.json): exit 1 on regressions against it.")
    java.nio.file.Path baseline;

    @Mixin
    LabOptions.ReportsOption reports;

    @Mixin
    LabOptions.StateDirOption stateDir;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Cells at once (default: the lab file's jobs, else as many as the evidence can tell apart per flow: "
                    + MatrixEngine.DEFAULT_PARALLEL + " with kfree_skb per packet on Linux or one real-time PktMon stream on Windows, 1 where it is host-wide).")
    Integer jobs;

    @Option(names = "--full-wait",
            description = "Let every client run to its own end and a persona's cells run one after another (the pace before cells "
                    + "ended at the evidence), e.g. to compare both ways with quirklab compare.")
    boolean fullWait;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LabFile file = fault.applyTo(lab.orEmbedded());
        boolean sockets = socket;
        if (!sockets) {
            // an agent lab (a Windows DUT, too) needs packet capture here, not the virtual lab's Linux tools
            Optional<String> why = file.kind() instanceof LabKind.Agent ? PcapLink.available()
                    : virtualLabUnavailable();
            if (why.isPresent()) {
                if (lab.file != null) {
                    throw new IllegalArgumentException("the lab " + lab.file + " cannot run here: " + why.get());
                }
                spec.commandLine().getOut().println("note: socket mode, because the virtual lab cannot run here: " + why.get());
                sockets = true;
            }
        }
        if (sockets) {
            InetAddress addr = AddressPolicy.option("--bind", bind);
            if (!(addr instanceof java.net.Inet4Address a) || !addr.isLoopbackAddress()) {
                throw new IllegalArgumentException("--bind " + bind + ": socket mode serves on a loopback IPv4 address only");
            }
            file = file.onSockets(new LabKind.Socket(a, port));
        }
        int n = repeat != null ? repeat : file.repeat();
        if (n < 1 || n > LabFile.MAX_REPEAT) {
            throw new IllegalArgumentException("--repeat " + n + " is outside 1.." + LabFile.MAX_REPEAT);
        }
        return new MatrixRun(new MatrixRun.Options(file, personas, clients, offload, baseline, reports.dir, stateDir.dir, jobs, n,
                fullWait ? MatrixEngine.Pace.FULL_WAIT : MatrixEngine.Pace.EVIDENCE), spec.commandLine().getOut()).call();
    }

    /** Why the virtual lab cannot run on this machine, or empty when it can. */
    static Optional<String> virtualLabUnavailable() {
        try {
            Prerequisites.require(new CommandRunner());
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
        return PcapLink.available();
    }
}
