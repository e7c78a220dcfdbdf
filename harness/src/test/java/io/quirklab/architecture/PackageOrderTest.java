package io.quirklab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.quirklab.engine.MatrixEngine;
import io.quirklab.wire.UpwardReferenceFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package order of README.md's layout table, on the compiled classes (so a fully-qualified name hides nothing): a
 * class may use its own package, the packages listed before it, and {@code io.quirklab} itself ({@code Version}).
 */
class PackageOrderTest {
    private static final String ROOT = "io.quirklab";
    private static final Path README = Path.of("..", "README.md");

    /** The packages in README's order, bottom first: the rows of the table after "Packages of `harness`". */
    static List<String> readmeOrder() throws IOException {
        List<String> order = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("Packages of `harness`")) {
                inTable = true;
            } else if (inTable && line.startsWith("| `")) {
                order.add(line.split("`")[1]);
            } else if (inTable && !order.isEmpty() && !line.startsWith("|")) {
                break;
            }
        }
        return order;
    }

    /** The top-level package under io.quirklab ("wire" for io.quirklab.wire.x), "" for io.quirklab itself. */
    static String top(String packageName) {
        if (packageName.equals(ROOT)) {
            return "";
        }
        String rest = packageName.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    static ArchRule followsOrder(List<String> order) {
        ArchCondition<JavaClass> onlyBelow = new ArchCondition<>("use only their own package and those before it in README's table") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String from = top(origin.getPackageName());
                int rank = order.indexOf(from);
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    if (!target.equals(ROOT) && !target.startsWith(ROOT + ".")) {
                        continue;
                    }
                    String to = top(target);
                    if (to.isEmpty() || to.equals(from)) {
                        continue;
                    }
                    int targetRank = order.indexOf(to);
                    if (rank < 0 || targetRank < 0 || targetRank > rank) {
                        events.add(SimpleConditionEvent.violated(d, from + " -> " + to + " (" + (targetRank < 0 ? to + " is not in the table"
                                : rank < 0 ? from + " is not in the table" : to + " comes after " + from) + "): " + d.getDescription()));
                    }
                }
            }
        };
        return classes().that().resideInAPackage(ROOT + "..").should(onlyBelow);
    }

    private static JavaClasses main;

    /** The project's own compiled classes, once for the whole class (importing takes a few seconds). */
    private static synchronized JavaClasses mainClasses() {
        if (main == null) {
            main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
        }
        return main;
    }

    @Test
    void mainCodeFollowsTheReadmesPackageOrder() throws IOException {
        followsOrder(readmeOrder()).check(mainClasses());
    }

    @Test
    void thePackagesHaveNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(mainClasses());
    }

    @Test
    void theTableListsEveryPackageOnce() throws IOException {
        List<String> order = readmeOrder();
        Set<String> packages = new TreeSet<>();
        mainClasses().forEach(c -> packages.add(top(c.getPackageName())));
        packages.remove("");
        assertThat(order).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(order)).isEqualTo(packages);
    }

    @Test
    void aReferenceAgainstTheOrderIsCaught() throws IOException {
        // a class of the ground floor (wire) that uses the engine, two floors up: only in the test classes
        JavaClasses classes = new ClassFileImporter().importClasses(UpwardReferenceFixture.class, MatrixEngine.class);
        EvaluationResult r = followsOrder(readmeOrder()).evaluate(classes);
        assertThat(r.hasViolation()).isTrue();
        assertThat(r.getFailureReport().getDetails()).anyMatch(l -> l.contains("wire -> engine (engine comes after wire)")
                && l.contains(UpwardReferenceFixture.class.getName()));
    }
}
