package io.quirklab.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.matrix.Verdict;
import io.quirklab.wire.FrameInjector;
import io.quirklab.wire.FrameTap;
import io.quirklab.wire.InternetChecksum;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.ParsedFrame;
import io.quirklab.wire.QuirkField;
import io.quirklab.wire.QuirkProfile;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The responder's dispatch over in-memory frames: no pcap, no root. */
class ResponderTest {
    static final MacAddress DUT_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final Inet4Address DUT_IP = ip("198.18.0.1");

    static Inet4Address ip(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Collecting implements FrameInjector {
        final List<byte[]> sent = new CopyOnWriteArrayList<>();

        @Override
        public long send(byte[] frame) {
            sent.add(frame);
            return System.currentTimeMillis() * 1000;
        }

        @Override
        public void close() {
        }
    }

    static final FrameTap NO_TAP = new FrameTap() {
        @Override
        public Optional<Captured> next(Duration timeout) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    };

    static Persona persona(String name, int index, QuirkProfile q) {
        return new Persona(name, "test", ip("198.18.0." + (9 + index)), MacAddress.local(index), q, BmcConfig.smdcDefaults(), Verdict.DELIVERED);
    }

    /** An Ethernet/IPv4/UDP request from the DUT, built by hand (independently of the code under test). */
    static byte[] udpRequest(Inet4Address dst, MacAddress dstMac, int ipId, boolean df, byte[] payload) {
        ByteBuffer udp = ByteBuffer.allocate(8 + payload.length);
        udp.putShort((short) 40000).putShort((short) 623).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        int cs = InternetChecksum.udpChecksum(DUT_IP, dst, 40000, 623, payload);
        udp.putShort(6, (short) (cs == 0 ? 0xFFFF : cs));
        ByteBuffer ip = ByteBuffer.allocate(20 + udp.capacity());
        ip.put((byte) 0x45).put((byte) 0).putShort((short) ip.capacity()).putShort((short) ipId).putShort((short) (df ? 0x4000 : 0))
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(DUT_IP.getAddress()).put(dst.getAddress()).put(udp.array());
        byte[] ipb = ip.array();
        int hc = InternetChecksum.checksum(ipb, 0, 20);
        ipb[10] = (byte) (hc >> 8);
        ipb[11] = (byte) hc;
        ByteBuffer eth = ByteBuffer.allocate(14 + ipb.length);
        eth.put(dstMac.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0800).put(ipb);
        return eth.array();
    }

    static byte[] arpRequest(Inet4Address target) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(MacAddress.BROADCAST.bytes()).put(DUT_MAC.bytes()).putShort((short) 0x0806)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(DUT_MAC.bytes()).put(DUT_IP.getAddress()).put(new byte[6]).put(target.getAddress());
        return b.array();
    }

    static byte[] asfPing(int tag) {
        return RmcpPacket.asf(AsfMessage.ping(tag).encode()).encode();
    }

    @Test
    void answersArpForItsAddressesOnly() {
        Collecting out = new Collecting();
        Persona p = persona("clean", 1, QuirkProfile.CLEAN);
        Responder r = new Responder(List.of(p), NO_TAP, out, new ResponderJournal(100, 1 << 20), s -> { });
        r.handle(new FrameTap.Captured(1, arpRequest(p.address())));
        r.handle(new FrameTap.Captured(2, arpRequest(ip("198.18.0.99"))));
        assertThat(out.sent).hasSize(1);
        ParsedFrame.Arp a = ParsedFrame.parse(out.sent.get(0)).orElseThrow().arp().orElseThrow();
        assertThat(a.op()).isEqualTo(2);
        assertThat(a.senderIp()).isEqualTo(p.address());
        assertThat(a.senderMac()).isEqualTo(p.mac());
    }

    @Test
    void answersAsfPingWithACleanFrame() {
        Collecting out = new Collecting();
        Persona p = persona("clean", 1, QuirkProfile.CLEAN);
        ResponderJournal journal = new ResponderJournal(100, 1 << 20);
        Responder r = new Responder(List.of(p), NO_TAP, out, journal, s -> { });
        r.handle(new FrameTap.Captured(1, udpRequest(p.address(), p.mac(), 0x1234, true, asfPing(7))));
        assertThat(out.sent).hasSize(1);
        ParsedFrame f = ParsedFrame.parse(out.sent.get(0)).orElseThrow();
        assertThat(f.dst()).isEqualTo(DUT_MAC);
        assertThat(f.ipv4().get().dst()).isEqualTo(DUT_IP);
        assertThat(f.ipv4().get().id()).isNotEqualTo(0x1234);
        assertThat(f.ipv4().get().dontFragment()).isTrue();
        assertThat(f.udp().get().srcPort()).isEqualTo(623);
        assertThat(f.udp().get().dstPort()).isEqualTo(40000);
        assertThat(f.udp().get().checksumValid()).isTrue();
        AsfMessage pong = AsfMessage.decode(RmcpPacket.decode(f.udp().get().payload()).body());
        assertThat(pong.tag()).isEqualTo(7);
        assertThat(journal.window(0, Long.MAX_VALUE, "clean")).extracting(ResponderJournal.Entry::direction)
                .containsExactly(ResponderJournal.Direction.IN, ResponderJournal.Direction.OUT);
    }

    @Test
    void templatePersonaEchoesTheRequestIdAndClearsDf() {
        Collecting out = new Collecting();
        QuirkProfile tyan = QuirkProfile.builder().set(QuirkField.TEMPLATE, QuirkProfile.Template.REQUEST)
                .set(QuirkField.DONT_FRAGMENT, false).build();
        Persona p = persona("smdc-tyan", 2, tyan);
        Responder r = new Responder(List.of(p), NO_TAP, out, new ResponderJournal(100, 1 << 20), s -> { });
        r.handle(new FrameTap.Captured(1, udpRequest(p.address(), p.mac(), 0xBEEF, true, asfPing(1))));
        ParsedFrame.Ipv4 ip = ParsedFrame.parse(out.sent.get(0)).orElseThrow().ipv4().orElseThrow();
        assertThat(ip.id()).isEqualTo(0xBEEF);
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.headerChecksumValid()).isTrue();
    }

    /**
     * The kernel can drop a reply, and the harness see the drop, end the client and ask for the probe's journal, while the
     * thread that sent the reply has not yet written it down (a CI run judged such a cell "the BMC stayed silent").
     */
    @Test
    void aProbesJournalWaitsForTheReplyBeingSentAndHasIt() throws Exception {
        java.util.concurrent.CountDownLatch inSend = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FrameInjector slow = new FrameInjector() {
            @Override
            public long send(byte[] frame) {
                inSend.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return System.currentTimeMillis() * 1000;
            }

            @Override
            public void close() {
            }
        };
        Persona p = persona("clean", 1, QuirkProfile.builder().build());
        Responder r = new Responder(List.of(p), NO_TAP, slow, new ResponderJournal(100, 1 << 20), s -> { });
        r.control(new ControlRequest.ProbeBegin("clean", "probe-1"));
        Thread sender = new Thread(() -> r.handle(new FrameTap.Captured(1, udpRequest(p.address(), p.mac(), 1, true, asfPing(1)))));
        sender.start();
        assertThat(inSend.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        r.control(new ControlRequest.ProbeEnd("clean", "probe-1"));
        java.util.concurrent.CompletableFuture<ControlReply.JournalPage> page = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> (ControlReply.JournalPage) r.control(ControlRequest.Journal.ofProbe("probe-1", null)));
        Thread.sleep(200);
        assertThat(page).as("the journal is not answered while the reply is between the interface and the journal").isNotDone();
        release.countDown();
        ControlReply.JournalPage got = page.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(got.requestsSeen()).isEqualTo(1);
        assertThat(got.repliesSent()).isEqualTo(1);
        sender.join(5000);
        r.close();
    }

    @Test
    void duplicateAndDelayedRepliesAreSentAsAsked() throws Exception {
        Collecting out = new Collecting();
        QuirkProfile dup = QuirkProfile.builder().set(QuirkField.DELAY_MILLIS, 100).set(QuirkField.DUPLICATE, true).build();
        Persona p = persona("dup", 3, dup);
        Responder r = new Responder(List.of(p), NO_TAP, out, new ResponderJournal(100, 1 << 20), s -> { });
        long t0 = System.nanoTime();
        r.handle(new FrameTap.Captured(1, udpRequest(p.address(), p.mac(), 1, true, asfPing(1))));
        assertThat(out.sent).isEmpty();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> out.sent.size() == 2);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(100);
        r.close();
    }

    @Test
    void ignoresJunkOtherPortsAndItsOwnFrames() {
        Collecting out = new Collecting();
        Persona p = persona("clean", 1, QuirkProfile.CLEAN);
        Responder r = new Responder(List.of(p), NO_TAP, out, new ResponderJournal(100, 1 << 20), s -> { });
        r.handle(new FrameTap.Captured(1, new byte[] {1, 2, 3}));
        r.handle(new FrameTap.Captured(2, new byte[60]));
        byte[] other = udpRequest(p.address(), p.mac(), 1, true, asfPing(1));
        other[14 + 20 + 3] = 0x70; // destination port 624
        r.handle(new FrameTap.Captured(3, other));
        byte[] own = arpRequest(p.address());
        System.arraycopy(p.mac().bytes(), 0, own, 6, 6);
        r.handle(new FrameTap.Captured(4, own));
        assertThat(out.sent).isEmpty();
    }

    @Test
    void eachPersonasBmcKnowsItsOwnAddressMacAndVlanForLanConfiguration() {
        Persona plain = persona("clean", 1, QuirkProfile.CLEAN);
        QuirkProfile vlan100 = QuirkProfile.builder().set(QuirkField.VLAN_ID, 100).build();
        Persona tagged = persona("vlan-tagged", 2, vlan100);
        try (Responder r = new Responder(List.of(plain, tagged), NO_TAP, new Collecting(), new ResponderJournal(100, 1 << 20), line -> { })) {
            io.quirklab.bmc.LanStation s = r.bmc(plain.address()).orElseThrow().model().station();
            assertThat(s.address()).isEqualTo(plain.address());
            assertThat(s.mac()).containsExactly(plain.mac().bytes());
            assertThat(s.prefixLength()).isEqualTo(24);
            assertThat(s.vlanId()).isZero();
            assertThat(r.bmc(tagged.address()).orElseThrow().model().station().vlanId()).isEqualTo(100);
        }
    }

    @Test
        void aPersonaThatStaysInAReplacedSetKeepsItsIpIdCounterAndSessions() {
        Collecting out = new Collecting();
        Persona p = persona("clean", 1, QuirkProfile.CLEAN);
        Responder r = new Responder(List.of(p), NO_TAP, out, new ResponderJournal(100, 1 << 20), s -> { });
        r.handle(new FrameTap.Captured(1, udpRequest(p.address(), p.mac(), 1, true, asfPing(1))));
        int first = ParsedFrame.parse(out.sent.get(0)).orElseThrow().ipv4().orElseThrow().id();
        // another run's persona joins (an agent replaces the whole set): this one carries on where it was
        r.replacePersonas(List.of(persona("other", 2, QuirkProfile.CLEAN), p));
        r.handle(new FrameTap.Captured(2, udpRequest(p.address(), p.mac(), 2, true, asfPing(2))));
        assertThat(ParsedFrame.parse(out.sent.get(1)).orElseThrow().ipv4().orElseThrow().id()).isEqualTo(first + 1);
        // a persona redefined under the same address starts afresh
        r.replacePersonas(List.of(persona("clean", 3, QuirkProfile.CLEAN)));
        r.handle(new FrameTap.Captured(3, udpRequest(ip("198.18.0.12"), p.mac(), 3, true, asfPing(3))));
        assertThat(out.sent).hasSize(3);
    }
}
