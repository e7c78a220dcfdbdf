package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.OsReport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Drop evidence on macOS: {@code netstat -s -p udp} and {@code -p ip} before and after. "with bad checksum" becomes
 * Udp.InCsumErrors; "checksummed in software" rises when the receive offload switch took effect. macOS gives no
 * per-packet drop reasons.
 */
final class MacEvidence implements EvidenceSession {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CommandRunner runner;
    private final Map<String, Long> before;
    private final String problem;
    private OsReport report;

    private MacEvidence(CommandRunner runner, Map<String, Long> before, String problem) {
        this.runner = runner;
        this.before = before;
        this.problem = problem;
    }

    static MacEvidence begin(CommandRunner runner) {
        try {
            return new MacEvidence(runner, read(runner), null);
        } catch (IOException e) {
            return new MacEvidence(runner, null, e.getMessage());
        }
    }

    static Map<String, Long> read(CommandRunner runner) throws IOException {
        Map<String, Long> out = new TreeMap<>(section(runner, "udp", NetstatCounters::parseMacUdp));
        out.putAll(section(runner, "ip", NetstatCounters::parseMacIp));
        return out;
    }

    private static Map<String, Long> section(CommandRunner runner, String protocol, Function<String, Map<String, Long>> parser)
            throws IOException {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("netstat", "-s", "-p", protocol));
        if (!r.ok()) {
            throw new IOException(r.describeFailure());
        }
        return parser.apply(r.stdout());
    }

    @Override
    public synchronized OsReport end() {
        if (report != null) {
            return report;
        }
        if (before == null) {
            report = new OsReport(Map.of(), Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.NETSTAT, false, problem)));
            return report;
        }
        try {
            Map<String, Long> after = read(runner);
            Map<String, Long> delta = new TreeMap<>();
            after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
            report = new OsReport(delta, Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.NETSTAT, true,
                    "netstat -s -p udp / -p ip (counters only; macOS names no drop reasons)")));
        } catch (IOException e) {
            report = new OsReport(Map.of(), Map.of(), Map.of(), List.of(new OsReport.Source(OsReport.NETSTAT, false, e.getMessage())));
        }
        return report;
    }

    @Override
    public void close() {
        // nothing was switched on
    }
}
