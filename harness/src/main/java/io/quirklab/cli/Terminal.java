package io.quirklab.cli;

import io.quirklab.input.InputFile;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * What the commands show of text that came from a file or a peer (a matrix's run id, a persona, an environment field,
 * a lease's run): {@link #text} escapes control characters, line breaks included, so a value can neither move the
 * cursor nor forge a line. {@link #writer} is the net under it: the command line's own writers pass line ends and tabs
 * and escape every other control character, so no ESC reaches a terminal even from a value nobody escaped.
 */
final class Terminal {
    private Terminal() {
    }

    /** A value from a file or a peer, one printable line ({@code \x1b}, {@code \x0a}, ... for control characters). */
    static String text(Object value) {
        return value == null ? "-" : InputFile.printable(String.valueOf(value));
    }

    /**
     * {@code out} for output made of lines of values from files (explain's readings): every {@code print(String)} and
     * {@code println(String)} is escaped whole, so a line break inside a value is shown, not obeyed.
     */
    static PrintWriter lines(PrintWriter out) {
        return new PrintWriter(out, true) {
            @Override
            public void print(String s) {
                super.print(text(s));
            }
        };
    }

    /** {@code out} with control characters other than line ends and tabs escaped as they are written. */
    static PrintWriter writer(PrintWriter out) {
        return new PrintWriter(new Escaping(out), true);
    }

    /** Escapes as it writes; a CR is held back one character, so the CR LF of a Windows line end passes. */
    private static final class Escaping extends FilterWriter {
        private boolean heldCr;

        Escaping(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            if (heldCr) {
                heldCr = false;
                if (c == '\n') {
                    out.write("\r\n");
                    return;
                }
                out.write("\\x0d");
            }
            if (c == '\r') {
                heldCr = true;
            } else if (passes(c)) {
                out.write(c);
            } else {
                out.write(c < 0x100 ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            }
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            int from = off;
            for (int i = off; i < off + len; i++) {
                if (heldCr || !passes(buf[i]) || buf[i] == '\r') {
                    out.write(buf, from, i - from);
                    write(buf[i]);
                    from = i + 1;
                }
            }
            out.write(buf, from, off + len - from);
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            write(s.toCharArray(), off, len);
        }

        @Override
        public void close() throws IOException {
            if (heldCr) {
                heldCr = false;
                out.write("\\x0d");
            }
            super.close();
        }

        /** Line feeds, tabs and printable characters; not C0, DEL, C1 or the bidi controls that reorder a line. */
        private static boolean passes(int c) {
            if (c == '\n' || c == '\t') {
                return true;
            }
            if (c < 0x20 || c >= 0x7F && c < 0xA0) {
                return false;
            }
            return !(c == 0x061C || c >= 0x200E && c <= 0x200F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069);
        }
    }
}
