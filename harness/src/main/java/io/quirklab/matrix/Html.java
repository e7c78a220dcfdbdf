package io.quirklab.matrix;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/** Escaping for the HTML views: every text that comes from a file (persona names, messages, paths) goes through here. */
final class Html {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private Html() {
    }

    /**
     * Text or attribute value; null is empty. Newlines become character references so titles keep their lines; other
     * control characters are shown as {@code \x1b} (XML allows none of them, and a terminal that shows the file obeys them).
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> { }
                default -> {
                    if (ch < 0x20 && ch != '\t' || ch >= 0x7F && ch < 0xA0) {
                        sb.append(String.format("\\x%02x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * A link to an evidence file relative to the page, percent-encoded; empty for anything that is not a relative path
     * (a scheme, an absolute path, a backslash), since evidence paths are relative by contract (MATRIX.md).
     */
    static Optional<String> relativeHref(String path) {
        if (path == null || path.isBlank() || SCHEME.matcher(path).find() || path.startsWith("/") || path.contains("\\")) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/".indexOf(c) >= 0)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return Optional.of(sb.toString());
    }
}
