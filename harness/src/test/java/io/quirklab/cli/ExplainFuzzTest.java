package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.host.ToolOutputs;
import io.quirklab.observe.NicChecksumInfo;
import io.quirklab.observe.OsReport;
import io.quirklab.process.CommandRunner;
import io.quirklab.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pastes mangled the ways people mangle them, seeded: lines a console cut short, the whole re-indented or quoted,
 * re-encoded, and the lines of a file that holds drops shuffled in among another tool's output. Whatever is done to
 * it, a file that holds drops never gets the answer "no drops" (it gets its drops, or "could not read N lines"), and
 * nothing ever throws.
 */
class ExplainFuzzTest {
    /** Files that hold drops, as the tools printed them. */
    static final List<String> WITH_DROPS = List.of("real-world/pktmon/1.txt", "real-world/pktmon/4.txt", "reported/pktmon-ja-25h2.txt",
            "reported/pktmon-zh-checksum.txt", "etw/netsh-tcpip-udp-checksum-failed.txt", "etw/pktmon-with-tcpip-checksum-drop.txt",
            "real-world/netsh-tcpip/1.txt", "real-world/perf-kfree-skb/1.txt", "real-world/perf-kfree-skb/2.txt", "real-world/pwru/1.txt",
            "real-world/pwru/2.txt", "real-world/dropwatch/1.txt", "real-world/dropwatch/2.txt", "real-world/dropwatch/3.txt");
    /** Other outputs to shuffle them into. */
    static final List<String> OTHERS = List.of("real-world/ethtool-S/2.txt", "real-world/netstat-windows/1.txt", "real-world/snmp/1.txt",
            "real-world/get-netadapter/3.txt", "real-world/ethtool-i/2.txt", "real-world/nstat/1.txt", "real-world/netstat-macos/1.txt");
    static final int CASES = 400;

    @TempDir
    Path tmp;

    static List<String> lines(String path) {
        String text = CommandRunner.decode(TestData.bytes(path), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(text.lines().toList());
        if (!out.isEmpty() && out.get(0).startsWith("# source:")) {
            out.remove(0);
        }
        return out;
    }

    /** One mangled paste of {@code drops} (and perhaps {@code other}), and how it was mangled, for the message. */
    record Case(String text, String how) {
    }

    static Case mangle(Random r, List<String> drops, List<String> other) {
        StringBuilder how = new StringBuilder();
        List<String> a = new ArrayList<>(drops);
        if (r.nextBoolean()) {
            how.append("cut ");
            for (int i = 0; i < a.size(); i++) {
                String l = a.get(i);
                if (l.length() > 40 && r.nextInt(10) < 3) {
                    int at = 30 + r.nextInt(l.length() - 30);
                    a.set(i, l.substring(0, at) + (at >= 60 && r.nextBoolean() ? "..." : "\u2026"));
                }
            }
        }
        List<String> all = new ArrayList<>();
        if (other != null && r.nextBoolean()) {
            how.append("shuffled ");
            List<String> b = new ArrayList<>(other);
            int i = 0;
            int j = 0;
            while (i < a.size() || j < b.size()) {
                if (j >= b.size() || i < a.size() && r.nextInt(a.size() + b.size()) < a.size()) {
                    all.add(a.get(i++));
                } else {
                    all.add(b.get(j++));
                }
            }
        } else if (other != null) {
            how.append("after another output ");
            all.addAll(other);
            all.addAll(a);
        } else {
            all.addAll(a);
        }
        String indent = switch (r.nextInt(4)) {
            case 0 -> "";
            case 1 -> "  ";
            case 2 -> "\t";
            default -> "    ";
        };
        String quote = r.nextInt(4) == 0 ? "> " : "";
        how.append("indent='").append(indent).append("' quote='").append(quote).append("' ");
        StringBuilder text = new StringBuilder();
        for (String l : all) {
            String jitter = r.nextInt(10) == 0 ? " ".repeat(r.nextInt(3)) : "";
            text.append(quote).append(indent).append(jitter).append(l).append('\n');
        }
        return new Case(text.toString(), how.toString());
    }

    static byte[] encode(Random r, String text, StringBuilder how) {
        String t = r.nextBoolean() ? text : text.replace("\n", "\r\n");
        return switch (r.nextInt(6)) {
            case 0 -> {
                how.append("UTF-8");
                yield t.getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                how.append("UTF-8 BOM");
                yield ("\uFEFF" + t).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                how.append("UTF-16LE BOM");
                yield ("\uFEFF" + t).getBytes(StandardCharsets.UTF_16LE);
            }
            case 3 -> {
                how.append("UTF-16BE BOM");
                yield ("\uFEFF" + t).getBytes(StandardCharsets.UTF_16BE);
            }
            case 4 -> {
                how.append("UTF-16LE");
                yield t.getBytes(StandardCharsets.UTF_16LE);
            }
            default -> {
                how.append("UTF-16BE");
                yield t.getBytes(StandardCharsets.UTF_16BE);
            }
        };
    }

    @Test
    void aFileThatHoldsDropsIsNeverAnsweredNoDropsAndNothingThrows() throws IOException {
        Random r = new Random(23);
        int runs = 0;
        int explained = 0;
        for (int n = 0; n < CASES; n++) {
            String source = WITH_DROPS.get(r.nextInt(WITH_DROPS.size()));
            String other = r.nextInt(3) == 0 ? null : OTHERS.get(r.nextInt(OTHERS.size()));
            Case c = mangle(r, lines(source), other == null ? null : lines(other));
            StringBuilder how = new StringBuilder(c.how());
            byte[] bytes = encode(r, c.text(), how);
            String what = "case " + n + ": " + source + (other == null ? "" : " with " + other) + ", " + how;
            List<ToolOutputs.ToolOutput> outputs = ToolOutputs.read(bytes);
            OsReport report = ToolOutputs.report(outputs);
            ToolOutputs.verdict(report);
            // what says a reply died: a drop, a reply the NIC flagged bad, or lines that could not be read
            assertThat(report.drops().size() + report.nicChecksums(NicChecksumInfo.Judgement.FLAGGED_BAD).size()
                    + ToolOutputs.unreadEvents(outputs)).as(what).isPositive();
            runs++;
            if (n % 8 == 0) {
                Path f = Files.write(tmp.resolve("paste-" + n + ".txt"), bytes);
                try (Console console = new Console()) {
                    console.run("explain", f.toString());
                    assertThat(console.out()).as(what).doesNotContain("none of these files carries drop evidence")
                            .containsPattern("verdict \\(if the client timed out\\)|could not read").doesNotContain("Exception");
                    assertThat(console.err()).as(what).isEmpty();
                }
                explained++;
            }
        }
        assertThat(runs).isEqualTo(CASES);
        assertThat(explained).isEqualTo(CASES / 8);
    }

    @Test
    void randomBytesAndMangledSamplesNeverThrow() {
        Random r = new Random(2323);
        List<String> all = new ArrayList<>(WITH_DROPS);
        all.addAll(OTHERS);
        for (String path : all) {
            byte[] seed = TestData.bytes(path);
            for (int i = 0; i < 20; i++) {
                byte[] b = seed.clone();
                for (int k = 0; k < 1 + r.nextInt(16); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                ToolOutputs.verdict(ToolOutputs.report(ToolOutputs.read(b)));
            }
        }
        byte[] noise = new byte[1 << 16];
        r.nextBytes(noise);
        assertThat(ToolOutputs.read(noise)).isNotEmpty();
    }
}
