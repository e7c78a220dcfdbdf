package io.quirklab.responder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quirklab.bisect.RequestHeader;
import io.quirklab.bmc.FirmwareQuirk;
import io.quirklab.lab.LabFile;
import io.quirklab.testing.PersonaEquivalence;
import io.quirklab.testing.TestFrames;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.PcapFile;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import io.quirklab.wire.ReplyFrameBuilder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class CapturedPersonaTest {
    private static Path capture(String name) throws URISyntaxException {
        return Path.of(CapturedPersonaTest.class.getResource("captures/" + name).toURI());
    }

    @Test
    void aRealBmcOnLoopbackIsCleanAndTellsItsIdentity() throws Exception {
        CapturedPersona p = CapturedPersona.of(PcapFile.read(capture("ipmitool_lan_mcinfo.pcap")), Optional.empty());
        assertEquals(QuirkProfile.CLEAN, p.quirks(), "a Linux stack's replies need no quirk");
        assertNotNull(p.identity());
        assertEquals("9.08", p.identity().firmware());
        assertEquals("2.0", p.identity().ipmiVersion());
        assertEquals(4753, p.identity().manufacturerId());
        assertEquals("2.0", p.ipmi());
        assertTrue(p.paired() > 5 && p.paired() == p.replies(), p.paired() + " of " + p.replies());
        assertTrue(p.undetermined().stream().anyMatch(u -> u.startsWith("eth-padding:")), p.undetermined().toString());
        String yaml = p.yaml("ipmi-sim");
        assertTrue(yaml.contains("# identity (Get Device ID): device id 0 rev 3, firmware 9.08, IPMI 2.0, manufacturer (IANA) 4753"), yaml);
        Persona back = PersonaCatalogue.parse("x.yaml", yaml, PersonaCatalogue.address(PersonaCatalogue.DEFAULT_BASE)).get("ipmi-sim");
        assertEquals(QuirkProfile.CLEAN, back.quirks());
    }

    @Test
    void theSessionIdZeroFirmwareQuirkIsSeen() throws Exception {
        CapturedPersona p = CapturedPersona.of(PcapFile.read(capture("z_fi_w.pcap")), Optional.empty());
        assertEquals(java.util.Set.of(FirmwareQuirk.SESSION_ID_ZERO), p.firmware());
        assertTrue(p.yaml("tyan").contains("firmware-quirks:\n  - session-id-zero") || p.yaml("tyan").contains("session-id-zero"));
    }

    @Test
    void aCaptureWithoutRequestsSaysSo() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> CapturedPersona.of(List.of(), Optional.empty()));
        CapturedPersona ping = CapturedPersona.of(PcapFile.read(capture("fi_rmcpping.pcap")), Optional.empty());
        assertTrue(ping.undetermined().stream().anyMatch(u -> u.startsWith("identity:")));
    }

    /** The request and reply payloads of a real ipmitool session (lan, mc info). */
    private static List<byte[][]> realExchanges() throws Exception {
        List<byte[][]> exchanges = new ArrayList<>();
        byte[] pending = null;
        for (PcapFile.Record r : PcapFile.read(capture("ipmitool_lan_mcinfo.pcap"))) {
            ParsedFrame f = ParsedFrame.parse(r.data()).orElseThrow();
            if (f.udp().isEmpty()) {
                continue;
            }
            if (f.udp().get().dstPort() == 623) {
                pending = f.udp().get().payload();
            } else if (pending != null) {
                exchanges.add(new byte[][] {pending, f.udp().get().payload()});
                pending = null;
            }
        }
        return exchanges;
    }

    /**
     * Every built-in persona's replies, built by the responder's own frame builder from the real exchange's payloads
     * (the lab round trip in the scenarios does the same on the wire), come back as an equivalent quirk profile.
     */
    @TestFactory
    List<DynamicTest> everyBuiltInPersonaComesBack() throws Exception {
        return comeBack(PersonaCatalogue.builtIn().personas());
    }

    /**
     * So do the catalogue lab's (scenarios/labs/catalogue.yaml): replies in two fragments (put back together by the
     * reading), short frames padded with junk, a frame trailer, a priority tag and QinQ, IHL 15, tunnel ports, and
     * IPv6 with its extension headers and a zero checksum.
     */
    @TestFactory
    List<DynamicTest> everyCataloguePersonaComesBack() throws Exception {
        return comeBack(LabFile.read(Path.of("..").toAbsolutePath().normalize().resolve("scenarios/labs/catalogue.yaml")).personas());
    }

    private static List<DynamicTest> comeBack(List<Persona> personas) throws Exception {
        List<byte[][]> exchanges = realExchanges();
        List<DynamicTest> tests = new ArrayList<>();
        for (Persona persona : personas) {
            tests.add(DynamicTest.dynamicTest(persona.name(), () -> {
                boolean v6 = persona.address6() != null;
                InetAddress self = v6 ? persona.address6() : TestFrames.PERSONA;
                MacAddress mac = v6 ? persona.mac() : TestFrames.PERSONA_MAC;
                List<PcapFile.Record> records = new ArrayList<>();
                AtomicInteger fresh = new AtomicInteger(7000);
                long t = 1_000_000;
                int id = 0x4d2e;
                for (byte[][] x : exchanges) {
                    byte[] rqFrame = v6 ? TestFrames.request6(mac, persona.address6(), x[0]) : TestFrames.Request.to623(x[0]).withId(id++).frame();
                    records.add(new PcapFile.Record(t, rqFrame.length, rqFrame));
                    List<byte[]> reply = ReplyFrameBuilder.udpReplies(ParsedFrame.parse(rqFrame).orElseThrow(), self, mac, x[1],
                            persona.quirks(), fresh::incrementAndGet);
                    long at = t + 200 + persona.quirks().effective(QuirkField.DELAY_MILLIS) * 1000L;
                    for (int copy = 0; copy < (persona.quirks().effective(QuirkField.DUPLICATE) ? 2 : 1); copy++) {
                        for (byte[] frame : reply) {
                            records.add(new PcapFile.Record(at, frame.length, frame));
                            at += 10;
                        }
                    }
                    t = at + 5_000;
                }
                CapturedPersona clone = CapturedPersona.of(records, Optional.of(self));
                Optional<RequestHeader> header = ParsedFrame.parse(records.get(0).data()).orElseThrow().ipv4().map(RequestHeader::of);
                assertEquals(List.of(), PersonaEquivalence.differences(persona, clone, header), clone.yaml(persona.name()));
            }));
        }
        return tests;
    }

    /** The first answer of a capture often waits for ARP or a cold code path: only a delay every reply has is a quirk. */
    @Test
    void aSlowFirstAnswerIsNoDelayButADelayOnEveryReplyIs() throws Exception {
        List<PcapFile.Record> real = PcapFile.read(capture("ipmitool_lan_mcinfo.pcap"));
        for (long extra : new long[] {0, 300}) {
            List<PcapFile.Record> records = new ArrayList<>();
            long t = 1_000_000;
            int n = 0;
            byte[] pending = null;
            // two exchanges, as a client's attempt and its retry give
            for (PcapFile.Record r : real) {
                ParsedFrame f = ParsedFrame.parse(r.data()).orElseThrow();
                if (f.udp().isEmpty() || n == 2) {
                    continue;
                }
                if (f.udp().get().dstPort() == 623) {
                    pending = f.udp().get().payload();
                } else if (pending != null) {
                    byte[] rq = TestFrames.Request.to623(pending).withId(0x1000 + n).frame();
                    records.add(new PcapFile.Record(t, rq.length, rq));
                    byte[] reply = ReplyFrameBuilder.udpReply(ParsedFrame.parse(rq).orElseThrow(), TestFrames.PERSONA, TestFrames.PERSONA_MAC,
                            f.udp().get().payload(), QuirkProfile.CLEAN, () -> 1);
                    // the first answer 85 ms late (ARP, a cold path), the others after 0.2 ms, plus the deliberate delay
                    long at = t + (n == 0 ? 85_000 : 200) + extra * 1000;
                    records.add(new PcapFile.Record(at, reply.length, reply));
                    t = at + 5_000;
                    n++;
                    pending = null;
                }
            }
            CapturedPersona clone = CapturedPersona.of(records, Optional.of(TestFrames.PERSONA));
            assertEquals(extra == 0 ? List.of() : List.of("delay-millis=300"),
                    clone.quirks().describe().stream().filter(q -> q.startsWith("delay-millis")).toList(), clone.yaml("x"));
        }
    }

    /**
     * Issue 24: a capture of 1,000,000 packets (500,000 exchanges of a quirky persona) is read a record at a time, the
     * live heap flat while it is read (sampled after a collection every 200,000 records), and still tells the persona.
     */
    @Test
    void aMillionPacketCaptureIsReadInBoundedMemoryAndStillTellsThePersona(@TempDir Path dir) throws Exception {
        Persona persona = PersonaCatalogue.builtIn().get("smdc-tyan");
        List<byte[]> payloads = new ArrayList<>();
        for (PcapFile.Record r : PcapFile.read(capture("ipmitool_lan_mcinfo.pcap"))) {
            ParsedFrame f = ParsedFrame.parse(r.data()).orElseThrow();
            if (f.udp().isPresent()) {
                payloads.add(f.udp().get().payload());
            }
        }
        Path big = dir.resolve("million.pcap");
        AtomicInteger fresh = new AtomicInteger(7000);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(big), 1 << 16)) {
            PcapFile.Writer w = new PcapFile.Writer(out);
            long t = 1_000_000;
            for (int i = 0; i < 500_000; i++) {
                byte[] rq = TestFrames.Request.to623(payloads.get(2 * (i % (payloads.size() / 2)))).withId(i & 0xFFFF).frame();
                w.write(new PcapFile.Record(t, rq.length, rq));
                byte[] reply = ReplyFrameBuilder.udpReply(ParsedFrame.parse(rq).orElseThrow(), TestFrames.PERSONA, TestFrames.PERSONA_MAC,
                        payloads.get(2 * (i % (payloads.size() / 2)) + 1), persona.quirks(), fresh::incrementAndGet);
                w.write(new PcapFile.Record(t + 300, reply.length, reply));
                t += 60_000; // replies further apart than two copies of one would be
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] peak = {0};
        long[] records = {0};
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        CapturedPersona.Capture sampled = () -> {
            PcapFile.Reader r = PcapFile.open(big);
            return new CapturedPersona.Records() {
                @Override
                public PcapFile.Record next() throws IOException {
                    if (++records[0] % 200_000 == 0) {
                        System.gc();
                        peak[0] = Math.max(peak[0], memory.getHeapMemoryUsage().getUsed() - before);
                    }
                    return r.next();
                }

                @Override
                public void close() throws IOException {
                    r.close();
                }
            };
        };
        long t0 = System.nanoTime();
        CapturedPersona clone = CapturedPersona.of(sampled, Optional.empty());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("persona from a 1,000,000-packet capture (%d MiB): %.2f s, %d records read (BMC found, then replies), "
                + "live heap above the start at most %d KiB%n", Files.size(big) >> 20, seconds, records[0], Math.max(0, peak[0]) >> 10);
        assertEquals(500_000, clone.replies());
        assertEquals(500_000, clone.paired());
        assertEquals(List.of(), PersonaEquivalence.differences(persona, clone, RequestHeader.firstRequest(big)), clone.yaml("smdc-tyan"));
        assertTrue(peak[0] < 16L << 20, "the live heap while reading grew by " + (peak[0] >> 10) + " KiB");
    }
}
