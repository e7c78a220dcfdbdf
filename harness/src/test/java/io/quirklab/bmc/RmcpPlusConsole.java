package io.quirklab.bmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.IpmiCallException;
import io.quirklab.client.RmcpPlusHandshake;
import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.IpmiResponse;
import io.quirklab.ipmi.PayloadType;
import io.quirklab.ipmi.Privilege;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.RmcpPlusPacket;
import io.quirklab.ipmi.SessionKeys;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * An RMCP+ remote console talking to a {@link SimulatedBmc} in datagrams, built from the client's pure
 * {@link RmcpPlusHandshake} and the ipmi codecs. Builders only make bytes, so tests can tamper with or replay them.
 */
final class RmcpPlusConsole {
    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.20", 50623);

    final SimulatedBmc bmc;
    final RmcpPlusHandshake handshake;
    private final Random random;
    private SessionKeys keys;
    private int sequence = 1;
    private int rqSeq;
    private InetSocketAddress peer = PEER;

    RmcpPlusConsole(SimulatedBmc bmc, CipherSuite suite, String user, String password, byte[] kg, Privilege privilege, long seed) {
        this.bmc = bmc;
        this.random = new Random(seed);
        this.handshake = new RmcpPlusHandshake(suite, user, password, kg, privilege, random);
    }

    static RmcpPlusConsole admin(SimulatedBmc bmc, CipherSuite suite) {
        return new RmcpPlusConsole(bmc, suite, BmcConfig.DEFAULT_USER, BmcConfig.DEFAULT_PASSWORD, null, Privilege.ADMINISTRATOR, suite.id());
    }

    /** A set-up message in clear, outside a session. */
    static byte[] setUpDatagram(int payloadType, byte[] payload) {
        return RmcpPlusPacket.plain(payloadType, 0, 0, payload).toDatagram();
    }

    /** The payload of the BMC's RMCP+ answer; fails the test when the BMC stayed silent. */
    static RmcpPlusPacket answer(Exchange e) {
        assertThat(e.answered()).as("BMC answered, but: %s", e.summary()).isTrue();
        return RmcpPlusPacket.decode(RmcpPacket.decode(e.reply()).body());
    }

    Exchange send(byte[] datagram) {
        return bmc.handle(datagram, peer);
    }

    /** Sends from {@code from} instead of {@link #PEER}. */
    RmcpPlusConsole from(InetSocketAddress from) {
        this.peer = from;
        return this;
    }

    /** Open Session, RAKP 1 and RAKP 3, each answer checked by the handshake; afterwards requests run in the session. */
    RmcpPlusConsole open() throws IpmiCallException {
        handshake.openSessionResponse(answer(send(setUpDatagram(PayloadType.OPEN_SESSION_REQUEST, handshake.openSessionRequest()))).payload());
        handshake.rakp2(answer(send(setUpDatagram(PayloadType.RAKP_1, handshake.rakp1()))).payload());
        keys = handshake.rakp4(answer(send(setUpDatagram(PayloadType.RAKP_3, handshake.rakp3()))).payload());
        return this;
    }

    SessionKeys keys() {
        return keys;
    }

    int nextSequence() {
        return sequence++;
    }

    /** A sealed in-session request at the given session sequence number. */
    byte[] requestAt(int seq, int netFn, int cmd, byte[] data) {
        rqSeq = (rqSeq + 1) & 0x3F;
        byte[] iv = new byte[SessionKeys.AES_BLOCK];
        random.nextBytes(iv);
        return RmcpPacket.ipmi(keys.seal(PayloadType.IPMI, handshake.bmcId(), seq, IpmiRequest.of(netFn, cmd, rqSeq, data).encode(), iv)).encode();
    }

    byte[] request(int netFn, int cmd, byte[] data) {
        return requestAt(nextSequence(), netFn, cmd, data);
    }

    /** Checks an in-session answer (our console ID, the suite's protection, a valid auth code) and decrypts it. */
    IpmiResponse response(Exchange e) {
        RmcpPlusPacket p = answer(e);
        assertThat(p.sessionId()).as("responses carry the console's session ID").isEqualTo(handshake.consoleId());
        assertThat(p.authenticated()).isEqualTo(keys.suite().authenticated());
        assertThat(p.encrypted()).isEqualTo(keys.suite().encrypted());
        if (p.authenticated()) {
            assertThat(keys.integrityValid(RmcpPacket.decode(e.reply()).body(), p)).as("auth code of %s", p).isTrue();
        }
        return IpmiResponse.decode(keys.plaintext(p));
    }

    IpmiResponse call(int netFn, int cmd, byte[] data) {
        return response(send(request(netFn, cmd, data)));
    }

    IpmiResponse call(int netFn, int cmd, int... data) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) data[i];
        }
        return call(netFn, cmd, b);
    }

    /** A clock the test moves by hand. */
    static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2005-06-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
