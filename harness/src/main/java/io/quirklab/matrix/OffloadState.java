package io.quirklab.matrix;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One state of a lab's offload axis: ON is the offload under test (the emulated faulty offload on a virtual lab, the
 * NIC's receive checksum offload on a real one), OFF the stack checking every checksum itself. Written as "on" and
 * "off" in lab files, matrix.json and cell names.
 */
public enum OffloadState {
    OFF, ON;

    /** Both states in the default run order. */
    public static final List<OffloadState> BOTH = List.of(OFF, ON);

    /** "on" or "off". */
    @JsonValue
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean on() {
        return this == ON;
    }

    /** The state a token names: on/off, and true/false, which YAML 1.1 readers make of a bare on/off. */
    public static Optional<OffloadState> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.trim().toLowerCase(Locale.ROOT);
        String n = switch (t) {
            case "true" -> "on";
            case "false" -> "off";
            default -> t;
        };
        return Arrays.stream(values()).filter(s -> s.token().equals(n)).findFirst();
    }

    /** Like {@link #find}, refusing anything else in words. */
    @JsonCreator
    public static OffloadState of(String token) {
        return find(token).orElseThrow(() -> new IllegalArgumentException(
                "'" + token + "' is not an offload state (off, on)"));
    }

    @Override
    public String toString() {
        return token();
    }
}
