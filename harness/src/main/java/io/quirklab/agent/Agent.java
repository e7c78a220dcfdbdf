package io.quirklab.agent;

import io.quirklab.input.InputFile;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.Responder;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.PcapFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The remote responder agent without its HTTP front: one {@link Responder} on the segment, shared by several runs,
 * each under a {@link AgentApi.Lease lease}. A run's personas are served under the name {@code LEASE/NAME} (so two
 * runs can both have a "clean"), with a MAC derived from the address (so two catalogues never clash), and every read
 * of the journal is scoped to the lease's own personas. Addresses are probed with ARP before they are used and
 * released when the lease ends or expires.
 */
public final class Agent implements AutoCloseable {
    static final int DEFAULT_TTL = 30;
    static final int MIN_TTL = 2;
    static final int MAX_TTL = 3600;
    /** Most leases at once: each holds a persona set; a bound keeps a misbehaving client from filling memory. */
    static final int MAX_LEASES = 128;
    /**
     * Most leases one machine (client address) holds at once: a run needs one, a machine rarely runs more than a few at
     * once, and one token holder cannot take every lease from the others.
     */
    static final int MAX_LEASES_PER_PEER = 8;
    /** The longest a text field of a lease (run, holder, host) may be. */
    static final int MAX_FIELD = 200;
    static final int MAX_PERSONAS_PER_LEASE = 256;
    private static final char SEP = '/';
    /** How persona address refusals name the segment the agent serves. */
    private static final String SEGMENT = "the agent's segment";

    /** One live lease, the machine that claimed it, and the personas it serves (public name -> persona as served). */
    private static final class Held {
        final String id;
        final AgentApi.LeaseRequest request;
        final InetAddress owner;
        final int ttl;
        volatile long expiresMillis;
        Map<String, Persona> personas = Map.of();

        Held(String id, AgentApi.LeaseRequest request, InetAddress owner, int ttl, long expiresMillis) {
            this.id = id;
            this.request = request;
            this.owner = owner;
            this.ttl = ttl;
            this.expiresMillis = expiresMillis;
        }

        /** The lease as its own run sees it, id included. */
        AgentApi.Lease view() {
            return new AgentApi.Lease(id, request.run(), request.holder(), request.host(), owner.getHostAddress(), ttl, expiresMillis,
                    personas.values().stream().map(p -> p.address().getHostAddress()).toList());
        }

        /** The lease as another machine sees it: who holds which addresses, never the id that acts on it. */
        AgentApi.Lease publicView() {
            AgentApi.Lease v = view();
            return new AgentApi.Lease(null, v.run(), v.holder(), v.host(), v.peer(), v.ttlSeconds(), v.expiresMillis(), v.addresses());
        }

        /** For log lines: the fields as sent, control characters escaped. */
        String logged() {
            return "run " + InputFile.printable(request.run()) + " (holder " + InputFile.printable(request.holder()) + " on host "
                    + InputFile.printable(request.host()) + " at " + owner.getHostAddress() + ")";
        }
    }

    private final Responder responder;
    private final ArpGuard arp;
    private final Consumer<String> log;
    private final LongSupplier clock;
    private final Map<String, Held> leases = new LinkedHashMap<>();
    /** Addresses a lease is probing right now: no second lease may probe or claim them meanwhile. */
    private final Map<Inet4Address, String> pending = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final long startedMillis;
    /** The catalogue a {@code PUT /personas} without one gets: the agent's --personas file, else the built-in one. */
    private final String defaultSource;
    private final String defaultCatalogue;

    Agent(Responder responder, ArpGuard arp, LongSupplier clock, Consumer<String> log, String defaultSource, String defaultCatalogue) {
        this.defaultSource = defaultSource;
        this.defaultCatalogue = defaultCatalogue;
        this.responder = responder;
        this.arp = arp;
        this.clock = clock;
        this.log = log;
        this.startedMillis = clock.getAsLong();
        expiry.scheduleWithFixedDelay(() -> {
            try {
                expire();
            } catch (RuntimeException e) {
                log.accept("lease expiry failed: " + e);
            }
        }, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private final java.util.concurrent.ScheduledExecutorService expiry = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-lease-expiry");
        t.setDaemon(true);
        return t;
    });

    long uptimeSeconds() {
        return (clock.getAsLong() - startedMillis) / 1000;
    }

    public Responder responder() {
        return responder;
    }

    // ---- leases

    /**
     * A new lease for the machine at {@code peer}: only that machine can act on it (renew, release, personas, probes,
     * evidence), and it holds at most {@link #MAX_LEASES_PER_PEER} at once.
     */
    public synchronized AgentApi.Lease claim(AgentApi.LeaseRequest rq, InetAddress peer) {
        if (rq == null) {
            throw new AgentException(400, "a lease request needs a JSON body: {\"run\": ..., \"holder\": ..., \"host\": ..., \"ttl_seconds\": 30}");
        }
        for (String[] f : new String[][] {{"run", rq.run()}, {"holder", rq.holder()}, {"host", rq.host()}}) {
            if (f[1] == null || f[1].isBlank() || f[1].length() > MAX_FIELD) {
                throw new AgentException(400, "field '" + f[0] + "': " + (f[1] == null || f[1].isBlank() ? "missing"
                        : "longer than " + MAX_FIELD + " characters"));
            }
            if (f[1].codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
                throw new AgentException(400, "field '" + f[0] + "': contains control characters (" + InputFile.token(f[1]) + ")");
            }
        }
        int ttl = rq.ttlSeconds() == null ? DEFAULT_TTL : rq.ttlSeconds();
        if (ttl < MIN_TTL || ttl > MAX_TTL) {
            throw new AgentException(400, "field 'ttl_seconds': " + ttl + " is outside " + MIN_TTL + ".." + MAX_TTL);
        }
        expire();
        long mine = leases.values().stream().filter(h -> h.owner.equals(peer)).count();
        if (mine >= MAX_LEASES_PER_PEER) {
            throw new AgentException(409, peer.getHostAddress() + " holds " + mine + " leases already (the most one machine may hold: "
                    + MAX_LEASES_PER_PEER + "); release one or let it expire first");
        }
        if (leases.size() >= MAX_LEASES) {
            throw new AgentException(409, "the agent holds " + MAX_LEASES + " leases already (the most it keeps); release one first");
        }
        String id = HexFormat.of().formatHex(bytes(16));
        Held h = new Held(id, rq, peer, ttl, clock.getAsLong() + ttl * 1000L);
        leases.put(id, h);
        log.accept("lease " + shortId(id) + " for " + h.logged() + ", ttl " + ttl + " s");
        return h.view();
    }

    /** A lease id as the log shows it: enough to tell leases apart, not enough to act on one. */
    private static String shortId(String id) {
        return id.substring(0, 8) + "...";
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    public synchronized AgentApi.Lease renew(String id, InetAddress peer) {
        Held h = live(id, peer);
        h.expiresMillis = clock.getAsLong() + h.ttl * 1000L;
        return h.view();
    }

    public synchronized AgentApi.Lease lease(String id, InetAddress peer) {
        return live(id, peer).view();
    }

    /** Every live lease; ids only of those {@code peer} claimed (an id is what acts on a lease). */
    public synchronized List<AgentApi.Lease> leases(InetAddress peer) {
        expire();
        return leases.values().stream().map(h -> h.owner.equals(peer) ? h.view() : h.publicView()).toList();
    }

    /** Ends a lease: its personas are no longer served and their addresses released. */
    public AgentApi.Lease release(String id, InetAddress peer) {
        AgentApi.Lease view;
        synchronized (this) {
            Held h = live(id, peer);
            view = h.view();
            drop(h, "released");
        }
        return view;
    }

    /** Ends every lease whose run stopped renewing it. */
    public synchronized void expire() {
        long now = clock.getAsLong();
        for (Held h : List.copyOf(leases.values())) {
            if (h.expiresMillis < now) {
                drop(h, "expired (its run stopped renewing it)");
            }
        }
    }

    private void drop(Held h, String why) {
        leases.remove(h.id);
        arp.release(h.personas.values().stream().map(Persona::address).toList());
        h.personas = Map.of();
        serve();
        log.accept("lease " + shortId(h.id) + " " + why + "; " + h.logged());
    }

    /** The live lease {@code id}, which only the machine that claimed it may use (403 for another). */
    private Held live(String id, InetAddress peer) {
        if (id == null || id.isBlank()) {
            throw new AgentException(400, "parameter 'lease': missing (POST /leases gives one)");
        }
        Held h = leases.get(id);
        if (h != null && h.expiresMillis < clock.getAsLong()) {
            drop(h, "expired (its run stopped renewing it)");
            h = null;
        }
        if (h == null) {
            throw new AgentException(404, "no live lease " + InputFile.token(id) + " (expired or released; claim a new one)");
        }
        if (!h.owner.equals(peer)) {
            throw new AgentException(403, "lease " + InputFile.token(id) + " belongs to " + h.view().describe()
                    + "; only the machine that claimed it may use it");
        }
        return h;
    }

    // ---- personas

    public synchronized AgentApi.Personas personas(String lease, InetAddress peer) {
        Held h = live(lease, peer);
        return new AgentApi.Personas(h.id, views(h));
    }

    /**
     * Replaces the persona set of one lease, whole or not at all: a catalogue that does not validate is 400; an
     * address another live lease holds, an address of the agent host itself, or one that something on the segment
     * already answers ARP for is 409 naming the holder or the MAC that answered. The addresses follow the local labs'
     * rules ({@link PersonaCatalogue.Segment}): inside the /24 of {@code base}, never its network or broadcast address, nor
     * the address of the machine under test when it talks to the agent from that /24.
     */
    public AgentApi.Personas putPersonas(String lease, AgentApi.PersonaSet set, InetAddress peer) throws InterruptedException {
        if (set == null) {
            throw new AgentException(400, "the request needs a JSON body: {\"catalogue\": ..., \"base\": ..., \"names\": [...]}");
        }
        if (set.catalogue() != null && set.catalogue().isBlank()) {
            throw new AgentException(400, "field 'catalogue': empty (leave it out for the agent's own catalogue)");
        }
        String text = set.catalogue() == null ? defaultCatalogue : set.catalogue();
        String source = set.catalogue() == null ? defaultSource
                : set.source() == null || set.source().isBlank() ? "the catalogue" : set.source();
        Inet4Address base;
        try {
            base = PersonaCatalogue.address(set.base() == null ? PersonaCatalogue.DEFAULT_BASE : set.base());
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new AgentException(400, "field 'base': '" + set.base() + "' is not an IPv4 address");
        }
        if (!PersonaCatalogue.isTestAddress(base)) {
            throw new AgentException(400, "field 'base': '" + set.base() + "' is outside 198.18.0.0/15, the only range quirklab uses");
        }
        Optional<Inet4Address> dut = peer instanceof Inet4Address p && PersonaCatalogue.Segment.around(base, Optional.empty(), SEGMENT)
                .refusal(p).isEmpty() ? Optional.of(p) : Optional.empty();
        PersonaCatalogue.Segment segment = PersonaCatalogue.Segment.around(base, dut, SEGMENT);
        List<Persona> parsed;
        try {
            parsed = PersonaCatalogue.parse(source, text, base, segment).personas();
        } catch (IllegalArgumentException e) {
            throw new AgentException(400, e.getMessage());
        }
        if (set.names() != null && !set.names().isEmpty()) {
            Set<String> known = parsed.stream().map(Persona::name).collect(Collectors.toSet());
            for (String n : set.names()) {
                if (!known.contains(n)) {
                    throw new AgentException(400, source + ": field 'names': no persona '" + n + "' in the catalogue");
                }
            }
            parsed = parsed.stream().filter(p -> set.names().contains(p.name())).toList();
        }
        if (parsed.size() > MAX_PERSONAS_PER_LEASE) {
            throw new AgentException(400, source + ": " + parsed.size() + " personas; a lease holds at most " + MAX_PERSONAS_PER_LEASE);
        }
        Map<Inet4Address, MacAddress> fresh = new LinkedHashMap<>();
        Map<String, Persona> next = new LinkedHashMap<>();
        Held h;
        synchronized (this) {
            h = live(lease, peer);
            Set<InetAddress> own = hostAddresses();
            for (Persona p : parsed) {
                String holder = holderOf(p.address(), h.id);
                if (holder != null) {
                    throw new AgentException(409, p.address().getHostAddress() + " (persona '" + p.name() + "') is held by " + holder);
                }
                if (own.contains(p.address())) {
                    throw new AgentException(409, p.address().getHostAddress() + " (persona '" + p.name()
                            + "') is an address of the agent host itself");
                }
                Persona mine = h.personas.values().stream().filter(q -> q.address().equals(p.address())).findFirst().orElse(null);
                Persona served = served(h.id, p);
                // unchanged personas stay the same object, so their sessions and IP ID counters carry on
                next.put(p.name(), mine != null && sameDefinition(mine, served) ? mine : served);
                if (mine == null) {
                    fresh.put(p.address(), served.mac());
                }
            }
            fresh.keySet().forEach(a -> pending.put(a, h.id));
        }
        try {
            Map<Inet4Address, MacAddress> taken = fresh.isEmpty() ? Map.of() : arp.probe(fresh);
            if (!taken.isEmpty()) {
                Map.Entry<Inet4Address, MacAddress> t = taken.entrySet().iterator().next();
                String name = next.values().stream().filter(p -> p.address().equals(t.getKey())).map(this::publicName).findFirst().orElse("?");
                throw new AgentException(409, t.getKey().getHostAddress() + " (persona '" + name + "') already answers ARP on the segment, from "
                        + t.getValue() + (taken.size() > 1 ? " (and " + (taken.size() - 1) + " more addresses are taken)" : "")
                        + "; choose another persona-base");
            }
            synchronized (this) {
                Held now = live(lease, peer);
                List<Inet4Address> gone = now.personas.values().stream().map(Persona::address)
                        .filter(a -> next.values().stream().noneMatch(p -> p.address().equals(a))).toList();
                now.personas = Collections.unmodifiableMap(next);
                serve();
                arp.release(gone);
                arp.hold(fresh);
                log.accept("lease " + shortId(now.id) + " serves " + next.size() + " personas from " + base.getHostAddress());
                return new AgentApi.Personas(now.id, views(now));
            }
        } finally {
            synchronized (this) {
                fresh.keySet().forEach(pending::remove);
            }
        }
    }

    /** The persona as this agent serves it for a lease: prefixed name, a MAC from its address. */
    private static Persona served(String lease, Persona p) {
        byte[] a = p.address().getAddress();
        MacAddress mac = MacAddress.local((a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF));
        return new Persona(lease + SEP + p.name(), p.description(), p.address(), mac, p.quirks(), p.bmc(), p.expected());
    }

    /** Two persona definitions alike in everything a client can see (BmcConfig holds arrays, so no record equals). */
    private static boolean sameDefinition(Persona a, Persona b) {
        return a.name().equals(b.name()) && a.quirks().equals(b.quirks()) && a.expected() == b.expected()
                && a.bmc().quirks().equals(b.bmc().quirks()) && a.bmc().ipmi20() == b.bmc().ipmi20() && a.mac().equals(b.mac());
    }

    private String holderOf(Inet4Address a, String except) {
        String p = pending.get(a);
        if (p != null && !p.equals(except)) {
            return leases.containsKey(p) ? leases.get(p).view().describe() + " (probing it now)" : "another claim in progress";
        }
        for (Held o : leases.values()) {
            if (!o.id.equals(except) && o.personas.values().stream().anyMatch(q -> q.address().equals(a))) {
                return o.view().describe();
            }
        }
        return null;
    }

    private static Set<InetAddress> hostAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).collect(Collectors.toSet());
        } catch (SocketException e) {
            return Set.of();
        }
    }

    private void serve() {
        List<Persona> all = new ArrayList<>();
        leases.values().forEach(h -> all.addAll(h.personas.values()));
        responder.replacePersonas(all);
    }

    private List<ControlReply.PersonaView> views(Held h) {
        ControlReply.Status s = (ControlReply.Status) responder.control(new ControlRequest.Status());
        String prefix = h.id + SEP;
        Map<String, ControlReply.PersonaView> byName = s.personas().stream().collect(Collectors.toMap(ControlReply.PersonaView::name, v -> v));
        // in the order of the lease's catalogue, under the names the run knows
        return h.personas.values().stream().map(p -> byName.get(p.name())).filter(java.util.Objects::nonNull)
                .map(v -> new ControlReply.PersonaView(v.name().substring(prefix.length()), v.address(), v.mac(), v.expected(),
                        v.description(), v.ipmi(), v.quirks(), v.maxSessions(), v.idleTimeoutSeconds(), v.address6())).toList();
    }

    private String publicName(Persona p) {
        String n = p.name();
        return n.substring(n.indexOf(SEP) + 1);
    }

    /** The responder's counters with every persona, under their served names (the agent's own view, for benchmarks). */
    public ControlReply.Status status() {
        return (ControlReply.Status) responder.control(new ControlRequest.Status());
    }

    /**
     * The responder's counters, with only this lease's personas (for no lease: the personas of every lease of
     * {@code peer}; served names carry lease ids, so another machine's are never shown).
     */
    public synchronized ControlReply.Status status(String lease, InetAddress peer) {
        ControlReply.Status s = status();
        List<ControlReply.PersonaView> personas = lease != null ? views(live(lease, peer))
                : leases.values().stream().filter(h -> h.owner.equals(peer)).flatMap(h -> views(h).stream()).toList();
        return new ControlReply.Status(s.pid(), s.startedMillis(), s.framesSeen(), s.requests(), s.replies(), s.sendErrors(),
                s.journalEntries(), s.journalEvicted(), s.cursor(), personas);
    }

    // ---- probes and evidence

    public void beginProbe(String lease, AgentApi.ProbeMark m, InetAddress peer) {
        String name = internalName(lease, m, peer);
        if (m.probe() == null || m.probe().isBlank() || m.probe().length() > 200) {
            throw new AgentException(400, "field 'probe': missing or longer than 200 characters");
        }
        responder.control(new ControlRequest.ProbeBegin(name, m.probe()));
    }

    public void endProbe(String lease, AgentApi.ProbeMark m, InetAddress peer) {
        responder.control(new ControlRequest.ProbeEnd(internalName(lease, m, peer), m.probe()));
    }

    private synchronized String internalName(String lease, AgentApi.ProbeMark m, InetAddress peer) {
        Held h = live(lease, peer);
        if (m == null || m.persona() == null || !h.personas.containsKey(m.persona())) {
            throw new AgentException(404, "no persona " + InputFile.token(m == null ? null : m.persona()) + " in lease " + shortId(h.id)
                    + " (it serves: " + String.join(", ", h.personas.keySet()) + ")");
        }
        return h.personas.get(m.persona()).name();
    }

    /** The journal entries one query selects, of this lease's personas only; names as the run knows them. */
    public ControlReply.JournalPage journal(String lease, ControlRequest.Journal q, String peer, InetAddress caller) {
        Selection s = select(lease, q, peer, caller);
        return ControlReply.JournalPage.of(s.entries(), s.cursor(), s.more(), responder.journal().evicted(), null, null);
    }

    /** The frames one query selects, as a pcap file. */
    public byte[] pcap(String lease, ControlRequest.Journal q, String peer, InetAddress caller) {
        Selection s = select(lease, q, peer, caller);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PcapFile.write(out, s.entries().stream().map(e -> new PcapFile.Record(e.timestampMicros(), e.frame().length, e.frame())).toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private record Selection(List<ResponderJournal.Entry> entries, long cursor, boolean more) {
    }

    private Selection select(String lease, ControlRequest.Journal q, String peer, InetAddress caller) {
        String prefix;
        synchronized (this) {
            prefix = live(lease, caller).id + SEP;
        }
        Predicate<String> persona = q.persona() == null ? n -> n != null && n.startsWith(prefix) : (prefix + q.persona())::equals;
        ResponderJournal j = responder.journal();
        List<ResponderJournal.Entry> entries;
        boolean more = false;
        long cursor;
        if (q.probe() != null) {
            responder.awaitSent(q.probe(), Responder.SENDING_WAIT); // a reply the kernel dropped at once may not be written down yet
            entries = j.probe(q.probe(), persona);
            cursor = j.cursor();
        } else {
            long since = q.since() == null ? 0 : Math.max(0, q.since());
            entries = j.since(since, persona, q.pageSize() + 1);
            more = entries.size() > q.pageSize();
            if (more) {
                entries = entries.subList(0, q.pageSize());
            }
            cursor = more ? since : j.cursor();
        }
        if (peer != null) {
            entries = entries.stream().filter(e -> peer.equals(e.peer()) || (e.peer() != null && e.peer().startsWith(peer + ":"))).toList();
        }
        List<ResponderJournal.Entry> renamed = entries.stream().map(e -> new ResponderJournal.Entry(e.seq(), e.timestampMicros(),
                e.persona().substring(prefix.length()), e.direction(), e.kind(), e.peer(), e.probe(), e.frame(), e.summary())).toList();
        return new Selection(renamed, cursor, more);
    }

    long arpConflicts() {
        return arp.conflictsSeen();
    }

    Optional<String> leaseOfAddress(Inet4Address a) {
        return Optional.ofNullable(holderOf(a, null));
    }

    /** Releases every lease (their addresses with them) and stops the responder. */
    @Override
    public synchronized void close() {
        expiry.shutdownNow();
        for (Held h : List.copyOf(leases.values())) {
            drop(h, "released at shutdown");
        }
        arp.close();
        responder.close();
    }
}
