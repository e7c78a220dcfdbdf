package io.quirklab.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.FleetMatrix;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Jenkinsfile;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The Jenkinsfile's commands, run for real without Jenkins: the commands of the matrix cell of lab node linux-veth
 * (the virtual lab) in a copy of the project as a Jenkins workspace that built before holds it (the checkout's files and
 * the last build's outputs, no results; Maven then compiles nothing that did not change, as in a reused workspace),
 * narrowed to two personas and java-lan through QUIRKLAB_MAVEN_ARGS, then its stash (the stash patterns must match what
 * the cell wrote), then the merge stage's commands on the unstashed results: one Allure report with parentSuite = node,
 * the comparison with the node's baseline, the fleet matrix. (A build from nothing is what the rest of mvn verify is.)
 */
@DisplayName("the Jenkins pipeline's commands on the virtual lab")
@Order(70)
class JenkinsPipelineIT {
    private static final String NODE = "linux-veth";
    /**
     * Narrowing for CI: the cell's suite is the delivery matrix of two personas with one client; offline, and compiling
     * by timestamps only (the incremental compiler would rebuild a module whose directory moved).
     */
    private static final String NARROW = "-q -o -Dmaven.compiler.useIncrementalCompilation=false -Dit.test=DeliveryMatrixIT -Dtest=NONE "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -DfailIfNoTests=false "
            + "-Dquirklab.personas=clean,smdc-tyan -Dquirklab.clients=java-lan";
    /** Not in the workspace: version control, and results of earlier runs (test reports, matrix runs, Allure, the fleet). */
    private static final Set<String> NOT_CHECKED_OUT = Set.of(".git", "runs", "allure-results", "allure-report", "probes",
            ".quirklab", "fleet", "surefire-reports", "failsafe-reports", "surefire");
    private static final CommandRunner RUN = new CommandRunner();

    @Test
    void oneCellAndTheMergeStageRunAsTheJenkinsfileSays() throws Exception {
        LabFixture.requirePrerequisites();
        Tools.require("mvn", "maven");
        Path root = MatrixSession.rootDir();
        Jenkinsfile pipeline = Jenkinsfile.parse(root.resolve("Jenkinsfile"));
        Path workspace = Scratch.dir("quirklab-jenkins");
        try {
            checkout(root, workspace);
            String cellOutput = "";
            for (Jenkinsfile.Step sh : pipeline.steps("Lab nodes", "sh")) {
                CommandRunner.Result r = sh(workspace, sh.arg("script"), Duration.ofMinutes(6));
                assertThat(r.exitCode()).as("%s\n%s", r.commandLine(), tail(r)).isZero();
                cellOutput = tail(r);
            }
            LabFixture.assertNoTrace(Path.of("/run/quirklab"));
            // the stash: every pattern matches what the cell wrote
            Path unstashed = workspace.resolve("fleet-stash");
            for (Jenkinsfile.Step stash : pipeline.steps("Lab nodes", "stash")) {
                for (String pattern : stash.arg("includes").split(",")) {
                    assertThat(copyMatching(workspace, pattern.strip(), unstashed)).as("files the cell wrote matching %s (reports/ has %s)\n%s",
                            pattern, listing(workspace.resolve("reports")), cellOutput).isPositive();
                }
            }
            for (Jenkinsfile.Step junit : pipeline.steps("Lab nodes", "junit")) {
                assertThat(countMatching(workspace, junit.arg("testResults"))).as(junit.arg("testResults")).isPositive();
            }

            List<Jenkinsfile.Step> merge = pipeline.steps("Fleet", "sh");
            assertThat(merge).hasSize(3);
            assertThat(sh(workspace, merge.get(0).arg("script"), Duration.ofSeconds(30)).exitCode()).isZero();
            Path nodeDir = workspace.resolve(pipeline.steps("Fleet", "dir").get(0).arg("path").replace("${node}", NODE));
            Files.createDirectories(nodeDir.getParent());
            Files.move(unstashed, nodeDir);
            CommandRunner.Result report = sh(workspace, merge.get(1).arg("script"), Duration.ofMinutes(2));
            assertThat(report.exitCode()).as("%s\n%s", report.commandLine(), tail(report)).isZero();
            assertThat(report.stdout()).contains(NODE + ": run ").contains("against virtual-debian12.json: 0 regressions")
                    .contains("linux-i211: no results");
            CommandRunner.Result allure = sh(workspace, merge.get(2).arg("script"), Duration.ofMinutes(3));
            assertThat(allure.exitCode()).as("%s\n%s", allure.commandLine(), tail(allure)).isZero();

            String archived = pipeline.steps("Fleet", "archiveArtifacts").get(0).arg("artifacts").replace("/**", "");
            Path out = workspace.resolve(archived);
            FleetMatrix fleet = FleetMatrix.read(out.resolve("fleet.json"));
            assertThat(fleet.machines()).hasSize(1);
            assertThat(fleet.axes().personas()).containsExactly("clean", "smdc-tyan");
            assertThat(fleet.summary("smdc-tyan")).isEqualTo("delivered with offload off, dropped with offload on, on every machine");
            assertThat(Files.readString(out.resolve("compare/" + NODE + ".txt"))).contains("regressions (0)");
            assertThat(out.resolve("fleet.html")).isNotEmptyFile();
            assertThat(out.resolve("allure-report/index.html")).isNotEmptyFile();
            assertThat(Files.readString(out.resolve("allure-report/data/suites.json"))).contains("\"name\":\"" + NODE + "\"");
        } finally {
            delete(workspace);
        }
    }

    /** bash -c COMMAND in the workspace with what Jenkins would set: the node, the narrowing parameter, WORKSPACE. */
    private static CommandRunner.Result sh(Path workspace, String command, Duration timeout) {
        CommandRunner.Result r = RUN.run(timeout, List.of("env", "QUIRKLAB_NODE=" + NODE, "QUIRKLAB_MAVEN_ARGS=" + NARROW, "WORKSPACE=" + workspace,
                "ALLURE_NO_ANALYTICS=true", "bash", "-c", "cd " + CommandRunner.quote(List.of(workspace.toString())) + " && " + command));
        System.out.printf("jenkins step (%.1f s): %s%n", r.elapsed().toMillis() / 1000.0, command);
        return r;
    }

    private static String tail(CommandRunner.Result r) {
        String all = r.stdout() + "\n" + r.stderr();
        return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    }

    /** What a reused workspace holds: the project's files and the last build's outputs, no results, timestamps kept. */
    private static void checkout(Path root, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(p -> root.relativize(p).getNameCount() > 0)::iterator) {
                Path rel = root.relativize(p);
                boolean skip = false;
                for (Path part : rel) {
                    skip |= NOT_CHECKED_OUT.contains(part.toString());
                }
                if (skip) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int copyMatching(Path base, String antPattern, Path to) throws IOException {
        int n = 0;
        for (Path f : matching(base, antPattern)) {
            Path target = to.resolve(base.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
            n++;
        }
        return n;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().limit(40).toList();
        }
    }

    private static int countMatching(Path base, String antPattern) throws IOException {
        return matching(base, antPattern).size();
    }

    /** Ant-style patterns as Jenkins' stash reads them: ** any depth, * within one name. */
    private static List<Path> matching(Path base, String antPattern) throws IOException {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + antPattern);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(base)) {
            s.filter(Files::isRegularFile).filter(p -> m.matches(base.relativize(p))).forEach(found::add);
        }
        return found;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
