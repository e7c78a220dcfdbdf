package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions of the IPMI clients installed here (MATRIX.md {@code environment.clients}): ipmitool, ipmiutil,
 * FreeIPMI. A client that does not start is not installed and is left out; one that starts but prints no version
 * is listed as "unknown".
 */
final class ClientVersions {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Client family, how to ask, and where the version is in the answer. */
    private record Probe(String family, List<String> command, Pattern version) {
    }

    private static final List<Probe> PROBES = List.of(
            new Probe("ipmitool", List.of("ipmitool", "-V"), Pattern.compile("ipmitool version (\\S+)")),
            // ipmiutil has no version flag: its usage text starts with "ipmiutil ver 3.18" (exit code != 0)
            new Probe("ipmiutil", List.of("ipmiutil", "-V"), Pattern.compile("ipmiutil ver (\\S+)")),
            new Probe("freeipmi", List.of("bmc-info", "--version"), Pattern.compile("bmc-info - (\\S+)")));

    private ClientVersions() {
    }

    static Map<String, String> detect(CommandRunner runner) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Probe p : PROBES) {
            CommandRunner.Result r = runner.run(TIMEOUT, p.command());
            if (!r.started() || r.timedOut()) {
                continue;
            }
            Matcher m = p.version().matcher(r.stdout() + "\n" + r.stderr());
            out.put(p.family(), m.find() ? m.group(1) : "unknown");
        }
        out.put("java", io.quirklab.Version.get()); // the project's own client is always there, at the harness's version
        return out;
    }
}
