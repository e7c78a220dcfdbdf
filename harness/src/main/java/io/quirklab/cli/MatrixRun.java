package io.quirklab.cli;

import io.quirklab.client.ToolClient;
import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabState;
import io.quirklab.lab.Probe;
import io.quirklab.lab.VirtualLab;
import io.quirklab.matrix.Verdict;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The main job on the virtual lab: personas x clients x offload (the emulated fault off, then on), one probe per
 * cell, printed as a matrix. The full report (matrix.json, Allure) belongs to the scenario suites.
 */
final class MatrixRun {
    private final List<String> personas;
    private final List<String> clients;
    private final String fault;
    private final Path stateDir;

    MatrixRun(List<String> personas, List<String> clients, String fault, Path stateDir) {
        this.personas = personas;
        this.clients = clients;
        this.fault = fault;
        this.stateDir = stateDir;
    }

    /** One probed cell. */
    record Cell(String persona, String client, String offload, Probe.Result result) {
    }

    int call() throws Exception {
        FaultModel model = FaultModel.of(fault);
        List<Probe.ClientKind> kinds = chosenClients();
        VirtualLab lab = new VirtualLab(stateDir, line -> System.out.println("lab: " + line));
        Optional<LabState> running = lab.readState().filter(lab::healthy);
        LabState state = running.isPresent() ? running.get() : lab.up(LabCommand.launch(Optional.empty()));
        FaultModel before = running.flatMap(r -> Optional.ofNullable(r.faultModel()))
                .map(f -> new FaultModel(f.name(), f.expression())).orElse(null);
        Thread hook = new Thread(() -> {
            // Ctrl-C: take down what this run brought up (a kill -9 is cleaned by the next lab up or lab restore).
            try {
                if (running.isEmpty()) {
                    lab.down();
                } else {
                    lab.fault(before);
                }
            } catch (Exception ignored) {
                // best effort at shutdown
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> names = personas.equals(List.of("all")) ? state.personas().stream().map(LabState.PersonaInfo::name).toList() : personas;
        names.forEach(state::persona); // unknown names fail here, before any probe
        Path runDir = Path.of("reports", "runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<Cell> cells = new ArrayList<>();
        int total = names.size() * kinds.size() * 2;
        long start = System.nanoTime();
        try {
            for (String offload : List.of("off", "on")) {
                LabState s = lab.fault(offload.equals("on") ? model : null);
                for (String persona : names) {
                    for (Probe.ClientKind k : kinds) {
                        Path dir = runDir.resolve("cells").resolve(persona + "__" + k.id() + "__" + offload);
                        Probe.Result r = new Probe(s).run(persona, k, dir);
                        cells.add(new Cell(persona, k.id(), offload, r));
                        System.out.printf("[%d/%d] %s x %s x offload=%s: %s%s%n", cells.size(), total, persona, k.id(), offload,
                                r.verdict(), r.reason() == null ? "" : " (" + r.reason() + ")");
                    }
                }
            }
        } finally {
            if (running.isEmpty()) {
                lab.down();
            } else {
                lab.fault(before);
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        print(cells, model, state);
        System.out.printf("%n%d cells in %.1f s (%.2f cells/s); evidence per cell (pcaps) under %s%n", cells.size(), secs,
                cells.size() / secs, runDir.toAbsolutePath());
        return cells.stream().anyMatch(c -> c.result().verdict() == Verdict.HARNESS_ERROR) ? 1 : 0;
    }

    private List<Probe.ClientKind> chosenClients() {
        List<Probe.ClientKind> out = new ArrayList<>();
        if (clients.isEmpty()) {
            for (Probe.ClientKind k : Probe.ClientKind.values()) {
                ToolClient t = switch (k) {
                    case IPMITOOL -> ToolClient.IPMITOOL_LAN;
                    case IPMIUTIL -> ToolClient.IPMIUTIL;
                    case FREEIPMI -> ToolClient.FREEIPMI;
                    default -> null;
                };
                if (t == null || t.available()) {
                    out.add(k);
                } else {
                    System.out.println("note: " + t.installHint() + "; its cells are left out");
                }
            }
        } else {
            clients.forEach(c -> out.add(Probe.ClientKind.parse(c)));
        }
        return out;
    }

    private static void print(List<Cell> cells, FaultModel model, LabState state) {
        Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();
        for (Cell c : cells) {
            rows.computeIfAbsent(c.persona() + "|" + c.client(), k -> new LinkedHashMap<>()).put(c.offload(), c);
        }
        System.out.printf("%ndelivery matrix on %s (%s); offload=on is the emulated fault %s%n", state.dutInterface(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), model.name());
        String fmt = "%-18s %-9s %-30s %-30s %s%n";
        System.out.printf(fmt, "PERSONA", "CLIENT", "OFFLOAD=off", "OFFLOAD=on", "EXPECTED");
        for (Map<String, Cell> row : rows.values()) {
            Cell any = row.values().iterator().next();
            System.out.printf(fmt, any.persona(), any.client(), text(row.get("off")), text(row.get("on")), any.result().expected());
        }
    }

    private static String text(Cell c) {
        if (c == null) {
            return "-";
        }
        Probe.Result r = c.result();
        return r.verdict() + (r.reason() == null ? "" : " (" + r.reason() + ")");
    }
}
