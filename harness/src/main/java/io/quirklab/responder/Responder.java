package io.quirklab.responder;

import io.quirklab.bmc.Exchange;
import io.quirklab.bmc.LanStation;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.ReplyFrameBuilder;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
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
 * Owns personas on one segment: answers ARP for their addresses and NDP neighbour solicitations for their IPv6 ones
 * (as a host owning them does), ICMP and ICMPv6 echo, hands RMCP datagrams to each persona's simulated BMC, and sends
 * every reply as the frames built from the persona's quirk profile. Every request seen and reply sent goes into the
 * {@link ResponderJournal}.
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
            // LAN configuration reports the persona's own address, MAC and VLAN tag (segments are /24)
            this.bmc.model().station(new LanStation(persona.address(), persona.mac().bytes(), 24,
                    RMCP_PORT, persona.quirks().get(QuirkField.VLAN_ID).orElse(0)));
            this.ids = new AtomicInteger(firstId);
        }
    }

    /**
     * The personas served, swapped whole by {@link #replacePersonas}; the frame loop reads one snapshot per frame. An IPv6
     * persona is in {@code byAddress6} too.
     */
    private record Served(Map<Inet4Address, Live> byAddress, Map<MacAddress, Live> byMac, Map<Inet6Address, Live> byAddress6) {
        static Served of(List<Persona> personas) {
            return of(personas, Map.of());
        }

        /**
         * A persona that stays as it was (the same object, or an equal one) keeps its BMC (sessions) and IP ID counter: an agent replaces the
         * set whenever one run's personas change, and the other runs' sessions must not notice.
         */
        static Served of(List<Persona> personas, Map<Inet4Address, Live> previous) {
            Map<Inet4Address, Live> byAddress = new LinkedHashMap<>();
            Map<MacAddress, Live> byMac = new HashMap<>();
            Map<Inet6Address, Live> byAddress6 = new HashMap<>();
            for (Persona p : personas) {
                Live old = previous.get(p.address());
                // A random starting point per persona, as stacks do: "fresh" IDs of two personas do not march in step,
                // and a run does not repeat the (address, ID) pairs of the run before, whose lone fragments the DUT's
                // stack still holds for 30 s (it would drop the new ones as duplicates: evidence that depends on the
                // run before).
                Live l = old != null && (old.persona == p || old.persona.equals(p)) ? old
                        : new Live(p, java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 0x10000));
                if (byAddress.put(p.address(), l) != null || byMac.put(p.mac(), l) != null
                        || p.address6() != null && byAddress6.put(p.address6(), l) != null) {
                    throw new IllegalArgumentException("persona " + p.name() + " shares its address or MAC with another");
                }
            }
            return new Served(java.util.Collections.unmodifiableMap(byAddress), Map.copyOf(byMac), Map.copyOf(byAddress6));
        }
    }

    private volatile Served served;
    /** Persona name -> the probe now running for it (frames are tagged with it in the journal). */
    private final Map<String, String> probes = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Probe -> replies handed to the interface and not yet journaled (guarded by itself). The kernel can drop a reply, the
     * harness see that drop and ask for the probe's journal, all before the thread that sent the reply has written it down:
     * a probe's journal waits for those (see {@link #journalPage}).
     */
    private final Map<String, Integer> sending = new HashMap<>();
    /** How long a probe's journal waits for replies still being sent: a send is microseconds, this only bounds a stall. */
    public static final Duration SENDING_WAIT = Duration.ofSeconds(2);
    private final Inet4Address base;
    /** An address in the /64 of the IPv6 personas it started with (a replacement set keeps to it), or null. */
    private final Inet6Address subnet6;
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
        this(personas, tap, injector, journal, log, null);
    }

    /**
     * @param base the first address for personas a replacement catalogue gives none ({@link ControlRequest.PutPersonas}),
     *             or null for the catalogue default
     */
    public Responder(List<Persona> personas, FrameTap tap, FrameInjector injector, ResponderJournal journal, Consumer<String> log,
                     Inet4Address base) {
        this.served = Served.of(personas);
        this.base = base;
        this.subnet6 = personas.stream().map(Persona::address6).filter(java.util.Objects::nonNull).findFirst().orElse(null);
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
            Served now = served;
            if (parsed.isEmpty() || now.byMac().containsKey(parsed.get().src())) {
                return; // not Ethernet, or one of our own frames looped back
            }
            ParsedFrame f = parsed.get();
            if (f.arp().isPresent()) {
                arp(c, f, now);
            } else if (f.ipv6().isPresent()) {
                ipv6(c, f, now);
            } else if (f.ipv4().isPresent()) {
                Live l = now.byAddress().get(f.ipv4().get().dst());
                if (l == null) {
                    return;
                }
                if (f.icmpEcho().isPresent()) {
                    String peer = f.ipv4().get().src().getHostAddress();
                    ReplyFrameBuilder.icmpEchoReply(f, l.persona.mac()).ifPresent(reply -> {
                        String probe = probes.get(l.persona.name());
                        journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, ResponderJournal.Kind.ICMP, peer,
                                probe, c.data(), "echo request");
                        send(l, ResponderJournal.Kind.ICMP, peer, probe, reply, "echo reply");
                    });
                } else if (f.udp().isPresent() && f.udp().get().dstPort() == RMCP_PORT) {
                    rmcp(c, f, l);
                }
            }
        } catch (RuntimeException e) {
            log.accept("error handling a frame (" + e + "); frame dropped");
        }
    }

    private void arp(FrameTap.Captured c, ParsedFrame f, Served now) {
        ParsedFrame.Arp a = f.arp().get();
        Live l = now.byAddress().get(a.targetIp());
        if (l == null || a.op() != 1) {
            return;
        }
        String peer = a.senderIp().getHostAddress();
        ReplyFrameBuilder.arpReply(f, l.persona.address(), l.persona.mac()).ifPresent(reply -> {
            String probe = probes.get(l.persona.name());
            journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, ResponderJournal.Kind.ARP, peer, probe,
                    c.data(), "who-has " + a.targetIp().getHostAddress() + " tell " + peer);
            send(l, ResponderJournal.Kind.ARP, peer, probe, reply, a.targetIp().getHostAddress() + " is-at " + l.persona.mac());
        });
    }

    /** IPv6 to a persona's IPv6 address: neighbour solicitations, echo requests and RMCP; anything else is ignored. */
    private void ipv6(FrameTap.Captured c, ParsedFrame f, Served now) {
        ParsedFrame.Ipv6 ip = f.ipv6().get();
        Optional<ParsedFrame.Icmp6> icmp = f.icmp6();
        String peer = PersonaCatalogue.compact(ip.src());
        if (icmp.isPresent() && icmp.get().type() == ParsedFrame.Icmp6.NEIGHBOR_SOLICITATION && icmp.get().target() != null) {
            // a solicitation goes to the target's solicited-node multicast address: find the persona by its target
            Live l = now.byAddress6().get(icmp.get().target());
            if (l == null) {
                return;
            }
            ReplyFrameBuilder.neighborAdvertisement(f, l.persona.address6(), l.persona.mac()).ifPresent(reply -> {
                String probe = probes.get(l.persona.name());
                String target = PersonaCatalogue.compact(icmp.get().target());
                journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, ResponderJournal.Kind.NDP, peer, probe,
                        c.data(), "who-has " + target + " tell " + peer);
                send(l, ResponderJournal.Kind.NDP, peer, probe, reply, target + " is-at " + l.persona.mac());
            });
            return;
        }
        Live l = now.byAddress6().get(ip.dst());
        if (l == null) {
            return;
        }
        if (icmp.isPresent()) {
            ReplyFrameBuilder.icmp6EchoReply(f, l.persona.address6(), l.persona.mac()).ifPresent(reply -> {
                String probe = probes.get(l.persona.name());
                journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, ResponderJournal.Kind.ICMP, peer, probe,
                        c.data(), "echo6 request");
                send(l, ResponderJournal.Kind.ICMP, peer, probe, reply, "echo6 reply");
            });
        } else if (f.udp().isPresent() && f.udp().get().dstPort() == RMCP_PORT) {
            rmcp(c, f, l);
        }
    }

    private void rmcp(FrameTap.Captured c, ParsedFrame f, Live l) {
        requests.incrementAndGet();
        InetAddress src = f.ipSource().get();
        ParsedFrame.Udp udp = f.udp().get();
        Exchange e = l.bmc.handle(udp.payload(), new InetSocketAddress(src, udp.srcPort()));
        String peer = (src instanceof Inet6Address ? "[" + PersonaCatalogue.compact(src) + "]" : src.getHostAddress()) + ":" + udp.srcPort();
        String probe = probes.get(l.persona.name());
        String header = f.ipv4().map(ip -> "id 0x" + ParsedFrame.hex4(ip.id()) + (ip.dontFragment() ? " DF" : "")).orElse("IPv6");
        journal.add(c.timestampMicros(), l.persona.name(), ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, peer, probe,
                c.data(), header + ": " + e.summary()); // no String.format: its regex parse was the hot path
        if (!e.answered()) {
            return;
        }
        QuirkProfile q = l.persona.quirks();
        InetAddress self = f.ipv6().isPresent() ? l.persona.address6() : l.persona.address();
        byte[] payload = ChecksumTuner.replyPayload(e.reply(), f, self, q);
        List<byte[]> frames = ReplyFrameBuilder.udpReplies(f, self, l.persona.mac(), payload, q, () -> l.ids.getAndIncrement() & 0xFFFF);
        List<String> summaries = frames.stream().map(fr -> ParsedFrame.parse(fr).map(ParsedFrame::toString).orElse("reply")).toList();
        int copies = q.effective(QuirkField.DUPLICATE) ? 2 : 1;
        Runnable sendAll = () -> {
            sendingBegins(probe);
            try {
                for (int i = 0; i < copies; i++) {
                    for (int k = 0; k < frames.size(); k++) {
                        send(l, ResponderJournal.Kind.RMCP, peer, probe, frames.get(k), summaries.get(k));
                    }
                }
            } finally {
                sendingEnds(probe);
            }
        };
        if (q.effective(QuirkField.DELAY_MILLIS) > 0) {
            delayed.schedule(sendAll, q.effective(QuirkField.DELAY_MILLIS), TimeUnit.MILLISECONDS);
        } else {
            sendAll.run();
        }
    }

    private void sendingBegins(String probe) {
        if (probe != null) {
            synchronized (sending) {
                sending.merge(probe, 1, Integer::sum);
            }
        }
    }

    private void sendingEnds(String probe) {
        if (probe != null) {
            synchronized (sending) {
                sending.computeIfPresent(probe, (k, n) -> n > 1 ? n - 1 : null);
                sending.notifyAll();
            }
        }
    }

    /** Waits, at most {@code max}, until no reply of the probe is between the interface and the journal; false if one still is. */
    public boolean awaitSent(String probe, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (sending) {
            while (sending.containsKey(probe)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sending, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void send(Live l, ResponderJournal.Kind kind, String peer, String probe, byte[] frame, String summary) {
        try {
            long at = injector.send(frame);
            journal.add(at, l.persona.name(), ResponderJournal.Direction.OUT, kind, peer, probe, frame, summary);
            if (kind == ResponderJournal.Kind.RMCP) {
                replies.incrementAndGet();
            }
        } catch (IOException e) {
            sendErrors.incrementAndGet();
            log.accept("send failed for " + l.persona.name() + ": " + e.getMessage());
        }
    }

    /** The control API's answer to one request. */
    public Object control(ControlRequest rq) {
        if (rq instanceof ControlRequest.Status) {
            return status();
        } else if (rq instanceof ControlRequest.Journal j) {
            return journalPage(j);
        } else if (rq instanceof ControlRequest.ProbeBegin b) {
            knownPersona(b.persona());
            probes.put(b.persona(), requireText(b.probe(), "probe"));
            return new ControlReply.Ack(true, "probe " + b.probe() + " on " + b.persona());
        } else if (rq instanceof ControlRequest.ProbeEnd e) {
            probes.remove(requireText(e.persona(), "persona"), e.probe());
            return new ControlReply.Ack(true, "probe " + e.probe() + " ended");
        } else if (rq instanceof ControlRequest.PutPersonas put) {
            Inet4Address first = base != null ? base : PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE);
            // the lab's address rules hold for a replaced set too: its /24, not its network or broadcast address
            PersonaCatalogue c = PersonaCatalogue.parse("the catalogue sent to the responder", requireText(put.catalogue(), "catalogue"),
                    first, subnet6 == null ? PersonaCatalogue.Segment.around(first, java.util.Optional.empty(), "this responder")
                            : PersonaCatalogue.Segment.around(first, java.util.Optional.empty(), "this responder").withIpv6Subnet(subnet6));
            replacePersonas(c.personas());
            return status();
        } else if (rq instanceof ControlRequest.Shutdown) {
            close();
            return new ControlReply.Ack(true, "stopping");
        }
        throw new IllegalArgumentException("unknown request " + rq);
    }

    /** Serves {@code personas} instead of the current set, at once and whole; refused (nothing changes) when invalid. */
    public void replacePersonas(List<Persona> personas) {
        Served next;
        synchronized (this) {
            next = Served.of(personas, served.byAddress());
            served = next;
        }
        probes.keySet().retainAll(next.byAddress().values().stream().map(l -> l.persona.name()).toList());
        log.accept("now serving " + personas.size() + " personas");
    }

    private void knownPersona(String name) {
        requireText(name, "persona");
        if (served.byAddress().values().stream().noneMatch(l -> l.persona.name().equals(name))) {
            throw new IllegalArgumentException("no persona '" + name + "' on this responder");
        }
    }

    private static String requireText(String s, String field) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("the request needs '" + field + "'");
        }
        return s;
    }

    private ControlReply.Status status() {
        List<ControlReply.PersonaView> ps = new ArrayList<>();
        for (Live l : served.byAddress().values()) {
            Persona p = l.persona;
            ps.add(new ControlReply.PersonaView(p.name(), p.address().getHostAddress(), p.mac().toString(), p.expected().name(),
                    p.description(), p.bmc().ipmi20() ? "2.0" : "1.5", PersonaYaml.served(p), p.bmc().maxSessions(),
                    Math.toIntExact(p.bmc().idleTimeout().toSeconds()), p.address6() == null ? null : PersonaCatalogue.compact(p.address6())));
        }
        return new ControlReply.Status(ProcessHandle.current().pid(), startedMillis, framesSeen.get(), requests.get(), replies.get(),
                sendErrors.get(), journal.size(), journal.evicted(), journal.cursor(), ps);
    }

    private ControlReply.JournalPage journalPage(ControlRequest.Journal rq) {
        List<ResponderJournal.Entry> entries;
        boolean more = false;
        long cursor = journal.cursor();
        if (rq.probe() != null) {
            if (!awaitSent(rq.probe(), SENDING_WAIT)) {
                log.accept("probe " + rq.probe() + ": a reply was still being sent after " + SENDING_WAIT.toSeconds()
                        + " s; its journal may lack it");
            }
            entries = journal.probe(rq.probe());
        } else {
            entries = journal.since(rq.since() == null ? 0 : rq.since(), rq.persona(), rq.pageSize() + 1);
            more = entries.size() > rq.pageSize();
            if (more) {
                entries = entries.subList(0, rq.pageSize());
            }
            cursor = rq.since() == null ? 0 : Math.max(rq.since(), 0);
            if (!more) {
                cursor = journal.cursor();
            }
        }
        String pcap = null;
        String pcapError = null;
        if (rq.pcap() != null) {
            try {
                ResponderJournal.writePcap(Path.of(rq.pcap()), entries);
                pcap = rq.pcap();
            } catch (IOException e) {
                pcapError = e.getMessage();
            }
        }
        return ControlReply.JournalPage.of(entries, cursor, more, journal.evicted(), pcap, pcapError);
    }

    /** The simulated BMC behind the persona at {@code address}, if there is one (for tests). */
    Optional<SimulatedBmc> bmc(Inet4Address address) {
        return Optional.ofNullable(served.byAddress().get(address)).map(l -> l.bmc);
    }

    public List<Persona> personas() {
        List<Persona> out = new ArrayList<>();
        served.byAddress().values().forEach(l -> out.add(l.persona));
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
