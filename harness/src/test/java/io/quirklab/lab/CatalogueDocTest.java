package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.wire.QuirkField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/catalogue.md cites every persona (the built-in catalogue's and the catalogue lab's) and every fault model, and
 * describes every quirk key: a persona, model or key added without its line fails here.
 */
class CatalogueDocTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static String page() throws IOException {
        return Files.readString(ROOT.resolve("docs/catalogue.md"));
    }

    /** The table rows of the page whose first cell is a `name`: name -> the other cells. */
    private static Map<String, List<String>> rows(String page) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|(.*)\\|\\s*$").matcher(page);
        while (m.find()) {
            List<String> cells = new ArrayList<>();
            for (String c : m.group(2).split("\\|")) {
                cells.add(c.strip());
            }
            out.put(m.group(1), cells);
        }
        return out;
    }

    @Test
    void everyQuirkKeyIsDescribed() throws IOException {
        Map<String, List<String>> rows = rows(page());
        for (String key : QuirkField.names()) {
            assertThat(rows).as("a row for quirk key `%s`", key).containsKey(key);
            assertThat(rows.get(key)).as("`%s`: values, on the wire, why it matters", key).hasSize(3)
                    .allSatisfy(c -> assertThat(c).isNotBlank());
        }
    }

    @Test
    void everyPersonaHasItsExpectedVerdictAndACitation() throws IOException {
        Map<String, List<String>> rows = rows(page());
        List<Persona> all = new ArrayList<>(PersonaCatalogue.builtIn().personas());
        all.addAll(LabFile.read(ROOT.resolve("scenarios/labs/catalogue.yaml")).personas());
        assertThat(all.stream().map(Persona::name).distinct()).as("the catalogue's personas, built-in and the lab's").hasSizeGreaterThanOrEqualTo(45);
        for (Persona p : all) {
            List<String> row = rows.get(p.name());
            assertThat(row).as("a row for persona `%s`", p.name()).isNotNull().hasSize(3);
            assertThat(row.get(1)).as("`%s`: the expected verdict first", p.name()).startsWith(p.expected().name());
            assertThat(row.get(2)).as("`%s`: the trigger class and who documented it", p.name()).isNotBlank();
        }
    }

    @Test
    void everyFaultModelHasItsTriggerCitationAndSymptoms() throws IOException {
        String page = page();
        for (String model : FaultModel.names()) {
            int at = page.indexOf("\n### `" + model + "`\n");
            assertThat(at).as("a section for fault model `%s`", model).isPositive();
            int end = page.indexOf("\n#", at + 1);
            String section = page.substring(at, end < 0 ? page.length() : end);
            for (String part : List.of("- Trigger: ", "- Documented by: ", "Linux", "Windows", "- Emulated: ")) {
                assertThat(section).as("`%s` says %s", model, part.strip()).contains(part);
            }
            if (FaultModel.CATALOGUE.contains(model)) {
                assertThat(section).as("`%s` names the personas it hits", model).contains("- Hits on the catalogue lab: `");
            }
        }
    }
}
