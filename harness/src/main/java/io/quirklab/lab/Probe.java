package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quirklab.bmc.BmcConfig;
import io.quirklab.client.CallOutcome;
import io.quirklab.client.ClientCommands;
import io.quirklab.client.ClientOptions;
import io.quirklab.client.Failure;
import io.quirklab.client.IpmiCall;
import io.quirklab.client.Lanplus;
import io.quirklab.client.ToolClient;
import io.quirklab.process.CommandRunner;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.DutCapture;
import io.quirklab.observe.Evidence;
import io.quirklab.observe.OsReport;
import io.quirklab.observe.VerdictRules;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.SocketControl;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One exchange on a lab, observed at every point: the client's outcome (4), the DUT capture (2b), OS counters (3)
 * and the responder's journal (1, 2). The verdict comes from {@link VerdictRules} over that evidence only.
 */
public final class Probe {
    /** The clients a probe can drive, each asking for the device ID inside a session. */
    public enum ClientKind {
        /** The project's own client, IPMI 1.5 session. */
        JAVA_LAN("java-lan", null, false),
        /** The project's own client, RMCP+ session with the strongest common cipher suite. */
        JAVA_LANPLUS("java-lanplus", null, true),
        IPMITOOL_LAN("ipmitool-lan", ToolClient.IPMITOOL_LAN, false),
        IPMITOOL_LANPLUS("ipmitool-lanplus", ToolClient.IPMITOOL_LANPLUS, true),
        IPMIUTIL("ipmiutil", ToolClient.IPMIUTIL, false),
        FREEIPMI("freeipmi", ToolClient.FREEIPMI, false);

        private final String id;
        private final ToolClient tool;
        private final boolean lanplus;

        ClientKind(String id, ToolClient tool, boolean lanplus) {
            this.id = id;
            this.tool = tool;
            this.lanplus = lanplus;
        }

        /** The id used in matrices, test names and on the command line. */
        public String id() {
            return id;
        }

        /** Needs a persona that speaks IPMI 2.0. */
        public boolean lanplus() {
            return lanplus;
        }

        /** The wrapped tool, or null for the Java client. */
        public ToolClient tool() {
            return tool;
        }

        /** Accepts the ids above and the short forms java, ipmitool (both IPMI 1.5), ipmiutil-lan, freeipmi-lan. */
        public static ClientKind parse(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            String canonical = switch (t) {
                case "java" -> "java-lan";
                case "ipmitool" -> "ipmitool-lan";
                case "ipmiutil-lan" -> "ipmiutil";
                case "freeipmi-lan" -> "freeipmi";
                default -> t;
            };
            for (ClientKind k : values()) {
                if (k.id.equals(canonical)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown client '" + s + "' (" + String.join(", ", ids()) + ")");
        }

        public static List<String> ids() {
            return java.util.Arrays.stream(values()).map(ClientKind::id).toList();
        }
    }

    /**
     * What one probe found.
     *
     * @param persona      persona name
     * @param address      its address
     * @param client       client id
     * @param expected     the verdict a correct stack gives this persona
     * @param verdict      the verdict from the evidence
     * @param reason       reason token or null
     * @param explanation  which evidence said so
     * @param evidence     the evidence record
     * @param clientOutput what the client printed (tools) or its outcome message (Java)
     * @param durationMillis wall time of the exchange
     * @param responderPcap the responder's view of the exchange, or null
     * @param reasonSource  which evidence source named the reason (snmp, kfree_skb, capture, ...), or null
     */
    public record Result(String persona, String address, String client, String expected, Verdict verdict, String reason,
                         String explanation, Evidence evidence, @JsonProperty("client_output") String clientOutput,
                         @JsonProperty("duration_ms") long durationMillis, @JsonProperty("responder_pcap") String responderPcap,
                         @JsonProperty("reason_source") String reasonSource) {
        public boolean asExpected() {
            return verdict.name().equals(expected);
        }
    }

    private final LabState lab;
    private static final io.quirklab.host.HostAdapter HOST = io.quirklab.host.HostAdapter.detect();
    private final CommandRunner runner = new CommandRunner();

    private final java.util.Map<String, Path> clientPaths;
    /** How long the Java client waits for each reply (one retry): repeated probes on a lab with a millisecond RTT wait less. */
    private final Duration javaTimeout;

    public Probe(LabState lab) {
        this(lab, java.util.Map.of());
    }

    private Probe(LabState lab, java.util.Map<String, Path> clientPaths, Duration javaTimeout) {
        this.lab = lab;
        this.clientPaths = java.util.Map.copyOf(clientPaths);
        this.javaTimeout = javaTimeout;
    }

    /** The same probe on another state of the lab (a persona set replaced at run time). */
    public Probe on(LabState other) {
        return new Probe(other, clientPaths, javaTimeout);
    }

    /** The same probe with another reply timeout for the Java client (the tools keep their own). */
    public Probe withJavaTimeout(Duration timeout) {
        return new Probe(lab, clientPaths, timeout);
    }

    /**
     * @param lab         the lab
     * @param clientPaths tool family (ipmitool, ipmiutil, freeipmi) -> its binary, from the lab file; others on the PATH
     */
    public Probe(LabState lab, java.util.Map<String, Path> clientPaths) {
        this(lab, clientPaths, Duration.ofSeconds(1));
    }

    /** Runs one exchange and derives its verdict; never throws for a failing cell (that is a verdict). */
    public Result run(String personaName, ClientKind client, Path evidenceDir) throws IOException {
        LabState.PersonaInfo p = lab.persona(personaName);
        Inet4Address address = (Inet4Address) InetAddress.getByName(p.address());
        Files.createDirectories(evidenceDir);
        ToolClient tool = client.tool();
        Path binary = tool == null ? null : clientPaths.get(tool.family());
        if (tool != null && !tool.available(binary)) {
            return harnessError(p, client, binary != null ? binary + " is not an executable file (client-paths of the lab file)"
                    : tool.installHint());
        }
        ResponderControl control = new SocketControl(Path.of(lab.controlSocket()));
        String probeId = personaName + "/" + client.id() + "/" + java.util.UUID.randomUUID();
        control.beginProbe(personaName, probeId);
        long start = System.nanoTime();
        Evidence.Client outcome;
        String output;
        DutCapture.Frames frames;
        OsReport os;
        try (DutCapture capture = DutCapture.start(lab.dutInterface(), address);
             io.quirklab.observe.EvidenceSession osEvidence = HOST.beginDropEvidence(lab.dutInterface(), evidenceDir)) {
            if (tool == null) {
                ClientOptions o = ClientOptions.of(p.address(), 623, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD)
                        .withTimeout(javaTimeout, 1);
                if (client.lanplus()) {
                    o = o.withLanplus(Lanplus.bestSuite());
                }
                CallOutcome<?> r = IpmiCall.run(o, true, ClientCommands::mcInfo);
                outcome = Evidence.Client.of(r);
                output = r.ok() ? String.valueOf(r.value()) : r.message();
            } else {
                CommandRunner.Result r = runner.run(tool.cellBudget(),
                        tool.command(ToolClient.Operation.MC_INFO, ToolClient.Target.of(p.address(), 623, BmcConfig.DEFAULT_USER,
                                BmcConfig.DEFAULT_PASSWORD), binary));
                outcome = Evidence.Client.of(ToolClient.outcome(r), r.exitCode());
                output = (r.stdout() + r.stderr()).strip();
            }
            frames = capture.stop();
            // drops the OS ties to packets (PktMon) count only when they are this persona's replies
            os = osEvidence.end().forFlows(List.of(new OsReport.Flow(p.address(), 0, null, 0)));
        }
        long durationMillis = (System.nanoTime() - start) / 1_000_000;
        control.endProbe(personaName, probeId);
        Path dutPcap = evidenceDir.resolve("dut.pcap");
        frames.writePcap(dutPcap);
        Path responderPcap = evidenceDir.resolve("responder.pcap");
        ControlReply.JournalPage journal = control.journal(ControlRequest.Journal.ofProbe(probeId, responderPcap.toAbsolutePath().toString()));
        int requestsSeen = (int) journal.requestsSeen();
        int repliesSent = (int) journal.repliesSent();
        if (tool != null) {
            // A tool does not say how many requests it sent or how many answers it read: the responder saw the
            // requests, and what the stack handed to sockets is what got through.
            long toSockets = Math.min(os.counter(io.quirklab.observe.SnmpCounters.UDP_IN_DATAGRAMS), frames.summary().replies());
            outcome = new Evidence.Client(outcome.failure(), outcome.message(), outcome.exitCode(), requestsSeen,
                    outcome.ok() ? Math.max(toSockets, 1) : toSockets);
        }
        Evidence e = new Evidence(outcome, requestsSeen, repliesSent, frames.summary(), os, false, dutPcap);
        VerdictRules.Decision d = VerdictRules.decide(e);
        return new Result(p.name(), p.address(), client.id(), p.expected(), d.verdict(), d.reason(), d.explanation(), e, output,
                durationMillis, responderPcap.toString(), reasonSource(d));
    }

    private Result harnessError(LabState.PersonaInfo p, ClientKind client, String why) {
        Evidence e = new Evidence(new Evidence.Client(Failure.IO_ERROR, why, null, 0, 0), 0, 0, null, OsReport.none(), false, null);
        return new Result(p.name(), p.address(), client.id(), p.expected(), Verdict.HARNESS_ERROR, "MISSING_TOOL", why, e, why, 0, null, "harness");
    }

    /** The source of a decision's reason, as far as the rules say. */
    private static String reasonSource(VerdictRules.Decision d) {
        return d.reason() == null ? null : d.source();
    }

    public static List<ClientKind> allClients() {
        return List.of(ClientKind.values());
    }
}
