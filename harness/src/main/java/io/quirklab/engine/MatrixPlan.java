package io.quirklab.engine;

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
 * What one matrix run covers: personas x clients x offload states on a lab, which combinations make sense (an RMCP+
 * client needs a persona that speaks IPMI 2.0), which clients are missing on this machine, and how cells are judged.
 *
 * @param personas     persona names, in display order
 * @param clients      clients installed here, in display order
 * @param missing      clients not installed here, each with the install command
 * @param offload      offload states, in run order
 * @param known        known issues
 * @param baseline     a baseline run, or empty
 * @param labFile      the lab file in use, or null for the embedded default
 */
public record MatrixPlan(List<String> personas, List<ClientKind> clients, List<Missing> missing, List<OffloadState> offload,
                         KnownIssues known, Optional<MatrixDocument> baseline, String labFile) {
    /** A client of the plan that is not installed here. */
    public record Missing(ClientKind client, String hint) {
    }

    /** One cell to probe. */
    public record Planned(String persona, ClientKind client, OffloadState offload) {
        public MatrixDocument.Key key() {
            return new MatrixDocument.Key(persona, client.id(), offload);
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
        return new MatrixPlan(names, present, missing, states, file.knownIssues(), baseline,
                file.file() == null ? null : file.file().toString());
    }

    /** An RMCP+ client against a persona that only speaks IPMI 1.5 is not a cell (the tool says so and stops). */
    public static boolean applicable(LabState lab, String persona, ClientKind client) {
        return !client.lanplus() || lab.persona(persona).ipmi20();
    }

    /** The cells in run order: offload state by state (one switch each), then persona by persona. */
    public List<Planned> cells(LabState lab) {
        List<Planned> out = new ArrayList<>();
        for (OffloadState o : offload) {
            for (String p : personas) {
                for (ClientKind c : clients) {
                    if (applicable(lab, p, c)) {
                        out.add(new Planned(p, c, o));
                    }
                }
            }
        }
        return out;
    }

    /** Pairs left out because they make no sense, for the run's notes. */
    public List<String> notApplicable(LabState lab) {
        List<String> out = new ArrayList<>();
        for (String p : personas) {
            for (ClientKind c : clients) {
                if (!applicable(lab, p, c)) {
                    out.add(p + " x " + c.id());
                }
            }
        }
        return out;
    }

    public CellJudge judge() {
        return new CellJudge(known, baseline);
    }

    /** The axes of the matrix document. */
    public MatrixDocument.Axes axes() {
        return new MatrixDocument.Axes(personas, clients.stream().map(ClientKind::id).toList(), offload);
    }
}
