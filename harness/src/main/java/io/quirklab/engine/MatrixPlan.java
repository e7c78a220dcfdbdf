package io.quirklab.engine;

import io.quirklab.lab.FaultModel;
import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabState;
import io.quirklab.client.ClientKind;
import io.quirklab.matrix.CellJudge;
import io.quirklab.matrix.KnownIssues;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one matrix run covers: personas x clients x offload states on a lab (offload=on once per fault model where the
 * lab file lists several), which combinations make sense (an RMCP+ client needs a persona that speaks IPMI 2.0; a
 * persona reached over IPv6 needs a client that speaks it), which clients are missing on this machine, and how cells
 * are judged.
 *
 * @param personas     persona names, in display order
 * @param clients      clients installed here, in display order
 * @param missing      clients not installed here, each with the install command
 * @param offload      offload states, in run order
 * @param known        known issues
 * @param baseline     a baseline run, or empty
 * @param labFile      the lab file in use, or null for the embedded default
 * @param faults       the fault models offload=on runs once each, or empty for one meaning of offload=on
 * @param faultClients the clients of those runs (installed here; a subset of {@code clients})
 */
public record MatrixPlan(List<String> personas, List<ClientKind> clients, List<Missing> missing, List<OffloadState> offload,
                         KnownIssues known, Optional<MatrixDocument> baseline, String labFile, List<FaultModel> faults,
                         List<ClientKind> faultClients) {
    /** A client of the plan that is not installed here. */
    public record Missing(ClientKind client, String hint) {
    }

    /**
     * One state of the lab while cells run: an offload state, and for offload=on of a run with several fault models, the
     * model in force.
     */
    public record Phase(OffloadState offload, Optional<FaultModel> fault) {
        /** The model's name, or null. */
        public String faultName() {
            return fault.map(FaultModel::name).orElse(null);
        }

        @Override
        public String toString() {
            return fault.map(f -> "fault=" + f.name()).orElse("offload=" + offload);
        }
    }

    /** One cell to probe. */
    public record Planned(String persona, ClientKind client, OffloadState offload, String fault) {
        public Planned(String persona, ClientKind client, OffloadState offload) {
            this(persona, client, offload, null);
        }

        public MatrixDocument.Key key() {
            return new MatrixDocument.Key(persona, client.id(), offload, fault);
        }

        /** Whether it runs in {@code phase}. */
        public boolean in(Phase phase) {
            return offload == phase.offload() && java.util.Objects.equals(fault, phase.faultName());
        }

        @Override
        public String toString() {
            return key().toString();
        }
    }

    public MatrixPlan {
        personas = List.copyOf(personas);
        clients = List.copyOf(clients);
        missing = List.copyOf(missing);
        offload = List.copyOf(offload);
        faults = faults == null ? List.of() : List.copyOf(faults);
        faultClients = faultClients == null || faultClients.isEmpty() ? clients : List.copyOf(faultClients);
    }

    /** A plan with one meaning of offload=on. */
    public MatrixPlan(List<String> personas, List<ClientKind> clients, List<Missing> missing, List<OffloadState> offload, KnownIssues known,
                      Optional<MatrixDocument> baseline, String labFile) {
        this(personas, clients, missing, offload, known, baseline, labFile, List.of(), List.of());
    }

    /** The lab's states in run order: one per offload state, offload=on once per fault model of several. */
    public List<Phase> phases() {
        List<Phase> out = new ArrayList<>();
        for (OffloadState o : offload) {
            if (o.on() && !faults.isEmpty()) {
                faults.forEach(f -> out.add(new Phase(o, Optional.of(f))));
            } else {
                out.add(new Phase(o, Optional.empty()));
            }
        }
        return out;
    }

    /**
     * A plan from a lab file and the command line's overrides (empty lists: the lab file's, then everything).
     *
     * @param lab      the lab as it is up (persona names, IPMI versions)
     * @param file     the lab file
     * @param personas persona names or "all"
     * @param clients  client ids
     * @param offload  offload states
     */
    public static MatrixPlan of(LabState lab, LabFile file, List<String> personas, List<String> clients, List<OffloadState> offload,
                                Optional<MatrixDocument> baseline) {
        return of(lab, file, personas, clients, offload, baseline, k -> {
            Path binary = k.tool() == null ? null : file.clientPaths().get(k.tool().family());
            if (k.tool() == null || k.tool().available(binary)) {
                return Optional.empty();
            }
            return Optional.of(binary != null ? binary + " is not an executable file" : k.tool().installHint());
        });
    }

    /** As above, with {@code unavailable} saying why a client cannot run here (empty: it can). */
    public static MatrixPlan of(LabState lab, LabFile file, List<String> personas, List<String> clients, List<OffloadState> offload,
                                Optional<MatrixDocument> baseline, java.util.function.Function<ClientKind, Optional<String>> unavailable) {
        List<String> names = !personas.isEmpty() ? personas : file.personaNames();
        if (names.isEmpty() || names.equals(List.of("all"))) {
            names = lab.personas().stream().map(LabState.PersonaInfo::name).toList();
        }
        names.forEach(lab::persona); // an unknown name fails here, before any probe
        List<ClientKind> kinds = !clients.isEmpty() ? clients.stream().map(ClientKind::parse).distinct().toList()
                : !file.clients().isEmpty() ? file.clients() : List.of(ClientKind.values());
        List<ClientKind> present = new ArrayList<>();
        List<Missing> missing = new ArrayList<>();
        for (ClientKind k : kinds) {
            Optional<String> why = unavailable.apply(k);
            if (why.isEmpty()) {
                present.add(k);
            } else {
                missing.add(new Missing(k, why.get()));
            }
        }
        List<OffloadState> states = !offload.isEmpty() ? offload.stream().distinct().toList() : file.offload();
        List<ClientKind> faultClients = file.faultClients().stream().filter(present::contains).toList();
        return new MatrixPlan(names, present, missing, states, file.knownIssues(), baseline,
                file.file() == null ? null : file.file().toString(), file.faultModels(),
                file.faultClients().isEmpty() ? present : faultClients);
    }

    /**
     * An RMCP+ client against a persona that only speaks IPMI 1.5 is not a cell (the tool says so and stops); nor is a
     * client that speaks no IPv6 against a persona reached over IPv6.
     */
    public static boolean applicable(LabState lab, String persona, ClientKind client) {
        return whyNotApplicable(lab, persona, client).isEmpty();
    }

    /** Why a persona x client pair is not a cell, in words; empty when it is. */
    public static Optional<String> whyNotApplicable(LabState lab, String persona, ClientKind client) {
        LabState.PersonaInfo p = lab.persona(persona);
        if (client.lanplus() && !p.ipmi20()) {
            return Optional.of("an RMCP+ (lanplus) client needs a persona that speaks IPMI 2.0");
        }
        if (p.ipv6() && !client.ipv6()) {
            return Optional.of(client.id() + " speaks IPv4 only (it sends nothing to an IPv6 address), and the persona is reached over "
                    + "IPv6");
        }
        return Optional.empty();
    }

    /** The cells in run order: phase by phase (one switch each), then persona by persona. */
    public List<Planned> cells(LabState lab) {
        List<Planned> out = new ArrayList<>();
        for (Phase phase : phases()) {
            for (String p : personas) {
                for (ClientKind c : phase.fault().isPresent() ? faultClients : clients) {
                    if (applicable(lab, p, c)) {
                        out.add(new Planned(p, c, phase.offload(), phase.faultName()));
                    }
                }
            }
        }
        return out;
    }

    /** Pairs left out because they make no sense ("p x c"), for the run's notes. */
    public List<String> notApplicable(LabState lab) {
        return notApplicableByReason(lab).values().stream().flatMap(List::stream).toList();
    }

    /** The same, by why they are left out, in first-seen order. */
    public java.util.Map<String, List<String>> notApplicableByReason(LabState lab) {
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String p : personas) {
            for (ClientKind c : clients) {
                whyNotApplicable(lab, p, c).ifPresent(why -> out.computeIfAbsent(why, k -> new ArrayList<>()).add(p + " x " + c.id()));
            }
        }
        return out;
    }

    /** What offload=on means in a run with several fault models, or empty. */
    public Optional<String> faultsDescription() {
        return faults.isEmpty() ? Optional.empty() : Optional.of("offload=on is each of " + faults.size() + " emulated faulty offloads "
                + "in turn (" + String.join(", ", faults.stream().map(FaultModel::name).toList()) + "), with "
                + String.join(", ", faultClients.stream().map(ClientKind::id).toList()) + "; docs/catalogue.md says what each emulates");
    }

    public CellJudge judge() {
        return new CellJudge(known, baseline);
    }

    /** The axes of the matrix document. */
    public MatrixDocument.Axes axes() {
        return new MatrixDocument.Axes(personas, clients.stream().map(ClientKind::id).toList(), offload,
                faults.stream().map(FaultModel::name).toList());
    }
}
