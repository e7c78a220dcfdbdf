package io.quirklab.host;

import io.quirklab.process.CommandRunner;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.PktmonCounters;
import io.quirklab.observe.PktmonLog;
import io.quirklab.observe.SnmpCounters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drop evidence on Windows: a PktMon capture of UDP port 623 (drop events with their reason and the dropped packet)
 * and, as a fallback that cannot say why, the "Receive Errors" of {@code netstat -s -p udp}. Sequence (HOSTS.md):
 * {@code filter remove}, {@code filter add}, {@code start --capture}; at the end {@code counters --json} (before
 * stop, which clears them), {@code stop}, {@code etl2txt} (newer builds: {@code format}), {@code filter remove}.
 * The log, its text form and the counters stay in the evidence directory.
 */
final class WindowsEvidence implements EvidenceSession {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String ETL = "quirklab-pktmon.etl";
    static final String TXT = "quirklab-pktmon.txt";
    static final String COUNTERS = "quirklab-pktmon-counters.json";
    /** pktmon's answer to a flag it does not know: ERROR_INVALID_PARAMETER, without a word of output. */
    static final int INVALID_PARAMETER = 87;

    private final CommandRunner runner;
    private final Path dir;
    private final Map<String, Long> netstatBefore;
    private final String netstatProblem;
    private final String pktmonProblem;
    private final Thread stopAtExit;
    private OsReport report;
    private boolean stopped;

    private WindowsEvidence(CommandRunner runner, Path dir, Map<String, Long> netstatBefore, String netstatProblem, String pktmonProblem) {
        this.runner = runner;
        this.dir = dir;
        this.netstatBefore = netstatBefore;
        this.netstatProblem = netstatProblem;
        this.pktmonProblem = pktmonProblem;
        this.stopAtExit = new Thread(this::stopQuietly, "pktmon-stop");
        this.stopped = pktmonProblem != null;
    }

    static WindowsEvidence begin(CommandRunner runner, Path dir) {
        Map<String, Long> netstat = null;
        String netstatProblem = null;
        try {
            netstat = netstat(runner);
        } catch (IOException e) {
            netstatProblem = e.getMessage();
        }
        String pktmonProblem = startPktmon(runner, dir);
        WindowsEvidence ev = new WindowsEvidence(runner, dir, netstat, netstatProblem, pktmonProblem);
        if (pktmonProblem == null) {
            Runtime.getRuntime().addShutdownHook(ev.stopAtExit);
        }
        return ev;
    }

    /** Starts the capture; the reason it could not, or null. */
    private static String startPktmon(CommandRunner runner, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "cannot create the evidence directory " + dir + ": " + e.getMessage();
        }
        List<List<String>> steps = List.of(List.of("pktmon", "filter", "remove"),
                List.of("pktmon", "filter", "add", "quirklab", "-t", "UDP", "-p", "623"),
                List.of("pktmon", "start", "--capture", "--comp", "all", "--type", "all", "--pkt-size", "0", "--file-name",
                        dir.resolve(ETL).toString()));
        for (List<String> step : steps) {
            CommandRunner.Result r = runner.run(TIMEOUT, step);
            if (!r.ok()) {
                runner.run(TIMEOUT, List.of("pktmon", "filter", "remove"));
                return problem(r);
            }
        }
        return null;
    }

    /** Why a pktmon step failed, in a sentence. */
    static String problem(CommandRunner.Result r) {
        if (!r.started()) {
            return "pktmon is not available (" + r.firstLine() + "): it comes with Windows 10 1809 and later";
        }
        if (r.exitCode() == INVALID_PARAMETER) {
            return r.commandLine() + " exited 87 (invalid parameter) without a word: this Windows build's pktmon has another syntax "
                    + "(1809 differs); PktMon drop reasons unavailable";
        }
        String first = r.firstLine();
        return r.describeFailure() + (first.toLowerCase(Locale.ROOT).contains("access") ? " (pktmon needs Administrator)" : "");
    }

    @Override
    public synchronized OsReport end() {
        if (report != null) {
            return report;
        }
        List<OsReport.Source> sources = new ArrayList<>();
        Map<String, Long> counters = new TreeMap<>();
        List<OsReport.Drop> drops = new ArrayList<>();
        if (pktmonProblem != null) {
            sources.add(new OsReport.Source(OsReport.PKTMON, false, pktmonProblem));
        } else {
            pktmon(sources, counters, drops);
        }
        if (netstatBefore == null) {
            sources.add(new OsReport.Source(OsReport.NETSTAT, false, netstatProblem));
        } else {
            try {
                Map<String, Long> after = netstat(runner);
                after.forEach((k, v) -> counters.put(k, v - netstatBefore.getOrDefault(k, 0L)));
                sources.add(new OsReport.Source(OsReport.NETSTAT, true, "netstat -s -p udp: " + SnmpCounters.UDP_IN_ERRORS
                        + " is 'Receive Errors' (rises on checksum drops but does not say why)"));
            } catch (IOException e) {
                sources.add(new OsReport.Source(OsReport.NETSTAT, false, e.getMessage()));
            }
        }
        report = OsReport.withDrops(counters, Map.of(), sources, drops);
        return report;
    }

    private void pktmon(List<OsReport.Source> sources, Map<String, Long> counters, List<OsReport.Drop> drops) {
        PktmonCounters pc = null;
        String countersNote;
        CommandRunner.Result c = runner.run(TIMEOUT, List.of("pktmon", "counters", "--json"));
        if (c.ok()) {
            try {
                Files.writeString(dir.resolve(COUNTERS), c.stdout(), StandardCharsets.UTF_8);
                pc = PktmonCounters.parse(c.stdout());
                counters.put("PktMon.Drops", pc.totalDrops());
                countersNote = "counters: " + pc.totalDrops() + " drops";
            } catch (IOException e) {
                countersNote = "counters unreadable: " + e.getMessage();
            }
        } else {
            countersNote = "counters unavailable: " + problem(c);
        }
        String stopProblem = stop();
        PktmonLog log = null;
        String logNote;
        if (stopProblem != null) {
            logNote = stopProblem;
        } else {
            try {
                log = readLog();
                logNote = log.drops().size() + " drop events in " + dir.resolve(TXT);
            } catch (IOException e) {
                logNote = e.getMessage();
            }
        }
        runner.run(TIMEOUT, List.of("pktmon", "filter", "remove"));
        if (log != null) {
            drops.addAll(log.drops());
        }
        if (drops.isEmpty() && pc != null) {
            // No drop lines (or no log): the counters' last drop reason per component, without packets.
            for (Map.Entry<String, String> e : pc.lastDropReason().entrySet()) {
                long n = pc.dropsByComponent().getOrDefault(e.getKey(), 0L);
                if (n > 0) {
                    drops.add(new OsReport.Drop(OsReport.PKTMON, PktmonLog.token(e.getValue(), null), e.getValue(), e.getKey(), n, null, null));
                }
            }
        }
        boolean available = log != null || pc != null;
        sources.add(new OsReport.Source(OsReport.PKTMON, available, "filter UDP 623; " + logNote + "; " + countersNote));
    }

    /** {@code pktmon stop} once; the reason it failed, or null. */
    private String stop() {
        if (stopped) {
            return null;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // exiting, or never added
        }
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("pktmon", "stop"));
        return r.ok() ? null : problem(r);
    }

    /** etl2txt (newer builds: format) into the text file, decoded whatever its charset (often UTF-16LE). */
    private PktmonLog readLog() throws IOException {
        Path etl = dir.resolve(ETL);
        Path txt = dir.resolve(TXT);
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("pktmon", "etl2txt", etl.toString(), "--out", txt.toString(), "--verbose", "2"));
        if (!r.ok()) {
            CommandRunner.Result f = runner.run(TIMEOUT, List.of("pktmon", "format", etl.toString(), "-o", txt.toString()));
            if (!f.ok()) {
                throw new IOException("the PktMon log could not be turned into text: " + problem(r) + "; " + problem(f));
            }
        }
        if (!Files.isRegularFile(txt)) {
            throw new IOException("pktmon wrote no text log " + txt);
        }
        return PktmonLog.parse(CommandRunner.decode(Files.readAllBytes(txt), StandardCharsets.UTF_8));
    }

    private static Map<String, Long> netstat(CommandRunner runner) throws IOException {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("netstat", "-s", "-p", "udp"));
        if (!r.ok()) {
            throw new IOException(r.describeFailure());
        }
        Map<String, Long> m = NetstatCounters.parseWindowsUdp(r.stdout());
        if (m.isEmpty()) {
            throw new IOException(r.commandLine() + " printed no 'label = number' lines: " + r.firstLine());
        }
        return m;
    }

    private void stopQuietly() {
        synchronized (this) {
            if (!stopped) {
                stop();
                runner.run(TIMEOUT, List.of("pktmon", "filter", "remove"));
            }
        }
    }

    /** Stops the capture and removes the filter when {@link #end} was never called. */
    @Override
    public void close() {
        stopQuietly();
    }
}
