package io.quirklab.engine;

import io.quirklab.input.AddressText;
import io.quirklab.lab.LabState;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.ResponderControl;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Copies of a lab's personas, served by its responder for one run at addresses of their own, so that cells of one
 * persona run at the same time, each against its own instance: own address and MAC (so the capture and the drops of
 * its flow are its own), own BMC sessions and IP ID counter. An instance is the persona's catalogue entry written again
 * under another name ({@code NAME--N}) and address; the matrix records its cells under the persona's name. The
 * responder serves the lab's own set again when the run ends ({@link #close}); instances a killed run left are not
 * taken for the lab's own by the next run, and go with the responder when the lab is restored.
 */
final class PersonaInstances implements AutoCloseable {
    /** How an instance is named: the persona's name, two dashes, its number. */
    static final Pattern INSTANCE = Pattern.compile("^(.+)--\\d+$");
    /** Instances take addresses from the top of the segment down, below the slot bisect's composed personas use (.254). */
    static final int HIGHEST = 253;

    private final ResponderControl control;
    private final String original;
    private final Map<String, List<LabState.PersonaInfo>> byPersona;
    private boolean served;

    private PersonaInstances(ResponderControl control, String original, Map<String, List<LabState.PersonaInfo>> byPersona,
                             boolean served) {
        this.control = control;
        this.original = original;
        this.byPersona = byPersona;
        this.served = served;
    }

    /** Every persona served once, as the lab serves it: its cells run one after another. */
    static PersonaInstances none(LabState lab) {
        Map<String, List<LabState.PersonaInfo>> m = new LinkedHashMap<>();
        lab.personas().forEach(p -> m.put(p.name(), List.of(p)));
        return new PersonaInstances(null, null, m, false);
    }

    /**
     * Serves instances: up to {@code wanted.get(name) - 1} copies of each persona besides itself, as many as the free
     * addresses of {@code segment} allow, given to the personas in the order of {@code wanted} (the slowest first).
     * Only personas of {@code typed} that the lab serves as typed (same name and address) get copies; the others, and
     * a responder that cannot report what it serves, keep one instance.
     *
     * @param lab     the lab as the run found it
     * @param control its responder
     * @param typed   the lab file's personas, read and validated once
     * @param segment the lab's address rules
     * @param wanted  persona name -> instances wanted (including the persona itself), slowest persona first
     */
    static PersonaInstances serve(LabState lab, ResponderControl control, List<Persona> typed, PersonaCatalogue.Segment segment,
                                  Map<String, Integer> wanted) throws IOException {
        return serve(lab, control, typed, segment, wanted, 1);
    }

    /**
     * The same, every persona first given up to {@code floor} instances (as far as addresses allow), then the slowest
     * the rest: offload states that run at once need at least one instance each of every persona.
     */
    static PersonaInstances serve(LabState lab, ResponderControl control, List<Persona> typed, PersonaCatalogue.Segment segment,
                                  Map<String, Integer> wanted, int floor) throws IOException {
        ControlReply.Status status = control.status();
        if (status == null || status.personas() == null) {
            return none(lab);
        }
        Map<String, Persona> byName = new LinkedHashMap<>();
        typed.forEach(p -> byName.put(p.name(), p));
        // the lab's own set: what the responder serves, without instances a killed run left behind
        List<PersonaYaml.Entry> own = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        Map<String, Persona> copyable = new LinkedHashMap<>();
        for (ControlReply.PersonaView v : status.personas()) {
            var m = INSTANCE.matcher(v.name());
            if (m.matches() && status.personas().stream().anyMatch(o -> o.name().equals(m.group(1)))) {
                continue;
            }
            Persona p = byName.get(v.name());
            boolean asTyped = p != null && p.address().getHostAddress().equals(v.address());
            own.add(asTyped ? PersonaYaml.of(p) : PersonaYaml.of(v));
            if (asTyped) {
                copyable.put(p.name(), p);
            }
            taken.add(v.address());
        }
        taken.add(lab.dutAddress().split("/")[0]);
        List<Inet4Address> free = freeAddresses(segment, taken);
        List<PersonaYaml.Entry> all = new ArrayList<>(own);
        Map<String, List<LabState.PersonaInfo>> byPersona = new LinkedHashMap<>();
        lab.personas().forEach(p -> byPersona.put(p.name(), new ArrayList<>(List.of(p))));
        int next = 0;
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, Integer> w : wanted.entrySet()) {
                Persona p = copyable.get(w.getKey());
                List<LabState.PersonaInfo> list = byPersona.get(w.getKey());
                if (p == null || list == null || list.get(0).ipv6()) {
                    continue; // an IPv6 persona keeps one instance: copies take addresses from the IPv4 segment
                }
                LabState.PersonaInfo info = list.get(0);
                int upTo = round == 0 ? Math.min(floor, w.getValue()) : w.getValue();
                for (int i = list.size() + 1; i <= upTo && next < free.size(); i++) {
                    Inet4Address a = free.get(next++);
                    String name = p.name() + "--" + i;
                    String mac = mac(a);
                    PersonaYaml.Entry e = PersonaYaml.of(p);
                    all.add(new PersonaYaml.Entry(name, e.description(), e.expected(), e.quirks(), e.firmware(), e.ipmi(), a.getHostAddress(), mac,
                            e.maxSessions(), e.idleTimeoutSeconds(), null));
                    list.add(new LabState.PersonaInfo(name, a.getHostAddress(), mac, info.expected(), info.quirks(), info.description(),
                            info.ipmi(), info.port()));
                }
            }
        }
        String originalCatalogue = PersonaYaml.catalogue(own);
        if (all.size() == own.size()) {
            return new PersonaInstances(control, originalCatalogue, freeze(byPersona), false);
        }
        ControlReply.Status now = control.putPersonas(PersonaYaml.catalogue(all));
        Set<String> serving = new HashSet<>();
        if (now != null && now.personas() != null) {
            now.personas().forEach(v -> serving.add(v.name()));
        }
        // only what the responder says it serves is handed out
        byPersona.values().forEach(l -> l.removeIf(i -> INSTANCE.matcher(i.name()).matches() && !serving.contains(i.name())));
        return new PersonaInstances(control, originalCatalogue, freeze(byPersona), true);
    }

    private static Map<String, List<LabState.PersonaInfo>> freeze(Map<String, List<LabState.PersonaInfo>> m) {
        Map<String, List<LabState.PersonaInfo>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** Host addresses of the segment no one uses and the lab's rules allow, from the top down. */
    static List<Inet4Address> freeAddresses(PersonaCatalogue.Segment segment, Set<String> taken) throws IOException {
        byte[] net = segment.network().getAddress();
        List<Inet4Address> out = new ArrayList<>();
        for (int last = HIGHEST; last >= 1; last--) {
            Inet4Address a = (Inet4Address) InetAddress.getByAddress(new byte[] {net[0], net[1], net[2], (byte) last});
            if (!taken.contains(a.getHostAddress()) && segment.refusal(a).isEmpty()) {
                out.add(a);
            }
        }
        return out;
    }

    /** A locally administered MAC of its own per instance address, apart from the catalogue's 02:51:4c:00:... */
    static String mac(Inet4Address a) {
        byte[] b = a.getAddress();
        return String.format("02:51:4c:01:%02x:%02x", b[2] & 0xFF, b[3] & 0xFF);
    }

    /** The persona and its instances, the persona itself first. */
    List<LabState.PersonaInfo> of(String persona) {
        return byPersona.getOrDefault(persona, List.of());
    }

    /**
     * Two sets of instances apart, for offload states that run at once: of each persona's instances, the first half (the
     * persona itself among them) and the rest.
     *
     * @param first  persona -> its instances for the one state
     * @param second persona -> its instances for the other
     */
    record Split(Map<String, List<LabState.PersonaInfo>> first, Map<String, List<LabState.PersonaInfo>> second) {
        /** The addresses of the second set (where a fault is put on only). */
        List<Inet4Address> secondAddresses() {
            List<Inet4Address> out = new ArrayList<>();
            for (List<LabState.PersonaInfo> l : second.values()) {
                for (LabState.PersonaInfo i : l) {
                    out.add(AddressText.ipv4(i.address())); // an instance's address is IPv4 (serve)
                }
            }
            return out;
        }
    }

    /** {@link Split} of {@code personas}, or empty when one of them has fewer than two instances (no set to spare). */
    java.util.Optional<Split> split(java.util.Collection<String> personas) {
        Map<String, List<LabState.PersonaInfo>> first = new LinkedHashMap<>();
        Map<String, List<LabState.PersonaInfo>> second = new LinkedHashMap<>();
        for (String p : personas) {
            List<LabState.PersonaInfo> all = of(p);
            if (all.size() < 2) {
                return java.util.Optional.empty();
            }
            int half = (all.size() + 1) / 2;
            first.put(p, List.copyOf(all.subList(0, half)));
            second.put(p, List.copyOf(all.subList(half, all.size())));
        }
        return java.util.Optional.of(new Split(first, second));
    }

    /** Instances served besides the personas themselves. */
    int copies() {
        return byPersona.values().stream().mapToInt(l -> l.size() - 1).sum();
    }

    /** "6 each of 22 personas, 4 of smdc-tyan" (instances including the persona itself) for the run's header. */
    String describe() {
        java.util.TreeMap<Integer, List<String>> byCount = new java.util.TreeMap<>(Comparator.reverseOrder());
        byPersona.forEach((name, list) -> {
            if (list.size() > 1) {
                byCount.computeIfAbsent(list.size(), k -> new ArrayList<>()).add(name);
            }
        });
        if (byCount.isEmpty()) {
            return "none";
        }
        return byCount.entrySet().stream().map(e -> e.getKey() + (e.getValue().size() == 1 ? " of " : " each of ")
                + (e.getValue().size() > 3 ? e.getValue().size() + " personas" : String.join(", ", e.getValue())))
                .reduce((a, b) -> a + ", " + b).orElse("none");
    }

    /** The responder serves the lab's own personas again. */
    @Override
    public synchronized void close() throws IOException {
        if (served) {
            served = false;
            control.putPersonas(original);
        }
    }
}
