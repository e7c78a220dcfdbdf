package io.quirklab.responder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quirklab.bmc.Exchange;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.ReplyFrameBuilder;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Owns personas on one segment: answers ARP for their addresses and ICMP echo, hands RMCP datagrams to each
 * persona's simulated BMC, and sends every reply as a frame built from the persona's quirk profile. Every request
 * seen and reply sent goes into the {@link ResponderJournal}.
 */
public final class Responder implements AutoCloseable {
    public static final int RMCP_PORT = 623;

    /** One persona at run time: its definition, its BMC and its IP ID counter. */
    private static final class Live {
        final Persona persona;
        final SimulatedBmc bmc;
        final AtomicInteger ids;

        Live(Persona persona, int firstId) {
            this.persona = persona;
            this.bmc = new SimulatedBmc(persona.bmc());
            this.ids = new AtomicInteger(firstId);
        }
    }

    private final Map<Inet4Address, Live> byAddress = new LinkedHashMap<>();
    private final Map<MacAddress, Live> byMac = new HashMap<>();
    private final FrameTap tap;
    private final FrameInjector injector;
    private final ResponderJournal journal;
    private final Consumer<String> log;
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "responder-delayed");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong framesSeen = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile boolean running = true;
    private final long startedMillis = System.currentTimeMillis();

    public Responder(List<Persona> personas, FrameTap tap, FrameInjector injector, ResponderJournal journal, Consumer<String> log) {
        int i = 0;
        for (Persona p : personas) {
            // Distinct starting points per persona so "fresh" IDs of two personas never march in step.
            Live l = new Live(p, 0x1000 * (++i) + 1);
            if (byAddress.put(p.address(), l) != null || byMac.put(p.mac(), l) != null) {
                throw new IllegalArgumentException("persona " + p.name() + " shares its address or MAC with another");
            }
        }
        this.tap = tap;
        this.injector = injector;
        this.journal = journal;
        this.log = log;
    }

    public ResponderJournal journal() {
        return journal;
    }

    /** Serves until {@link #close()}, the lifetime ends, or the interface goes away. */
    public void run(Duration maxLifetime) {
        long deadline = System.nanoTime() + maxLifetime.toNanos();
        while (running && System.nanoTime() < deadline) {
            Optional<FrameTap.Captured> c;
            try {
                c = tap.next(Duration.ofMillis(200));
            } catch (IOException e) {
                if (running) {
                    log.accept("capture failed, stopping: " + e.getMessage());
                }
                break;
            }
            c.ifPresent(this::handle);
        }
        if (running && System.nanoTime() >= deadline) {
            log.accept("maximum lifetime of " + maxLifetime.toHours() + " h reached, stopping");
        }
        running = false;
    }

    /** Handles one captured frame; never throws. */
    void handle(FrameTap.Captured c) {
        framesSeen.incrementAndGet();
        try {
            Optional<ParsedFrame> parsed = ParsedFrame.parse(c.data());
            if (parsed.isEmpty() || byMac.containsKey(parsed.get().src())) {
                return; // not Ethernet, or one of our own frames looped back
            }
            ParsedFrame f = parsed.get();
            if (f.arp().isPresent()) {
                arp(c, f);
            } else if (f.ipv4().isPresent()) {
                Live l = byAddress.get(f.ipv4().get().dst());
                if (l == null) {
                    return;
                }
                if (f.icmpEcho().isPresent()) {
                    ReplyFrameBuilder.icmpEchoReply(f, l.persona.mac()).ifPresent(reply -> {
                        journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, "icmp", c.data(), "echo request");
                        send(l, "icmp", reply, "echo reply");
                    });
                } else if (f.udp().isPresent() && f.udp().get().dstPort() == RMCP_PORT) {
                    rmcp(c, f, l);
                }
            }
        } catch (RuntimeException e) {
            log.accept("error handling a frame (" + e + "); frame dropped");
        }
    }

    private void arp(FrameTap.Captured c, ParsedFrame f) {
        ParsedFrame.Arp a = f.arp().get();
        Live l = byAddress.get(a.targetIp());
        if (l == null || a.op() != 1) {
            return;
        }
        ReplyFrameBuilder.arpReply(f, l.persona.address(), l.persona.mac()).ifPresent(reply -> {
            journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, "arp", c.data(),
                    "who-has " + a.targetIp().getHostAddress() + " tell " + a.senderIp().getHostAddress());
            send(l, "arp", reply, a.targetIp().getHostAddress() + " is-at " + l.persona.mac());
        });
    }

    private void rmcp(FrameTap.Captured c, ParsedFrame f, Live l) {
        requests.incrementAndGet();
        ParsedFrame.Ipv4 ip = f.ipv4().get();
        ParsedFrame.Udp udp = f.udp().get();
        Exchange e = l.bmc.handle(udp.payload(), new InetSocketAddress(ip.src(), udp.srcPort()));
        journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, "rmcp", c.data(),
                "id 0x" + ParsedFrame.hex4(ip.id()) + (ip.dontFragment() ? " DF" : "") + ": " + e.summary()); // no String.format: its regex parse was the hot path
        if (!e.answered()) {
            return;
        }
        QuirkProfile q = l.persona.quirks();
        byte[] payload = ChecksumTuner.replyPayload(e.reply(), f, l.persona.address(), q);
        byte[] frame = ReplyFrameBuilder.udpReply(f, l.persona.address(), l.persona.mac(), payload, q, () -> l.ids.getAndIncrement() & 0xFFFF);
        String summary = ParsedFrame.parse(frame).map(ParsedFrame::toString).orElse("reply");
        int copies = q.effectiveDuplicate() ? 2 : 1;
        Runnable sendAll = () -> {
            for (int i = 0; i < copies; i++) {
                send(l, "rmcp", frame, summary);
            }
        };
        if (q.effectiveDelayMillis() > 0) {
            delayed.schedule(sendAll, q.effectiveDelayMillis(), TimeUnit.MILLISECONDS);
        } else {
            sendAll.run();
        }
    }

    private void send(Live l, String kind, byte[] frame, String summary) {
        try {
            long at = injector.send(frame);
            journal.add(at, l.persona.name(), ResponderJournal.Direction.OUT, kind, frame, summary);
            if (kind.equals("rmcp")) {
                replies.incrementAndGet();
            }
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            log.accept("send failed for " + l.persona.name() + ": " + e.getMessage());
        }
    }

    /** The control API's answer to one request. */
    public Object control(JsonNode rq) {
        String op = rq.get("op").asText();
        return switch (op) {
            case "status" -> status();
            case "journal" -> journalWindow(rq);
            case "shutdown" -> {
                close();
                yield ControlChannel.json().createObjectNode().put("stopping", true);
            }
            default -> ControlChannel.error("unknown op '" + op + "' (status, journal, shutdown)");
        };
    }

    private ObjectNode status() {
        ObjectNode s = ControlChannel.json().createObjectNode();
        s.put("pid", ProcessHandle.current().pid());
        s.put("started_millis", startedMillis);
        s.put("frames_seen", framesSeen.get()).put("requests", requests.get()).put("replies", replies.get())
                .put("send_errors", sendErrors.get()).put("journal_entries", journal.size()).put("journal_evicted", journal.evicted());
        ArrayNode ps = s.putArray("personas");
        for (Live l : byAddress.values()) {
            Persona p = l.persona;
            ObjectNode n = ps.addObject();
            n.put("name", p.name()).put("address", p.address().getHostAddress()).put("mac", p.mac().toString())
                    .put("expected", p.expected().name()).put("description", p.description())
                    .put("ipmi", p.bmc().ipmi20() ? "2.0" : "1.5");
            ArrayNode q = n.putArray("quirks");
            QuirkNames.describe(p.quirks()).forEach(q::add);
            p.bmc().quirks().forEach(fq -> q.add("firmware=" + fq.cliName()));
        }
        return s;
    }

    private ObjectNode journalWindow(JsonNode rq) {
        long from = rq.path("from").asLong(0);
        long to = rq.path("to").asLong(Long.MAX_VALUE);
        String persona = rq.hasNonNull("persona") ? rq.get("persona").asText() : null;
        List<ResponderJournal.Entry> entries = journal.window(from, to, persona);
        ObjectNode out = ControlChannel.json().createObjectNode();
        long in = entries.stream().filter(e -> e.kind().equals("rmcp") && e.direction() == ResponderJournal.Direction.IN).count();
        long sent = entries.stream().filter(e -> e.kind().equals("rmcp") && e.direction() == ResponderJournal.Direction.OUT).count();
        out.put("requests_seen", in).put("replies_sent", sent);
        ArrayNode arr = out.putArray("entries");
        for (ResponderJournal.Entry e : entries) {
            arr.addObject().put("ts", e.timestampMicros()).put("persona", e.persona()).put("dir", e.direction().name())
                    .put("kind", e.kind()).put("len", e.frame().length).put("summary", e.summary());
        }
        if (rq.hasNonNull("pcap")) {
            try {
                ResponderJournal.writePcap(Path.of(rq.get("pcap").asText()), entries);
                out.put("pcap", rq.get("pcap").asText());
            } catch (IOException e) {
                out.put("pcap_error", e.getMessage());
            }
        }
        return out;
    }

    public List<Persona> personas() {
        List<Persona> out = new ArrayList<>();
        byAddress.values().forEach(l -> out.add(l.persona));
        return out;
    }

    public boolean running() {
        return running;
    }

    @Override
    public void close() {
        running = false;
        delayed.shutdownNow();
    }
}
