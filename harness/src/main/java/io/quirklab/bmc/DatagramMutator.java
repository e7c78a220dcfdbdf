package io.quirklab.bmc;

import io.quirklab.ipmi.Checksums;
import io.quirklab.ipmi.IpmiRequest;
import io.quirklab.ipmi.RmcpPacket;
import io.quirklab.ipmi.Session15Packet;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte-level mutations of RMCP/IPMI datagrams, driven by one seeded Random, so a run is reproducible from its seed:
 * bit flips, interesting bytes, truncation, extension, corrupted length fields, splices of two seeds, duplicated
 * chunks. Shared by the in-process fuzz tests and the network fuzz ({@code quirklab bench fuzz}).
 */
public final class DatagramMutator {
    private static final byte[] INTERESTING = {0x00, (byte) 0xFF, 0x7F, (byte) 0x80};
    private final Random random;
    private final List<byte[]> corpus;

    public DatagramMutator(Random random, List<byte[]> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("a mutator needs at least one seed datagram");
        }
        this.random = random;
        this.corpus = corpus;
    }

    public boolean coin() {
        return random.nextBoolean();
    }

    public byte[] pick() {
        return corpus.get(random.nextInt(corpus.size()));
    }

    /** One to four stacked mutations of a copy of {@code seed}. */
    public byte[] mutate(byte[] seed) {
        byte[] d = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            d = once(d);
        }
        return d;
    }

    private byte[] once(byte[] d) {
        if (d.length == 0) {
            return extend(d);
        }
        switch (random.nextInt(7)) {
            case 0 -> d[random.nextInt(d.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> d[random.nextInt(d.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
            case 2 -> d = Arrays.copyOf(d, random.nextInt(d.length));
            case 3 -> d = extend(d);
            case 4 -> corruptLengthField(d);
            case 5 -> d = splice(d, pick());
            default -> d = duplicateChunk(d);
        }
        return d;
    }

    private byte[] extend(byte[] d) {
        int more = random.nextInt(16) == 0 ? 1 + random.nextInt(600) : 1 + random.nextInt(32);
        byte[] tail = new byte[more];
        random.nextBytes(tail);
        byte[] out = Arrays.copyOf(d, d.length + more);
        System.arraycopy(tail, 0, out, d.length, more);
        return out;
    }

    /** Offsets 4..30 hold every length-ish field: ASF data length (11), message length (13 or 29). */
    private void corruptLengthField(byte[] d) {
        if (d.length <= 4) {
            return;
        }
        int at = 4 + random.nextInt(Math.min(30, d.length - 1) - 4 + 1);
        d[at] = switch (random.nextInt(4)) {
            case 0 -> (byte) (d[at] + 1);
            case 1 -> (byte) (d[at] - 1);
            case 2 -> INTERESTING[random.nextInt(INTERESTING.length)];
            default -> (byte) random.nextInt(256);
        };
    }

    private byte[] splice(byte[] d, byte[] other) {
        int head = random.nextInt(d.length + 1);
        int from = random.nextInt(other.length + 1);
        byte[] out = Arrays.copyOf(d, head + other.length - from);
        System.arraycopy(other, from, out, head, other.length - from);
        return out;
    }

    private byte[] duplicateChunk(byte[] d) {
        int from = random.nextInt(d.length);
        int len = 1 + random.nextInt(Math.min(32, d.length - from));
        int at = random.nextInt(d.length + 1);
        byte[] out = new byte[d.length + len];
        System.arraycopy(d, 0, out, 0, at);
        System.arraycopy(d, from, out, at, len);
        System.arraycopy(d, at, out, at + len, d.length - at);
        return out;
    }

    /** Fixes both IPMI checksums of an RMCP/IPMI 1.5 datagram in place, where the length field allows. */
    public static void repairIpmiChecksums(byte[] d) {
        if (d.length < RmcpPacket.HEADER_LENGTH + 10) {
            return;
        }
        int auth = d[4] & 0xFF;
        int lengthAt = RmcpPacket.HEADER_LENGTH + 9 + (auth == 0 ? 0 : Session15Packet.AUTH_CODE_LENGTH);
        if (lengthAt >= d.length) {
            return;
        }
        int len = d[lengthAt] & 0xFF;
        int msg = lengthAt + 1;
        if (len < IpmiRequest.OVERHEAD || msg + len > d.length) {
            return;
        }
        d[msg + 2] = (byte) Checksums.of(d, msg, msg + 2);
        d[msg + len - 1] = (byte) Checksums.of(d, msg + 3, msg + len - 1);
    }
}
