package io.quirklab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.host.ToolOutputs;
import io.quirklab.observe.EtwTcpipLog;
import io.quirklab.observe.NicChecksumInfo;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.VerdictRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                "Two files of one counter format (netstat -s, ethtool -S) are read as before and after."})
public final class ExplainCommand implements Callable<Integer> {
    private static final Pattern HOST_PORT = Pattern.compile("^(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?$");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Tool outputs (UTF-8 or UTF-16 text, or JSON).")
    List<Path> files;

    @Option(names = "--flow", paramLabel = "HOST:PORT", description = "Only the replies from this BMC address and port (e.g. 198.18.0.10:623).")
    String flow;

    @Option(names = "--json", description = "Print everything as one JSON document.")
    boolean json;

    /** One file and what it said. */
    record FileReading(String file, List<ToolOutputs.ToolOutput> outputs) {
    }

    /** The --json document. */
    record Explanation(List<FileReading> files, String flow, OsReport evidence, VerdictRules.Decision verdict) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OsReport.Flow only = null;
        if (flow != null) {
            Matcher m = HOST_PORT.matcher(flow.trim());
            if (!m.matches() || m.group(2) != null && Integer.parseInt(m.group(2)) > 65535) {
                err.println("explain: --flow '" + flow + "' is not HOST:PORT with an IPv4 address (e.g. 198.18.0.10:623)");
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
        OsReport report = ToolOutputs.report(readings.stream().flatMap(r -> r.outputs().stream()).toList());
        if (only != null) {
            report = report.forFlows(List.of(only));
        }
        // Only what says a reply died makes a verdict; a NIC that vouched for replies, or did not check them, does not.
        boolean evidence = !report.drops().isEmpty() || !report.nicChecksums(NicChecksumInfo.Judgement.FLAGGED_BAD).isEmpty()
                || report.counterDeltas().keySet().stream().anyMatch(k -> !k.startsWith("Etw.")) || !report.nicCounterDeltas().isEmpty();
        VerdictRules.Decision verdict = evidence ? ToolOutputs.verdict(report) : null;
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(new Explanation(readings, flow, report, verdict)));
        } else {
            for (FileReading r : readings) {
                print(out, r, only);
            }
            if (!report.nicChecksums().isEmpty()) {
                Map<NicChecksumInfo.Judgement, Long> judged = report.nicChecksums().stream()
                        .collect(Collectors.groupingBy(OsReport.NicChecksum::judgement, java.util.TreeMap::new, Collectors.counting()));
                out.println("NIC checksum verdicts" + (only == null ? "" : " on " + only) + ": " + join(judged));
            }
            if (verdict == null) {
                out.println("verdict: none of these files carries drop evidence (drops, replies the NIC flagged bad, or two counter snapshots)");
            } else {
                out.println("verdict (if the client timed out): " + verdict.verdict() + (verdict.reason() == null ? "" : " " + verdict.reason())
                        + (verdict.source() == null ? "" : " (" + verdict.source() + ")") + ": " + verdict.explanation());
            }
        }
        return unreadable ? 1 : 0;
    }

    /** The outputs of one file; a file that cannot be read is one Unreadable saying why. */
    private static List<ToolOutputs.ToolOutput> read(Path f) {
        if (Files.isDirectory(f)) {
            return List.of(new ToolOutputs.Unreadable("directory", "is a directory; expected a file: " + ToolOutputs.EXPECTED));
        }
        try {
            return ToolOutputs.read(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            return List.of(new ToolOutputs.Unreadable("missing", "no such file"));
        } catch (IOException | OutOfMemoryError e) {
            return List.of(new ToolOutputs.Unreadable("unreadable", "cannot be read: " + e.getMessage()));
        } catch (RuntimeException e) {
            // A parser that trips over a text is a bug to fix, but the other files' readings still count.
            return List.of(new ToolOutputs.Unreadable("unreadable", "quirklab could not read it (" + e.getClass().getSimpleName()
                    + "); expected " + ToolOutputs.EXPECTED));
        }
    }

    private static void print(PrintWriter out, FileReading r, OsReport.Flow only) {
        for (ToolOutputs.ToolOutput o : r.outputs()) {
            if (o instanceof ToolOutputs.Unreadable u) {
                out.println(r.file() + ": " + u.problem());
                continue;
            }
            out.println(r.file() + ": " + o.format());
            if (o instanceof ToolOutputs.PktmonLogOutput p) {
                List<OsReport.Drop> drops = only == null ? p.log().drops() : p.log().dropsOf(only);
                drops.forEach(d -> out.println("  drop " + d.reason() + " ('" + d.detail() + "')"
                        + (d.component() == null ? "" : " at component " + d.component())
                        + (d.packet() == null ? ", packet not shown" : ", packet " + d.packet() + (d.length() == null ? "" : " (UDP length " + d.length() + ")"))));
                left(out, p.log().drops().size() - drops.size());
                if (p.log().drops().isEmpty()) {
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
                left(out, e.log().nbls().size() - nbls.size());
            } else if (o instanceof ToolOutputs.PktmonCountersOutput c) {
                out.println("  drops by component: " + (c.counters().dropsByComponent().isEmpty() ? "none" : join(c.counters().dropsByComponent())));
                if (!c.counters().lastDropReason().isEmpty()) {
                    out.println("  last drop reason: " + join(c.counters().lastDropReason()));
                }
            } else if (o instanceof ToolOutputs.NetstatOutput n) {
                out.println("  counters: " + join(n.counters()));
            } else if (o instanceof ToolOutputs.EthtoolStatsOutput s) {
                out.println("  " + s.counters().size() + " counters; NIC checksum-error counters: "
                        + (s.checksumErrorCounters().isEmpty() ? "none" : join(s.checksumErrorCounters())));
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
