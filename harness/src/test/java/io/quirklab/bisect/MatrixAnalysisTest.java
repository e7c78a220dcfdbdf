package io.quirklab.bisect;

import io.quirklab.matrix.OffloadState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quirklab.matrix.Heatmap;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.Verdict;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.testing.Matrices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MatrixAnalysisTest {
    private static final Optional<RequestHeader> LINUX = Optional.of(TraitsTest.linuxRequests());

    private static Map<String, Traits> builtIn() {
        Map<String, Traits> out = new LinkedHashMap<>();
        for (Persona p : PersonaCatalogue.builtIn().personas()) {
            out.put(p.name(), Traits.of(p));
        }
        return out;
    }

    /** The seed's matrix with the df-clear fault: smdc-tyan and df-clear drop only with offload on. */
    private static MatrixDocument seedRun() {
        List<MatrixDocument.Cell> cells = new ArrayList<>();
        for (OffloadState offload : OffloadState.BOTH) {
            for (String persona : List.of("clean", "smdc-tyan", "id-echo", "df-clear", "ttl-1")) {
                boolean dropped = offload.on() && (persona.equals("smdc-tyan") || persona.equals("df-clear"));
                cells.add(Matrices.cell(persona, "java-lan", offload, dropped ? Verdict.DROPPED_IN_STACK : Verdict.DELIVERED,
                        dropped ? "UDP_CSUM" : null, Verdict.DELIVERED));
            }
        }
        return Matrices.document("r1", Matrices.environment("1.0"), cells);
    }

    @Test
    void namesTheOffloadSensitivePersonasTheirSharedQuirkAndWhatDeliveredOnesRuleOut() {
        MatrixDocument.Analysis a = MatrixAnalysis.of(seedRun(), builtIn(), LINUX);
        assertEquals(List.of("smdc-tyan", "df-clear"), a.offloadSensitive());
        assertEquals(List.of("dont-fragment=false"), a.shared());
        assertEquals(List.of("ip-id=echo (id-echo)"), a.ruledOut());
        assertEquals(List.of("dont-fragment=false"), a.candidates());
        assertEquals("./quirklab bisect smdc-tyan --lab scenarios/labs/virtual.yaml --fault df-clear --client java-lan", a.bisect());
        assertEquals("offload-sensitive personas: smdc-tyan, df-clear", a.lines().get(0));
    }

    @Test
    void withoutTheRequestHeaderTheTemplateFieldsStaySplit() {
        MatrixDocument.Analysis a = MatrixAnalysis.of(seedRun(), builtIn(), Optional.empty());
        assertEquals(List.of("dont-fragment=false"), a.shared(), "df-clear shares only DF with the template persona");
    }

    @Test
    void aRunWhereNothingDependsOnTheOffloadSaysSo() {
        MatrixDocument doc = Matrices.document("r2", Matrices.environment("1.0"), List.of(
                Matrices.cell("clean", "java-lan", OffloadState.OFF, Verdict.DELIVERED, null, Verdict.DELIVERED),
                Matrices.cell("clean", "java-lan", OffloadState.ON, Verdict.DELIVERED, null, Verdict.DELIVERED)));
        MatrixDocument.Analysis a = MatrixAnalysis.of(doc, builtIn(), LINUX);
        assertTrue(a.offloadSensitive().isEmpty());
        assertEquals(List.of("analysis: no persona's delivery depends on the offload state"), a.lines());
    }

    @Test
    void theHeatmapShowsItAboveTheGridAndTheDocumentCarriesIt() throws Exception {
        MatrixDocument doc = seedRun();
        doc = doc.withAnalysis(MatrixAnalysis.of(doc, builtIn(), LINUX));
        String html = Heatmap.render(doc);
        assertTrue(html.contains("quirks they share: dont-fragment=false"));
        assertTrue(html.indexOf("What the run says") < html.indexOf("<section class=\"panel"), "above the grid");
        String json = doc.toJson();
        assertTrue(json.contains("\"offload_sensitive\" : [ \"smdc-tyan\", \"df-clear\" ]"), json);
        MatrixDocument back = MatrixDocument.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), "t");
        assertEquals(doc.analysis(), back.analysis());
    }
}
