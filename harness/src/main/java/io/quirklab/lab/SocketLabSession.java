package io.quirklab.lab;

import io.quirklab.bmc.Exchange;
import io.quirklab.bmc.ExchangeLog;
import io.quirklab.bmc.SimulatedBmc;
import io.quirklab.bmc.UdpBmcServer;
import io.quirklab.client.ClientKind;
import io.quirklab.matrix.OffloadState;
import io.quirklab.observe.DutObservers;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.Persona;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.wire.QuirkProfile;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A socket lab ({@link LabKind.Socket}): every persona's simulated BMC on a loopback UDP socket of its own, in this
 * process. Only personas without packet quirks serve (their frames are the kernel's); the others are left out with a
 * note. The BMCs' exchanges, tagged per probe, stand in for the responder journal; there is no offload to switch.
 */
public final class SocketLabSession implements LabSession {
    private final LabKind.Socket kind;
    private final List<UdpBmcServer> servers;
    private final ResponderJournal journal;
    private final Map<String, String> probes;
    private final LabState state;
    private final Teardown teardown;

    private SocketLabSession(LabKind.Socket kind, List<UdpBmcServer> servers, ResponderJournal journal, Map<String, String> probes,
                             LabState state) {
        this.kind = kind;
        this.servers = servers;
        this.journal = journal;
        this.probes = probes;
        this.state = state;
        this.teardown = Teardown.atExit("quirklab-socket-lab-shutdown", () -> servers.forEach(UdpBmcServer::close));
    }

    /**
     * Starts a BMC for every persona of the lab file that has no packet quirks.
     *
     * @param file     the lab file (its personas)
     * @param kind     where to serve
     * @param progress one line per step
     */
    public static SocketLabSession open(LabFile file, LabKind.Socket kind, Consumer<String> progress) throws IOException {
        List<Persona> served = file.personas().stream().filter(p -> p.quirks().equals(QuirkProfile.CLEAN)).toList();
        List<String> left = file.personas().stream().filter(p -> !served.contains(p)).map(Persona::name).toList();
        if (!left.isEmpty()) {
            progress.accept("left out " + left.size() + " personas with packet quirks (a socket lab has no raw frames of its own; "
                    + "the virtual lab serves them): " + String.join(", ", left.stream().limit(6).toList()) + (left.size() > 6 ? ", ..." : ""));
        }
        if (served.isEmpty()) {
            throw new IOException("no persona of this lab file serves on a socket: every one has packet quirks");
        }
        ResponderJournal journal = new ResponderJournal(100_000, 1L << 20);
        Map<String, String> probes = new ConcurrentHashMap<>();
        List<UdpBmcServer> servers = new ArrayList<>();
        List<LabState.PersonaInfo> infos = new ArrayList<>();
        byte[] first = kind.first().getAddress();
        try {
            for (int i = 0; i < served.size(); i++) {
                Persona p = served.get(i);
                byte[] a = first.clone();
                a[3] = (byte) (a[3] + i);
                Inet4Address address = (Inet4Address) InetAddress.getByAddress(a);
                UdpBmcServer server = bind(p, address, kind.port(), journal, probes, progress);
                servers.add(server);
                infos.add(new LabState.PersonaInfo(p.name(), address.getHostAddress(), null, p.expected(), List.of(), p.description(),
                        p.bmc().ipmi20() ? "2.0" : "1.5", server.localAddress().getPort()));
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(UdpBmcServer::close);
            throw e;
        }
        InetSocketAddress one = servers.get(0).localAddress();
        progress.accept("serving " + servers.size() + " simulated BMCs on loopback from " + one.getAddress().getHostAddress() + " (udp "
                + (kind.port() == 0 ? "ports picked by the system" : String.valueOf(one.getPort())) + ")");
        LabState state = new LabState(kind.id(), null, "lo", "127.0.0.1/8", null, ProcessHandle.current().pid(), null, null, infos,
                Instant.now().toString());
        return new SocketLabSession(kind, servers, journal, probes, state);
    }

    /** Binds the persona's BMC; without the privilege for port 623 it falls back to a free port, and says so once. */
    private static UdpBmcServer bind(Persona p, Inet4Address address, int port, ResponderJournal journal, Map<String, String> probes,
                                     Consumer<String> progress) throws IOException {
        ExchangeLog log = new ExchangeLog() {
            @Override
            public void exchange(InetSocketAddress peer, Exchange e) {
                String probe = probes.get(p.name());
                long now = Instant.now().toEpochMilli() * 1000;
                String from = peer.getAddress().getHostAddress() + ":" + peer.getPort();
                journal.add(now, p.name(), ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, from, probe, new byte[0], e.summary());
                if (e.answered()) {
                    journal.add(now, p.name(), ResponderJournal.Direction.OUT, ResponderJournal.Kind.RMCP, from, probe, new byte[0],
                            e.summary());
                }
            }

            @Override
            public void problem(String message) {
                progress.accept("persona " + p.name() + ": " + message);
            }
        };
        try {
            return UdpBmcServer.start(new SimulatedBmc(p.bmc()), new InetSocketAddress(address, port), log);
        } catch (IOException e) {
            if (port == 0 || port >= 1024 || !String.valueOf(e.getMessage()).contains("ermission")) {
                throw new IOException("cannot serve persona " + p.name() + " on udp " + address.getHostAddress() + ":" + port + ": "
                        + e.getMessage(), e);
            }
            return UdpBmcServer.start(new SimulatedBmc(p.bmc()), new InetSocketAddress(address, 0), log);
        }
    }

    @Override
    public LabKind kind() {
        return kind;
    }

    @Override
    public LabState state() {
        return state;
    }

    @Override
    public LabState offload(OffloadState offload) throws IOException {
        if (offload.on()) {
            throw new IOException("a socket lab has no offload to switch: the kernel checks every datagram on loopback");
        }
        return state;
    }

    @Override
    public String offloadDescription() {
        return "no offload axis: the simulated BMCs serve on loopback sockets";
    }

    @Override
    public Optional<FaultModel> faultModel() {
        return Optional.empty();
    }

    @Override
    public Optional<DutObservers> observers(Consumer<String> progress) {
        return Optional.of(DutObservers.none());
    }

    @Override
    public Optional<String> unsupported(ClientKind client) {
        int port = state.personas().get(0).udpPort();
        if (client.tool() != null && !client.tool().supportsPort(port)) {
            return Optional.of(client.tool().id() + " only talks to UDP " + LabKind.Socket.IPMI_PORT + "; run as root to bind it");
        }
        return Optional.empty();
    }

    @Override
    public ResponderControl control() {
        return new ResponderControl() {
            @Override
            public ControlReply.Status status() {
                return new ControlReply.Status(ProcessHandle.current().pid(), 0, journal.totalSeen(), 0, 0, 0, journal.size(),
                        journal.evicted(), journal.cursor(), List.of());
            }

            @Override
            public void beginProbe(String persona, String probe) {
                probes.put(persona, probe);
            }

            @Override
            public void endProbe(String persona, String probe) {
                probes.remove(persona, probe);
            }

            @Override
            public ControlReply.JournalPage journal(ControlRequest.Journal query) {
                List<ResponderJournal.Entry> entries = query.probe() != null ? journal.probe(query.probe())
                        : journal.since(query.since() == null ? 0 : query.since(), query.persona(), query.pageSize());
                return ControlReply.JournalPage.of(entries, journal.cursor(), false, journal.evicted(), null,
                        query.pcap() == null ? null : "a socket lab has no frames of its own (the kernel's, on loopback)");
            }

            @Override
            public ControlReply.Status putPersonas(String catalogue) throws IOException {
                throw new IOException("a socket lab serves the personas it started with");
            }

            @Override
            public void shutdown() {
                servers.forEach(UdpBmcServer::close);
            }
        };
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }
}
