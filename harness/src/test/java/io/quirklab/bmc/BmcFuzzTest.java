package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.bmc.TestConsole.Answer;
import io.quirklab.ipmi.AsfMessage;
import io.quirklab.ipmi.AuthCodes;
import io.quirklab.ipmi.AuthType;
import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.MalformedPacketException;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.NetFn.Cmd;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import io.quirklab.testing.Captures;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the codecs and the simulated BMC, seeded with every datagram real clients and BMCs
 * exchanged in the test resources testdata/ipmi-captures. Deterministic: a failure names the seed-reproducible input in hex.
 */
class BmcFuzzTest {
    private static final long SEED = 0x3289_0105L;
    private static final int MIN_MUTATED = 100_000;
    /** Codec inputs: every one is mutated, so this is at least MIN_MUTATED. */
    private static final int ITERATIONS = 120_000;
    /** BMC inputs: one in five is a generated, well-formed request rather than a mutation. */
    private static final int BMC_ITERATIONS = 130_000;
    private static final int NEW_SESSION_EVERY = 1_000;
    private static final int MAX_PENDING_CHALLENGES = SessionTable.MAX_PENDING;
    private static final long HEAP_SLACK_BYTES = 64L << 20;
    private static final int EXAMPLES_KEPT = 5;
    private static final byte[] SECRET = AuthCodes.pad16("secret");
    private static final InetSocketAddress FUZZER = new InetSocketAddress("192.0.2.66", 40623);
    /** Commands the BMC implements, so generated in-session requests reach handlers, not just the 0xC1 path. */
    private static final int[][] KNOWN_COMMANDS = {
        {NetFn.APP, Cmd.GET_DEVICE_ID}, {NetFn.APP, Cmd.GET_SELF_TEST_RESULTS}, {NetFn.APP, Cmd.GET_ACPI_POWER_STATE},
        {NetFn.APP, Cmd.GET_DEVICE_GUID}, {NetFn.APP, Cmd.GET_SYSTEM_GUID}, {NetFn.APP, Cmd.GET_CHANNEL_AUTH_CAPABILITIES},
        {NetFn.APP, Cmd.GET_SESSION_CHALLENGE}, {NetFn.APP, Cmd.ACTIVATE_SESSION}, {NetFn.APP, Cmd.SET_SESSION_PRIVILEGE},
        {NetFn.APP, Cmd.CLOSE_SESSION}, {NetFn.APP, Cmd.GET_SESSION_INFO}, {NetFn.APP, Cmd.GET_CHANNEL_INFO},
        {NetFn.CHASSIS, Cmd.GET_CHASSIS_CAPABILITIES}, {NetFn.CHASSIS, Cmd.GET_CHASSIS_STATUS},
        {NetFn.CHASSIS, Cmd.CHASSIS_CONTROL}, {NetFn.CHASSIS, Cmd.GET_SYSTEM_RESTART_CAUSE}, {NetFn.CHASSIS, Cmd.GET_POH_COUNTER},
        {NetFn.STORAGE, Cmd.GET_FRU_INVENTORY_AREA_INFO}, {NetFn.STORAGE, Cmd.READ_FRU_DATA},
        {NetFn.STORAGE, Cmd.GET_SDR_REPOSITORY_INFO}, {NetFn.STORAGE, Cmd.RESERVE_SDR_REPOSITORY}, {NetFn.STORAGE, Cmd.GET_SDR},
        {NetFn.STORAGE, Cmd.GET_SEL_INFO}, {NetFn.STORAGE, Cmd.RESERVE_SEL}, {NetFn.STORAGE, Cmd.GET_SEL_ENTRY},
        {NetFn.STORAGE, Cmd.GET_SEL_TIME}, {NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_READING},
        {NetFn.SENSOR_EVENT, Cmd.GET_SENSOR_THRESHOLDS},
    };
    private static final AuthType[] SESSION_AUTH_TYPES = {AuthType.MD5, AuthType.NONE, AuthType.PASSWORD, AuthType.MD2};

    @Test
    void codecsRejectMutatedDatagramsOnlyWithMalformedPacketException() {
        DatagramMutator mutator = new DatagramMutator(new Random(SEED), Captures.allPayloads());
        Findings findings = new Findings();

        for (int i = 0; i < ITERATIONS; i++) {
            byte[] d = mutator.mutate(mutator.pick());
            if (mutator.coin()) {
                DatagramMutator.repairIpmiChecksums(d);
            }
            decodeEveryLayer(d, findings);
        }

        assertThat(findings.examples).as("%d inputs made a decoder throw something other than MalformedPacketException",
                findings.count).isEmpty();
    }

    @Test
    void bmcAnswersOrDropsEveryMutatedDatagramAndStaysBounded() {
        List<byte[]> corpus = Captures.allPayloads();
        ManualClock clock = new ManualClock(Instant.parse("2005-06-01T12:00:00Z"));
        // NONE sessions are fuzzed too, so the quirk that enables them is on.
        BmcConfig base = BmcConfig.smdcDefaults().withQuirks(EnumSet.of(FirmwareQuirk.AUTH_NONE_ACCEPTED));
        BmcConfig config = base.withUsers(List.of(base.users().get(0), new User(3, "operator", "secret", Privilege.OPERATOR),
                new User(4, "viewer", "secret", Privilege.USER)));
        Random random = new Random(SEED);
        DatagramMutator mutator = new DatagramMutator(random, corpus);
        Findings findings = new Findings();
        long heapBefore = usedHeapAfterGc();

        SimulatedBmc bmc = new SimulatedBmc(config, clock, new Random(SEED + 1));
        TestConsole console = null;
        long mutated = 0;
        long answered = 0;
        long dropped = 0;
        long started = System.nanoTime();
        for (int i = 0; i < BMC_ITERATIONS; i++) {
            clock.advance(Duration.ofMillis(1)); // 130 s over the run: challenge TTLs and idle timeouts come into play
            if (i % NEW_SESSION_EVERY == 0) {
                AuthType authType = SESSION_AUTH_TYPES[(i / NEW_SESSION_EVERY) % SESSION_AUTH_TYPES.length];
                console = openSession(bmc, clock, mutator, authType, findings, console);
            }
            int seq = console.nextSequence();
            int kind = random.nextInt(5);
            byte[] d = switch (kind) {
                case 0, 1 -> mutator.mutate(mutator.pick());
                case 2 -> mutator.mutate(console.requestAt(seq, NetFn.APP, Cmd.GET_DEVICE_ID, new byte[0]));
                case 3 -> mutator.mutate(randomCommand(console, seq, random));
                default -> randomCommand(console, seq, random); // well-formed and signed, to reach handlers with odd data
            };
            mutated += kind < 4 ? 1 : 0;
            if (random.nextInt(3) == 0) {
                DatagramMutator.repairIpmiChecksums(d); // lets mutated messages of NONE/PASSWORD sessions reach the handlers
            }
            Exchange e = handle(bmc, d, findings);
            if (e != null && e.answered()) {
                answered++;
                checkReply(d, e, findings);
                followSequence(console, d);
            } else {
                dropped++;
            }
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        long heapAfter = usedHeapAfterGc();

        System.out.printf("BmcFuzzTest: %d datagrams (%d mutated) to SimulatedBmc.handle, %d answered, %d dropped (%s), %d ms%n",
                BMC_ITERATIONS, mutated, answered, dropped, dropReasons(bmc), elapsedMillis);
        assertThat(findings.examples).as("%d findings", findings.count).isEmpty();
        assertThat(mutated).isGreaterThanOrEqualTo(MIN_MUTATED);
        assertThat(answered + dropped).isEqualTo(BMC_ITERATIONS);
        assertThat(answered).as("fuzzing reached the handlers").isGreaterThan(BMC_ITERATIONS / 20);
        assertThat(bmc.activeSessions()).isLessThanOrEqualTo(config.maxSessions());
        assertThat(bmc.pendingChallenges()).isLessThanOrEqualTo(MAX_PENDING_CHALLENGES);
        assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(HEAP_SLACK_BYTES);
    }

    // ---- the BMC side

    /**
     * Opens a fresh session the way a console does, after throwing a mutated copy of each set-up datagram at the BMC.
     * Abandons or closes the previous session at random; a full table is waited out on the clock, as a console
     * would retry after the idle timeout.
     */
    private static TestConsole openSession(SimulatedBmc bmc, ManualClock clock, DatagramMutator mutator, AuthType authType,
                                           Findings findings, TestConsole previous) {
        if (previous != null && mutator.coin()) {
            previous.send(previous.request(NetFn.APP, Cmd.CLOSE_SESSION, le32ints(previous.sessionId())));
        }
        TestConsole decoy = TestConsole.admin(bmc, authType);
        handle(bmc, mutator.mutate(decoy.challengeDatagram()), findings);
        if (decoy.challenge().completionCode() == CompletionCode.OK) {
            handle(bmc, mutator.mutate(decoy.activateDatagram(Privilege.ADMINISTRATOR)), findings);
        }
        TestConsole console = TestConsole.admin(bmc, authType);
        assertThat(console.challenge().completionCode()).as("challenge with %s", authType).isZero();
        Answer a = console.activate(Privilege.ADMINISTRATOR);
        if (a.completionCode() == 0x81) {
            clock.advance(bmc.config().idleTimeout().plusSeconds(1));
            assertThat(console.challenge().completionCode()).isZero();
            a = console.activate(Privilege.ADMINISTRATOR);
        }
        assertThat(a.completionCode()).as("Activate Session with %s: %s", authType, a.exchange().summary()).isZero();
        assertThat(console.setPrivilege(Privilege.ADMINISTRATOR).completionCode()).isZero();
        return console;
    }

    /** A well-formed, correctly signed in-session request: a known command or any netFn/cmd, with random data. */
    private static byte[] randomCommand(TestConsole console, int seq, Random random) {
        int netFn;
        int cmd;
        if (random.nextInt(4) != 0) {
            int[] known = KNOWN_COMMANDS[random.nextInt(KNOWN_COMMANDS.length)];
            netFn = known[0];
            cmd = known[1];
        } else {
            netFn = random.nextInt(0x40) & ~1;
            cmd = random.nextInt(0x100);
        }
        byte[] data = new byte[random.nextInt(random.nextInt(8) == 0 ? 120 : 24)];
        random.nextBytes(data);
        return console.requestAt(seq, netFn, cmd, data);
    }

    /** After an answered in-session request, the console numbers on from it, as a real one would. */
    private static void followSequence(TestConsole console, byte[] answeredRequest) {
        try {
            Session15Packet s = Session15Packet.decode(RmcpPacket.decode(answeredRequest).body());
            int ahead = s.sequence() - console.nextSequence();
            if (s.sessionId() == console.sessionId() && ahead >= 0 && ahead <= 8) {
                console.resumeAt(s.sequence() + 1);
            }
        } catch (MalformedPacketException notInSession) {
            // an ASF ping or other sessionless answer
        }
    }

    /** Nothing may escape handle(), not even an Error. */
    private static Exchange handle(SimulatedBmc bmc, byte[] d, Findings findings) {
        try {
            Exchange e = bmc.handle(d, FUZZER);
            if (e == null) {
                findings.add(d, "handle returned null");
            } else if (!e.answered() && e.summary().contains("internal error")) {
                findings.add(d, "a bug surfaced as " + e.summary());
            }
            return e;
        } catch (Throwable t) {
            findings.add(d, "handle threw " + t);
            return null;
        }
    }

    /** Every answer is a well-formed, correctly signed IPMI 1.5 response, or a pong. */
    private static void checkReply(byte[] request, Exchange e, Findings findings) {
        try {
            RmcpPacket rmcp = RmcpPacket.decode(e.reply());
            if (rmcp.classId() == RmcpPacket.CLASS_ASF) {
                if (AsfMessage.decode(rmcp.body()).type() != AsfMessage.TYPE_PONG) {
                    findings.add(request, "ASF answer that is not a pong: " + e.summary());
                }
                return;
            }
            Session15Packet s = Session15Packet.decode(rmcp.body());
            IpmiResponse rs = IpmiResponse.decode(s.message());
            if ((rs.netFn() & 1) != 1) {
                findings.add(request, "response with even netFn: " + rs);
            }
            if (!AuthCodes.verify(s, SECRET)) { // every user of the fuzzed BMC has password "secret"
                findings.add(request, "response auth code does not verify: " + s);
            }
            if (rs.completionCode() == CompletionCode.UNSPECIFIED) {
                findings.add(request, "a handler threw (answered 0xFF): " + e.summary());
            }
        } catch (MalformedPacketException ex) {
            findings.add(request, "the BMC's own reply does not decode (" + ex.getMessage() + "): " + hex(e.reply()));
        }
    }

    private static String dropReasons(SimulatedBmc bmc) {
        StringBuilder b = new StringBuilder();
        for (Exchange.Drop reason : Exchange.Drop.values()) {
            long n = bmc.droppedCount(reason);
            if (n > 0) {
                b.append(b.length() == 0 ? "" : " ").append(reason).append('=').append(n);
            }
        }
        return b.toString();
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    // ---- the codec side

    /** Each decoder on the raw bytes and on the layer below it; only MalformedPacketException may come out. */
    private static void decodeEveryLayer(byte[] d, Findings findings) {
        RmcpPacket rmcp = decoded(d, findings, "RmcpPacket.decode", () -> RmcpPacket.decode(d));
        int off = d.length == 0 ? 0 : d.length / 3;
        decoded(d, findings, "RmcpPacket.decode(off, len)", () -> RmcpPacket.decode(d, off, d.length - off));
        decoded(d, findings, "Session15Packet.decode (raw)", () -> Session15Packet.decode(d));
        decoded(d, findings, "IpmiRequest.decode (raw)", () -> IpmiRequest.decode(d));
        if (rmcp == null) {
            return;
        }
        decoded(d, findings, "AsfMessage.decode", () -> AsfMessage.decode(rmcp.body()));
        Session15Packet s = decoded(d, findings, "Session15Packet.decode", () -> Session15Packet.decode(rmcp.body()));
        if (s == null) {
            return;
        }
        decoded(d, findings, "IpmiRequest.decode", () -> IpmiRequest.decode(s.message()));
        decoded(d, findings, "IpmiResponse.decode", () -> IpmiResponse.decode(s.message()));
        decoded(d, findings, "AuthCodes.verify", () -> AuthCodes.verify(s, SECRET));
    }

    private static <T> T decoded(byte[] input, Findings findings, String what, Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (MalformedPacketException expected) {
            return null;
        } catch (RuntimeException e) {
            findings.add(input, what + " threw " + e);
            return null;
        }
    }

    // ---- helpers

    private static int[] le32ints(int v) {
        return new int[] {v & 0xFF, v >>> 8 & 0xFF, v >>> 16 & 0xFF, v >>> 24 & 0xFF};
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Problems found, with the first few inputs that show them. */
    private static final class Findings {
        final List<String> examples = new ArrayList<>();
        long count;

        void add(byte[] input, String problem) {
            count++;
            if (examples.size() < EXAMPLES_KEPT) {
                examples.add(problem + " <- " + hex(input));
            }
        }
    }
}
