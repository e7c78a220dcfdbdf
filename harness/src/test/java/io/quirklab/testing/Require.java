package io.quirklab.testing;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose capability is missing, with a sentence saying what is missing - unless the run requires that
 * capability ({@code -Dquirklab.require=root,tools,captures} or {@code all}, as CI sets), then it fails.
 */
public final class Require {
    public static final String ROOT = "root";
    public static final String TOOLS = "tools";
    public static final String CAPTURES = "captures";
    /** No other lab holds what a test's lab needs (its namespace and links). */
    public static final String FREE_LAB = "free-lab";

    private Require() {
    }

    static Set<String> required() {
        String v = System.getProperty("quirklab.require", "");
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /** Skips (or fails, when required) unless {@code present}. */
    public static void capability(String capability, boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        Set<String> req = required();
        if (req.contains(capability) || req.contains("all")) {
            Assertions.fail("required capability '" + capability + "' is missing: " + whatIsMissing);
        }
        Assumptions.abort(whatIsMissing);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static void root(String why) {
        capability(ROOT, isRoot(), "Test requires root: " + why);
    }
}
