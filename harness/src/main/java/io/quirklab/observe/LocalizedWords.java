package io.quirklab.observe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words one tool prints in the UI languages seen, by concept: one table per tool in the resources
 * ({@code io/quirklab/observe/words/TOOL.tsv}, "concept TAB word TAB where it was seen"), so that reading a new
 * language is adding its words, not code. Immutable once read.
 */
public final class LocalizedWords {
    private final Map<String, List<String>> byConcept;
    /** Every word with its concept, longest first (a field starts with the longest label that fits). */
    private final List<Map.Entry<String, String>> longestFirst;
    /** Every word, as {@link #normal} makes it, to its concept. */
    private final Map<String, String> byNormalWord;
    /** The first characters of the words, in lower case: a field starting otherwise has no label. */
    private final String firstChars;

    private LocalizedWords(Map<String, List<String>> byConcept) {
        this.byConcept = byConcept;
        Map<String, String> normal = new java.util.HashMap<>();
        byConcept.forEach((concept, words) -> words.forEach(w -> normal.putIfAbsent(normal(w), concept)));
        this.byNormalWord = Map.copyOf(normal);
        StringBuilder first = new StringBuilder();
        byConcept.values().forEach(words -> words.forEach(w -> first.append(Character.toLowerCase(w.charAt(0)))));
        this.firstChars = first.toString();
        List<Map.Entry<String, String>> all = new ArrayList<>();
        byConcept.forEach((concept, words) -> words.forEach(w -> all.add(Map.entry(w, concept))));
        all.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        this.longestFirst = List.copyOf(all);
    }

    /** The table of {@code tool} from the resources; a missing or broken table is a build error, not input. */
    public static LocalizedWords load(String tool) {
        String resource = "words/" + tool + ".tsv";
        Map<String, List<String>> map = new LinkedHashMap<>();
        try (InputStream in = LocalizedWords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no word table " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 2) {
                    throw new IllegalStateException(resource + ": a line without a TAB between concept and word: " + line);
                }
                map.computeIfAbsent(f[0].trim(), k -> new ArrayList<>()).add(f[1].trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return new LocalizedWords(Map.copyOf(map));
    }

    /** The words of a concept, in table order (empty when the table has none). */
    public List<String> words(String concept) {
        return byConcept.getOrDefault(concept, List.of());
    }

    /** The concept whose word is {@code text} (ignoring case and runs of blanks), or null. */
    public String conceptOf(String text) {
        return text.length() > 64 ? null : byNormalWord.get(normal(text));
    }

    /**
     * The label a field starts with: its concept and where its value starts, or null. The label must be followed by a
     * blank, the end, or (for a label of non-Latin script) anything.
     */
    public Label labelAt(String field) {
        String f = field.stripLeading();
        int lead = field.length() - f.length();
        if (f.isEmpty() || firstChars.indexOf(Character.toLowerCase(f.charAt(0))) < 0) {
            return null;
        }
        for (Map.Entry<String, String> e : longestFirst) {
            String w = e.getKey();
            if (f.regionMatches(true, 0, w, 0, w.length())) {
                boolean boundary = f.length() == w.length() || !Character.isLetterOrDigit(f.charAt(w.length()))
                        || !isLatin(w.charAt(w.length() - 1));
                if (boundary) {
                    return new Label(e.getValue(), lead + w.length());
                }
            }
        }
        return null;
    }

    /** A recognized label: its concept, and the index in the field where the value starts. */
    public record Label(String concept, int valueStart) {
    }

    private static boolean isLatin(char c) {
        return c < 0x0250;
    }

    /** The text trimmed, its runs of blanks one blank, in lower case. */
    private static String normal(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean blank = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                blank = b.length() > 0;
            } else {
                if (blank) {
                    b.append(' ');
                    blank = false;
                }
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
