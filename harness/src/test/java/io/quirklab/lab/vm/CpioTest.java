package io.quirklab.lab.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.process.CommandRunner;
import io.quirklab.testing.Require;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioTest {
    @Test
    void everyEntryIsANewcHeaderItsNameAndItsDataEachPaddedToFourBytesThenTheTrailer() {
        byte[] a = new Cpio().add(Cpio.Entry.directory("bin")).add(Cpio.Entry.file("init", 0755, "#!/bin/sh\n".getBytes()))
                .add(Cpio.Entry.characterDevice("dev/console", 5, 1)).bytes();
        List<String[]> entries = read(a);
        assertThat(entries).extracting(e -> e[0]).containsExactly("bin", "init", "dev/console", Cpio.TRAILER);
        assertThat(entries.get(0)[1]).isEqualTo(Integer.toOctalString(0040755));
        assertThat(entries.get(1)[1]).isEqualTo(Integer.toOctalString(0100755));
        assertThat(entries.get(1)[2]).isEqualTo("#!/bin/sh\n");
        assertThat(entries.get(2)[3]).isEqualTo("5:1");
        assertThat(a.length % 4).isZero();
    }

    @Test
    void busyboxCpioListsAndUnpacksWhatItWrites(@TempDir Path dir) throws Exception {
        Require.capability(Require.TOOLS, Files.isExecutable(Path.of("/bin/busybox")), "Test requires busybox (apt-get install busybox-static)");
        byte[] a = new Cpio().add(Cpio.Entry.directory("lib")).add(Cpio.Entry.file("lib/x.ko", 0644, new byte[] {0, 1, 2}))
                .add(Cpio.Entry.symlink("sh", "bin/busybox")).bytes();
        Path archive = dir.resolve("a.cpio");
        Files.write(archive, a);
        CommandRunner.Result r = new CommandRunner().run(Duration.ofSeconds(10),
                List.of("/bin/busybox", "sh", "-c", "cd \"$1\" && busybox cpio -i -d < \"$2\" 2>&1 && ls -l lib/x.ko sh", "sh",
                        dir.toString(), archive.toString()));
        assertThat(r.ok()).as(r.stdout()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("lib/x.ko"))).containsExactly(0, 1, 2);
        assertThat(Files.readSymbolicLink(dir.resolve("sh"))).isEqualTo(Path.of("bin/busybox"));
    }

    @Test
    void anAbsoluteOrEmptyPathIsRefused() {
        assertThatThrownBy(() -> Cpio.Entry.file("/init", 0755, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cpio.Entry.directory("")).isInstanceOf(IllegalArgumentException.class);
    }

    /** name, mode (octal), data, rdev of every entry: a reader written from the format's description, not from the writer. */
    static List<String[]> read(byte[] a) {
        List<String[]> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            String h = new String(a, pos, 110, StandardCharsets.US_ASCII);
            assertThat(h).startsWith("070701");
            int mode = Integer.parseInt(h.substring(14, 22), 16);
            int size = Integer.parseInt(h.substring(54, 62), 16);
            int rdevMajor = Integer.parseInt(h.substring(78, 86), 16);
            int rdevMinor = Integer.parseInt(h.substring(86, 94), 16);
            int nameSize = Integer.parseInt(h.substring(94, 102), 16);
            String name = new String(a, pos + 110, nameSize - 1, StandardCharsets.US_ASCII);
            pos = align(pos + 110 + nameSize);
            String data = new String(a, pos, size, StandardCharsets.ISO_8859_1);
            pos = align(pos + size);
            out.add(new String[] {name, Integer.toOctalString(mode), data, rdevMajor + ":" + rdevMinor});
            if (name.equals(Cpio.TRAILER)) {
                assertThat(pos).isEqualTo(a.length);
                return out;
            }
        }
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }
}
