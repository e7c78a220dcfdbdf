package io.quirklab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.process.CommandRunner;
import io.quirklab.wire.PcapFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** tshark as an oracle: frames written to a pcap and dissected ({@code tshark -V}, checksums checked), one text per frame. */
public final class TsharkText {
    private static final Pattern FRAME = Pattern.compile("(?m)^Frame (\\d+):");

    private TsharkText() {
    }

    /**
     * The frames, written to {@code pcap} a millisecond apart, as tshark dissects them with IP and UDP checksums checked
     * (and IPv4 fragments put together, tshark's default); the test is skipped where tshark is missing.
     */
    public static List<String> dissect(Path pcap, List<byte[]> frames) throws IOException {
        CommandRunner runner = new CommandRunner();
        boolean tshark = runner.run(Duration.ofSeconds(20), List.of("tshark", "--version")).ok();
        Require.capability(Require.TOOLS, tshark, "Test requires tshark (Debian: apt-get install tshark) as an independent checksum oracle");
        List<PcapFile.Record> records = new ArrayList<>();
        for (byte[] f : frames) {
            records.add(new PcapFile.Record(1_700_000_000_000_000L + records.size() * 1000L, f.length, f));
        }
        try (OutputStream out = Files.newOutputStream(pcap)) {
            PcapFile.write(out, records);
        }
        CommandRunner.Result r = runner.run(Duration.ofSeconds(60), List.of("tshark", "-n", "-r", pcap.toString(), "-V",
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"));
        assertThat(r.ok()).as("%s: %s", r.commandLine(), r.stderr()).isTrue();
        List<String> out = frames(r.stdout());
        assertThat(out).as("tshark's frames").hasSize(frames.size());
        return out;
    }

    /** The dissection cut at each "Frame N:" line, in order. */
    public static List<String> frames(String out) {
        List<String> frames = new ArrayList<>();
        Matcher m = FRAME.matcher(out);
        int start = -1;
        while (m.find()) {
            if (start >= 0) {
                frames.add(out.substring(start, m.start()));
            }
            start = m.start();
        }
        if (start >= 0) {
            frames.add(out.substring(start));
        }
        return frames;
    }

    /** The first group of the pattern's first match, or null when it does not occur. */
    public static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
