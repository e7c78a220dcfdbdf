package io.quirklab.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.wire.FrameTap;
import io.quirklab.wire.PcapFile;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DutCaptureTest {
    static final Inet4Address PERSONA = TestFrame.ip("198.18.0.10");
    static final byte[] PAYLOAD = "reply".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A tap fed by the test; a queued IOException is thrown by next(). */
    static final class QueueTap implements FrameTap {
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        volatile boolean closed;
        long clock = 1_700_000_000_000_000L;

        QueueTap add(byte[] frame) {
            queue.add(new Captured(clock += 1000, frame));
            return this;
        }

        @Override
        public Optional<Captured> next(Duration timeout) throws IOException {
            try {
                Object o = closed ? null : queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (o instanceof IOException e) {
                    throw e;
                }
                return Optional.ofNullable((Captured) o);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static byte[] reply() {
        return TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).bytes();
    }

    @Test
    void theFilterTakesBothDirectionsAndVlanTaggedFrames() {
        assertThat(DutCapture.filterFor(PERSONA)).isEqualTo("host 198.18.0.10 or (vlan and host 198.18.0.10)");
    }

    @Test
    void countsRepliesFromThePersonaAndChecksThemAsReceived() {
        QueueTap tap = new QueueTap()
                .add(reply())
                .add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).badUdpChecksum().bytes())
                .add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).noUdpChecksum().bytes())
                .add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).badIpChecksum().bytes())
                .add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).vlan(42).bytes())
                .add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).moreFragments().bytes())
                .add(TestFrame.udp("198.18.0.1", "198.18.0.10", PAYLOAD).ports(40000, 623).bytes()) // the request
                .add(TestFrame.udp("198.18.0.11", "198.18.0.1", PAYLOAD).bytes()); // another persona
        DutCapture.Frames f = DutCapture.start(tap, PERSONA, 100, 1 << 20).stop();
        assertThat(f.frames()).hasSize(8);
        assertThat(f.failure()).isNull();
        assertThat(f.replies()).extracting(WireReply::udp).containsExactly(WireReply.UdpCheck.VALID, WireReply.UdpCheck.INVALID,
                WireReply.UdpCheck.NONE, WireReply.UdpCheck.VALID, WireReply.UdpCheck.VALID, WireReply.UdpCheck.NOT_CHECKABLE);
        assertThat(f.replies()).extracting(WireReply::ipChecksumValid).containsExactly(true, true, true, false, true, true);
        assertThat(f.replies().get(4).vlanId()).isEqualTo(42);
        assertThat(f.replies().get(0).vlanTagged()).isFalse();
        assertThat(f.udpReplies()).isEqualTo(6);
        assertThat(f.udpChecksumsValid()).isFalse();
        assertThat(f.ipChecksumsValid()).isFalse();
        assertThat(f.summary()).isEqualTo(new DutWire(6, 1, 1, 0, 1, 1, 0));
        assertThat(tap.closed).isTrue();
    }

    @Test
    void validAndMissingChecksumsAreBothValid() {
        QueueTap tap = new QueueTap().add(reply()).add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).noUdpChecksum().bytes());
        DutCapture.Frames f = DutCapture.start(tap, PERSONA, 100, 1 << 20).stop();
        assertThat(f.udpChecksumsValid()).isTrue();
        assertThat(f.ipChecksumsValid()).isTrue();
        assertThat(f.replies().get(0).udpChecksum()).isPositive();
        assertThat(f.replies().get(1).udpChecksum()).isZero();
    }

    @Test
    void aUdpLengthLongerThanThePayloadIsMalformed() {
        byte[] frame = reply();
        frame[14 + 20 + 4] = 0x7F; // UDP length far beyond the IP payload
        DutCapture.Frames f = DutCapture.start(new QueueTap().add(frame), PERSONA, 100, 1 << 20).stop();
        assertThat(f.replies()).extracting(WireReply::udp).containsExactly(WireReply.UdpCheck.MALFORMED);
        assertThat(f.summary().malformedUdp()).isEqualTo(1);
        assertThat(f.udpChecksumsValid()).isTrue();
    }

    @Test
    void keepsAtMostTheBoundsAndCountsTheRest() {
        QueueTap tap = new QueueTap();
        for (int i = 0; i < 5; i++) {
            tap.add(reply());
        }
        DutCapture.Frames byCount = DutCapture.start(tap, PERSONA, 3, 1 << 20).stop();
        assertThat(byCount.frames()).hasSize(3);
        assertThat(byCount.dropped()).isEqualTo(2);
        assertThat(byCount.summary().droppedFrames()).isEqualTo(2);

        QueueTap tap2 = new QueueTap();
        for (int i = 0; i < 5; i++) {
            tap2.add(reply());
        }
        DutCapture.Frames byBytes = DutCapture.start(tap2, PERSONA, 100, reply().length * 2L).stop();
        assertThat(byBytes.frames()).hasSize(2);
        assertThat(byBytes.dropped()).isEqualTo(3);
    }

    @Test
    void stopKeepsFramesThatArriveWhileItDrains() throws Exception {
        QueueTap tap = new QueueTap().add(reply());
        DutCapture c = DutCapture.start(tap, PERSONA, 100, 1 << 20);
        CompletableFuture<DutCapture.Frames> stopped = CompletableFuture.supplyAsync(c::stop);
        Thread.sleep(DutCapture.QUIET.toMillis() / 3);
        tap.add(reply()); // a late reply, still in the capture buffer when stop() was called
        DutCapture.Frames f = stopped.get(5, TimeUnit.SECONDS);
        assertThat(f.frames()).hasSize(2);
        assertThat(c.stop()).isSameAs(f);
    }

    @Test
    void stopEndsEvenWhenFramesKeepComing() throws Exception {
        QueueTap tap = new QueueTap();
        DutCapture c = DutCapture.start(tap, PERSONA, 1_000_000, 1L << 30);
        Thread feeder = new Thread(() -> {
            while (!tap.closed) {
                tap.add(reply());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        feeder.start();
        long t0 = System.nanoTime();
        DutCapture.Frames f = c.stop();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        feeder.join(2000);
        assertThat(ms).isBetween(DutCapture.MAX_DRAIN.toMillis() - 100, DutCapture.MAX_DRAIN.toMillis() + 1500);
        assertThat(f.frames()).isNotEmpty();
    }

    @Test
    void aFailingTapEndsTheCaptureWithTheReason() {
        QueueTap tap = new QueueTap().add(reply());
        tap.queue.add(new IOException("capture on qlab-dut failed: boom"));
        DutCapture.Frames f = DutCapture.start(tap, PERSONA, 100, 1 << 20).stop();
        assertThat(f.frames()).hasSize(1);
        assertThat(f.failure()).isEqualTo("capture on qlab-dut failed: boom");
    }

    @Test
    void writesAPcapFileWiresharkOpens(@TempDir Path tmp) throws IOException {
        QueueTap tap = new QueueTap().add(reply()).add(TestFrame.udp("198.18.0.10", "198.18.0.1", PAYLOAD).vlan(7).bytes());
        DutCapture.Frames f = DutCapture.start(tap, PERSONA, 100, 1 << 20).stop();
        Path file = tmp.resolve("cells/clean__java__on.pcap");
        f.writePcap(file);
        List<PcapFile.Record> back = PcapFile.read(file);
        assertThat(back).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(back.get(i).data()).isEqualTo(f.frames().get(i).data());
            assertThat(back.get(i).timestampMicros()).isEqualTo(f.frames().get(i).timestampMicros());
        }
    }

    @Test
    void boundsMustBePositive() {
        QueueTap tap = new QueueTap();
        assertThatThrownBy(() -> DutCapture.start(tap, PERSONA, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tap.closed).isTrue();
    }
}
