package io.quirklab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.lab.LabKind;
import io.quirklab.lab.LabState;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ControlRequest;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.responder.Responder;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.testing.QueueTap;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Persona instances on a real responder (frames through queues instead of an interface). */
class PersonaInstancesTest {
    static final MacAddress DUT_MAC = MacAddress.parse("02:00:00:00:00:01");
    final QueueTap in = new QueueTap();
    final BlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
    final List<Persona> typed = PersonaCatalogue.builtIn().personas();
    final Responder responder = new Responder(typed, in, new FrameInjector() {
        @Override
        public long send(byte[] frame) {
            out.add(frame);
            return System.currentTimeMillis() * 1000;
        }

        @Override
        public void close() {
        }
    }, new ResponderJournal(1000, 1 << 20), line -> { });
    final Thread serving = new Thread(() -> responder.run(Duration.ofMinutes(1)), "test-responder");

    /** The responder's control API in this process, as the lab's socket would carry it. */
    final ResponderControl control = io.quirklab.testing.InProcessResponder.control(responder);

    LabState lab() throws IOException {
        return new LabState("virtual", "qlab", "qlab-dut", "198.18.0.1/24", "qlab-resp", 1, "/nonexistent", null,
                LabState.PersonaInfo.of(control.status()), "now");
    }

    @AfterEach
    void stop() throws InterruptedException {
        responder.close();
        serving.join(2000);
    }

    @Test
    void instancesHaveAddressesAndMacsOfTheirOwnAnswerForThemselvesAndGoAtTheEnd() throws Exception {
        serving.start();
        Map<String, Integer> wanted = new LinkedHashMap<>();
        wanted.put("delayed-300ms", 6);
        wanted.put("smdc-tyan", 4);
        wanted.put("clean", 1);
        LabState lab = lab();
        int before = control.status().personas().size();
        String persona;
        try (PersonaInstances instances = PersonaInstances.serve(lab, control, typed, new LabKind.Virtual().segment(), wanted)) {
            List<LabState.PersonaInfo> delayed = instances.of("delayed-300ms");
            assertThat(delayed).hasSize(6);
            assertThat(delayed.get(0)).isEqualTo(lab.persona("delayed-300ms"));
            assertThat(delayed).extracting(LabState.PersonaInfo::name).containsExactly("delayed-300ms", "delayed-300ms--2",
                    "delayed-300ms--3", "delayed-300ms--4", "delayed-300ms--5", "delayed-300ms--6");
            assertThat(instances.of("smdc-tyan")).hasSize(4);
            assertThat(instances.of("clean")).containsExactly(lab.persona("clean"));
            assertThat(instances.copies()).isEqualTo(8);
            assertThat(instances.describe()).isEqualTo("6 of delayed-300ms, 4 of smdc-tyan");
            // every instance on an address and MAC of its own in the lab's /24, none the DUT's or a persona's
            List<LabState.PersonaInfo> all = lab().personas();
            assertThat(all).hasSize(before + 8);
            assertThat(all).extracting(LabState.PersonaInfo::address).doesNotHaveDuplicates().doesNotContain("198.18.0.1")
                    .allMatch(a -> a.startsWith("198.18.0."));
            assertThat(all).extracting(LabState.PersonaInfo::mac).doesNotHaveDuplicates();
            // served with the persona's own quirks and IPMI versions
            LabState.PersonaInfo tyan = lab.persona("smdc-tyan");
            assertThat(instances.of("smdc-tyan")).allSatisfy(i -> {
                LabState.PersonaInfo served = lab().persona(i.name());
                assertThat(served.quirks()).isEqualTo(tyan.quirks());
                assertThat(served.ipmi()).isEqualTo(tyan.ipmi());
                assertThat(served.address()).isEqualTo(i.address());
            });
            // the responder answers ARP for an instance with the instance's MAC
            LabState.PersonaInfo copy = delayed.get(3);
            in.arrive(arpRequest(copy.address()));
            byte[] reply = out.poll(5, TimeUnit.SECONDS);
            assertThat(reply).as("an ARP reply").isNotNull();
            ParsedFrame f = ParsedFrame.parse(reply).orElseThrow();
            assertThat(f.arp().orElseThrow().senderIp().getHostAddress()).isEqualTo(copy.address());
            assertThat(f.src()).hasToString(copy.mac());
            persona = copy.name();
        }
        assertThat(control.status().personas()).extracting(ControlReply.PersonaView::name).hasSize(before).doesNotContain(persona);
    }

    /** Offload states that run at once take instances apart: the persona itself in the first set, no address in both. */
    @Test
    void aSplitGivesTwoStatesInstancesApartOrNothingWhenAPersonaHasOnlyItself() throws Exception {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        wanted.put("delayed-300ms", 6);
        wanted.put("smdc-tyan", 3);
        wanted.put("clean", 1);
        LabState lab = lab();
        try (PersonaInstances instances = PersonaInstances.serve(lab, control, typed, new LabKind.Virtual().segment(), wanted)) {
            PersonaInstances.Split two = instances.split(List.of("delayed-300ms", "smdc-tyan")).orElseThrow();
            assertThat(two.first().get("delayed-300ms")).hasSize(3).first().isEqualTo(lab.persona("delayed-300ms"));
            assertThat(two.second().get("delayed-300ms")).hasSize(3);
            assertThat(two.first().get("smdc-tyan")).hasSize(2);
            assertThat(two.second().get("smdc-tyan")).hasSize(1);
            List<String> second = two.secondAddresses().stream().map(java.net.Inet4Address::getHostAddress).toList();
            assertThat(second).hasSize(4).doesNotContain(lab.persona("delayed-300ms").address(), lab.persona("smdc-tyan").address());
            assertThat(two.first().values().stream().flatMap(List::stream).map(LabState.PersonaInfo::address))
                    .doesNotContainAnyElementsOf(second);
            assertThat(instances.split(List.of("delayed-300ms", "clean"))).as("clean has no instance to spare").isEmpty();
        }
    }

    @Test
    void instancesAKilledRunLeftAreNotTakenForTheLabsOwn() throws Exception {
        // a run killed with its instances served
        PersonaInstances.serve(lab(), control, typed, new LabKind.Virtual().segment(), Map.of("clean", 3));
        assertThat(lab().personas()).extracting(LabState.PersonaInfo::name).contains("clean--2", "clean--3");
        // the next run's lab state has the lab's personas only (lab.json); the leftovers are not copied as its own
        LabState own = lab();
        own = new LabState(own.kind(), own.netns(), own.dutInterface(), own.dutAddress(), own.responderInterface(), own.responderPid(),
                own.controlSocket(), null, own.personas().stream().filter(p -> !p.name().contains("--")).toList(), own.started());
        try (PersonaInstances next = PersonaInstances.serve(own, control, typed, new LabKind.Virtual().segment(), Map.of("smdc-tyan", 2))) {
            assertThat(next.of("smdc-tyan")).hasSize(2);
        }
        assertThat(control.status().personas()).extracting(ControlReply.PersonaView::name).noneMatch(n -> n.contains("--"))
                .hasSize(typed.size());
    }

    @Test
    void aSegmentWithoutFreeAddressesServesEveryPersonaOnce() throws Exception {
        // a /24 full of personas but for two addresses
        StringBuilder many = new StringBuilder();
        for (int i = 2; i <= 251; i++) {
            many.append("  - name: p").append(i).append("\n    address: 198.18.0.").append(i).append("\n");
        }
        List<Persona> full = PersonaCatalogue.parse("full.yaml", "personas:\n" + many,
                (java.net.Inet4Address) InetAddress.getByName("198.18.0.2")).personas();
        control.putPersonas(PersonaYaml.personas(full));
        LabState lab = lab();
        try (PersonaInstances instances = PersonaInstances.serve(lab, control, full, new LabKind.Virtual().segment(), Map.of("p2", 6))) {
            assertThat(instances.of("p2")).hasSize(3); // .252 and .253 (.254 is bisect's slot)
            assertThat(instances.of("p2")).extracting(LabState.PersonaInfo::address).containsExactly("198.18.0.2", "198.18.0.253",
                    "198.18.0.252");
        }
    }

    @Test
    void noInstancesWhereTheResponderCannotSayWhatItServes() throws IOException {
        LabState lab = lab();
        ResponderControl silent = new ResponderControl() {
            @Override
            public ControlReply.Status status() {
                return null;
            }

            @Override
            public void beginProbe(String persona, String probe) {
            }

            @Override
            public void endProbe(String persona, String probe) {
            }

            @Override
            public ControlReply.JournalPage journal(ControlRequest.Journal query) {
                return null;
            }

            @Override
            public ControlReply.Status putPersonas(String catalogue) {
                throw new AssertionError("nothing to put");
            }

            @Override
            public void shutdown() {
            }
        };
        try (PersonaInstances instances = PersonaInstances.serve(lab, silent, typed, new LabKind.Virtual().segment(), Map.of("clean", 4))) {
            assertThat(instances.of("clean")).containsExactly(lab.persona("clean"));
            assertThat(instances.copies()).isZero();
        }
    }

    /** who-has ADDRESS tell 198.18.0.1, broadcast, written by hand. */
    static byte[] arpRequest(String address) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(MacAddress.BROADCAST.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(DUT_MAC.bytes()).put(InetAddress.getByName("198.18.0.1").getAddress());
        b.put(new byte[6]).put(InetAddress.getByName(address).getAddress());
        return b.array();
    }
}
