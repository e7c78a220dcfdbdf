package io.quirklab.lab;

import io.quirklab.lab.vm.Accelerator;
import io.quirklab.lab.vm.GuestKernel;
import io.quirklab.lab.vm.NicModel;
import io.quirklab.responder.PersonaCatalogue;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a lab's responder runs and what its offload axis switches: one record per kind, each validating itself, so a
 * lab that exists is a lab that can be opened (what needs the host, such as an interface's address, is checked when
 * the session opens). A value that is wrong is refused with {@link Invalid}, which names the lab file field.
 */
public sealed interface LabKind {
    /** The kind as lab files and matrix.json spell it ("virtual", "second-nic", ...). */
    String id();

    /** The first persona's address, where a persona file gives none. */
    Inet4Address personaBase();

    /** Where this kind's personas may live (checked when the persona file is read). */
    PersonaCatalogue.Segment segment();

    /** Whether offload=on may be an emulated fault model (nftables on a Linux DUT interface) rather than a real switch. */
    boolean emulatesFaults();

    /** A value of a lab file that is wrong: the field (as the file spells it) and why, without the file's name. */
    final class Invalid extends IllegalArgumentException {
        private final String field;

        public Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The embedded lab: veth pair, namespace {@code qlab}, the responder in it; offload=on is an emulated fault model. */
    record Virtual() implements LabKind {
        /** The DUT end's address on the virtual lab (qlab-dut). */
        public static final String DUT_ADDRESS = "198.18.0.1";
        /** The first persona's address on the virtual lab. */
        public static final String PERSONA_BASE = "198.18.0.10";
        /** The DUT end's IPv6 address, when the lab serves IPv6 personas (2001:2::/64, RFC 5180 space). */
        public static final String DUT_ADDRESS6 = "2001:2::1";

        @Override
        public String id() {
            return "virtual";
        }

        @Override
        public Inet4Address personaBase() {
            return PersonaCatalogue.address(PERSONA_BASE);
        }

        @Override
        public PersonaCatalogue.Segment segment() {
            Inet4Address dut = PersonaCatalogue.address(DUT_ADDRESS);
            return PersonaCatalogue.Segment.around(dut, Optional.of(dut), "the virtual lab")
                    .withIpv6((Inet6Address) PersonaCatalogue.address6(DUT_ADDRESS6));
        }

        @Override
        public boolean emulatesFaults() {
            return true;
        }
    }

    /**
     * A second port of this machine, cabled to the DUT port: the responder injects there; offload is the DUT NIC's
     * real receive checksum offload.
     *
     * @param dutInterface       the NIC under test (has an address in the personas' /24)
     * @param responderInterface the second port (up, no IPv4 address)
     * @param personaBase        the first persona's address (198.18.0.0/15 only)
     */
    record SecondNic(String dutInterface, String responderInterface, Inet4Address personaBase) implements LabKind {
        public static final String DEFAULT_BASE = "198.18.1.10";

        public SecondNic {
            dutInterface = interfaceName("dut-interface", dutInterface, "a second-nic lab names the NIC under test");
            responderInterface = interfaceName("responder.interface", responderInterface, "the second port, cabled to the DUT port");
            if (responderInterface.equals(dutInterface)) {
                throw new Invalid("responder.interface", "the responder needs another port than the DUT interface");
            }
            requireBase(personaBase);
        }

        @Override
        public String id() {
            return "second-nic";
        }

        @Override
        public PersonaCatalogue.Segment segment() {
            return PersonaCatalogue.Segment.around(personaBase, Optional.empty(), "the second-nic lab on " + dutInterface);
        }

        @Override
        public boolean emulatesFaults() {
            return false;
        }
    }

    /**
     * A remote responder agent ({@code quirklab agent}) driven over its HTTP API under a lease; offload is the DUT NIC's
     * real receive checksum offload, or an emulated fault model on the DUT interface when this machine is Linux.
     *
     * @param dutInterface the NIC under test (has an address in the personas' /24)
     * @param url          the agent's control address, http(s)://ADDRESS:PORT
     * @param tokenEnv     the environment variable with the agent's token
     * @param tokenFile    a file with the token instead, or empty
     * @param personaBase  the first persona's address (198.18.0.0/15 only)
     * @param trust        for an https URL: the certificates (PEM) the agent's certificate must be, or be signed by; empty:
     *                     the JDK's default trust store
     */
    record Agent(String dutInterface, URI url, String tokenEnv, Optional<Path> tokenFile, Inet4Address personaBase,
                 Optional<Path> trust) implements LabKind {
        public static final String DEFAULT_BASE = "198.18.7.10";
        public static final String DEFAULT_TOKEN_ENV = "QUIRKLAB_AGENT_TOKEN";

        public Agent {
            dutInterface = interfaceName("dut-interface", dutInterface, "an agent lab names the NIC under test");
            if (url == null || !"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null
                    || url.getPort() < 1) {
                throw new Invalid("responder.url", "'" + url + "' is not http(s)://ADDRESS:PORT");
            }
            if (!url.getHost().matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9a-fA-F:]+]")) {
                throw new Invalid("responder.url", "'" + url.getHost() + "' is a name; give the agent's management address "
                        + "(quirklab resolves no names on a lab network)");
            }
            tokenEnv = tokenEnv == null ? DEFAULT_TOKEN_ENV : tokenEnv;
            if (!tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new Invalid("responder.token-env", "'" + tokenEnv + "' is not an environment variable name");
            }
            tokenFile = tokenFile == null ? Optional.empty() : tokenFile;
            trust = trust == null ? Optional.empty() : trust;
            if (trust.isPresent() && !"https".equals(url.getScheme())) {
                throw new Invalid("responder.trust", "the agent's certificate is for an https URL; 'responder.url' is " + url.getScheme());
            }
            requireBase(personaBase);
        }

        /** The URL a lab file gives, or {@link Invalid}. */
        public static URI url(String text) {
            if (text == null || text.isBlank()) {
                throw new Invalid("responder.url", "missing; the agent's control address, e.g. http://198.18.7.2:8623");
            }
            try {
                return new URI(text.strip());
            } catch (URISyntaxException e) {
                throw new Invalid("responder.url", "'" + text + "' is not a URL");
            }
        }

        /** The same agent with its token in a file (a container lab's generated token). */
        public Agent withTokenFile(Path file) {
            return new Agent(dutInterface, url, tokenEnv, Optional.of(file), personaBase, trust);
        }

        @Override
        public String id() {
            return "agent";
        }

        @Override
        public PersonaCatalogue.Segment segment() {
            return PersonaCatalogue.Segment.around(personaBase, Optional.empty(), "the agent lab on " + dutInterface);
        }

        @Override
        public boolean emulatesFaults() {
            return true;
        }
    }

    /**
     * An agent the run itself starts in the responder image, on a (local or DOCKER_HOST) Docker engine with host
     * networking ({@code responder: {kind: container, ...}}); otherwise an agent lab.
     *
     * @param dutInterface       the NIC under test
     * @param responderInterface the responder host's interface the agent owns
     * @param control            the agent's control address on that host, ADDRESS:PORT
     * @param image              the image, or empty for the one docker/build-image.sh builds (or reuses)
     * @param arpTiming          the agent's ARP timing (rfc5227 or fast)
     * @param personaBase        the first persona's address
     */
    record Container(String dutInterface, String responderInterface, String control, Optional<String> image, String arpTiming,
                     Inet4Address personaBase) implements LabKind {
        public static final String DEFAULT_BASE = "198.18.8.10";
        public static final String DEFAULT_CONTROL = "127.0.0.1:8623";
        public static final List<String> ARP_TIMINGS = List.of("rfc5227", "fast");

        public Container {
            dutInterface = interfaceName("dut-interface", dutInterface, "a container lab names the NIC under test");
            responderInterface = interfaceName("responder.interface", responderInterface,
                    "the responder host's interface the agent owns");
            control = control == null ? DEFAULT_CONTROL : control.strip();
            if (!control.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]{1,5}")) {
                throw new Invalid("responder.control", "'" + control + "' is not ADDRESS:PORT (the agent's control address on the "
                        + "Docker host, e.g. " + DEFAULT_CONTROL + ")");
            }
            arpTiming = arpTiming == null ? ARP_TIMINGS.get(0) : arpTiming;
            if (!ARP_TIMINGS.contains(arpTiming)) {
                throw new Invalid("responder.arp-timing", "'" + arpTiming + "' (" + String.join(", ", ARP_TIMINGS) + ")");
            }
            image = image == null ? Optional.empty() : image;
            if (image.isPresent() && !image.get().matches("[A-Za-z0-9][A-Za-z0-9._/:-]*")) {
                throw new Invalid("responder.image", "'" + image.get() + "' is not an image name");
            }
            requireBase(personaBase);
        }

        /** The agent this lab starts, reached at its control address with the token the run generated. */
        public Agent agent(Path tokenFile) {
            return new Agent(dutInterface, URI.create("http://" + control), Agent.DEFAULT_TOKEN_ENV, Optional.of(tokenFile), personaBase,
                    Optional.empty());
        }

        @Override
        public String id() {
            return "container";
        }

        @Override
        public PersonaCatalogue.Segment segment() {
            return PersonaCatalogue.Segment.around(personaBase, Optional.empty(), "the container lab on " + dutInterface);
        }

        @Override
        public boolean emulatesFaults() {
            return true;
        }
    }

    /**
     * The simulated BMCs of the personas on loopback UDP sockets, one address each, and every client against them: no
     * raw frames, so no packet quirks and no offload axis (the kernel builds and checks every datagram). Where the
     * virtual lab cannot run (no root, not Linux), and with {@code run --socket}.
     *
     * @param first the first persona's loopback address (127.0.0.2 by default); persona i gets first + i
     * @param port  the UDP port (623; 0 picks a free one per persona, for a user who may not bind 623)
     */
    record Socket(Inet4Address first, int port) implements LabKind {
        public static final String DEFAULT_FIRST = "127.0.0.2";
        public static final int IPMI_PORT = 623;

        public Socket {
            if (first == null || !first.isLoopbackAddress()) {
                throw new Invalid("socket", "'" + first + "' is not a loopback address: a socket lab serves on loopback only");
            }
            if (port < 0 || port > 0xFFFF) {
                throw new Invalid("port", port + " is not a UDP port");
            }
        }

        @Override
        public String id() {
            return "socket";
        }

        /** The personas' catalogue addresses (198.18.0.10 upward) are not used: each serves on a loopback address. */
        @Override
        public Inet4Address personaBase() {
            return PersonaCatalogue.address(Virtual.PERSONA_BASE);
        }

        @Override
        public PersonaCatalogue.Segment segment() {
            return new Virtual().segment();
        }

        @Override
        public boolean emulatesFaults() {
            return false;
        }
    }

    /**
     * The machine under test is a QEMU guest: a Debian kernel drives an emulated NIC with its real driver; the NIC's other
     * end is a tap in network namespace {@code qvm}, where the responder serves the personas. Offload is the guest NIC's
     * real receive checksum offload, or an emulated fault model on the guest's NIC ingress ({@code fault-model}).
     *
     * @param nic         the emulated NIC ({@code nic-model})
     * @param kernel      the guest kernel generation ({@code kernel})
     * @param accelerator auto (a bounded KVM test boot decides), kvm or tcg
     * @param memoryMb    guest memory
     * @param qemu        another QEMU binary than qemu-system-x86_64 from the PATH, or empty
     * @param personaBase the first persona's address; the tap is .1 and the guest .2 of its /24
     */
    record Vm(NicModel nic, GuestKernel kernel, Accelerator.Request accelerator, int memoryMb, Optional<Path> qemu,
              Inet4Address personaBase) implements LabKind {
        public static final String DEFAULT_BASE = "198.18.9.10";
        public static final int DEFAULT_MEMORY_MB = 512;
        /** The tap's host part: the guest's neighbour, which answers its pings after an offload switch. */
        static final int TAP_HOST = 1;
        /** The guest's host part. */
        static final int GUEST_HOST = 2;

        public Vm {
            if (nic == null) {
                throw new Invalid("nic-model", "missing; the NIC QEMU emulates (" + NicModel.names() + ")");
            }
            if (kernel == null) {
                throw new Invalid("kernel", "missing; the guest kernel from Debian's packages (6.1, 6.12)");
            }
            accelerator = accelerator == null ? Accelerator.Request.AUTO : accelerator;
            if (memoryMb < 256 || memoryMb > 8192) {
                throw new Invalid("memory-mb", memoryMb + " is not 256..8192 (MB of guest memory)");
            }
            qemu = qemu == null ? Optional.empty() : qemu;
            requireBase(personaBase);
            int last = personaBase.getAddress()[3] & 0xFF;
            if (last <= GUEST_HOST) {
                throw new Invalid("persona-base", "'" + personaBase.getHostAddress() + "': ." + TAP_HOST + " of its /24 is the tap's and ."
                        + GUEST_HOST + " the guest's; the personas start above them (e.g. .10)");
            }
        }

        @Override
        public String id() {
            return "vm";
        }

        /** The guest NIC's address: .2 of the personas' /24. */
        public Inet4Address guestAddress() {
            return host(GUEST_HOST);
        }

        /** The tap's address in the lab's namespace: .1 of the personas' /24. */
        public Inet4Address tapAddress() {
            return host(TAP_HOST);
        }

        private Inet4Address host(int part) {
            byte[] b = personaBase.getAddress();
            return PersonaCatalogue.address((b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + part);
        }

        @Override
        public PersonaCatalogue.Segment segment() {
            return PersonaCatalogue.Segment.around(personaBase, Optional.of(guestAddress()), "the vm lab (" + nic.device() + ", kernel "
                    + kernel.generation() + ")");
        }

        @Override
        public boolean emulatesFaults() {
            return true;
        }
    }

    private static String interfaceName(String field, String name, String why) {
        if (name == null || name.isBlank()) {
            throw new Invalid(field, "missing; " + why);
        }
        return name;
    }

    /** A persona base the lab rules allow: 198.18.0.0/15, a host address of its /24. */
    private static void requireBase(Inet4Address base) {
        if (base == null) {
            throw new Invalid("persona-base", "missing");
        }
        if (!PersonaCatalogue.isTestAddress(base)) {
            throw new Invalid("persona-base", "'" + base.getHostAddress() + "' is outside 198.18.0.0/15, the only range quirklab "
                    + "sends test traffic to");
        }
        int last = base.getAddress()[3] & 0xFF;
        if (last == 0 || last == 255) {
            throw new Invalid("persona-base", "'" + base.getHostAddress() + "' is the " + (last == 0 ? "network" : "broadcast")
                    + " address of its /24; the personas start at a host address (e.g. .10)");
        }
    }
}
