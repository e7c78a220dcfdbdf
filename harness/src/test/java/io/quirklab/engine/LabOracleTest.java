package io.quirklab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quirklab.bisect.Attempts;
import io.quirklab.bisect.ComposedPersona;
import io.quirklab.bisect.Traits;
import io.quirklab.client.ClientKind;
import io.quirklab.client.Failure;
import io.quirklab.lab.LabState;
import io.quirklab.matrix.Reason;
import io.quirklab.matrix.Verdict;
import io.quirklab.observe.Evidence;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.Persona;
import io.quirklab.responder.PersonaCatalogue;
import io.quirklab.responder.Responder;
import io.quirklab.responder.ResponderControl;
import io.quirklab.responder.ResponderJournal;
import io.quirklab.testing.InProcessResponder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabOracleTest {
    @Test
    void theSlotIsTheHighestFreeAddressOfTheDutSubnet() throws Exception {
        assertEquals("198.18.0.254", LabOracle.slotAddress("198.18.0.1/24", Set.of("198.18.0.10")));
        assertEquals("198.18.0.253", LabOracle.slotAddress("198.18.0.1/24", Set.of("198.18.0.254")));
        assertEquals("198.18.1.254", LabOracle.slotAddress("198.18.1.1/24", Set.of()));
    }

    /**
     * A composed persona's attempts run at once, each on a copy at a slot of its own (address and MAC), never two on one
     * copy, in the order asked; the lab's own personas (the anchors) one after another; close puts the lab's set back.
     */
    @Test
    void attemptsRunAtOnceOnCopiesOfTheComposedPersonaEachCopyOneAttemptAtATime(@TempDir Path dir) throws Exception {
        List<Persona> typed = PersonaCatalogue.builtIn().personas();
        Responder responder = new Responder(typed, InProcessResponder.NO_TAP, InProcessResponder.NOWHERE, new ResponderJournal(100, 1 << 20), line -> { });
        ResponderControl control = InProcessResponder.control(responder);
        LabState lab = new LabState("virtual", "qlab", "qlab-dut", "198.18.0.1/24", "qlab-resp", 1, "/nonexistent", null,
                LabState.PersonaInfo.of(control.status()), "now");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Map<String, AtomicInteger> perCopy = new ConcurrentHashMap<>();
        List<String> overlapping = new CopyOnWriteArrayList<>();
        List<LabState.PersonaInfo> probed = new CopyOnWriteArrayList<>();
        LabOracle.Prober prober = (p, evidence) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            if (perCopy.computeIfAbsent(p.name(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlapping.add(p.name());
            }
            probed.add(p);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            perCopy.get(p.name()).decrementAndGet();
            running.decrementAndGet();
            Evidence ev = Evidence.of(new Evidence.Client(Failure.TIMEOUT, "no answer", null, 1, 0));
            boolean drop = evidence.getFileName().toString().equals("attempt-2");
            return new Probe.Result(p.name(), p.address(), "java-lan", Verdict.DELIVERED, drop ? Verdict.DROPPED_IN_STACK : Verdict.DELIVERED,
                    drop ? Reason.UDP_CSUM : null, "fake", ev, "", 100, null, null);
        };
        Persona tyan = typed.stream().filter(p -> p.name().equals("smdc-tyan")).findFirst().orElseThrow();
        try (LabOracle oracle = new LabOracle(lab, control, prober, ClientKind.JAVA_LAN, dir, false, 4)) {
            Attempts a = oracle.probe(new ComposedPersona("bisect-1", List.of(), Traits.of(tyan)), 6);
            assertThat(a.attempts()).extracting(Attempts.Attempt::evidence).containsExactly("bisect-1/attempt-1", "bisect-1/attempt-2",
                    "bisect-1/attempt-3", "bisect-1/attempt-4", "bisect-1/attempt-5", "bisect-1/attempt-6");
            assertThat(a.attempts()).extracting(Attempts.Attempt::verdict).containsExactly(Verdict.DELIVERED, Verdict.DROPPED_IN_STACK,
                    Verdict.DELIVERED, Verdict.DELIVERED, Verdict.DELIVERED, Verdict.DELIVERED);
            assertThat(most.get()).as("attempts at once").isEqualTo(4);
            assertThat(overlapping).as("two attempts on one copy at once").isEmpty();
            assertThat(probed).extracting(LabState.PersonaInfo::name).containsOnly("bisect-1", "bisect-1--2", "bisect-1--3", "bisect-1--4");
            assertThat(probed.stream().map(LabState.PersonaInfo::address).distinct().sorted().toList())
                    .containsExactly("198.18.0.251", "198.18.0.252", "198.18.0.253", "198.18.0.254");
            assertThat(probed.stream().map(LabState.PersonaInfo::mac).distinct().count()).isEqualTo(4);
            assertThat(control.status().personas()).extracting(ControlReply.PersonaView::name).contains("bisect-1", "bisect-1--4");

            most.set(0);
            oracle.probe(new ComposedPersona("smdc-tyan", List.of(), Traits.of(tyan)), 3);
            assertThat(most.get()).as("a persona of the lab's own is probed as it is, one attempt at a time").isEqualTo(1);
        }
        assertThat(control.status().personas()).extracting(ControlReply.PersonaView::name).hasSize(typed.size())
                .noneMatch(n -> n.startsWith("bisect-"));
        responder.close();
    }
}
