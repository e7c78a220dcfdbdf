package io.quirklab.responder;

import io.quirklab.wire.QuirkProfile;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A quirk profile as "key=value" lines in the YAML spelling, for status output and reports. */
public final class QuirkNames {
    private QuirkNames() {
    }

    public static List<String> describe(QuirkProfile q) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : QuirkProfile.class.getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(q);
                if (v != null) {
                    out.add(kebab(c.getName()) + "=" + (v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT).replace('_', '-') : v));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
