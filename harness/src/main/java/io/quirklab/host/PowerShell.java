package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Windows PowerShell the way HOSTS.md says: {@code -NoProfile -NonInteractive}, output forced to UTF-8, errors turned
 * into exit code 1 with the message on stderr, explicit properties piped into {@code ConvertTo-Json}. The script is
 * passed as {@code -EncodedCommand} (no quoting trouble); the report shows it as {@code -Command "..."}.
 */
final class PowerShell {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Stop on errors, no progress bars, UTF-8 without a byte-order mark. */
    static final String PRELUDE = "$ErrorActionPreference='Stop'; $ProgressPreference='SilentlyContinue'; "
            + "[Console]::OutputEncoding=[System.Text.UTF8Encoding]::new($false); ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;

    PowerShell(CommandRunner runner) {
        this.runner = runner;
    }

    /** Runs {@code script}; the result's command line shows the script as it was written. */
    CommandRunner.Result run(String script) {
        String full = PRELUDE + "try { " + script + " } catch { [Console]::Error.WriteLine($_.Exception.Message); exit 1 }";
        List<String> cmd = List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand",
                CommandRunner.encodePowerShell(full));
        return runner.run(TIMEOUT, cmd, null, shown(script));
    }

    /** How a script appears in reports and in recorded fixtures. */
    static String shown(String script) {
        return "powershell -NoProfile -NonInteractive -Command \"" + script + "\"";
    }

    /** Runs a script that ends in {@code ConvertTo-Json}; empty output is a missing node. */
    JsonNode json(String script) throws IOException {
        CommandRunner.Result r = run(script);
        if (!r.ok()) {
            throw new IOException(r.describeFailure());
        }
        if (r.stdout().isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new IOException(r.commandLine() + " printed no JSON: " + r.firstLine(), e);
        }
    }

    /** A PowerShell string literal. */
    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** An object's text field, or null (missing, JSON null, or empty). */
    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isArray()) {
            v = v.path(0); // RegistryValue is a string[]
        }
        return v.isMissingNode() || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }

    /** The nodes of a result that is one object or an array of them (ConvertTo-Json unwraps single results). */
    static List<JsonNode> items(JsonNode n) {
        if (n.isArray()) {
            List<JsonNode> out = new java.util.ArrayList<>();
            n.forEach(out::add);
            return out;
        }
        return n.isObject() ? List.of(n) : List.of();
    }
}
