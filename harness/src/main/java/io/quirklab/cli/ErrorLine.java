package io.quirklab.cli;

import io.quirklab.input.InputFile;
import java.io.CharConversionException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command's failure as the one line the user reads: the harness's own message, or, for the JDK's own exceptions,
 * what they mean in words. Never an exception class name, a Java type or a stack trace
 * ({@code QUIRKLAB_DEBUG=1} prints the trace as well).
 */
final class ErrorLine {
    private static final Pattern JAVA_PREFIX = Pattern.compile("^(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
    private static final Pattern INPUT_STRING = Pattern.compile("For input string: \"([^\"]*)\"(?: under radix \\d+)?");

    private ErrorLine() {
    }

    static String of(Throwable ex) {
        Throwable e = ex;
        // wrappers say nothing of their own
        while ((e instanceof java.io.UncheckedIOException || e instanceof java.util.concurrent.ExecutionException
                || e instanceof java.lang.reflect.InvocationTargetException) && e.getCause() != null) {
            e = e.getCause();
        }
        String text;
        if (e instanceof NoSuchFileException n) {
            text = n.getFile() + ": no such file";
        } else if (e instanceof AccessDeniedException a) {
            text = a.getFile() + ": permission denied";
        } else if (e instanceof FileSystemException f) {
            text = f.getFile() + ": " + (f.getReason() == null ? "cannot be used" : f.getReason().toLowerCase(Locale.ROOT));
        } else if (e instanceof CharacterCodingException || e instanceof CharConversionException) {
            text = "a file or an output is not UTF-8 text";
        } else if (e instanceof NumberFormatException) {
            Matcher m = INPUT_STRING.matcher(String.valueOf(e.getMessage()));
            text = m.find() ? InputFile.token(m.group(1)) + " is not a number" : "a value is not a number";
        } else if (e.getMessage() == null || e.getMessage().isBlank()) {
            text = "internal error (set QUIRKLAB_DEBUG=1 for the details)";
        } else {
            text = JAVA_PREFIX.matcher(e.getMessage().strip()).replaceFirst("");
            text = INPUT_STRING.matcher(text).replaceAll(r -> Matcher.quoteReplacement(
                    InputFile.token(r.group(1)) + " is not a number"));
        }
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
