package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.lab.LabFile;
import io.quirklab.lab.LabInventory;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.testing.Jenkinsfile;
import io.quirklab.testing.Jenkinsfile.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The root Jenkinsfile without a Jenkins server: Groovy's parser reads it, its matrix axes must give exactly the lab
 * nodes of the inventory (and LAB_NODES), every lab file and baseline the inventory names must read, every command
 * its stages run must exist in the project and parse (the quirklab ones through the real command line), and every
 * path it stashes, unstashes, reads or archives must be one the project writes or the next step reads. The commands
 * are run for real against the virtual lab by {@code JenkinsPipelineIT}.
 */
class JenkinsfileTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String CELL = "Lab nodes";
    static final String MERGE = "Fleet";
    /** Environment variables the commands may use: set by the matrix's environment block, a job parameter, Jenkins. */
    static final Set<String> VARIABLES = Set.of("QUIRKLAB_NODE", "QUIRKLAB_MAVEN_ARGS", "WORKSPACE");

    @TempDir
    Path dir;

    @Test
    void theJenkinsfileAgreesWithTheInventoryAndTheProject() throws IOException {
        assertThat(problems(ROOT.resolve("Jenkinsfile"))).isEmpty();
    }

    @Test
    void theAxesGiveExactlyTheInventorysNodes() throws IOException {
        Jenkinsfile j = Jenkinsfile.parse(ROOT.resolve("Jenkinsfile"));
        assertThat(j.axes()).containsOnlyKeys("OS", "NIC");
        assertThat(nodesOf(j)).containsExactlyInAnyOrderElementsOf(labels());
        assertThat(j.labNodes()).containsExactlyInAnyOrderElementsOf(labels());
        assertThat(j.cellLabel()).isEqualTo("${OS}-${NIC}");
        assertThat(j.steps(CELL, "sh")).hasSize(2);
        assertThat(j.steps(MERGE, "sh")).hasSize(3);
    }

    @Test
    void aNodeAddedToTheAxesButNotToTheInventoryIsNamed() throws IOException {
        String text = Files.readString(ROOT.resolve("Jenkinsfile"));
        Path changed = dir.resolve("Jenkinsfile");
        Files.writeString(changed, text.replace("values 'veth', 'i211', '82579lm'", "values 'veth', 'i211', '82579lm', 'x540'"));
        assertThat(problems(changed)).anyMatch(p -> p.contains("linux-x540"));
        Files.writeString(changed, text.replace("--from fleet/nodes", "--from fleet/other").replace("./quirklab fleet report", "./quirklab fleet reprot"));
        assertThat(problems(changed)).anyMatch(p -> p.contains("fleet reprot")).anyMatch(p -> p.contains("fleet/other"));
    }

    @Test
    void everyLabFileAndBaselineOfTheInventoryReads() throws IOException {
        LabInventory inv = LabInventory.read(ROOT.resolve(LabInventory.DEFAULT));
        for (LabInventory.Node n : inv.nodes()) {
            LabFile lab = LabFile.read(n.lab());
            assertThat(lab.kind().id()).as(n.label()).isIn("virtual", "second-nic");
            if (n.baseline().isPresent()) {
                assertThat(MatrixDocument.read(n.baseline().get()).cells()).as(n.label()).isNotEmpty();
            }
        }
        assertThat(inv.node("linux-veth").baseline()).isPresent();
    }

    static List<String> labels() throws IOException {
        return LabInventory.read(ROOT.resolve(LabInventory.DEFAULT)).nodes().stream().map(LabInventory.Node::label).toList();
    }

    /** OS x NIC minus the excludes, as node labels. */
    static List<String> nodesOf(Jenkinsfile j) {
        List<String> nodes = new ArrayList<>();
        for (String os : j.axes().getOrDefault("OS", List.of())) {
            for (String nic : j.axes().getOrDefault("NIC", List.of())) {
                boolean excluded = j.excludes().stream().anyMatch(e -> e.getOrDefault("OS", List.of(os)).contains(os)
                        && e.getOrDefault("NIC", List.of(nic)).contains(nic));
                if (!excluded) {
                    nodes.add(os + "-" + nic);
                }
            }
        }
        return nodes;
    }

    /** Everything wrong with a Jenkinsfile, one sentence each. */
    static List<String> problems(Path file) throws IOException {
        Jenkinsfile j = Jenkinsfile.parse(file);
        List<String> problems = new ArrayList<>();
        Set<String> inventory = new LinkedHashSet<>(labels());
        Set<String> matrix = new LinkedHashSet<>(nodesOf(j));
        if (!matrix.equals(inventory)) {
            problems.add("the matrix axes give " + matrix + ", the inventory lists " + inventory);
        }
        if (!new LinkedHashSet<>(j.labNodes()).equals(inventory)) {
            problems.add("LAB_NODES is " + j.labNodes() + ", the inventory lists " + inventory);
        }
        if (!"${OS}-${NIC}".equals(j.cellLabel())) {
            problems.add("the matrix cells run on label " + j.cellLabel() + ", not ${OS}-${NIC}");
        }
        String out = null;
        String from = null;
        for (String stage : List.of(CELL, MERGE)) {
            if (j.steps(stage, "checkout").isEmpty()) {
                problems.add("stage " + stage + " does not check out");
            }
            for (Step sh : j.steps(stage, "sh")) {
                String command = sh.arg("script");
                List<String> words = words(command);
                Matcher var = Pattern.compile("\\$\\{?([A-Z_]+)").matcher(command);
                while (var.find()) {
                    if (!VARIABLES.contains(var.group(1))) {
                        problems.add(command + ": unknown variable " + var.group(1));
                    }
                }
                switch (words.get(0)) {
                    case "mvn" -> problems.addAll(maven(command, words));
                    case "./quirklab" -> {
                        problems.addAll(quirklab(command, words));
                        if (words.size() > 2 && words.get(1).equals("fleet")) {
                            out = option(words, "--out");
                            from = option(words, "--from");
                        }
                    }
                    case "rm" -> words.subList(2, words.size()).forEach(p -> {
                        if (!p.startsWith("reports/") && !p.equals("fleet") || p.contains("..")) {
                            problems.add(command + ": removes " + p + ", which is no output of the project");
                        }
                    });
                    default -> problems.add(command + ": " + words.get(0) + " is no command of the project");
                }
            }
        }
        // what a cell leaves: stashed, cleaned before, and written by the build where the project says
        for (Step stash : j.steps(CELL, "stash")) {
            if (!"results-${OS}-${NIC}".equals(stash.arg("name"))) {
                problems.add("the cell stashes as " + stash.arg("name") + ", not results-${OS}-${NIC}");
            }
            for (String include : stash.arg("includes").split(",")) {
                problems.addAll(written(include.strip()));
            }
        }
        for (Step junit : j.steps(CELL, "junit")) {
            problems.addAll(written(junit.arg("testResults")));
        }
        // the merge stage: unstashed where fleet report reads, archived what it writes
        for (Step unstash : j.steps(MERGE, "unstash")) {
            if (!"results-${node}".equals(unstash.arg("name"))) {
                problems.add("the merge stage unstashes " + unstash.arg("name") + ", the cells stash results-${OS}-${NIC}");
            }
        }
        for (Step d : j.steps(MERGE, "dir")) {
            if (from == null || !d.arg("path").equals(from + "/${node}")) {
                problems.add("the merge stage unstashes into " + d.arg("path") + ", fleet report reads --from " + from);
            }
        }
        for (Step a : j.steps(MERGE, "archiveArtifacts")) {
            if (out == null || !a.arg("artifacts").equals(out + "/**")) {
                problems.add("the merge stage archives " + a.arg("artifacts") + ", fleet report writes --out " + out);
            }
        }
        if (out != null) {
            String results = "$WORKSPACE/" + out + "/allure-results";
            boolean reportsReadIt = j.steps(MERGE, "sh").stream().map(s -> s.arg("script"))
                    .anyMatch(c -> c.startsWith("mvn") && c.contains("-Dquirklab.allure.results=\"" + results + "\""));
            if (!reportsReadIt) {
                problems.add("no Allure report is made of " + results + " (where fleet report gathers the nodes' results)");
            }
        }
        if (j.steps(MERGE, "unstable").isEmpty()) {
            problems.add("the merge stage never marks the build unstable");
        }
        return problems;
    }

    /** A path the cell's build writes: reports/allure-results (scenarios/pom.xml), reports/runs (the matrix recorder), failsafe's reports (scenarios/ and scenarios-vm/). */
    private static List<String> written(String pattern) throws IOException {
        Map<String, String[]> outputs = Map.of(
                "reports/allure-results/", new String[] {"scenarios/pom.xml", "${project.basedir}/../reports/allure-results"},
                "reports/runs/", new String[] {"harness/src/main/java/io/quirklab/engine/MatrixRecorder.java", "reportsDir.resolve(\"runs\")"},
                "scenarios/target/failsafe-reports/", new String[] {"reports/pom.xml", "scenarios/target/failsafe-reports"},
                "scenarios*/target/failsafe-reports/", new String[] {"reports/pom.xml", "scenarios-vm/target/failsafe-reports"});
        for (Map.Entry<String, String[]> o : outputs.entrySet()) {
            if (pattern.startsWith(o.getKey())) {
                return Files.readString(ROOT.resolve(o.getValue()[0])).contains(o.getValue()[1]) ? List.of()
                        : List.of(pattern + ": " + o.getValue()[0] + " no longer writes " + o.getKey());
            }
        }
        return List.of(pattern + ": no build output of the project");
    }

    private static List<String> maven(String command, List<String> words) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!Files.isRegularFile(ROOT.resolve("pom.xml"))) {
            problems.add(command + ": no pom.xml at the root");
        }
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-pl") && i + 1 < words.size()) {
                String module = words.get(++i);
                if (!Files.isRegularFile(ROOT.resolve(module).resolve("pom.xml"))) {
                    problems.add(command + ": no module " + module);
                }
            } else if (w.startsWith("-D")) {
                String property = w.substring(2).split("=", 2)[0];
                problems.addAll(property(command, property));
            } else if (!w.equals("-B") && !w.equals("verify") && !w.startsWith("$")) {
                problems.add(command + ": unexpected Maven argument " + w);
            }
        }
        return problems;
    }

    /** A -D property must be read by the project (or be Maven's own). */
    private static List<String> property(String command, String property) throws IOException {
        Map<String, String> readers = Map.of(
                "quirklab.node", "scenarios/src/test/java/io/quirklab/scenarios/MatrixSession.java",
                "quirklab.allure.results", "reports/pom.xml",
                "quirklab.allure.report", "reports/pom.xml");
        if (property.equals("maven.test.failure.ignore")) {
            return List.of();
        }
        String reader = readers.get(property);
        if (reader == null || !Files.readString(ROOT.resolve(reader)).contains(property)) {
            return List.of(command + ": nothing in the project reads -D" + property);
        }
        return List.of();
    }

    private static List<String> quirklab(String command, List<String> words) {
        List<String> problems = new ArrayList<>();
        if (!Files.isExecutable(ROOT.resolve("quirklab"))) {
            problems.add(command + ": no executable ./quirklab");
        }
        String[] args = words.subList(1, words.size()).toArray(String[]::new);
        try {
            CommandLine.ParseResult parsed = QuirklabCommand.commandLine().parseArgs(args);
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            if (parsed.commandSpec().subcommands().size() > 0) {
                problems.add(command + ": names no command, only the group " + parsed.commandSpec().name());
            }
        } catch (CommandLine.ParameterException e) {
            problems.add(command + ": " + e.getMessage());
        }
        String inventory = option(words, "--inventory");
        if (inventory != null && !Files.isRegularFile(ROOT.resolve(inventory))) {
            problems.add(command + ": no inventory " + inventory);
        }
        return problems;
    }

    private static String option(List<String> words, String name) {
        int i = words.indexOf(name);
        return i < 0 || i + 1 >= words.size() ? null : words.get(i + 1);
    }

    /** Shell words: blanks separate, double quotes group (enough for the pipeline's commands). */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("(?:[^\\s\"']+|\"[^\"]*\"|'[^']*')+").matcher(command);
        while (m.find()) {
            words.add(m.group().replace("\"", "").replace("'", ""));
        }
        return words;
    }
}
