package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.IpmiCallException;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.CompletionCode;
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
import io.quirklab.ipmi.SessionKeys;
import io.quirklab.testing.Captures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the RMCP+ codecs and of a simulated BMC with IPMI 2.0 enabled: captured RMCP+
 * datagrams, fresh set-up messages and sealed in-session requests of live sessions, bit-flipped, cut, stretched
 * and spliced. Nothing may escape {@link SimulatedBmc#handle}; every answer must be well formed; tables stay bounded.
 */
class RmcpPlusFuzzTest {
    private static final long SEED = 0x2_0_17L;
    private static final int ITERATIONS = 60_000;
    private static final int NEW_SESSION_EVERY = 800;
    private static final CipherSuite[] SUITES = {CipherSuite.SUITE_3, CipherSuite.SUITE_17, CipherSuite.SUITE_2, CipherSuite.SUITE_0};
    private static final int[][] COMMANDS = {
        {NetFn.APP, Cmd.GET_DEVICE_ID}, {NetFn.APP, Cmd.GET_CHANNEL_CIPHER_SUITES}, {NetFn.APP, Cmd.SET_SESSION_PRIVILEGE},
        {NetFn.APP, Cmd.GET_SESSION_INFO}, {NetFn.APP, Cmd.CLOSE_SESSION}, {NetFn.APP, Cmd.GET_CHANNEL_AUTH_CAPABILITIES},
        {NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS}, {NetFn.CHASSIS, Cmd.CHASSIS_CONTROL}, {NetFn.STORAGE, Cmd.GET_SDR},
        {NetFn.STORAGE, Cmd.GET_SEL_ENTRY}, {NetFn.STORAGE, Cmd.READ_FRU_DATA}, {NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING},
    };

    /** Mutated datagrams and decoy set-ups come from here, the console's own from RmcpPlusConsole.PEER. */
    private static final java.net.InetSocketAddress FUZZER = new java.net.InetSocketAddress("192.0.2.66", 40623);
    private final Random random = new Random(SEED);
    private final List<String> findings = new ArrayList<>();
    private long findingCount;

    @Test
    void bmcAnswersOrDropsEveryMutatedRmcpPlusDatagramAndStaysBounded() throws IpmiCallException {
        RmcpPlusConsole.SteppingClock clock = new RmcpPlusConsole.SteppingClock();
        // Suite 0 sessions are fuzzed too, so the quirk that offers it is on.
        BmcConfig base = BmcConfig.smdcDefaults().withIpmi20().withQuirks(java.util.EnumSet.of(FirmwareQuirk.CIPHER_ZERO));
        BmcConfig config = base.withUsers(List.of(base.users().get(0), new User(3, "operator", "secret", Privilege.OPERATOR)));
        SimulatedBmc bmc = new SimulatedBmc(config, clock, new Random(SEED + 1));
        List<byte[]> corpus = corpus(bmc);
        RmcpPlusConsole console = null;
        long answered = 0;
        long started = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            clock.advance(Duration.ofMillis(2)); // 120 s over the run: set-up TTLs and idle timeouts come into play
            if (i % NEW_SESSION_EVERY == 0) {
                console = openSession(bmc, clock, SUITES[(i / NEW_SESSION_EVERY) % SUITES.length], i);
            }
            byte[] d = switch (random.nextInt(6)) {
                case 0, 1 -> mutate(corpus.get(random.nextInt(corpus.size())));
                case 2 -> mutate(console.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
                case 3 -> mutate(setUpMessage(bmc, i));
                default -> wellFormed(console);
            };
            Exchange e = handle(bmc, d);
            if (e != null && e.answered()) {
                answered++;
                checkReply(d, e, console);
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RmcpPlusFuzzTest: %d mutated datagrams to a 2.0 SimulatedBmc, %d answered, %d ms%n", ITERATIONS, answered, millis);
        assertThat(findings).as("%d findings", findingCount).isEmpty();
        assertThat(answered).as("fuzzing reached the handlers").isGreaterThan(ITERATIONS / 10);
        assertThat(bmc.activeSessions()).isLessThanOrEqualTo(config.maxSessions());
        assertThat(bmc.pendingHandshakes()).isLessThanOrEqualTo(SessionTable.MAX_PENDING);
    }

    @Test
    void rmcpPlusDecodersRejectMutatedInputOnlyWithMalformedPacketException() throws IpmiCallException {
        SimulatedBmc bmc = new SimulatedBmc(BmcConfig.smdcDefaults().withIpmi20().withQuirks(java.util.EnumSet.of(FirmwareQuirk.CIPHER_ZERO)),
                new RmcpPlusConsole.SteppingClock(), new Random(SEED));
        List<byte[]> corpus = corpus(bmc);
        SessionKeys keys3 = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_3).open().keys();
        SessionKeys keys17 = RmcpPlusConsole.admin(bmc, CipherSuite.SUITE_17).open().keys();
        for (int i = 0; i < ITERATIONS / 2; i++) {
            byte[] d = mutate(corpus.get(random.nextInt(corpus.size())));
            byte[] body = d.length > RmcpPacket.HEADER_LENGTH ? Arrays.copyOfRange(d, RmcpPacket.HEADER_LENGTH, d.length) : d;
            RmcpPlusPacket p = decoded(d, "RmcpPlusPacket.decode", () -> RmcpPlusPacket.decode(body));
            byte[] payload = p != null ? p.payload() : body;
            decoded(d, "OpenSessionRequest.decode", () -> RakpMessages.OpenSessionRequest.decode(payload));
            decoded(d, "OpenSessionResponse.decode", () -> RakpMessages.OpenSessionResponse.decode(payload));
            decoded(d, "Rakp1.decode", () -> RakpMessages.Rakp1.decode(payload));
            decoded(d, "Rakp2.decode", () -> RakpMessages.Rakp2.decode(payload));
            decoded(d, "Rakp3.decode", () -> RakpMessages.Rakp3.decode(payload));
            decoded(d, "Rakp4.decode", () -> RakpMessages.Rakp4.decode(payload));
            decoded(d, "CipherSuite.parseRecords", () -> CipherSuite.parseRecords(payload));
            if (p != null) {
                for (SessionKeys k : new SessionKeys[] {keys3, keys17}) {
                    decoded(d, "SessionKeys.integrityValid", () -> k.integrityValid(body, p));
                    decoded(d, "SessionKeys.plaintext", () -> k.plaintext(p));
                    decoded(d, "SessionKeys.decrypt", () -> k.decrypt(payload));
                }
            }
        }
        assertThat(findings).as("%d inputs made a decoder throw something else", findingCount).isEmpty();
    }

    /** RMCP+ datagrams of the real captures, and fresh ones from a live session of each suite. */
    private static List<byte[]> corpus(SimulatedBmc bmc) throws IpmiCallException {
        List<byte[]> out = new ArrayList<>();
        for (byte[] d : Captures.allPayloads()) {
            if (d.length > RmcpPacket.HEADER_LENGTH && Session15Packet.isRmcpPlus(Arrays.copyOfRange(d, RmcpPacket.HEADER_LENGTH, d.length))) {
                out.add(d);
            }
        }
        for (CipherSuite s : CipherSuite.values()) {
            RmcpPlusConsole c = RmcpPlusConsole.admin(bmc, s);
            out.add(RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, c.handshake.openSessionRequest()));
            c.open();
            out.add(c.request(NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
            out.add(c.request(NetFn.STORAGE, Cmd.GET_SDR, new byte[] {0, 0, 0, 0, 0, 5}));
            c.call(NetFn.APP, Cmd.CLOSE_SESSION, new io.quirklab.ipmi.ByteWriter().u32le(c.handshake.bmcId()).toByteArray());
        }
        return out;
    }

    /** A fresh session; a full table is waited out on the clock, as a console would retry after the idle timeout. */
    private static RmcpPlusConsole openSession(SimulatedBmc bmc, RmcpPlusConsole.SteppingClock clock, CipherSuite suite, long seed)
            throws IpmiCallException {
        RmcpPlusConsole c = new RmcpPlusConsole(bmc, suite, "admin", "secret", null, Privilege.ADMINISTRATOR, seed);
        try {
            c.open();
        } catch (IpmiCallException e) {
            clock.advance(bmc.config().idleTimeout().plusSeconds(1));
            c = new RmcpPlusConsole(bmc, suite, "admin", "secret", null, Privilege.ADMINISTRATOR, seed + 1).open();
        }
        assertThat(c.call(NetFn.APP, Cmd.SET_SESSION_PRIVILEGE, 4).ok()).isTrue();
        return c;
    }

    /** An Open Session request, or RAKP 1 / RAKP 3 of a set-up the BMC knows, from a decoy console. */
    private byte[] setUpMessage(SimulatedBmc bmc, int i) {
        RmcpPlusConsole decoy = RmcpPlusConsole.admin(bmc, SUITES[i % SUITES.length]);
        byte[] open = RmcpPlusConsole.setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, decoy.handshake.openSessionRequest());
        if (random.nextBoolean()) {
            return open;
        }
        try {
            decoy.handshake.openSessionResponse(RmcpPlusConsole.answer(bmc.handle(open, FUZZER)).payload());
            byte[] rakp1 = RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_1, decoy.handshake.rakp1());
            if (random.nextBoolean()) {
                return rakp1;
            }
            decoy.handshake.rakp2(RmcpPlusConsole.answer(bmc.handle(rakp1, FUZZER)).payload());
            return RmcpPlusConsole.setUpDatagram(PayloadType.RAKP_3, decoy.handshake.rakp3());
        } catch (IpmiCallException | AssertionError e) {
            return open; // table full: the open request alone
        }
    }

    /** A correctly sealed request: a known command or any netFn/cmd, random data, sometimes a replayed or far sequence. */
    private byte[] wellFormed(RmcpPlusConsole c) {
        int[] cmd = random.nextInt(4) != 0 ? COMMANDS[random.nextInt(COMMANDS.length)] : new int[] {random.nextInt(0x40) & ~1, random.nextInt(256)};
        byte[] data = new byte[random.nextInt(random.nextInt(8) == 0 ? 100 : 12)];
        random.nextBytes(data);
        int seq = c.nextSequence();
        int jump = random.nextInt(20) == 0 ? random.nextInt(64) - 32 : 0;
        return c.requestAt(seq + jump, cmd[0], cmd[1], data);
    }

    private Exchange handle(SimulatedBmc bmc, byte[] d) {
        try {
            Exchange e = bmc.handle(d, FUZZER);
            if (e == null) {
                finding(d, "handle returned null");
            } else if (!e.answered() && e.summary().contains("internal error")) {
                finding(d, "a bug surfaced as " + e.summary());
            }
            return e;
        } catch (Throwable t) {
            finding(d, "handle threw " + t);
            return null;
        }
    }

    /** Answers are pongs, IPMI 1.5 responses, clear RMCP+ set-up answers, or sealed responses our console can open. */
    private void checkReply(byte[] request, Exchange e, RmcpPlusConsole console) {
        try {
            RmcpPacket rmcp = RmcpPacket.decode(e.reply());
            if (rmcp.classId() == RmcpPacket.CLASS_ASF) {
                assertThat(AsfMessage.decode(rmcp.body()).type()).isEqualTo(AsfMessage.TYPE_PONG);
                return;
            }
            if (!Session15Packet.isRmcpPlus(rmcp.body())) {
                IpmiResponse.decode(Session15Packet.decode(rmcp.body()).message());
                return;
            }
            RmcpPlusPacket p = RmcpPlusPacket.decode(rmcp.body());
            if (p.sessionId() == 0) {
                assertThat(p.authenticated() || p.encrypted()).as("set-up answers travel in clear").isFalse();
                return;
            }
            if (p.sessionId() == console.handshake.consoleId()) {
                IpmiResponse rs = console.response(e);
                if (rs.completionCode() == CompletionCode.UNSPECIFIED) {
                    finding(request, "a handler threw (answered 0xFF): " + e.summary());
                }
            }
        } catch (MalformedPacketException | AssertionError ex) {
            finding(request, "the BMC's own reply is bad (" + ex.getMessage() + "): " + HexFormat.of().formatHex(e.reply()));
        }
    }

    private <T> T decoded(byte[] input, String what, Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (MalformedPacketException expected) {
            return null;
        } catch (RuntimeException e) {
            finding(input, what + " threw " + e);
            return null;
        }
    }

    private void finding(byte[] input, String problem) {
        findingCount++;
        if (findings.size() < 5) {
            findings.add(problem + " <- " + HexFormat.of().formatHex(input));
        }
    }

    /** One to three stacked byte-level mutations; the RMCP+ header fields (offsets 4..17) are hit often. */
    private byte[] mutate(byte[] seed) {
        byte[] d = seed.clone();
        for (int round = 1 + random.nextInt(3); round > 0; round--) {
            if (d.length == 0) {
                d = new byte[] {(byte) random.nextInt(256)};
                continue;
            }
            int kind = random.nextInt(6);
            if (kind == 0) {
                d[random.nextInt(d.length)] ^= (byte) (1 << random.nextInt(8));
            } else if (kind == 1 && d.length > 4) {
                d[4 + random.nextInt(Math.min(14, d.length - 4))] = (byte) (random.nextBoolean() ? random.nextInt(256) : 0xFF);
            } else if (kind == 2) {
                d = Arrays.copyOf(d, random.nextInt(d.length));
            } else if (kind == 3) {
                d = Arrays.copyOf(d, d.length + 1 + random.nextInt(random.nextInt(10) == 0 ? 600 : 24));
            } else if (kind == 4) {
                int at = random.nextInt(d.length);
                d[at] = (byte) (d[at] + (random.nextBoolean() ? 1 : -1));
            } else {
                byte[] tail = new byte[random.nextInt(40)];
                random.nextBytes(tail);
                int keep = random.nextInt(d.length + 1);
                byte[] out = Arrays.copyOf(d, keep + tail.length);
                System.arraycopy(tail, 0, out, keep, tail.length);
                d = out;
            }
        }
        return d;
    }
}
