package io.quirklab.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.GStringExpression;
import org.codehaus.groovy.ast.expr.ListExpression;
import org.codehaus.groovy.ast.expr.MapEntryExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.SourceUnit;

/**
 * The repository's Jenkinsfile as Groovy's own parser reads it (no Jenkins: JenkinsPipelineUnit is not on Central,
 * DEPENDENCIES.md), reduced to what the tests check: the matrix axes and excludes, the literal {@code LAB_NODES},
 * the agent label of the matrix cells, and the pipeline steps of each top-level stage with their arguments.
 * GString arguments keep their placeholders ({@code "results-${OS}-${NIC}"}).
 *
 * @param axes      axis name -> values, in file order
 * @param excludes  each exclude as axis name -> values
 * @param labNodes  the LAB_NODES list
 * @param cellLabel the matrix cells' agent label
 * @param steps     top-level stage name -> its steps in file order
 */
public record Jenkinsfile(Map<String, List<String>> axes, List<Map<String, List<String>>> excludes, List<String> labNodes, String cellLabel,
                          Map<String, List<Step>> steps) {
    /** Pipeline steps the tests look at. */
    public static final Set<String> STEP_NAMES = Set.of("sh", "stash", "unstash", "junit", "archiveArtifacts", "dir", "checkout",
            "unstable", "error", "label");

    /**
     * One step call.
     *
     * @param name  the step ("sh")
     * @param args  positional arguments as text
     * @param named named arguments as text ("script" -> "...")
     */
    public record Step(String name, List<String> args, Map<String, String> named) {
        /** The first positional argument, else the named one. */
        public String arg(String named) {
            return this.named.containsKey(named) ? this.named.get(named) : args.isEmpty() ? null : args.get(0);
        }
    }

    public List<Step> steps(String stage, String name) {
        return steps.getOrDefault(stage, List.of()).stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Parses {@code file}; a syntax error is an AssertionError with Groovy's message (line and column). */
    public static Jenkinsfile parse(Path file) throws IOException {
        CompilationUnit cu = new CompilationUnit();
        SourceUnit su = cu.addSource(file.getFileName().toString(), Files.readString(file));
        try {
            cu.compile(Phases.CONVERSION);
        } catch (RuntimeException e) {
            throw new AssertionError(file + " does not parse as Groovy: " + e.getMessage(), e);
        }
        ModuleNode module = su.getAST();
        Walker w = new Walker();
        module.getStatementBlock().visit(w);
        return new Jenkinsfile(w.axes, w.excludes, w.labNodes, w.cellLabel, w.steps);
    }

    private static final class Walker extends CodeVisitorSupport {
        final Map<String, List<String>> axes = new LinkedHashMap<>();
        final List<Map<String, List<String>>> excludes = new ArrayList<>();
        final List<String> labNodes = new ArrayList<>();
        final Map<String, List<Step>> steps = new LinkedHashMap<>();
        String cellLabel;
        private final Deque<String> blocks = new ArrayDeque<>();
        private String topStage;
        private Map<String, List<String>> currentExclude;

        @Override
        public void visitDeclarationExpression(DeclarationExpression e) {
            if (e.getLeftExpression() instanceof VariableExpression v && v.getName().equals("LAB_NODES")
                    && e.getRightExpression() instanceof ListExpression list) {
                list.getExpressions().forEach(x -> labNodes.add(text(x)));
            }
            super.visitDeclarationExpression(e);
        }

        @Override
        public void visitMethodCallExpression(MethodCallExpression call) {
            String name = call.getMethodAsString();
            List<Expression> positional = new ArrayList<>();
            Map<String, String> named = new LinkedHashMap<>();
            ClosureExpression body = null;
            if (call.getArguments() instanceof TupleExpression tuple) {
                for (Expression a : tuple.getExpressions()) {
                    if (a instanceof MapExpression map) {
                        for (MapEntryExpression entry : map.getMapEntryExpressions()) {
                            named.put(text(entry.getKeyExpression()), text(entry.getValueExpression()));
                        }
                    } else if (a instanceof ClosureExpression c) {
                        body = c;
                    } else {
                        positional.add(a);
                    }
                }
            }
            List<String> args = positional.stream().map(Walker::text).toList();
            if (name.equals("stage") && topStage == null && !args.isEmpty()) {
                topStage = args.get(0);
                visitBody(name, body);
                topStage = null;
                return;
            }
            if (name.equals("axis") && body != null) {
                Map<String, List<String>> axis = axis(body);
                axis.forEach((k, v) -> {
                    if (blocks.contains("exclude")) {
                        currentExclude.put(k, v);
                    } else if (blocks.contains("axes")) {
                        axes.put(k, v);
                    }
                });
                return;
            }
            if (name.equals("exclude")) {
                currentExclude = new LinkedHashMap<>();
                visitBody(name, body);
                excludes.add(currentExclude);
                currentExclude = null;
                return;
            }
            if (name.equals("label") && blocks.contains("matrix") && blocks.contains("agent") && !args.isEmpty()) {
                cellLabel = args.get(0);
            }
            if (STEP_NAMES.contains(name) && topStage != null) {
                steps.computeIfAbsent(topStage, k -> new ArrayList<>()).add(new Step(name, args, named));
            }
            call.getObjectExpression().visit(this);
            positional.forEach(a -> a.visit(this));
            visitBody(name, body);
        }

        private void visitBody(String name, ClosureExpression body) {
            if (body == null) {
                return;
            }
            blocks.push(name);
            body.getCode().visit(this);
            blocks.pop();
        }

        /** axis { name 'OS'; values 'a', 'b' } -> {OS: [a, b]} */
        private static Map<String, List<String>> axis(ClosureExpression body) {
            String[] axisName = {null};
            List<String> values = new ArrayList<>();
            body.getCode().visit(new CodeVisitorSupport() {
                @Override
                public void visitMethodCallExpression(MethodCallExpression c) {
                    List<String> a = c.getArguments() instanceof TupleExpression t ? t.getExpressions().stream().map(Walker::text).toList() : List.of();
                    switch (c.getMethodAsString()) {
                        case "name" -> axisName[0] = a.isEmpty() ? null : a.get(0);
                        case "values", "notValues" -> values.addAll(a);
                        default -> { }
                    }
                }
            });
            Map<String, List<String>> m = new LinkedHashMap<>();
            if (axisName[0] != null) {
                m.put(axisName[0], values);
            }
            return m;
        }

        static String text(Expression e) {
            if (e instanceof ConstantExpression c) {
                return String.valueOf(c.getValue());
            }
            if (e instanceof GStringExpression g) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < g.getStrings().size(); i++) {
                    b.append(g.getStrings().get(i).getValue());
                    if (i < g.getValues().size()) {
                        Expression v = g.getValues().get(i);
                        b.append("${").append(v instanceof VariableExpression ve ? ve.getName() : v.getText()).append('}');
                    }
                }
                return b.toString();
            }
            if (e instanceof ArgumentListExpression a && a.getExpressions().size() == 1) {
                return text(a.getExpression(0));
            }
            return e.getText();
        }
    }
}
