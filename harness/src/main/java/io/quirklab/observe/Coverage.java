package io.quirklab.observe;

import com.fasterxml.jackson.annotation.JsonIgnoreType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What a parser made of the lines it was given: which of them it read, and which looked like its own (an event, a
 * counter) but could not be read, with why. A parser never answers "nothing there" about lines it could not read:
 * they are counted here and the answer says "could not read N lines".
 *
 * @param read     the indexes (0-based, into the lines the parser was given) of the lines it read
 * @param unread   how many lines looked like the format's own and could not be read
 * @param examples the first of those ({@link #EXAMPLES} at most), each with why
 */
@JsonIgnoreType // its line indexes are the parser's; a document says what was read in the file's line numbers
public record Coverage(BitSet read, int unread, List<Unread> examples) {
    /** How many unread lines are kept with their reason; the rest are only counted. */
    public static final int EXAMPLES = 20;
    /** The mark a console leaves where it cut a line too long for the window. */
    public static final String CUT_MARK = "\u2026";

    /**
     * One line that could not be read.
     *
     * @param line the index (0-based) into the lines the parser was given
     * @param why  what is missing or wrong, in words ("cut short by the console before its DropReason")
     */
    public record Unread(int line, String why) {
    }

    public Coverage {
        read = (BitSet) read.clone();
        examples = List.copyOf(examples);
    }

    /** Nothing read, nothing unread. */
    public static Coverage none() {
        return new Coverage(new BitSet(), 0, List.of());
    }

    /** How many lines were read. */
    public int linesRead() {
        return read.cardinality();
    }

    /**
     * Whether a console cut this line: it ends in "…", or in "..." after as many characters as a console window is
     * wide at the least (a short line ending in "..." is a tool's own "Processing...").
     */
    public static boolean isCut(String line) {
        String s = line.stripTrailing();
        return s.endsWith(CUT_MARK) || s.endsWith("...") && s.length() >= MIN_CONSOLE_WIDTH;
    }

    /** The narrowest console a cut line comes from. */
    static final int MIN_CONSOLE_WIDTH = 60;

    /** The line without the console's cut mark at its end. */
    public static String uncut(String line) {
        String s = line.stripTrailing();
        if (!isCut(s)) {
            return s;
        }
        if (s.endsWith(CUT_MARK)) {
            return s.substring(0, s.length() - CUT_MARK.length());
        }
        return s.endsWith("...") ? s.substring(0, s.length() - 3) : s;
    }

    /** This coverage with its line indexes moved by {@code offset} (a parser that was given a slice of the lines). */
    public Coverage shifted(int offset) {
        BitSet moved = new BitSet();
        read.stream().forEach(i -> moved.set(i + offset));
        return new Coverage(moved, unread, examples.stream().map(u -> new Unread(u.line() + offset, u.why())).toList());
    }

    /** Collects a parser's coverage as it goes. */
    public static final class Builder {
        private final BitSet read = new BitSet();
        private final List<Unread> examples = new ArrayList<>();
        private int unread;

        public Builder read(int line) {
            read.set(line);
            return this;
        }

        public boolean wasRead(int line) {
            return read.get(line);
        }

        public Builder unread(int line, String why) {
            unread++;
            if (examples.size() < EXAMPLES) {
                examples.add(new Unread(line, why));
            }
            return this;
        }

        public Coverage build() {
            return new Coverage(read, unread, examples);
        }
    }
}
