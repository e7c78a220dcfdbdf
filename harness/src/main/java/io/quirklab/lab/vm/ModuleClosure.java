package io.quirklab.lab.vm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The modules to load for a set of wanted ones, dependencies first, each once: what {@code modprobe} would load, for
 * busybox {@code insmod}, which loads exactly one file and resolves nothing. Modules built into the kernel are left
 * out; a module that is neither built in nor available is an error naming who needs it.
 */
public final class ModuleClosure {
    private ModuleClosure() {
    }

    /**
     * @param wanted    the modules asked for, in the order to load them where dependencies allow
     * @param builtIn   modules compiled into the kernel ({@code modules.builtin})
     * @param depends   a module's dependencies, or empty when there is no such module
     * @return the load order
     * @throws IOException a missing module or a dependency cycle, in one line
     */
    public static List<String> loadOrder(List<String> wanted, Set<String> builtIn, Function<String, Optional<List<String>>> depends)
            throws IOException {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        for (String w : wanted) {
            visit(ModuleInfo.canonical(w), builtIn, depends, order, new ArrayList<>());
        }
        return List.copyOf(order);
    }

    /** {@link #loadOrder} over a ready map of module to dependencies. */
    public static List<String> loadOrder(List<String> wanted, Set<String> builtIn, Map<String, List<String>> depends) throws IOException {
        return loadOrder(wanted, builtIn, m -> Optional.ofNullable(depends.get(m)));
    }

    private static void visit(String module, Set<String> builtIn, Function<String, Optional<List<String>>> depends,
                              LinkedHashSet<String> order, List<String> path) throws IOException {
        if (order.contains(module) || builtIn.contains(module)) {
            return;
        }
        if (path.contains(module)) {
            throw new IOException("modules depend on each other in a cycle: " + String.join(" -> ", path) + " -> " + module);
        }
        Optional<List<String>> deps = depends.apply(module);
        if (deps.isEmpty()) {
            List<String> needers = new ArrayList<>(path);
            Collections.reverse(needers);
            throw new IOException("kernel module " + module + " is neither built in nor in the package"
                    + (path.isEmpty() ? "" : " (needed by " + String.join(" <- ", needers) + ")"));
        }
        path.add(module);
        for (String d : deps.get()) {
            visit(ModuleInfo.canonical(d), builtIn, depends, order, path);
        }
        path.remove(path.size() - 1);
        order.add(module);
    }
}
