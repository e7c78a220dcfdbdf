package io.quirklab.ipmi;

import java.util.Locale;

/** Channel privilege levels, ordered from least to most. */
public enum Privilege {
    CALLBACK(1), USER(2), OPERATOR(3), ADMINISTRATOR(4), OEM(5);

    private final int level;

    Privilege(int level) {
        this.level = level;
    }

    public int level() {
        return level;
    }

    public boolean atLeast(Privilege other) {
        return level >= other.level;
    }

    public static Privilege fromLevel(int level) {
        for (Privilege p : values()) {
            if (p.level == level) {
                return p;
            }
        }
        throw new IllegalArgumentException("no privilege level " + level);
    }

    public static Privilege parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("ADMIN")) {
            return ADMINISTRATOR;
        }
        for (Privilege p : values()) {
            if (p.name().equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown privilege '" + name + "' (CALLBACK, USER, OPERATOR, ADMINISTRATOR, OEM)");
    }
}
