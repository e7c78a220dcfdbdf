package io.quirklab.lab;

import io.quirklab.client.ClientKind;
import io.quirklab.host.HostAdapter;
import io.quirklab.host.OffloadKeys;
import io.quirklab.lab.vm.GuestFingerprint;
import io.quirklab.lab.vm.GuestObservers;
import io.quirklab.lab.vm.OffloadSwitch;
import io.quirklab.lab.vm.VmConfig;
import io.quirklab.lab.vm.VmGuest;
import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.observe.DutObservers;
import io.quirklab.process.CommandRunner;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A run whose machine under test is a QEMU guest ({@link LabKind.Vm}): the guest boots with the lab's NIC model and
 * kernel, the responder serves the personas on the tap inside namespace {@value VmConfig#DEFAULT_NETNS}, the clients run
 * in the guest, and the guest's own fingerprint and evidence go into the matrix. The offload axis is the guest NIC's real
 * receive checksum offload, or, with a fault model, that model emulated on the guest NIC's ingress. Everything is
 * journaled before it exists, so a killed run is undone by the next one or by {@code quirklab lab restore}.
 */
public final class VmLabSession implements LabSession {
    /** A guest command that changes the NIC's settings. */
    static final Duration COMMAND = Duration.ofSeconds(30);

    private final LabKind.Vm kind;
    private final VmGuest guest;
    private final LabState state;
    private final RestoreJournal journal;
    private final Optional<FaultModel> fault;
    private final IngressFault ingress;
    private final Consumer<String> progress;
    private final List<MatrixDocument.OffloadStateChange> changes = new ArrayList<>();
    private final Teardown teardown;

    private VmLabSession(LabKind.Vm kind, VmGuest guest, LabState state, RestoreJournal journal, List<JournalEntry> responder,
                         Optional<FaultModel> fault, IngressFault ingress, LabLock lock, Consumer<String> progress) {
        this.kind = kind;
        this.guest = guest;
        this.state = state;
        this.journal = journal;
        this.fault = fault;
        this.ingress = ingress;
        this.progress = progress;
        this.teardown = Teardown.atExit("quirklab-vm-session-shutdown", () -> {
            try {
                // the responder first, while its tap still exists; then the guest, which takes the tap and namespace along
                journal.undoWhere(responder::contains);
                guest.close();
            } finally {
                try {
                    journal.undoAll();
                } finally {
                    lock.close(); // and the state directory, once empty
                }
            }
        });
    }

    /** Where a vm lab keeps its lock, journal, responder files and the guest's work files: /run/quirklab/vm. */
    public static Path defaultStateDir() {
        return VirtualLab.defaultStateDir().resolve("vm");
    }

    /**
     * Boots the guest and starts the responder on its tap.
     *
     * @param file     the lab file (its fault model, if any, is emulated in the guest)
     * @param launch   how to start the responder, with the lab file's personas
     * @param stateDir this lab's state directory
     */
    public static VmLabSession open(LabFile file, LabKind.Vm kind, VirtualLab.ResponderLaunch launch, Path stateDir,
                                    Consumer<String> progress) throws IOException {
        Files.createDirectories(stateDir);
        RestoreJournal journal = new RestoreJournal(stateDir.resolve("restore-journal.jsonl"), new CommandRunner());
        LabLock lock = LabLock.take(stateDir, progress, dead -> journal.undoAll());
        VmGuest guest = null;
        try {
            if (!journal.isEmpty()) {
                progress.accept("removing what an earlier vm lab left");
                journal.undoAll().forEach(l -> progress.accept("  " + l));
            }
            requireOn(kind, launch.personas());
            Optional<FaultModel> fault = file.emulatedFault();
            VmConfig config = VmConfig.of(kind.nic(), kind.kernel()).toBuilder()
                    .addresses(kind.guestAddress(), kind.tapAddress(), PersonaCatalogue.Segment.PREFIX).accelerator(kind.accelerator())
                    .memoryMb(kind.memoryMb()).workDir(stateDir.resolve("guest")).qemu(kind.qemu().orElse(null)).faults(fault.isPresent())
                    .build();
            guest = VmGuest.start(config, new GuestJournal(journal), progress);
            int before = journal.entries().size();
            VirtualLab.RunningResponder r = VirtualLab.startResponder(stateDir, journal, launch, Optional.of(config.netns()), config.tap(),
                    kind.personaBase().getHostAddress(), progress);
            List<JournalEntry> responder = List.copyOf(journal.entries().subList(before, journal.entries().size()));
            IngressFault ingress = fault.isPresent() ? emulating(guest, fault.get(), progress) : null;
            LabState state = new LabState(kind.id(), config.netns(), guest.iface(), config.guestCidr(), config.tap(), r.process().pid(),
                    r.socket().toString(), null, r.personas(), Instant.now().toString());
            return new VmLabSession(kind, guest, state, journal, responder, fault, ingress, lock, progress);
        } catch (IOException | RuntimeException e) {
            try {
                if (guest != null) {
                    guest.close();
                }
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            } finally {
                journal.undoAll();
                lock.close();
            }
            throw e;
        }
    }

    /** The lab's /24 minus its network, broadcast, guest (checked by the segment) and tap addresses. */
    private static void requireOn(LabKind.Vm kind, List<Persona> personas) throws IOException {
        VirtualLab.requireOn(kind.segment(), personas);
        for (Persona p : personas) {
            if (p.address().equals(kind.tapAddress())) {
                throw new IOException("persona '" + p.name() + "' address " + p.address().getHostAddress() + " is the tap's own address on "
                        + kind.segment().label());
            }
        }
    }

    /**
     * Makes the guest ready for an emulated fault on its NIC's ingress: the corrupted checksum is only caught by a
     * stack that checks it, and two things let it through otherwise: a NIC that vouched for the original (rx
     * checksumming on: CHECKSUM_UNNECESSARY) and GRO, which checks in software before the ingress hook and keeps the
     * sum it found. So both are off for the whole run, as rx checksumming is on the virtual lab's DUT end.
     */
    private static IngressFault emulating(VmGuest guest, FaultModel model, Consumer<String> progress) throws IOException {
        if (guest.rxOn()) {
            OffloadSwitch off = guest.rxChecksum(false);
            if (off.refused() != null) {
                throw new IOException("fault model " + model.name() + " cannot be emulated on " + guest.config().nic().device()
                        + ": its rx checksumming cannot be switched off (" + off.refused() + "), so the NIC vouches for every "
                        + "checksum before the fault is applied; run this NIC without a fault model");
            }
            progress.accept("guest " + off.describe());
        }
        CommandRunner.Result gro = guest.exec(COMMAND, "ethtool -K " + guest.iface() + " gro off");
        if (!gro.ok()) {
            throw new IOException("fault model " + model.name() + ": 'ethtool -K " + guest.iface() + " gro off' failed in the guest: "
                    + gro.firstLine());
        }
        progress.accept("rx checksumming and GRO are off on the guest's " + guest.iface() + " for the run: the emulated fault "
                + model.name() + " corrupts checksums the stack then checks");
        return new IngressFault(guest.iface(), null, guest.runner());
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
    public synchronized LabState offload(OffloadState offload) throws IOException {
        if (ingress != null) {
            ingress.apply(offload.on() ? fault.get() : null);
            return state;
        }
        String setting = guest.rxOn() ? "on" : "off";
        OffloadSwitch s = guest.rxChecksum(offload.on());
        if (s.refused() != null) {
            throw new IOException(kind.nic().device() + " refuses rx checksumming " + (offload.on() ? "on" : "off") + " (" + s.refused()
                    + "); run it in its fixed state only: offload: [\"" + setting + "\"]");
        }
        if (!s.ok()) {
            throw new IOException("the guest's " + guest.iface() + " did not come back after the switch (" + s.describe() + ")");
        }
        progress.accept("guest " + s.describe());
        String now = guest.rxOn() ? "on" : "off";
        changes.add(new MatrixDocument.OffloadStateChange(offload, guest.iface(), OffloadKeys.RX_UDP4_CHECKSUM, setting,
                offload.on() ? "on" : "off", now, now.equals(offload.on() ? "on" : "off"), s.linkDown().toMillis(), List.of(), s.describe()));
        return state;
    }

    @Override
    public String offloadDescription() {
        String where = kind.nic().device() + " guest on kernel " + guest.boot().kernel().release();
        return fault.map(m -> "offload=on is the emulated faulty offload '" + m.name() + "' on the ingress of the " + where + " ("
                        + m.describe() + "); rx checksumming and GRO are off there for the run, so the stack checks every checksum")
                .orElse("offload is the receive checksum offload of the " + where + " (ethtool -K " + guest.iface() + " rx on|off in the "
                        + "guest)");
    }

    @Override
    public Optional<FaultModel> faultModel() {
        return fault;
    }

    @Override
    public synchronized List<MatrixDocument.OffloadStateChange> offloadChanges() {
        return List.copyOf(changes);
    }

    /** The Java client runs in this JVM, outside the guest. */
    @Override
    public Optional<String> unsupported(ClientKind client) {
        if (client.tool() == null) {
            return Optional.of(client.id() + " runs in this JVM, outside the guest; started in the guest, a JVM under software "
                    + "emulation takes 15-21 s a call (docs/vm.md), so a vm lab runs the tools");
        }
        return Optional.empty();
    }

    @Override
    public Optional<CommandRunner> clientRunner() {
        return Optional.of(guest.runner());
    }

    /** The guest as the machine under test: its kernel, its NIC's driver and version, firmware, PCI ids and every offload. */
    @Override
    public Optional<MatrixDocument.Environment> environment() throws IOException {
        GuestFingerprint fp = guest.fingerprint();
        // the guest runs this host's userland over 9p: its OS and client versions are the host's, its kernel its own
        MatrixDocument.Environment host = HostAdapter.detect().fingerprint("lo");
        MatrixDocument.Os os = new MatrixDocument.Os(host.os().family(), host.os().name() + ", QEMU guest", host.os().version(),
                fp.kernelRelease());
        VmGuest.Boot boot = guest.boot();
        MatrixDocument.DutInterface dut = new MatrixDocument.DutInterface(fp.iface(), fp.mac(), kind.nic().model(), fp.pciId(), fp.driver(),
                fp.moduleVersion() != null ? fp.moduleVersion() : fp.driverVersion(), null, kind.nic().module() + ".ko", fp.firmware(),
                fp.linkSpeed(), fp.offloads(), fp.subsystemId(), "Debian " + boot.kernel().imagePackage() + " " + boot.kernel().version());
        String qemu = boot.accelerator().qemuVersion().replaceFirst("^QEMU emulator version ", "QEMU ").replaceFirst(" \\(.*", "");
        return Optional.of(new MatrixDocument.Environment(os, host.host() + " (" + qemu + ", " + boot.accelerator().accelerator() + ")",
                host.java(), dut, host.clients()));
    }

    @Override
    public Optional<DutObservers> observers(Consumer<String> progress) {
        try {
            return Optional.of(GuestObservers.start(guest, progress));
        } catch (IOException e) {
            throw new UncheckedIOException("the guest's observers did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public RestoreJournal journal() {
        return journal;
    }

    /** The guest, for tests that look inside it. */
    public VmGuest guest() {
        return guest;
    }

    @Override
    public void close() throws IOException {
        teardown.close();
    }
}
