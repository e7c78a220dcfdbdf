package io.quirklab.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.testing.FrameOracle;
import io.quirklab.testing.TestFrames;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (ones-complement).
        byte[] b = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.sum(b, 0, b.length)).isEqualTo(0xddf2);
        assertThat(InternetChecksum.checksum(b, 0, b.length)).isEqualTo(0x220d);
    }

    @Test
    void oddLengthPadsWithAZeroByte() {
        assertThat(InternetChecksum.sum(new byte[] {0x12, 0x34, 0x56}, 0, 3)).isEqualTo(0x1234 + 0x5600);
    }

    @Test
    void endAroundCarryFolds() {
        assertThat(InternetChecksum.add(0xFFFF, 0x0001)).isEqualTo(0x0001);
        assertThat(InternetChecksum.add(0xFFFF, 0x0000)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.add(0x8000, 0x8000)).isEqualTo(0x0001);
    }

    @Test
    void agreesWithTheOracleOnRandomData() {
        Random r = new Random(7);
        for (int n = 0; n < 2000; n++) {
            byte[] b = new byte[1 + r.nextInt(300)];
            r.nextBytes(b);
            int off = r.nextInt(b.length);
            int len = r.nextInt(b.length - off + 1);
            int expected = len == 0 || allZero(b, off, len) ? 0 : FrameOracle.onesSum(b, off, len);
            assertThat(InternetChecksum.sum(b, off, len)).as("sum of %d bytes at %d", len, off).isEqualTo(expected);
        }
    }

    @Test
    void udpChecksumMatchesTheOracleAndRfc768ZeroRule() {
        Random r = new Random(11);
        for (int n = 0; n < 500; n++) {
            byte[] payload = new byte[r.nextInt(80)];
            r.nextBytes(payload);
            int sport = 1 + r.nextInt(65535);
            byte[] frame = TestFrames.Request.to623(payload).withPorts(sport, TestFrames.DUT).frame();
            int computed = InternetChecksum.udpChecksum(TestFrames.DUT, TestFrames.PERSONA, sport, 623, payload);
            assertThat(InternetChecksum.udpFieldValue(computed)).isEqualTo(FrameOracle.udpChecksumField(frame));
        }
        assertThat(InternetChecksum.udpFieldValue(0)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.udpFieldValue(0x1234)).isEqualTo(0x1234);
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
