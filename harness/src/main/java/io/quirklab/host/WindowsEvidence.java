package io.quirklab.host;

import io.quirklab.input.InputFile;
import io.quirklab.observe.EtwTcpipLog;
import io.quirklab.observe.EvidenceSession;
import io.quirklab.observe.NetstatCounters;
import io.quirklab.observe.NicChecksumInfo;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.PktmonCounters;
import io.quirklab.observe.PktmonDropStream;
import io.quirklab.observe.PktmonLog;
import io.quirklab.observe.SnmpCounters;
import io.quirklab.process.CommandRunner;
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
 * Drop evidence on Windows: a PktMon capture of UDP port 623 (drop events with their reason and the dropped packet),
 * the Microsoft-Windows-TCPIP ETW provider beside it (the NIC driver's own checksum verdict on every received
 * datagram, {@link EtwTcpipLog}) and, as a fallback that cannot say why, the "Receive Errors" of
 * {@code netstat -s -p udp}. Sequence (HOSTS.md): {@code filter remove}, {@code filter add}, {@code start --capture
 * ... --trace --provider Microsoft-Windows-TCPIP --level 5} (a pktmon that refuses {@code --trace} starts without it,
 * and {@code netsh trace start provider=Microsoft-Windows-TCPIP} records the provider instead); at the end
 * {@code counters --json} (before stop, which clears them), {@code stop}, {@code etl2txt} (newer builds:
 * {@code format}), {@code filter remove}, and for netsh {@code netsh trace stop} and {@code netsh trace convert}. The
 * logs, their text forms and the counters stay in the evidence directory.
 */
final class WindowsEvidence implements EvidenceSession {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String ETL = "quirklab-pktmon.etl";
    static final String TXT = "quirklab-pktmon.txt";
    static final String COUNTERS = "quirklab-pktmon-counters.json";
    static final String TCPIP_ETL = "quirklab-tcpip.etl";
    static final String TCPIP_TXT = "quirklab-tcpip.txt";
    /** Level 5 (verbose): the per-NBL events (OOB info, fast-path exits) are verbose. */
    static final List<String> TCPIP_TRACE = List.of("--trace", "--provider", EtwTcpipLog.PROVIDER, "--level", "5");

    private final CommandRunner runner;
    private final Path dir;
    private final Map<String, Long> netstatBefore;
    private final String netstatProblem;
    private final String pktmonProblem;
    /** Where the TCPIP provider is recorded: inside the PktMon trace, by netsh, or nowhere ({@link #etwProblem}). */
    private final EtwCapture etw;
    private final String etwProblem;
    private final Thread stopAtExit;
    private OsReport report;
    private boolean stopped;
    private boolean netshStopped;

    /** How the TCPIP provider is being recorded. */
    enum EtwCapture { PKTMON, NETSH, NONE }

    /** What starting PktMon gave: the reason it did not start (or null), and whether it took the TCPIP provider. */
    private record PktmonStart(String problem, boolean withTcpip) {
    }

    private WindowsEvidence(CommandRunner runner, Path dir, Map<String, Long> netstatBefore, String netstatProblem, String pktmonProblem,
                            EtwCapture etw, String etwProblem) {
        this.runner = runner;
        this.dir = dir;
        this.netstatBefore = netstatBefore;
        this.netstatProblem = netstatProblem;
        this.pktmonProblem = pktmonProblem;
        this.etw = etw;
        this.etwProblem = etwProblem;
        this.stopAtExit = new Thread(this::stopQuietly, "pktmon-stop");
        this.stopped = pktmonProblem != null;
        this.netshStopped = etw != EtwCapture.NETSH;
    }

    static WindowsEvidence begin(CommandRunner runner, Path dir) {
        Map<String, Long> netstat = null;
        String netstatProblem = null;
        try {
            netstat = netstat(runner);
        } catch (IOException e) {
            netstatProblem = e.getMessage();
        }
        PktmonStart pktmon = startPktmon(runner, dir);
        EtwCapture etw = pktmon.withTcpip() ? EtwCapture.PKTMON : EtwCapture.NETSH;
        String etwProblem = null;
        if (etw == EtwCapture.NETSH) {
            etwProblem = startNetsh(runner, dir);
            etw = etwProblem == null ? EtwCapture.NETSH : EtwCapture.NONE;
        }
        WindowsEvidence ev = new WindowsEvidence(runner, dir, netstat, netstatProblem, pktmon.problem(), etw, etwProblem);
        if (pktmon.problem() == null || etw == EtwCapture.NETSH) {
            Runtime.getRuntime().addShutdownHook(ev.stopAtExit);
        }
        return ev;
    }

    /** Starts the capture, with the TCPIP provider when this pktmon takes {@code --trace}. */
    private static PktmonStart startPktmon(CommandRunner runner, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return new PktmonStart("cannot create the evidence directory " + dir + ": " + e.getMessage(), false);
        }
        for (List<String> step : List.of(List.of("pktmon", "filter", "remove"),
                PktmonDropStream.FILTER)) {
            CommandRunner.Result r = runner.run(TIMEOUT, step);
            if (!r.ok()) {
                runner.run(TIMEOUT, List.of("pktmon", "filter", "remove"));
                return new PktmonStart(problem(r), false);
            }
        }
        List<String> capture = List.of("pktmon", "start", "--capture", "--comp", "all", "--type", "all", "--pkt-size", "0");
        List<String> file = List.of("--file-name", dir.resolve(ETL).toString());
        List<String> traced = new ArrayList<>(capture);
        traced.addAll(TCPIP_TRACE);
        traced.addAll(file);
        if (runner.run(TIMEOUT, traced).ok()) {
            return new PktmonStart(null, true);
        }
        List<String> plain = new ArrayList<>(capture);
        plain.addAll(file);
        CommandRunner.Result r = runner.run(TIMEOUT, plain);
        if (!r.ok()) {
            runner.run(TIMEOUT, List.of("pktmon", "filter", "remove"));
            return new PktmonStart(problem(r), false);
        }
        return new PktmonStart(null, false);
    }

    /** Records the TCPIP provider with netsh trace (no packets: PktMon has those); the reason it could not, or null. */
    private static String startNetsh(CommandRunner runner, Path dir) {
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("netsh", "trace", "start", "provider=" + EtwTcpipLog.PROVIDER, "level=5",
                "capture=no", "report=disabled", "overwrite=yes", "maxsize=256", "tracefile=" + dir.resolve(TCPIP_ETL)));
        if (r.ok()) {
            return null;
        }
        return !r.started() ? "netsh is not available (" + r.firstLine() + ")"
                : r.describeFailure() + (r.firstLine().toLowerCase(Locale.ROOT).contains("running") ? " (another netsh trace session runs: "
                + "netsh trace stop)" : "");
    }

    /** Why a pktmon step failed, in a sentence. */
    static String problem(CommandRunner.Result r) {
        return PktmonDropStream.problem(r);
    }

    @Override
    public synchronized OsReport end() {
        if (report != null) {
            return report;
        }
        List<OsReport.Source> sources = new ArrayList<>();
        Map<String, Long> counters = new TreeMap<>();
        List<OsReport.Drop> drops = new ArrayList<>();
        String pktmonText = null;
        if (pktmonProblem != null) {
            sources.add(new OsReport.Source(OsReport.PKTMON, false, pktmonProblem));
        } else {
            pktmonText = pktmon(sources, counters, drops);
        }
        List<OsReport.NicChecksum> nics = tcpip(sources, pktmonText);
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
        report = OsReport.withDrops(counters, Map.of(), sources, drops).withNicChecksums(nics);
        unhook();
        return report;
    }

    /** The NIC's checksum verdicts from the TCPIP provider, from the PktMon log's text or netsh's trace. */
    private List<OsReport.NicChecksum> tcpip(List<OsReport.Source> sources, String pktmonText) {
        String text = null;
        String where;
        if (etw == EtwCapture.PKTMON) {
            where = "in the PktMon trace";
            text = pktmonText;
            if (text == null) {
                sources.add(new OsReport.Source(OsReport.ETW, false, EtwTcpipLog.PROVIDER + " was recorded in the PktMon trace, "
                        + "but its text could not be read"));
                return List.of();
            }
        } else if (etw == EtwCapture.NETSH) {
            where = "by netsh trace";
            try {
                text = netshText();
            } catch (IOException e) {
                sources.add(new OsReport.Source(OsReport.ETW, false, e.getMessage()));
                return List.of();
            }
        } else {
            sources.add(new OsReport.Source(OsReport.ETW, false, "the NIC's checksum verdicts were not recorded: pktmon took no --trace and "
                    + etwProblem));
            return List.of();
        }
        EtwTcpipLog log = EtwTcpipLog.parse(text);
        List<OsReport.NicChecksum> nics = log.evidence();
        long bad = nics.stream().filter(n -> n.judgement() == NicChecksumInfo.Judgement.FLAGGED_BAD).count();
        sources.add(new OsReport.Source(OsReport.ETW, true, EtwTcpipLog.PROVIDER + " " + where + ": " + nics.size()
                + " received datagrams with the driver's checksum info, " + bad + " marked failed"));
        return nics;
    }

    /** netsh trace stop, then convert its trace to text. */
    private String netshText() throws IOException {
        String stop = stopNetsh();
        if (stop != null) {
            throw new IOException(stop);
        }
        Path txt = dir.resolve(TCPIP_TXT);
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("netsh", "trace", "convert", "input=" + dir.resolve(TCPIP_ETL),
                "output=" + txt, "dump=TXT", "overwrite=yes", "report=no"));
        if (!r.ok() || !Files.isRegularFile(txt)) {
            throw new IOException("the TCPIP trace could not be turned into text: " + (r.ok() ? "netsh wrote no " + txt : r.describeFailure()));
        }
        return CommandRunner.decode(InputFile.bytes(txt, InputFile.Kind.EVIDENCE), StandardCharsets.UTF_8);
    }

    /** {@code netsh trace stop} once; the reason it failed, or null. */
    private String stopNetsh() {
        if (netshStopped) {
            return null;
        }
        netshStopped = true;
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("netsh", "trace", "stop"));
        return r.ok() ? null : r.describeFailure();
    }

    /** The PktMon part of the evidence; the log's text (for the TCPIP events it holds), or null. */
    private String pktmon(List<OsReport.Source> sources, Map<String, Long> counters, List<OsReport.Drop> drops) {
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
        String text = null;
        String logNote;
        if (stopProblem != null) {
            logNote = stopProblem;
        } else {
            try {
                text = readLog();
                log = PktmonLog.parse(text);
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
        return text;
    }

    /** {@code pktmon stop} once; the reason it failed, or null. */
    private String stop() {
        if (stopped) {
            return null;
        }
        stopped = true;
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("pktmon", "stop"));
        return r.ok() ? null : problem(r);
    }

    /** etl2txt (newer builds: format) into the text file, decoded whatever its charset (often UTF-16LE). */
    private String readLog() throws IOException {
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
        return CommandRunner.decode(InputFile.bytes(txt, InputFile.Kind.EVIDENCE), StandardCharsets.UTF_8);
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
            stopNetsh();
        }
    }

    /** Stops the capture and removes the filter when {@link #end} was never called. */
    @Override
    public void close() {
        stopQuietly();
        unhook();
    }

    /** Everything is stopped: the shutdown hook has nothing left to do. */
    private void unhook() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // exiting, or never added
        }
    }
}
