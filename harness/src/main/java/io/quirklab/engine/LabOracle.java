package io.quirklab.engine;

import io.quirklab.input.AddressText;
import io.quirklab.lab.LabState;
import io.quirklab.client.ClientKind;
import io.quirklab.bisect.Attempts;
import io.quirklab.bisect.ComposedPersona;
import io.quirklab.bisect.TriggerOracle;
import io.quirklab.matrix.Verdict;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.ResponderControl;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The oracle on a running lab: a composed persona is added to the lab's own personas in the responder (one slot
 * address and MAC, so the DUT's neighbour entry stays right), probed through the engine's {@link Probe}, and on close the lab's
 * persona set is put back as it was. Personas the lab already serves (the anchors) are probed as they are. Where the
 * caller's evidence is per flow, a composed persona's attempts run at once, each on a copy of it at the next slot down
 * (its own address, MAC, sessions and IP IDs), as a matrix's cells run on persona instances.
 */
public final class LabOracle implements TriggerOracle, AutoCloseable {
    /** The MAC of the slot composed personas take: locally administered, beyond the catalogue's index range. */
    static final String SLOT_MAC = "02:51:4c:00:00:fe";

    private final LabState lab;
    private final ResponderControl control;
    /** One probe of one persona of the lab as it is now, its evidence into a directory. */
    @FunctionalInterface
    public interface Prober {
        Probe.Result run(LabState.PersonaInfo persona, Path evidenceDir) throws IOException;
    }

    private final Prober probe;
    private final ClientKind client;
    private final Path evidenceDir;
    private final List<PersonaYaml.Entry> original;
    /** The slots composed personas take: the first, and for attempts at once copies at the next addresses down. */
    private final List<String> slots;
    /** The IPv6 slot composed personas take when the target is reached over IPv6, or null. */
    private final String slot6;
    private String served;
    private int servedCopies;
    private LabState current;

    /**
     * @param lab         the lab in the offload state to probe
     * @param control     its responder
     * @param probe       how to probe a persona (client and timeout chosen by the caller)
     * @param client      the client
     * @param evidenceDir where each attempt's evidence goes (PERSONA/attempt-N)
     */
    public LabOracle(LabState lab, ResponderControl control, Prober probe, ClientKind client, Path evidenceDir) throws IOException {
        this(lab, control, probe, client, evidenceDir, false);
    }

    /**
     * @param ipv6 composed personas are reached over IPv6 (the target is): they take a free address of the lab's IPv6
     *             subnet too
     */
    public LabOracle(LabState lab, ResponderControl control, Prober probe, ClientKind client, Path evidenceDir, boolean ipv6)
            throws IOException {
        this(lab, control, probe, client, evidenceDir, ipv6, 1);
    }

    /**
     * @param atOnce attempts of one composed persona at once (1: one after another), each on a copy of it at an address
     *               and MAC of its own, the slot's and those below it; only where the run's evidence is per flow (the
     *               caller's), and an IPv6 target's attempts run one after another (one IPv6 slot)
     */
    public LabOracle(LabState lab, ResponderControl control, Prober probe, ClientKind client, Path evidenceDir, boolean ipv6, int atOnce)
            throws IOException {
        if (atOnce < 1 || atOnce > MAX_AT_ONCE) {
            throw new IllegalArgumentException("attempts at once must be 1.." + MAX_AT_ONCE + " (" + atOnce + ")");
        }
        this.lab = lab;
        this.control = control;
        this.probe = probe;
        this.client = client;
        this.evidenceDir = evidenceDir;
        this.original = control.status().personas().stream().map(PersonaYaml::of).toList();
        int copies = ipv6 ? 1 : atOnce; // one IPv6 slot
        Set<String> taken = new java.util.HashSet<>(original.stream().map(PersonaYaml.Entry::address).collect(Collectors.toSet()));
        List<String> free = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            String a;
            try {
                a = slotAddress(lab.dutAddress(), taken);
            } catch (IOException e) {
                if (free.isEmpty()) {
                    throw e;
                }
                break; // fewer copies: the attempts share them
            }
            free.add(a);
            taken.add(a);
        }
        this.slots = List.copyOf(free);
        this.slot6 = ipv6 ? slotAddress6(original) : null;
        this.current = lab;
    }

    /** The most attempts at once: each is a client and a copy of the composed persona. */
    public static final int MAX_AT_ONCE = 8;

    /** The catalogue the lab served before: what close() puts back. */
    public String originalCatalogue() {
        return PersonaYaml.catalogue(original);
    }

    @Override
    public Attempts probe(ComposedPersona p, int n) throws IOException {
        boolean own = original.stream().anyMatch(e -> e.name().equals(p.name()));
        int copies = own ? 1 : Math.max(1, Math.min(n, slots.size()));
        if (!own && (!p.name().equals(served) || servedCopies < copies)) {
            List<PersonaYaml.Entry> all = new ArrayList<>(original);
            for (int i = 0; i < copies; i++) {
                all.add(new PersonaYaml.Entry(copyName(p.name(), i), "composed by bisect: " + p.dimensions(), Verdict.DELIVERED,
                        p.traits().profile(), p.traits().firmware(), p.traits().ipmi20() ? "2.0" : "1.5", slots.get(i), slotMac(i), null,
                        null, i == 0 ? slot6 : null));
            }
            ControlReply.Status s = control.putPersonas(PersonaYaml.catalogue(all));
            current = new LabState(lab.kind(), lab.netns(), lab.dutInterface(), lab.dutAddress(), lab.responderInterface(),
                    lab.responderPid(), lab.controlSocket(), lab.faultModel(), LabState.PersonaInfo.of(s), lab.started());
            served = p.name();
            servedCopies = copies;
        }
        Path dir = evidenceDir.resolve(p.name());
        int first = nextAttempt(dir);
        List<Path> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            attempts.add(dir.resolve("attempt-" + (first + i)));
        }
        List<Probe.Result> results = copies == 1 ? one(current.persona(p.name()), attempts) : atOnce(p.name(), copies, attempts);
        List<Attempts.Attempt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Probe.Result r = results.get(i);
            out.add(new Attempts.Attempt(r.verdict(), r.reason(), evidenceDir.relativize(attempts.get(i)).toString()));
        }
        return new Attempts(out);
    }

    private List<Probe.Result> one(LabState.PersonaInfo persona, List<Path> attempts) throws IOException {
        List<Probe.Result> out = new ArrayList<>();
        for (Path a : attempts) {
            out.add(probe.run(persona, a));
        }
        return out;
    }

    /** The attempts on {@code copies} copies of the composed persona at once, each copy one attempt at a time. */
    private List<Probe.Result> atOnce(String name, int copies, List<Path> attempts) throws IOException {
        java.util.concurrent.BlockingQueue<LabState.PersonaInfo> free = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int i = 0; i < copies; i++) {
            free.add(current.persona(copyName(name, i)));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(copies, r -> {
            Thread t = new Thread(r, "bisect-attempt");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<Probe.Result>> futures = new ArrayList<>();
            for (Path a : attempts) {
                futures.add(pool.submit(() -> {
                    LabState.PersonaInfo copy = free.take();
                    try {
                        return probe.run(copy, a);
                    } finally {
                        free.add(copy);
                    }
                }));
            }
            List<Probe.Result> out = new ArrayList<>();
            for (java.util.concurrent.Future<Probe.Result> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(String.valueOf(c.getMessage()), c);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The composed persona's name for its first copy, NAME--2... for the others (as persona instances are named). */
    static String copyName(String name, int i) {
        return i == 0 ? name : name + "--" + (i + 1);
    }

    /** The slot's MAC for the first copy, the ones below it for the others. */
    static String slotMac(int i) {
        return i == 0 ? SLOT_MAC : String.format("02:51:4c:00:00:%02x", 0xfe - i);
    }

    /** Puts the lab's own personas back. */
    @Override
    public void close() throws IOException {
        if (served != null) {
            control.putPersonas(originalCatalogue());
            served = null;
        }
    }

    private static int nextAttempt(Path dir) {
        int i = 1;
        while (java.nio.file.Files.exists(dir.resolve("attempt-" + i))) {
            i++;
        }
        return i;
    }

    /** The highest of ::fe, ::fd, ... in the /64 of the lab's IPv6 personas that none of them uses. */
    static String slotAddress6(List<PersonaYaml.Entry> personas) throws IOException {
        List<InetAddress> taken = new ArrayList<>();
        for (PersonaYaml.Entry e : personas) {
            if (e.address6() != null) {
                taken.add(AddressText.ip(e.address6())); // a literal the responder reported
            }
        }
        if (taken.isEmpty()) {
            throw new IOException("the lab serves no persona over IPv6, so a composed one has no IPv6 subnet to live in");
        }
        byte[] b = taken.get(0).getAddress();
        for (int host = 0xFE; host > 1; host--) {
            byte[] c = java.util.Arrays.copyOf(b, 16);
            java.util.Arrays.fill(c, 8, 16, (byte) 0);
            c[15] = (byte) host;
            InetAddress a = InetAddress.getByAddress(c);
            if (!taken.contains(a)) {
                return a.getHostAddress();
            }
        }
        throw new IOException("no free IPv6 address for a composed persona");
    }

    /** The highest host address of the DUT's subnet that no persona uses. */
    static String slotAddress(String dutAddressWithPrefix, Set<String> taken) throws IOException {
        String[] parts = dutAddressWithPrefix.split("/");
        int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : 24;
        byte[] b = AddressText.ipv4(parts[0]).getAddress();
        long a = (b[0] & 0xFFL) << 24 | (b[1] & 0xFFL) << 16 | (b[2] & 0xFFL) << 8 | (b[3] & 0xFFL);
        long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        long net = a & mask;
        long broadcast = net | ~mask & 0xFFFFFFFFL;
        for (long c = broadcast - 1; c > net; c--) {
            String s = ((c >> 24) & 0xFF) + "." + ((c >> 16) & 0xFF) + "." + ((c >> 8) & 0xFF) + "." + (c & 0xFF);
            if (c != a && !taken.contains(s)) {
                return s;
            }
        }
        throw new IOException("no free address for a composed persona in " + dutAddressWithPrefix);
    }
}
