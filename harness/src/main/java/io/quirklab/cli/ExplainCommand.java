package io.quirklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.host.ToolOutputs;
import io.quirklab.input.AddressText;
import io.quirklab.input.InputFile;
import io.quirklab.observe.EthtoolStats;
import io.quirklab.observe.EtwTcpipLog;
import io.quirklab.observe.NicChecksumInfo;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.VerdictRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quirklab explain FILE...}: what quirklab reads in tool outputs captured by hand, and the verdict they give. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Read tool outputs captured by hand and print what quirklab understands from them: drops with reason,",
                "component and flow, the NIC's checksum verdicts, counters, offload settings, driver identity, and the",
                "verdict they would give a cell whose client timed out. Formats are detected: " + ToolOutputs.EXPECTED + ".",
                "Pastes are read as pasted: prompts, mail quotes, indentation, lines a console cut short, UTF-16, and",
                "several outputs in one file. Two outputs of one counter format are read as before and after."})
public final class ExplainCommand implements Callable<Integer> {
    /** Distinct drop lines printed per output; the rest are counted. */
    static final int SHOWN = 40;
    private static final Pattern HOST_PORT = Pattern.compile("^(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?$");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Tool outputs (UTF-8 or UTF-16 text, or JSON).")
    List<Path> files;

    @Option(names = "--flow", paramLabel = "HOST:PORT", description = "Only the replies from this BMC address and port (e.g. 198.18.0.10:623).")
    String flow;

    @Option(names = "--json", description = "Print everything as one JSON document.")
    boolean json;

    /** One file and what it said, each output with the lines it was read from and what of it could not be read. */
    record FileReading(String file, List<ToolOutputs.ToolOutput> outputs) {
    }

    /**
     * The --json document.
     *
     * @param unreadEvents lines that look like drop events and could not be read, over all files
     */
    record Explanation(List<FileReading> files, String flow, OsReport evidence, VerdictRules.Decision verdict, int unreadEvents) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OsReport.Flow only = null;
        if (flow != null) {
            Matcher m = HOST_PORT.matcher(flow.trim());
            if (!m.matches() || m.group(2) != null && Integer.parseInt(m.group(2)) > 65535 || !dotted(m.group(1))) {
                err.println("explain: --flow " + InputFile.token(flow) + " is not HOST:PORT with an IPv4 address (e.g. 198.18.0.10:623)");
                return 2;
            }
            only = new OsReport.Flow(m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), null, 0);
        }
        List<FileReading> readings = new ArrayList<>();
        boolean unreadable = false;
        for (Path f : files) {
            List<ToolOutputs.ToolOutput> outputs = read(f);
            unreadable |= outputs.stream().anyMatch(o -> o instanceof ToolOutputs.Unreadable);
            readings.add(new FileReading(f.toString(), outputs));
        }
        List<ToolOutputs.ToolOutput> all = readings.stream().flatMap(r -> r.outputs().stream()).toList();
        OsReport report = ToolOutputs.report(all);
        if (only != null) {
            report = report.forFlows(List.of(only));
        }
        int unreadEvents = ToolOutputs.unreadEvents(all);
        // Only what says a reply died makes a verdict; a NIC that vouched for replies, or did not check them, does not.
        boolean evidence = !report.drops().isEmpty() || !report.nicChecksums(NicChecksumInfo.Judgement.FLAGGED_BAD).isEmpty()
                || report.counterDeltas().keySet().stream().anyMatch(k -> !k.startsWith("Etw.")) || !report.nicCounterDeltas().isEmpty();
        VerdictRules.Decision verdict = evidence ? ToolOutputs.verdict(report) : null;
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(new Explanation(readings, flow, report, verdict, unreadEvents)));
            return unreadable ? 1 : 0;
        }
        out = Terminal.lines(out); // what follows quotes the files: drop details, components, commands, adapter names
        for (FileReading r : readings) {
            for (ToolOutputs.ToolOutput o : r.outputs()) {
                print(out, r.file(), o, only);
            }
        }
        if (!report.nicChecksums().isEmpty()) {
            Map<NicChecksumInfo.Judgement, Long> judged = report.nicChecksums().stream()
                    .collect(Collectors.groupingBy(OsReport.NicChecksum::judgement, TreeMap::new, Collectors.counting()));
            out.println("NIC checksum verdicts" + (only == null ? "" : " on " + only) + ": " + join(judged));
        }
        if (verdict != null) {
            out.println("verdict (if the client timed out): " + verdict.verdict() + (verdict.reason() == null ? "" : " " + verdict.reason())
                    + (verdict.source() == null ? "" : " (" + verdict.source() + ")") + ": " + verdict.explanation()
                    + (unreadEvents == 0 ? "" : "; " + unreadEvents + " more line" + (unreadEvents == 1 ? "" : "s")
                    + " that look like drop events could not be read whole"));
        } else if (unreadEvents > 0) {
            out.println("verdict: none can be given: could not read " + unreadEvents + " event line" + (unreadEvents == 1 ? "" : "s")
                    + " that look like drop events (listed above); no drop was read whole, which is not the same as no drop");
        } else {
            out.println("verdict: none of these files carries drop evidence (drops, replies the NIC flagged bad, or two counter snapshots)");
        }
        return unreadable ? 1 : 0;
    }

    private static boolean dotted(String host) {
        try {
            AddressText.ipv4(host);
            return true;
        } catch (AddressText.NotAnAddress e) {
            return false;
        }
    }

    /** The outputs of one file; a file that cannot be read is one Unreadable saying why. */
    private static List<ToolOutputs.ToolOutput> read(Path f) {
        try {
            return ToolOutputs.read(InputFile.bytes(f, InputFile.Kind.EVIDENCE));
        } catch (InputFile.Unusable e) {
            return List.of(new ToolOutputs.Unreadable("unusable", e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            // A parser that trips over a text is a bug to fix, but the other files' readings still count.
            return List.of(new ToolOutputs.Unreadable("unreadable", f + ": quirklab could not read it (a bug in its reading of "
                    + "this text; QUIRKLAB_DEBUG=1 shows where); expected " + ToolOutputs.EXPECTED));
        }
    }

    private static void print(PrintWriter out, String file, ToolOutputs.ToolOutput o, OsReport.Flow only) {
        if (o instanceof ToolOutputs.Unreadable u) {
            out.println(u.problem().startsWith(file + ":") ? u.problem() : file + ": " + u.problem());
            return;
        }
        if (o instanceof ToolOutputs.SkippedText s) {
            out.println(file + ": " + s.lines() + " line" + (s.lines() == 1 ? "" : "s") + " in no format quirklab reads (notes, prose, "
                    + "other tools) skipped");
            return;
        }
        if (o instanceof ToolOutputs.CutLines c) {
            out.println(file + ": could not read " + c.lines() + " line" + (c.lines() == 1 ? "" : "s") + " a console cut short, in no "
                    + "format that could be told (they may be drop events): " + c.reading().notRead().stream().map(n -> "line " + n.line())
                    .collect(Collectors.joining(", ")) + (c.lines() > c.reading().notRead().size() ? ", ..." : ""));
            return;
        }
        ToolOutputs.Reading r = o.reading();
        out.println(file + ": " + o.format() + where(r));
        if (o instanceof ToolOutputs.PktmonLogOutput p) {
            List<OsReport.Drop> drops = only == null ? p.log().drops() : p.log().dropsOf(only);
            lines(out, drops.stream().map(d -> "drop " + d.reason() + " ('" + d.detail() + "')"
                    + (d.component() == null ? "" : " at component " + d.component())
                    + (d.packet() == null ? ", packet not shown" : ", packet " + d.packet() + (d.length() == null ? "" : " (UDP length " + d.length() + ")")))
                    .toList());
            left(out, p.log().drops().size() - drops.size());
            if (p.log().drops().isEmpty() && r.unread() == 0) {
                out.println("  no drop events");
            }
            if (!p.log().components().isEmpty()) {
                out.println("  components: " + join(p.log().components()));
            }
        } else if (o instanceof ToolOutputs.EtwOutput e) {
            List<EtwTcpipLog.Nbl> nbls = only == null ? e.log().nbls() : e.log().nblsOf(only);
            for (EtwTcpipLog.Nbl n : nbls) {
                out.println("  NBL " + n.address() + ": " + (n.checksumInfo() == null ? "no checksum info"
                        : "NIC " + n.checksumInfo().udpJudgement() + ", TcpIpChecksumNetBufferListInfo " + n.checksumInfo())
                        + (n.packet() == null ? ", flow not logged" : ", packet " + n.packet() + " (by " + n.matchedBy() + ")")
                        + (n.stack() == null ? "" : "; " + n.stack()));
            }
            List<OsReport.Drop> drops = e.log().drops().stream().filter(d -> only == null || only.matches(d.packet())).toList();
            lines(out, drops.stream().map(d -> "drop " + d.reason() + " ('" + d.detail() + "')"
                    + (d.component() == null ? "" : " on " + d.component()) + (d.packet() == null ? ", packet not shown" : ", packet " + d.packet()))
                    .toList());
            left(out, e.log().nbls().size() - nbls.size() + e.log().drops().size() - drops.size());
        } else if (o instanceof ToolOutputs.KernelDropsOutput k) {
            List<OsReport.Drop> drops = k.log().drops().stream().filter(d -> only == null || only.matches(d.packet())).toList();
            lines(out, drops.stream().map(d -> "drop " + d.reason() + (d.component() == null ? "" : " at " + d.component())
                    + (d.packet() == null ? "" : ", packet " + d.packet()) + " (" + d.detail() + ")").toList(),
                    drops.stream().mapToLong(OsReport.Drop::count).toArray());
            left(out, k.log().drops().size() - drops.size());
            if (k.log().drops().isEmpty() && r.unread() == 0) {
                out.println("  no drops");
            }
        } else if (o instanceof ToolOutputs.PktmonCountersOutput c) {
            out.println("  drops by component: " + (c.counters().dropsByComponent().isEmpty() ? "none" : join(c.counters().dropsByComponent())));
            if (!c.counters().lastDropReason().isEmpty()) {
                out.println("  last drop reason: " + join(c.counters().lastDropReason()));
            }
        } else if (o instanceof ToolOutputs.CountersOutput n) {
            out.println("  " + (n.changes() ? "changes: " : "counters: ") + (n.counters().isEmpty() ? "none read" : join(n.counters())));
        } else if (o instanceof ToolOutputs.EthtoolStatsOutput s) {
            long perQueue = s.counters().keySet().stream().filter(k -> k.contains(": ")).count();
            out.println("  " + s.counters().size() + " counters" + (perQueue == 0 ? "" : " (" + perQueue + " of them per ring or queue)")
                    + "; NIC checksum-error counters: " + (s.checksumErrorCounters().isEmpty() ? "none" : join(s.checksumErrorCounters())));
            if (!s.sums().isEmpty()) {
                Map<String, Long> csum = new TreeMap<>();
                s.sums().forEach((k, v) -> {
                    if (EthtoolStats.isChecksumErrorCounter(k)) {
                        csum.put(k, v);
                    }
                });
                out.println("  summed over rings and queues: " + (csum.isEmpty() ? s.sums().size() + " counters" : join(csum)));
            }
        } else if (o instanceof ToolOutputs.OffloadsOutput f) {
            f.adapters().forEach((name, offloads) -> out.println("  offloads of " + name + ": " + join(offloads)));
        } else if (o instanceof ToolOutputs.DriverOutput d) {
            var a = d.adapter();
            Map<String, String> id = new LinkedHashMap<>();
            id.put("name", a.name());
            id.put("model", a.model());
            id.put("driver", a.driver());
            id.put("version", a.driverVersion());
            id.put("date", a.driverDate());
            id.put("file", a.driverFile());
            id.put("firmware", a.firmware());
            id.put("link", a.linkSpeed());
            id.values().removeIf(v -> v == null);
            out.println("  driver identity: " + join(id));
        }
        if (r.unread() > 0) {
            out.println("  could not read " + r.unread() + " line" + (r.unread() == 1 ? "" : "s") + ": " + r.notRead().stream()
                    .map(n -> "line " + n.line() + " (" + n.why() + ")").collect(Collectors.joining("; "))
                    + (r.unread() > r.notRead().size() ? "; ..." : ""));
        }
    }

    /** " [lines 3-40, after `ethtool -S eth0`]". */
    private static String where(ToolOutputs.Reading r) {
        if (r.firstLine() == 0) {
            return "";
        }
        String lines = r.firstLine() == r.lastLine() ? "line " + r.firstLine() : "lines " + r.firstLine() + "-" + r.lastLine();
        return " [" + lines + (r.command() == null || r.command().isBlank() ? "" : ", after `" + r.command() + "`") + "]";
    }

    /** Prints each distinct line once, with how often it came; at most {@link #SHOWN} of them. */
    private static void lines(PrintWriter out, List<String> lines) {
        lines(out, lines, null);
    }

    private static void lines(PrintWriter out, List<String> lines, long[] counts) {
        Map<String, Long> n = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            n.merge(lines.get(i), counts == null ? 1 : counts[i], Long::sum);
        }
        int shown = 0;
        for (Map.Entry<String, Long> e : n.entrySet()) {
            if (shown++ == SHOWN) {
                out.println("  ... and " + (n.size() - SHOWN) + " more kinds of drop");
                break;
            }
            out.println("  " + e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : ""));
        }
    }

    private static void left(PrintWriter out, int n) {
        if (n > 0) {
            out.println("  (" + n + " more of other flows, or without one, left out by --flow)");
        }
    }

    private static String join(Map<?, ?> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
