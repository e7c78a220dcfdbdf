package io.quirklab.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.input.InputFile;
import io.quirklab.process.CommandRunner;
import io.quirklab.process.ProcessOwner;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A second port of this machine, cabled to the DUT port, carries the responder: the DUT interface keeps its own
 * address in the personas' /24 and the harness creates nothing on the network, it only starts the responder on the
 * second port (which must be up and carry no IPv4 address). The responder process and its files are journaled, so
 * {@link #down()} and the next start remove what a killed run left.
 */
public final class SecondNicLab {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final Path stateDir;
    private final Consumer<String> progress;
    private final RestoreJournal journal;
    private final CommandRunner runner = new CommandRunner();

    public SecondNicLab(Path stateDir, Consumer<String> progress) {
        this.stateDir = stateDir;
        this.progress = progress;
        this.journal = new RestoreJournal(stateDir.resolve("restore-journal.jsonl"), runner);
    }

    public RestoreJournal journal() {
        return journal;
    }

    /** Where a second-nic lab keeps its state unless told otherwise. */
    public static Path defaultStateDir() {
        return VirtualLab.defaultStateDir().resolve("second-nic");
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path stateFile() {
        return stateDir.resolve("lab.json");
    }

    /** Checks the two ports and starts the responder on the second one. */
    public LabState up(LabKind.SecondNic nic, VirtualLab.ResponderLaunch launch) throws IOException {
        Files.createDirectories(stateDir);
        java.util.Optional<LabLock.Holder> other = LabLock.otherHolder(stateDir);
        if (other.isPresent()) {
            throw new IOException("another quirklab run (" + other.get().describe() + ") uses the second-nic lab in " + stateDir
                    + "; wait for it or stop it");
        }
        if (!journal.isEmpty()) {
            progress.accept("removing leftovers of an earlier run");
            journal.undoAll().forEach(l -> progress.accept("  " + l));
        }
        Inet4Address base = nic.personaBase();
        checkPorts(nic, base);
        // every persona inside the DUT's /24, not its address, and routed by this host through the DUT interface
        Optional<Inet4Address> dut = dutAddress(nic);
        PersonaCatalogue.Segment segment = PersonaCatalogue.Segment.around(base, dut,
                nic.segment().label());
        List<Persona> personas = launch.personas();
        VirtualLab.requireOn(segment, personas);
        new LabNetwork(runner).requireRoutedVia(personas, segment, nic.dutInterface());
        try {
            return start(nic, launch);
        } catch (IOException | RuntimeException e) {
            progress.accept("second-nic lab failed, removing what was started: " + e.getMessage());
            journal.undoAll().forEach(l -> progress.accept("  " + l));
            throw e;
        }
    }

    private void checkPorts(LabKind.SecondNic nic, Inet4Address base) throws IOException {
        for (String iface : List.of(nic.dutInterface(), nic.responderInterface())) {
            if (!Files.exists(Path.of("/sys/class/net", iface))) {
                throw new IOException("no interface " + iface + " on this machine (ip -br link lists them)");
            }
        }
        String resp = runner.run(COMMAND_TIMEOUT, List.of("ip", "-4", "-o", "addr", "show", "dev", nic.responderInterface())).stdout();
        if (!resp.isBlank()) {
            throw new IOException(nic.responderInterface() + " carries an IPv4 address (" + resp.strip().split("\\s+")[3]
                    + "): the responder's port must have none, or this host's stack answers for it");
        }
        String state = read(Path.of("/sys/class/net", nic.responderInterface(), "operstate"));
        if (!"up".equals(state) && !"unknown".equals(state)) {
            throw new IOException(nic.responderInterface() + " is " + state + ": bring it up first (ip link set "
                    + nic.responderInterface() + " up) and check the cable to " + nic.dutInterface());
        }
        String dut = runner.run(COMMAND_TIMEOUT, List.of("ip", "-4", "-o", "addr", "show", "dev", nic.dutInterface())).stdout();
        byte[] b = base.getAddress();
        String prefix = (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + ".";
        if (!dut.contains(" " + prefix)) {
            throw new IOException(nic.dutInterface() + " has no address in " + prefix + "0/24, where the personas live (from "
                    + nic.personaBase().getHostAddress() + "): give it one, e.g. ip addr add " + prefix + "1/24 dev " + nic.dutInterface());
        }
    }

    /** The DUT interface's IPv4 address in the personas' /24 (checkPorts made sure there is one). */
    private Optional<Inet4Address> dutAddress(LabKind.SecondNic nic) {
        String out = runner.run(COMMAND_TIMEOUT, List.of("ip", "-4", "-o", "addr", "show", "dev", nic.dutInterface())).stdout();
        PersonaCatalogue.Segment seg = nic.segment();
        for (String line : out.lines().toList()) {
            Optional<String> inet = LabNetwork.Route.field(line, "inet");
            if (inet.isPresent()) {
                try {
                    Inet4Address a = PersonaCatalogue.address(inet.get().replaceFirst("/.*", ""));
                    if (PersonaCatalogue.Segment.around(a, Optional.empty(), "").network().equals(seg.network())) {
                        return Optional.of(a);
                    }
                } catch (IllegalArgumentException | ClassCastException ignored) {
                    // not an address we can use; look on
                }
            }
        }
        return Optional.empty();
    }

    private LabState start(LabKind.SecondNic nic, VirtualLab.ResponderLaunch launch) throws IOException {
        journal.record(new JournalEntry.File(stateFile()));
        VirtualLab.RunningResponder r = VirtualLab.startResponder(stateDir, journal, launch, Optional.empty(), nic.responderInterface(),
                nic.personaBase().getHostAddress(), progress);
        Process p = r.process();
        Path socket = r.socket();
        List<LabState.PersonaInfo> personas = r.personas();
        String[] dutAddr = runner.run(COMMAND_TIMEOUT, List.of("ip", "-4", "-o", "addr", "show", "dev", nic.dutInterface())).stdout()
                .strip().split("\\s+");
        String dutAddress = dutAddr.length > 3 ? dutAddr[3] : null;
        LabState state = new LabState("second-nic", null, nic.dutInterface(), dutAddress, nic.responderInterface(), p.pid(),
                socket.toString(), null, personas, Instant.now().toString());
        JSON.writeValue(stateFile().toFile(), state);
        return state;
    }

    /** Another live run holds this lab (then its leftovers are its to remove); the holder is {@link LabLock}'s. */
    public boolean ownerAlive() {
        return LabLock.otherHolder(stateDir).isPresent();
    }

    /** Stops the responder and removes its files; returns what was done. */
    public List<String> down() throws IOException {
        List<String> done = journal.undoAll();
        try {
            Files.deleteIfExists(stateDir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // other files live there
        }
        return done;
    }

    private static String read(Path p) {
        try {
            return InputFile.lenient(p, InputFile.Kind.KERNEL).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
