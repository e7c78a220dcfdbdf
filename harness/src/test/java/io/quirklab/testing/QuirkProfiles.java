package io.quirklab.testing;

import io.quirklab.wire.QuirkProfile;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Profiles for tests by component name: {@code QuirkProfiles.of("ttl", 1, "ipId", IpId.ECHO)}; the rest stays unset. */
public final class QuirkProfiles {
    private QuirkProfiles() {
    }

    public static QuirkProfile of(Object... nameValuePairs) {
        Map<String, Object> set = new HashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            set.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        RecordComponent[] rc = QuirkProfile.class.getRecordComponents();
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            args[i] = set.remove(rc[i].getName());
        }
        if (!set.isEmpty()) {
            throw new IllegalArgumentException("no such QuirkProfile components: " + set.keySet());
        }
        try {
            Constructor<QuirkProfile> c = QuirkProfile.class.getDeclaredConstructor(
                    Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw (RuntimeException) e.getCause();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
