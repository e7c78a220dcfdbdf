package io.quirklab.lab.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The framing of the guest's command channel (a virtio-serial port), chosen so busybox sh can speak it without
 * forking a decoder:
 * <ul>
 *   <li>request: {@code "ID TIMEOUT\n"}, then the script's bytes, then one NUL ({@code read -r -d ''} reads up to it);
 *   <li>reply: {@code "QVM ID EXIT OUTLEN ERRLEN\n"}, then exactly OUTLEN bytes of standard output and ERRLEN bytes of
 *       standard error, so output may hold any byte (a pcap file).
 * </ul>
 * Pure functions over bytes; {@link CommandChannel} moves them.
 */
public final class ChannelFrames {
    /** The first word of every reply header. */
    public static final String REPLY = "QVM";
    /** A header longer than this is not one. */
    static final int MAX_HEADER = 128;
    /** Output beyond this is refused: a runaway command must not exhaust the JVM's memory. */
    static final long MAX_OUTPUT = 64L << 20;
    private static final Pattern HEADER = Pattern.compile("^" + REPLY + " (\\d{1,18}) (\\d{1,3}) (\\d{1,12}) (\\d{1,12})$");

    private ChannelFrames() {
    }

    /**
     * One reply.
     *
     * @param id       the request's id
     * @param exitCode the script's exit code (137 when the guest's timeout killed it)
     * @param stdout   its standard output
     * @param stderr   its standard error
     */
    public record Reply(long id, int exitCode, byte[] stdout, byte[] stderr) {
    }

    /**
     * A request frame.
     *
     * @param timeoutSeconds how long the guest lets the script run (1 or more)
     * @throws IllegalArgumentException for a script with a NUL byte, which would end it early
     */
    public static byte[] request(long id, int timeoutSeconds, String script) {
        if (id < 0 || timeoutSeconds < 1) {
            throw new IllegalArgumentException("request id " + id + ", timeout " + timeoutSeconds + " s (id >= 0, timeout >= 1 s)");
        }
        if (script.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a guest command cannot contain a NUL byte");
        }
        byte[] head = (id + " " + timeoutSeconds + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = script.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + body.length + 1);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** Reads replies out of a byte stream fed in pieces of any size. Not thread-safe. */
    public static final class ReplyDecoder {
        private final ByteArrayOutputStream header = new ByteArrayOutputStream();
        private final Deque<Reply> ready = new ArrayDeque<>();
        private long id;
        private int exitCode;
        private byte[] body;
        private int bodyFill;
        private int outLength;

        /**
         * Takes the next bytes of the stream.
         *
         * @throws IOException when the stream is not made of replies (the channel is out of step: restart the guest)
         */
        public void feed(byte[] data, int offset, int length) throws IOException {
            int i = offset;
            int end = offset + length;
            while (i < end) {
                if (body == null) {
                    byte b = data[i++];
                    if (b == '\n') {
                        startBody(header.toString(StandardCharsets.US_ASCII));
                        header.reset();
                    } else if (header.size() >= MAX_HEADER) {
                        throw new IOException("the guest sent " + MAX_HEADER + " bytes without a reply header");
                    } else {
                        header.write(b);
                    }
                } else {
                    int n = Math.min(end - i, body.length - bodyFill);
                    System.arraycopy(data, i, body, bodyFill, n);
                    bodyFill += n;
                    i += n;
                }
                if (body != null && bodyFill == body.length) {
                    ready.add(new Reply(id, exitCode, Arrays.copyOf(body, outLength), Arrays.copyOfRange(body, outLength, body.length)));
                    body = null;
                }
            }
        }

        private void startBody(String line) throws IOException {
            Matcher m = HEADER.matcher(line);
            if (!m.matches()) {
                throw new IOException("not a reply header from the guest: '" + (line.length() > 40 ? line.substring(0, 40) + "..." : line) + "'");
            }
            long out = Long.parseLong(m.group(3));
            long err = Long.parseLong(m.group(4));
            if (out + err > MAX_OUTPUT) {
                throw new IOException("the guest's reply carries " + (out + err) + " bytes, more than " + MAX_OUTPUT);
            }
            id = Long.parseLong(m.group(1));
            exitCode = Integer.parseInt(m.group(2));
            outLength = (int) out;
            body = new byte[(int) (out + err)];
            bodyFill = 0;
        }

        /** The oldest complete reply not yet taken. */
        public Optional<Reply> next() {
            return Optional.ofNullable(ready.poll());
        }
    }
}
