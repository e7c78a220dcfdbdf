package io.quirklab.bmc;

import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RakpMessages;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.RmcpPlusPacket;
import io.quirklab.ipmi.Session15Packet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded fuzz of a socket-mode BMC over real UDP: mutated RMCP, IPMI 1.5 and RMCP+ datagrams (ASF pings,
 * sessionless requests, session challenges and activations, Open Session and RAKP messages, in-session requests,
 * and answers the BMC gave the fuzzer itself), paced so that none is lost in the socket buffers: every datagram
 * sent reaches the BMC. Every {@link #PROBE_EVERY} datagrams a well-formed Get Channel Auth Capabilities must be
 * answered correctly. Reproducible from its seed; bounded in count and time.
 */
public final class NetworkFuzz {
    /** Datagrams between two liveness probes. */
    public static final int PROBE_EVERY = 10_000;
    /** At most this many datagrams sent and not yet handled by the BMC, so the kernel never drops one. */
    private static final int IN_FLIGHT = 128;
    /** Where the fuzz comes from on loopback. */
    public static final String FUZZER_SOURCE = "127.0.0.66";

    /** What a run did. {@code handled} counts datagrams the BMC took in (answered or dropped with a reason). */
    public record Result(long sent, long handled, long answered, long probes, long probesFailed, String drops, double seconds,
                         long heapBeforeBytes, long heapAfterBytes) {
        public boolean passed() {
            return probesFailed == 0 && handled >= sent;
        }
    }

    private final UdpBmcServer server;
    private final Random random;
    private final DatagramMutator mutator;
    private final List<byte[]> corpus;

    public NetworkFuzz(UdpBmcServer server, long seed) {
        this.server = server;
        this.random = new Random(seed);
        this.corpus = seeds(server.bmc().config().ipmi20(), new Random(seed ^ 0x5EED));
        this.mutator = new DatagramMutator(random, corpus);
    }

    /** Sends {@code count} datagrams (or as many as fit {@code limit}) and probes the BMC along the way. */
    public Result run(long count, Duration limit) throws IOException {
        SimulatedBmc bmc = server.bmc();
        long heapBefore = usedHeapAfterGc();
        long handledAtStart = handled(bmc);
        long answeredAtStart = bmc.answeredCount();
        long[] dropsAtStart = drops(bmc);
        long sent = 0;
        long probes = 0;
        long failed = 0;
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        try (DatagramChannel ch = DatagramChannel.open()) {
            if (server.localAddress().getAddress().isLoopbackAddress()) {
                // A source of its own, so the flood spends its own activation budget, not that of clients on 127.0.0.1.
                ch.bind(new InetSocketAddress(FUZZER_SOURCE, 0));
            }
            ch.connect(server.localAddress());
            ch.configureBlocking(false);
            while (sent < count && System.nanoTime() < deadline) {
                while (sent - (handled(bmc) - handledAtStart) >= IN_FLIGHT) {
                    drain(ch, in);
                    Thread.onSpinWait();
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                }
                byte[] d = mutator.mutate(mutator.pick());
                if (random.nextInt(3) == 0) {
                    DatagramMutator.repairIpmiChecksums(d);
                }
                if (d.length == 0 || ch.write(ByteBuffer.wrap(d)) == 0) {
                    continue; // the JDK sends no empty datagrams: nothing reached the BMC, so nothing counts
                }
                sent++;
                if ((sent & 15) == 0) {
                    drain(ch, in);
                }
                if (sent % PROBE_EVERY == 0) {
                    probes++;
                    failed += probe(ch, in) ? 0 : 1;
                }
            }
            waitHandled(bmc, handledAtStart + sent, Duration.ofSeconds(5));
            probes++;
            failed += probe(ch, in) ? 0 : 1;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long heapAfter = usedHeapAfterGc();
        long[] dropsNow = drops(bmc);
        StringBuilder b = new StringBuilder();
        Exchange.Drop[] reasons = Exchange.Drop.values();
        for (int i = 0; i < reasons.length; i++) {
            long n = dropsNow[i] - dropsAtStart[i];
            if (n > 0) {
                b.append(b.length() == 0 ? "" : " ").append(reasons[i]).append('=').append(n);
            }
        }
        // The probes are handled too; they are not fuzz.
        return new Result(sent, handled(bmc) - handledAtStart - probes, bmc.answeredCount() - answeredAtStart, probes, failed,
                b.toString(), secs, heapBefore, heapAfter);
    }

    /** The seed datagrams: one of each kind the BMC takes, well formed, from made-up sessions. */
    static List<byte[]> seeds(boolean ipmi20, Random r) {
        List<byte[]> out = new ArrayList<>();
        byte[] secret = AuthCodes.pad16(BmcConfig.DEFAULT_PASSWORD);
        out.add(RmcpPacket.asf(AsfMessage.ping(r.nextInt(256)).encode()).encode());
        out.add(sessionless(Cmd.GET_CHANNEL_AUTH_CAPABILITIES, new byte[] {0x0E, 0x04}));
        out.add(sessionless(Cmd.GET_CHANNEL_AUTH_CAPABILITIES, new byte[] {(byte) 0x8E, 0x04}));
        for (AuthType t : new AuthType[] {AuthType.MD5, AuthType.MD2, AuthType.PASSWORD, AuthType.NONE}) {
            out.add(sessionless(Cmd.GET_SESSION_CHALLENGE, new ByteWriter().u8(t.code()).bytes(AuthCodes.pad16(BmcConfig.DEFAULT_USER)).toByteArray()));
            byte[] challenge = new byte[16];
            r.nextBytes(challenge);
            byte[] activate = new ByteWriter().u8(t.code()).u8(Privilege.ADMINISTRATOR.level()).bytes(challenge).u32le(0x100).toByteArray();
            out.add(signed(t, r.nextInt(), 0, NetFn.APP, Cmd.ACTIVATE_SESSION, activate, secret));
            int sid = r.nextInt();
            out.add(signed(t, sid, 1, NetFn.APP, Cmd.SET_SESSION_PRIVILEGE, new byte[] {4}, secret));
            out.add(signed(t, sid, 2, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0], secret));
            out.add(signed(t, sid, 3, NetFn.CHASSIS, Cmd.CHASSIS_CONTROL, new byte[] {2}, secret));
            out.add(signed(t, sid, 4, NetFn.STORAGE, Cmd.GET_SDR, new byte[] {0, 0, 0, 0, 0, 5}, secret));
            out.add(signed(t, sid, 5, NetFn.APP, Cmd.CLOSE_SESSION, new ByteWriter().u32le(sid).toByteArray(), secret));
        }
        if (ipmi20) {
            for (CipherSuite s : CipherSuite.values()) {
                out.add(plain(PayloadType.OPEN_SESSION_REQUEST, new RakpMessages.OpenSessionRequest(r.nextInt(256), 0, r.nextInt() | 1,
                        s.authAlg(), s.integrityAlg(), s.confidentialityAlg()).encode()));
            }
            byte[] rm = new byte[16];
            r.nextBytes(rm);
            out.add(plain(PayloadType.RAKP_1, new RakpMessages.Rakp1(1, r.nextInt(), rm, 0x14, BmcConfig.DEFAULT_USER.getBytes(
                    java.nio.charset.StandardCharsets.ISO_8859_1)).encode()));
            byte[] code = new byte[20];
            r.nextBytes(code);
            out.add(plain(PayloadType.RAKP_3, new RakpMessages.Rakp3(1, 0, r.nextInt(), code).encode()));
            out.add(plain(PayloadType.IPMI, IpmiRequest.of(NetFn.APP, Cmd.GET_CHANNEL_CIPHER_SUITES, 1, new byte[] {0x0E, 0, (byte) 0x80}).encode()));
            byte[] sealed = new byte[48];
            r.nextBytes(sealed);
            out.add(RmcpPacket.ipmi(new ByteWriter().u8(AuthType.RMCP_PLUS_FORMAT).u8(0xC0).u32le(r.nextInt()).u32le(1)
                    .u16le(sealed.length).bytes(sealed).toByteArray()).encode());
        }
        return out;
    }

    private static byte[] sessionless(int cmd, byte[] data) {
        return Session15Packet.of(AuthType.NONE, 0, 0, null, IpmiRequest.of(NetFn.APP, cmd, 1, data).encode()).toDatagram();
    }

    private static byte[] signed(AuthType t, int sid, int seq, int netFn, int cmd, byte[] data, byte[] password16) {
        Session15Packet p = Session15Packet.of(t, seq, sid, t == AuthType.NONE ? null : new byte[Session15Packet.AUTH_CODE_LENGTH],
                IpmiRequest.of(netFn, cmd, seq & 0x3F, data).encode());
        return (t == AuthType.NONE ? p : AuthCodes.sign(p, password16)).toDatagram();
    }

    private static byte[] plain(int payloadType, byte[] payload) {
        return RmcpPlusPacket.plain(payloadType, 0, 0, payload).toDatagram();
    }

    /** Reads what the BMC answered the fuzz; an answer to a set-up message becomes a seed of its own. */
    private void drain(DatagramChannel ch, ByteBuffer in) throws IOException {
        for (int i = 0; i < 64; i++) {
            in.clear();
            int n;
            try {
                n = ch.read(in);
            } catch (java.net.PortUnreachableException e) {
                return;
            }
            if (n <= 0) {
                return;
            }
            if (corpus.size() < 256 && random.nextInt(64) == 0) {
                in.flip();
                byte[] d = new byte[in.remaining()];
                in.get(d);
                corpus.add(d); // the BMC's own answers: responses where requests belong, fresh IDs and challenges
            }
        }
    }

    /** A well-formed Get Channel Auth Capabilities must get its right answer within a second. */
    private boolean probe(DatagramChannel ch, ByteBuffer in) throws IOException {
        int seq = 0x3F;
        ch.write(ByteBuffer.wrap(Session15Packet.of(AuthType.NONE, 0, 0, null,
                IpmiRequest.of(NetFn.APP, Cmd.GET_CHANNEL_AUTH_CAPABILITIES, seq, new byte[] {0x0E, 0x04}).encode()).toDatagram()));
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < deadline) {
            in.clear();
            int n;
            try {
                n = ch.read(in);
            } catch (java.net.PortUnreachableException e) {
                return false;
            }
            if (n <= 0) {
                Thread.onSpinWait();
                continue;
            }
            in.flip();
            byte[] d = new byte[in.remaining()];
            in.get(d);
            try {
                IpmiResponse rs = IpmiResponse.decode(Session15Packet.decode(RmcpPacket.decode(d).body()).message());
                if (rs.rqSeq() == seq && rs.cmd() == Cmd.GET_CHANNEL_AUTH_CAPABILITIES && rs.completionCode() == 0) {
                    return true;
                }
            } catch (MalformedPacketException e) {
                // an answer to the fuzz, still in the socket: skip it
            }
        }
        return false;
    }

    private static void waitHandled(SimulatedBmc bmc, long target, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (handled(bmc) < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static long handled(SimulatedBmc bmc) {
        long n = bmc.answeredCount();
        for (Exchange.Drop d : Exchange.Drop.values()) {
            n += bmc.droppedCount(d);
        }
        return n;
    }

    private static long[] drops(SimulatedBmc bmc) {
        Exchange.Drop[] reasons = Exchange.Drop.values();
        long[] out = new long[reasons.length];
        for (int i = 0; i < reasons.length; i++) {
            out[i] = bmc.droppedCount(reasons[i]);
        }
        return out;
    }

    /** Used heap after a few collections: what is still reachable. */
    public static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
