package io.quirklab.cli;

import io.quirklab.input.InputFile;
import java.io.CharConversionException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ConcurrentModificationException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command's failure as the one line the user reads: the harness's own message, or, for the JDK's own exceptions,
 * what they mean in words. Never an exception class name, a Java type or a stack trace
 * ({@code QUIRKLAB_DEBUG=1} prints the trace as well): a message that still carries one (a library's own sentence)
 * has it put in words here, the one place exceptions become the user's line.
 */
final class ErrorLine {
    static final String INTERNAL = "internal error (set QUIRKLAB_DEBUG=1 for the details)";
    private static final Pattern JAVA_PREFIX = Pattern.compile("^(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
    private static final Pattern INPUT_STRING = Pattern.compile("For input string: \"([^\"]*)\"(?: under radix \\d+)?");
    /** A qualified Java type ({@code java.net.ConnectException}, {@code io.quirklab.agent.AgentApi$Lease}), or a nested one. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![/\\w.-])(?:[a-z_][a-z0-9_]*\\.){2,}([A-Z][\\w$]*)");
    private static final Pattern NESTED = Pattern.compile("`?\\b[A-Z]\\w*\\$[\\w$]+`?");
    private static final Pattern EXCEPTION = Pattern.compile("\\b(?:an? )?(\\w+(?:Exception|Error))\\b(?: (?:was )?thrown)?");
    /** What the exceptions a library names in its own sentence mean. */
    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("ConnectException", "connection refused"),
            Map.entry("HttpConnectTimeoutException", "no connection in time"),
            Map.entry("HttpTimeoutException", "no answer in time"),
            Map.entry("SocketTimeoutException", "no answer in time"),
            Map.entry("UnknownHostException", "not an address"),
            Map.entry("URISyntaxException", "not a valid URL"),
            Map.entry("EOFException", "the input ended early"),
            Map.entry("SSLHandshakeException", "the TLS handshake failed"),
            Map.entry("ClosedChannelException", "the connection was closed"),
            Map.entry("OutOfMemoryError", "not enough memory"));

    private ErrorLine() {
    }

    static String of(Throwable ex) {
        Throwable e = ex;
        // wrappers say nothing of their own
        while ((e instanceof UncheckedIOException || e instanceof ExecutionException || e instanceof CompletionException
                || e instanceof InvocationTargetException) && e.getCause() != null) {
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
        } else if (e instanceof OutOfMemoryError) {
            text = "not enough memory for this input (java's heap; a file this big is not one quirklab reads whole)";
        } else if (e instanceof StackOverflowError) {
            text = "the input nests too deeply to be read";
        } else if (bug(e) || e.getMessage() == null || e.getMessage().isBlank()) {
            // a helpful NullPointerException says "Cannot invoke \"String.length()\"": the harness's bug, not the user's words
            text = INTERNAL;
        } else {
            text = JAVA_PREFIX.matcher(e.getMessage().strip()).replaceFirst("");
            text = INPUT_STRING.matcher(text).replaceAll(r -> Matcher.quoteReplacement(
                    InputFile.token(r.group(1)) + " is not a number"));
        }
        return words(text.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /** The JDK's exceptions for a mistake in the code, whose messages speak of the code. */
    private static boolean bug(Throwable e) {
        return e instanceof NullPointerException || e instanceof ClassCastException || e instanceof IndexOutOfBoundsException
                || e instanceof ArithmeticException || e instanceof ArrayStoreException || e instanceof NegativeArraySizeException
                || e instanceof ConcurrentModificationException || e instanceof IllegalMonitorStateException;
    }

    /** Java's names left in a sentence, in words: a type as "a value", an exception as what it means. */
    static String words(String text) {
        String s = QUALIFIED.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        s = NESTED.matcher(s).replaceAll("a value");
        return EXCEPTION.matcher(s).replaceAll(m -> Matcher.quoteReplacement(MEANING.getOrDefault(m.group(1), "an error")));
    }
}
