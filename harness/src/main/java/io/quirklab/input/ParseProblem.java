package io.quirklab.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jackson parse or binding error in the user's words: where (line, field) and what is wrong, without Java type
 * names, exception class names or the parser's excerpt of the file.
 *
 * @param line  the line (1-based), or -1
 * @param field the field path ("fault-model.name", "known-issues[0].verdict"), or null at the top level
 * @param what  what is wrong, e.g. "'zz' is not a whole number", "expected a list"
 */
public record ParseProblem(int line, String field, String what) {
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
    /** Jackson's read constraints: "Document nesting depth (1001) exceeds the maximum allowed (1000, from `...`)". */
    private static final Pattern LIMIT = Pattern.compile("^(.+?) \\((\\d+)\\) exceeds the maximum(?: allowed)? \\((\\d+)");

    /** Describes the exception; {@code format} is "YAML" or "JSON". */
    public static ParseProblem of(JsonProcessingException e, String format) {
        int line = e.getLocation() != null ? e.getLocation().getLineNr() : -1;
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Trailing token")) {
            // FAIL_ON_TRAILING_TOKENS: a second value, or junk, after the document
            return new ParseProblem(line, null, "more after the end of the " + format + " document (a file holds one document)");
        }
        Matcher limit = LIMIT.matcher(original);
        if (limit.find()) {
            return new ParseProblem(line, null, "not valid " + format + ": " + limit(limit.group(1), limit.group(3)));
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty() || e instanceof MismatchedInputException) {
            JsonMappingException m = (JsonMappingException) e;
            String field = path(m);
            if (e instanceof UnrecognizedPropertyException u) {
                return new ParseProblem(line, field, "is not a known field");
            }
            if (e instanceof InvalidFormatException f) {
                return new ParseProblem(line, field, InputFile.token(f.getValue()) + " is not " + words(f.getTargetType()));
            }
            if (e instanceof MismatchedInputException mi) {
                return new ParseProblem(line, field, "must be " + words(mi.getTargetType()));
            }
            return new ParseProblem(line, field, "has a value of the wrong kind");
        }
        return new ParseProblem(line, null, "not valid " + format + ": " + problem(e.getOriginalMessage()));
    }

    /**
     * "field.sub[2].x" from a mapping error's reference path, or null; a key that does not look like a field name (a line
     * of /etc/shadow read as YAML is one long key) is not shown.
     */
    public static String path(JsonMappingException m) {
        return m.getPath().stream().map(r -> r.getFieldName() != null ? fieldName(r.getFieldName()) : "[" + r.getIndex() + "]")
                .reduce((a, b) -> a + "." + b).map(s -> s.replace(".[", "[")).orElse(null);
    }

    /** The last field name on the path (the key written on the offending line), or null; shown only as a field name. */
    public static String lastField(JsonMappingException m) {
        return m.getPath().stream().map(JsonMappingException.Reference::getFieldName).filter(Objects::nonNull).reduce((a, b) -> b)
                .map(ParseProblem::fieldName).orElse(null);
    }

    private static String fieldName(String key) {
        return key.matches("[A-Za-z0-9_.-]{1,40}") ? key : "(a key that is not a field name)";
    }

    /** A read constraint in words: "nested deeper than 1000 levels", "a text longer than 20000000 characters". */
    private static String limit(String what, String max) {
        String w = what.toLowerCase(Locale.ROOT);
        if (w.contains("nesting depth")) {
            return "nested deeper than " + max + " levels";
        } else if (w.startsWith("string value length")) {
            return "a text value longer than " + max + " characters";
        } else if (w.startsWith("number value length")) {
            return "a number longer than " + max + " digits";
        } else if (w.startsWith("name length")) {
            return "a key longer than " + max + " characters";
        } else if (w.startsWith("document length")) {
            return "longer than " + max + " characters";
        } else if (w.startsWith("token count")) {
            return "more than " + max + " values";
        }
        return "more than quirklab reads (" + what + " at most " + max + ")";
    }

    /** A Java type as a user would call the value it wants. */
    static String words(Class<?> t) {
        if (t == null) {
            return "a value of another kind";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "a mapping of fields";
        }
        if (t == String.class || t == CharSequence.class) {
            return "a single value (text)";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class || t == Short.class) {
            return "a whole number";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t.isEnum()) {
            return "one of " + String.join(", ", java.util.Arrays.stream(t.getEnumConstants()).map(String::valueOf).toList());
        }
        return "a mapping of fields";
    }

    /**
     * The parser's own sentence, first line only and without its location or excerpt ("in 'reader', line 3 ..."); a
     * quoted token in it is clipped.
     */
    static String problem(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        String first = message.strip().lines().findFirst().orElse("");
        int at = first.indexOf(" in 'reader'");
        if (at >= 0) {
            first = first.substring(0, at);
        }
        at = first.indexOf(" at [Source");
        if (at >= 0) {
            first = first.substring(0, at);
        }
        Matcher q = QUOTED.matcher(first);
        StringBuilder out = new StringBuilder();
        while (q.find()) {
            q.appendReplacement(out, Matcher.quoteReplacement(InputFile.token(q.group(1))));
        }
        q.appendTail(out);
        String s = out.toString().replaceAll("\\(code \\d+\\)", "").replaceAll("`[^`]*`", "a value")
                .replaceAll("<[^>]*>", "something else").replace(" )", ")").strip();
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }

    /** "line N, field 'F': WHAT" (parts that are unknown left out). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (line > 0) {
            b.append("line ").append(line);
        }
        if (field != null) {
            b.append(b.length() > 0 ? ", " : "").append("field '").append(field).append("'");
        }
        return b.append(b.length() > 0 ? ": " : "").append(what).toString();
    }
}
