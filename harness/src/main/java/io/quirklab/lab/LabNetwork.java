package io.quirklab.lab;

import io.quirklab.process.CommandRunner;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a lab's personas may live: inside the lab's own /24, never its network or broadcast address or the DUT's
 * address ({@link PersonaCatalogue.Segment}), and never at an address this host would route out of another interface
 * (then the clients' requests leave the lab). Checked before anything is created.
 */
public final class LabNetwork {
    /** The virtual lab's segment: qlab-dut is 198.18.0.1/24. */
    public static final PersonaCatalogue.Segment VIRTUAL = new LabKind.Virtual().segment();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final CommandRunner runner;

    public LabNetwork(CommandRunner runner) {
        this.runner = runner;
    }

    /** The personas a lab will serve: the file's (checked against the segment) or the built-in ones from {@code base}. */
    public static List<Persona> personas(Optional<java.nio.file.Path> file, Inet4Address base, PersonaCatalogue.Segment segment)
            throws IOException {
        try {
            return (file.isPresent() ? PersonaCatalogue.load(file.get(), base, segment) : PersonaCatalogue.parse(PersonaCatalogue.BUILT_IN,
                    PersonaCatalogue.builtInText(), base, segment)).personas();
        } catch (PersonaCatalogue.CatalogueException e) {
            String name = file.map(f -> f.getFileName().toString()).orElse("");
            throw new IOException(file.isPresent() && e.getMessage().startsWith(name)
                    ? file.get() + e.getMessage().substring(name.length()) : e.getMessage(), e);
        }
    }

    /**
     * Before the lab's interface exists: no route of this host that is at least as specific as the lab's /24 (a
     * persona's IPv6 address: the lab's /64) may cover a persona (it would win over the lab's own route once the lab is
     * up).
     */
    public void requireNoOtherRoute(List<Persona> personas, PersonaCatalogue.Segment segment, String labInterface) throws IOException {
        for (Persona p : personas) {
            requireNoOtherRoute(p, p.address(), "-4", PersonaCatalogue.Segment.PREFIX, segment.cidr(), segment, labInterface);
            if (p.address6() != null) {
                requireNoOtherRoute(p, p.address6(), "-6", PersonaCatalogue.Segment.PREFIX6, segment.cidr6().orElse("?"), segment,
                        labInterface);
            }
        }
    }

    private void requireNoOtherRoute(Persona p, InetAddress address, String family, int prefix, String cidr, PersonaCatalogue.Segment segment,
                                     String labInterface) throws IOException {
        String a = PersonaCatalogue.compact(address);
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("ip", family, "-o", "route", "show", "table", "all", "match", a));
        if (!r.ok()) {
            throw new IOException("cannot check this host's routes for persona '" + p.name() + "' (" + r.commandLine() + ": "
                    + r.firstLine() + ")");
        }
        for (String line : r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            Route route = Route.parse(line);
            if (route.prefix() >= prefix && !labInterface.equals(route.dev())) {
                throw new IOException("persona '" + p.name() + "' address " + a + ": this host already routes it elsewhere ("
                        + line.replaceAll("\\s+", " ") + "), so traffic to it would not stay in " + segment.label() + " ("
                        + cidr + " on " + labInterface + "); give the persona another address or remove that route");
            }
        }
    }

    /** Once the lab's interface exists: {@code ip route get ADDR} must name it for every persona address, IPv4 and IPv6. */
    public void requireRoutedVia(List<Persona> personas, PersonaCatalogue.Segment segment, String labInterface) throws IOException {
        for (Persona p : personas) {
            requireRoutedVia(p, p.address(), "-4", segment.cidr(), segment, labInterface);
            if (p.address6() != null) {
                requireRoutedVia(p, p.address6(), "-6", segment.cidr6().orElse("?"), segment, labInterface);
            }
        }
    }

    private void requireRoutedVia(Persona p, InetAddress address, String family, String cidr, PersonaCatalogue.Segment segment,
                                  String labInterface) throws IOException {
        String a = PersonaCatalogue.compact(address);
        CommandRunner.Result r = runner.run(TIMEOUT, List.of("ip", family, "-o", "route", "get", a));
        String dev = r.ok() ? Route.field(r.stdout(), "dev").orElse("?") : "?";
        if (!dev.equals(labInterface)) {
            throw new IOException("persona '" + p.name() + "' address " + a + ": this host routes it through " + dev
                    + (r.ok() ? "" : " (" + r.firstLine() + ")") + ", not " + labInterface + " (ip route get " + a
                    + "), so traffic to it would leave " + segment.label() + "; give the persona an address in " + cidr
                    + " that the host routes to " + labInterface);
        }
    }

    /**
     * One line of {@code ip -o route}.
     *
     * @param prefix the destination's prefix length (0 for default)
     * @param dev    the device, or null (unreachable, blackhole, ...)
     */
    record Route(int prefix, String dev) {
        private static final List<String> TYPES = List.of("unicast", "local", "broadcast", "multicast", "anycast", "unreachable",
                "blackhole", "prohibit", "throw", "nat");

        static Route parse(String line) {
            String[] f = line.trim().split("\\s+");
            int i = f.length > 0 && TYPES.contains(f[0]) ? 1 : 0;
            String dst = i < f.length ? f[i] : "default";
            int prefix = 128; // what we cannot read counts as the most specific route: refused, not let through
            if (dst.equals("default")) {
                prefix = 0;
            } else if (dst.matches("[0-9.]+/\\d{1,2}|[0-9a-fA-F:]+/\\d{1,3}")) {
                prefix = Integer.parseInt(dst.substring(dst.indexOf('/') + 1));
            }
            return new Route(prefix, field(line, "dev").orElse(null));
        }

        static Optional<String> field(String line, String name) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals(name)) {
                    return Optional.of(f[i + 1]);
                }
            }
            return Optional.empty();
        }
    }
}
