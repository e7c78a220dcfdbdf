package io.quirklab.bisect;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.ResponderControl;
import io.quirklab.wire.QuirkProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run's own answer, as a pure function of a finished matrix document and the personas' traits: the personas
 * whose delivery depends on the offload state, the dimensions (against {@code clean}) they share, the ones a persona
 * delivered in every cell rules out as a trigger on its own, and the bisect command that would settle it.
 */
public final class MatrixAnalysis {
    private MatrixAnalysis() {
    }

    /**
     * @param doc      the finished document
     * @param personas persona name -> traits (the reference "clean" among them, or clean defaults are used)
     * @param requests the DUT's request header, to resolve template fields, if known
     */
    public static MatrixDocument.Analysis of(MatrixDocument doc, Map<String, Traits> personas, Optional<RequestHeader> requests) {
        Traits clean = personas.getOrDefault("clean", Traits.of(QuirkProfile.CLEAN, Set.of(), true)).resolve(requests);
        Map<String, String> sensitiveClient = new LinkedHashMap<>();
        Map<String, String> sensitiveFault = new LinkedHashMap<>();
        List<String> deliveredEverywhere = new ArrayList<>();
        for (String persona : doc.axes().personas()) {
            List<MatrixDocument.Cell> cells = doc.cells().stream().filter(c -> c.persona().equals(persona)).toList();
            if (cells.isEmpty()) {
                continue;
            }
            if (cells.stream().allMatch(c -> c.verdict().delivered())) {
                deliveredEverywhere.add(persona);
            }
            for (String client : doc.axes().clients()) {
                Optional<MatrixDocument.Cell> off = doc.cell(persona, client, OffloadState.OFF);
                // offload=on: the one cell, or one per fault model in a run with several
                for (MatrixDocument.Cell on : cells.stream().filter(c -> c.client().equals(client) && c.offload().on()).toList()) {
                    if (off.isPresent() && off.get().verdict().delivered() != on.verdict().delivered() && !sensitiveClient.containsKey(persona)) {
                        sensitiveClient.put(persona, client);
                        if (on.fault() != null) {
                            sensitiveFault.put(persona, on.fault());
                        }
                    }
                }
            }
        }
        List<String> sensitive = new ArrayList<>(sensitiveClient.keySet());
        Set<String> shared = null;
        Set<String> union = new LinkedHashSet<>();
        for (String p : sensitive) {
            Set<String> dims = dims(clean, personas.get(p), requests);
            union.addAll(dims);
            if (shared == null) {
                shared = new LinkedHashSet<>(dims);
            } else {
                shared.retainAll(dims);
            }
        }
        List<String> ruledOut = new ArrayList<>();
        Set<String> ruled = new LinkedHashSet<>();
        for (String d : union) {
            for (String p : deliveredEverywhere) {
                if (personas.containsKey(p) && dims(clean, personas.get(p), requests).contains(d)) {
                    ruledOut.add(d + " (" + p + ")");
                    ruled.add(d);
                    break;
                }
            }
        }
        List<String> candidates = shared == null ? List.of() : shared.stream().filter(d -> !ruled.contains(d)).toList();
        String bisect = null;
        if (!sensitive.isEmpty()) {
            // a persona with a single dimension explains itself; bisect the first one that has several
            String target = sensitive.stream().filter(p -> dims(clean, personas.get(p), requests).size() > 1).findFirst()
                    .orElse(sensitive.get(0));
            MatrixDocument.Lab lab = doc.run() == null ? null : doc.run().lab();
            String fault = sensitiveFault.containsKey(target) ? sensitiveFault.get(target) : lab == null ? null : lab.faultModel();
            bisect = "./quirklab bisect " + target + (lab != null && lab.file() != null ? " --lab " + lab.file() : "")
                    + (fault != null ? " --fault " + fault : "") + " --client " + sensitiveClient.get(target);
        }
        return new MatrixDocument.Analysis(sensitive, shared == null ? List.of() : List.copyOf(shared), ruledOut, candidates, bisect);
    }

    /** The traits of the personas a responder serves. */
    public static Map<String, Traits> traits(List<ControlReply.PersonaView> served) {
        Map<String, Traits> out = new LinkedHashMap<>();
        for (ControlReply.PersonaView v : served) {
            Persona p = PersonaCatalogue.parse("persona " + v.name(),
                    PersonaYaml.catalogue(List.of(PersonaYaml.of(v))),
                    PersonaCatalogue.address(v.address())).personas().get(0);
            out.put(v.name(), Traits.of(p));
        }
        return out;
    }

    /**
     * The analysis of a finished run on a lab: the personas as its responder serves them, template fields resolved
     * against the requests in the first cell capture there is. A run without both offload states gets none.
     */
    public static Optional<MatrixDocument.Analysis> ofRun(MatrixDocument doc, ResponderControl control,
                                                          java.nio.file.Path runDir) {
        if (!doc.axes().offload().containsAll(OffloadState.BOTH)) {
            return Optional.empty();
        }
        try {
            Optional<RequestHeader> requests = Optional.empty();
            for (MatrixDocument.Cell c : doc.cells()) {
                if (c.evidence() != null && c.evidence().pcap() != null && java.nio.file.Files.isRegularFile(runDir.resolve(c.evidence().pcap()))) {
                    requests = RequestHeader.firstRequest(runDir.resolve(c.evidence().pcap()));
                    if (requests.isPresent()) {
                        break;
                    }
                }
            }
            return Optional.of(of(doc, traits(control.status().personas()), requests));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty(); // the analysis is a reading aid: a run keeps its results without it
        }
    }

    private static Set<String> dims(Traits clean, Traits persona, Optional<RequestHeader> requests) {
        Set<String> out = new LinkedHashSet<>();
        if (persona != null) {
            clean.differences(persona.resolve(requests)).forEach(d -> out.add(d.toString()));
        }
        return out;
    }
}
